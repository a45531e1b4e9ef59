/**
 * Worker: runs one detector kernel (shared/engine/detectors) on a shared feature matrix and turns its output
 * into decisions (finishClass). Rows at positions ≥ datasetRows are trusted reference rows, scored alongside.
 */
import type { MessagePort } from 'node:worker_threads';
import type { DetectorName, DetectorParams, FlagRule } from '../../shared/domain/detectors.ts';
import { rowsByClass } from '../../shared/engine/matrix.ts';
import { finishClass, type ClassOutcome } from '../../shared/engine/detectors/finish.ts';
import { knnCandidates, knnCapacity, knnFinish, knnGraphRange, type KnnCandidates, type KnnGraph } from '../../shared/engine/detectors/knn.ts';
import { CLASS_DETECTORS, GLOBAL_DETECTORS, GRAPH_DETECTORS, truncateGraph } from '../../shared/engine/detectors/registry.ts';
import type { ClassTest, Diagnostics, GlobalDetection } from '../../shared/engine/detectors/types.ts';
import { spectralSignatureClass } from '../../shared/engine/spectral.ts';
import { progressReporter } from './progress.ts';
import { moveResult } from './transfer.ts';

interface MatrixTask {
  detector: DetectorName;
  params: DetectorParams;
  flag: FlagRule;
  /** Dataset rows, then any reference rows, on a SharedArrayBuffer (shared, not copied). */
  features: Float32Array;
  rows: number;
  cols: number;
  /** Rows before this position are the dataset's; after it, trusted reference rows. */
  datasetRows: number;
  classCount: number;
  progressPort?: MessagePort;
}

export interface ClassPiece extends ClassOutcome {
  classTest: ClassTest | null;
  /** x, y interleaved for the class's dataset rows; null without a view. */
  projection: Float32Array | null;
  projectionAxes: [string, string] | null;
  diagnostics: Diagnostics;
}

export function runClass(task: MatrixTask & { rowIndex: Int32Array }): ClassPiece {
  const kernel = CLASS_DETECTORS[task.detector];
  if (!kernel) throw new Error(`'${task.detector}' is not a per-class detector`);
  const report = progressReporter(task.progressPort);
  const matrix = { data: task.features, rows: task.rows, cols: task.cols };
  const raw = kernel(matrix, task.rowIndex, task.params as never, (f) => report(f, task.detector));
  const isReference = task.rows > task.datasetRows ? Uint8Array.from(task.rowIndex, (r) => (r >= task.datasetRows ? 1 : 0)) : null;
  const outcome = finishClass(raw, isReference, task.flag, task.classCount);
  let projection: Float32Array | null = null;
  if (raw.projection) {
    const { x, y } = raw.projection;
    projection = new Float32Array(2 * outcome.scores.length);
    let k = 0;
    for (let i = 0; i < x.length; i++) {
      if (isReference?.[i]) continue;
      projection[2 * k] = x[i];
      projection[2 * k + 1] = y[i];
      k++;
    }
  }
  const piece: ClassPiece = {
    ...outcome,
    classTest: raw.classTest,
    projection,
    projectionAxes: raw.projection ? [raw.projection.xLabel, raw.projection.yLabel] : null,
    diagnostics: raw.diagnostics,
  };
  report(1, 'done');
  return moveResult(piece, [piece.scores, piece.flagged, ...(piece.pValues ? [piece.pValues] : []), ...(projection ? [projection] : [])]);
}

export interface GlobalPieces {
  classes: Omit<ClassPiece, 'projection' | 'projectionAxes'>[];
  diagnostics: Diagnostics;
}

export function runGlobal(task: MatrixTask & { labels: Int32Array }): GlobalPieces {
  const kernel = GLOBAL_DETECTORS[task.detector];
  if (!kernel) throw new Error(`'${task.detector}' is not a whole-dataset detector`);
  const report = progressReporter(task.progressPort);
  const matrix = { data: task.features, rows: task.rows, cols: task.cols };
  const raw = kernel(matrix, task.labels, task.classCount, task.params as never, (f) => report(f, task.detector));
  report(1, 'done');
  return finishGlobal(raw, task);
}

/** A k-NN graph detector on the graph the host built once for the scan (on SharedArrayBuffers). */
export function runGraph(task: MatrixTask & { labels: Int32Array; graph: KnnGraph }): GlobalPieces {
  const entry = GRAPH_DETECTORS[task.detector];
  if (!entry) throw new Error(`'${task.detector}' does not work from a k-NN graph`);
  const graph = truncateGraph(task.graph, entry.k(task.params));
  const matrix = { data: task.features, rows: task.rows, cols: task.cols };
  return finishGlobal(entry.fromGraph(graph, matrix, task.labels, task.classCount, task.params as never), task);
}

/** Rows [start, end) of the exact k-NN graph of the whole matrix; the host runs disjoint ranges in parallel. */
export function knnRange(task: { features: Float32Array; rows: number; cols: number; k: number; start: number; end: number; progressPort?: MessagePort }): KnnGraph {
  const report = progressReporter(task.progressPort);
  const part = knnGraphRange({ data: task.features, rows: task.rows, cols: task.cols }, task.k, task.start, task.end, {
    onProgress: (f) => report(f, 'nearest neighbours'),
  });
  report(1, 'done');
  return moveResult(part, [part.indices, part.distances]);
}

/**
 * Phase 1 of the parallel self-search: part `part` of `parts` of the symmetric tile pairs, as candidate lists
 * for all rows on SharedArrayBuffers (the host hands every part to each finishing task without copying).
 */
export function knnCandidatesPart(task: { features: Float32Array; rows: number; cols: number; k: number; part: number; parts: number; progressPort?: MessagePort }): KnnCandidates {
  const report = progressReporter(task.progressPort);
  const x = { data: task.features, rows: task.rows, cols: task.cols };
  const out = knnCandidates(x, knnCapacity(task.k, task.rows - 1), task.part, task.parts, {
    shared: true,
    onProgress: (f) => report(f, 'nearest neighbours'),
  });
  report(1, 'done');
  return out;
}

/** Phase 2: rows [start, end) of the graph from all parts' candidate lists (merge, refine, certify). */
export function knnFinishRange(task: { features: Float32Array; rows: number; cols: number; k: number; start: number; end: number; candidates: KnnCandidates[]; progressPort?: MessagePort }): KnnGraph {
  const report = progressReporter(task.progressPort);
  const part = knnFinish({ data: task.features, rows: task.rows, cols: task.cols }, task.k, task.candidates, task.start, task.end);
  report(1, 'done');
  return moveResult(part, [part.indices, part.distances]);
}

function finishGlobal(raw: GlobalDetection, task: MatrixTask & { labels: Int32Array }): GlobalPieces {
  const classes = rowsByClass(task.labels, task.classCount).map((rowIndex, c) => {
    const pickF = (a: Float64Array | null) => (a ? Float64Array.from(rowIndex, (r) => a[r]) : null);
    const pickU = (a: Uint8Array | null) => (a ? Uint8Array.from(rowIndex, (r) => a[r]) : null);
    const isReference = task.rows > task.datasetRows ? Uint8Array.from(rowIndex, (r) => (r >= task.datasetRows ? 1 : 0)) : null;
    const classTest = raw.perClass[c]?.classTest ?? null;
    const outcome = finishClass({ scores: pickF(raw.scores)!, pValues: pickF(raw.pValues), ruleFlags: pickU(raw.ruleFlags), classTest }, isReference, task.flag, task.classCount);
    return { ...outcome, classTest, diagnostics: raw.perClass[c]?.diagnostics ?? {} };
  });
  return { classes, diagnostics: raw.diagnostics };
}

// Warm the hot loops on a tiny class at load so V8 compiles them before the first real task
// (stack.md: a cold worker's loop was sometimes stuck ~3x slower after repeated deopts).
{
  const tiny = new Float32Array(64 * 8).map((_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
  const rows = Int32Array.from({ length: 64 }, (_, i) => i);
  for (let i = 0; i < 20; i++) spectralSignatureClass({ data: tiny, rows: 64, cols: 8 }, rows, { epsilon: 0.05, budgetFactor: 1.5 });
}
