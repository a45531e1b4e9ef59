/**
 * Worker: drift statistics over a range of matched feature columns, and the embedding-set tests, on the two
 * datasets' shared feature matrices (read in place, never copied whole). Decodes the task, calls
 * shared/engine/drift, reports progress; nothing more.
 */
import type { MessagePort } from 'node:worker_threads';
import type { DriftThresholds, EmbeddingDriftOptions, NumericColumnDrift } from '../../shared/domain/drift.ts';
import { numericColumnDrift, sortedColumns } from '../../shared/engine/drift/column.ts';
import { domainClassifier, mmdTest, sampleBoth, type AucResult, type MmdResult } from '../../shared/engine/drift/embedding.ts';
import { progressReporter } from './progress.ts';

/** Columns read per pass over the rows: 8 float32 values share a 32-byte span of each row. */
const COLUMN_BLOCK = 8;

export interface SideMatrix {
  /** Row-major rows × cols on a SharedArrayBuffer. */
  features: Float32Array;
  rows: number;
  cols: number;
}

/** One compared column: its name, its position in each dataset, and its index in the result. */
export interface ColumnPair {
  name: string;
  baselineCol: number;
  currentCol: number;
  index: number;
}

export function columns(task: { baseline: SideMatrix; current: SideMatrix; pairs: ColumnPair[]; thresholds: DriftThresholds; progressPort?: MessagePort }): NumericColumnDrift[] {
  const report = progressReporter(task.progressPort);
  const b = { data: task.baseline.features, rows: task.baseline.rows, cols: task.baseline.cols };
  const c = { data: task.current.features, rows: task.current.rows, cols: task.current.cols };
  const out: NumericColumnDrift[] = [];
  // Blocks of neighbouring columns share one pass over each matrix's rows (see sortedColumns).
  for (let start = 0; start < task.pairs.length; start += COLUMN_BLOCK) {
    const block = task.pairs.slice(start, start + COLUMN_BLOCK);
    const sb = sortedColumns(b, Int32Array.from(block, (p) => p.baselineCol));
    const sc = sortedColumns(c, Int32Array.from(block, (p) => p.currentCol));
    block.forEach((pair, k) => {
      out.push(numericColumnDrift(pair.name, pair.index, sb[k].values, sc[k].values, sb[k].dropped, sc[k].dropped, task.thresholds));
      report((start + k + 1) / task.pairs.length, pair.name);
    });
  }
  return out;
}

export interface EmbeddingPieces {
  mmd: MmdResult;
  domain: AucResult & { folds: number };
  samples: { mmd: { baseline: number; current: number }; classifier: { baseline: number; current: number } };
}

export function embedding(task: { baseline: SideMatrix; current: SideMatrix; pairs: ColumnPair[]; options: EmbeddingDriftOptions; progressPort?: MessagePort }): EmbeddingPieces {
  const report = progressReporter(task.progressPort);
  const { options } = task;
  const view = (side: SideMatrix, pick: (p: ColumnPair) => number) => ({
    x: { data: side.features, rows: side.rows, cols: side.cols },
    colMap: Int32Array.from(task.pairs, pick),
  });
  const base = view(task.baseline, (p) => p.baselineCol);
  const cur = view(task.current, (p) => p.currentCol);
  const forMmd = sampleBoth(base, cur, options.mmdSample, options.seed);
  const mmd = mmdTest(forMmd.baseline, forMmd.current, forMmd.d, {
    permutations: options.permutations,
    seed: options.seed,
    onProgress: (f) => report(0.6 * f, 'MMD'),
  });
  const forClassifier = sampleBoth(base, cur, options.classifierSample, options.seed + 1);
  const domain = domainClassifier(forClassifier.baseline, forClassifier.current, forClassifier.d, {
    folds: options.folds,
    seed: options.seed,
    onProgress: (f) => report(0.6 + 0.4 * f, 'domain classifier'),
  });
  report(1, 'done');
  const rows = (s: { baseline: Float64Array; current: Float64Array; d: number }) => ({ baseline: s.baseline.length / s.d, current: s.current.length / s.d });
  return { mmd, domain, samples: { mmd: rows(forMmd), classifier: rows(forClassifier) } };
}
