import { DETECTORS, resolveParams } from '../../shared/domain/detector-catalog.ts';
import type { DetectorClassResult, DetectorRun, ScanRequest, ScanResult } from '../../shared/domain/detectors.ts';
import { agreementBits, consensusRanks, flagNote, mergeClasses } from '../../shared/engine/detectors/finish.ts';
import type { KnnCandidates, KnnGraph } from '../../shared/engine/detectors/knn.ts';
import { availableDetectors, GRAPH_DETECTORS, RULE_TEXT } from '../../shared/engine/detectors/registry.ts';
import { rowsByClass } from '../../shared/engine/matrix.ts';
import type { ClassPiece, GlobalPieces } from '../workers/detect.worker.ts';
import type { LoadedDataset } from './datasets.ts';
import { HostError } from './errors.ts';
import { linkedAbort, type JobContext } from './jobs.ts';
import { taskBounds, type WorkerPool } from './pool.ts';

/** Checks a scan request before it becomes a job, so a bad parameter is a message, not a failed job. */
export function validateScan(request: ScanRequest): void {
  if (request.detectors.length === 0) throw new HostError('bad-request', 'choose at least one detector');
  if (request.detectors.length > 16) throw new HostError('bad-request', 'at most 16 detector runs per scan');
  const available = availableDetectors();
  for (const d of request.detectors) {
    if (!available.includes(d.name)) throw new HostError('bad-request', `detector '${d.name}' is not available in this version; available: ${available.join(', ')}`);
    try {
      resolveParams(d.name, d.params);
    } catch (error) {
      throw new HostError('bad-request', (error as Error).message);
    }
  }
}

/**
 * Runs the requested detectors one after another; a per-class detector runs as one worker task per class
 * (the pool's threads share the classes), a whole-dataset detector as one task. Every task flags its rows
 * under the scan's rule; this function only merges pieces into row-order arrays and ranks the consensus.
 * If any task fails, or the job is cancelled, the scan's other tasks are aborted too.
 */
export async function runScan(
  pool: WorkerPool,
  dataset: LoadedDataset,
  reference: LoadedDataset | null,
  request: ScanRequest,
  context: JobContext,
): Promise<ScanResult> {
  const { summary, labels } = dataset;
  const n = summary.rows;
  const classCount = summary.classNames.length;
  const matrix = reference ? combine(dataset, reference) : { features: dataset.features, labels, rows: n };
  const byClass = rowsByClass(matrix.labels, classCount);
  const datasetByClass = rowsByClass(labels, classCount);

  const link = linkedAbort(context.signal);
  const runs: DetectorRun[] = [];
  let graph: KnnGraph | null = null;
  try {
    for (const [d, requested] of request.detectors.entries()) {
      const info = DETECTORS[requested.name];
      const params = resolveParams(requested.name, requested.params);
      const base = {
        detector: requested.name,
        params,
        flag: request.flag,
        features: matrix.features,
        rows: matrix.rows,
        cols: summary.dims,
        datasetRows: n,
        classCount,
      };
      const stage = `${info.title} (${d + 1}/${request.detectors.length})`;
      const fractions = new Float64Array(info.scope === 'class' ? classCount : 1);
      const report = () => {
        const within = info.scope === 'class' ? fractions.reduce((s, f, c) => s + f * byClass[c].length, 0) / Math.max(1, matrix.rows) : fractions[0];
        context.progress((d + within) / request.detectors.length, stage, info.summary);
      };
      const options = (slot: number) => ({
        signal: link.signal,
        onProgress: (p: { fraction: number }) => {
          fractions[slot] = p.fraction;
          report();
        },
      });

      const started = performance.now();
      let pieces: Omit<ClassPiece, 'projection' | 'projectionAxes'>[];
      let projections: (Float32Array | null)[] = [];
      let axes: [string, string] | null = null;
      let diagnostics = {};
      if (info.scope === 'class') {
        const classPieces = await Promise.all(
          byClass.map((rowIndex, c) => link.fail(pool.run<ClassPiece>('detect', 'runClass', { ...base, rowIndex }, options(c)))),
        );
        pieces = classPieces;
        projections = classPieces.map((p) => p.projection);
        axes = classPieces.find((p) => p.projectionAxes)?.projectionAxes ?? null;
      } else if (GRAPH_DETECTORS[requested.name]) {
        graph ??= await link.fail(buildGraph(pool, matrix.features, matrix.rows, summary.dims, graphK(request), link.signal, (f) => {
          fractions[0] = 0.95 * f;
          report();
        }));
        const global = await link.fail(pool.run<GlobalPieces>('detect', 'runGraph', { ...base, labels: matrix.labels, graph }, options(0)));
        pieces = global.classes;
        diagnostics = global.diagnostics;
      } else {
        const global = await link.fail(pool.run<GlobalPieces>('detect', 'runGlobal', { ...base, labels: matrix.labels }, options(0)));
        pieces = global.classes;
        diagnostics = global.diagnostics;
      }

      const merged = mergeClasses(pieces, datasetByClass, n, request.flag);
      const projection = axes ? new Float32Array(2 * n) : null;
      if (projection) {
        projections.forEach((xy, c) => datasetByClass[c].forEach((row, i) => xy && projection.set(xy.subarray(2 * i, 2 * i + 2), 2 * row)));
      }
      const classes: DetectorClassResult[] = pieces.map((piece, c) => ({
        classIndex: c,
        className: summary.classNames[c],
        count: datasetByClass[c].length,
        flagged: merged.perClass[c].flagged,
        threshold: merged.perClass[c].threshold,
        contamination: piece.contamination,
        classTest: piece.classTest,
        verdict: piece.verdict,
        diagnostics: piece.diagnostics,
      }));
      runs.push({
        detector: requested.name,
        params,
        scores: merged.scores,
        pValues: merged.pValues,
        flagged: merged.flagged,
        flagMode: merged.mode,
        flagNote: flagNote(request.flag, merged.mode, RULE_TEXT[requested.name]),
        projection,
        projectionAxes: axes,
        classes,
        diagnostics,
        seconds: (performance.now() - started) / 1000,
      });
    }
  } finally {
    link.done();
  }

  return {
    datasetId: summary.id,
    datasetSha256: summary.sha256,
    labels: Int32Array.from(labels),
    classNames: summary.classNames,
    flag: request.flag,
    reference: reference ? { datasetId: reference.summary.id, sha256: reference.summary.sha256, rows: reference.summary.rows } : null,
    runs,
    consensus: consensusRanks(runs.map((r) => r.scores), labels, datasetByClass),
    agreement: agreementBits(runs.map((r) => r.flagged), n),
  };
}

/** The largest k any graph detector of the scan asks for. */
function graphK(request: ScanRequest): number {
  let k = 1;
  for (const d of request.detectors) {
    const entry = GRAPH_DETECTORS[d.name];
    if (entry) k = Math.max(k, entry.k(resolveParams(d.name, d.params)));
  }
  return k;
}

/**
 * The exact k-NN graph of all rows, in two parallel phases (shared/engine/detectors/knn.ts):
 * 1. the symmetric tile pairs (each pair of rows computed once) split into `pool.threads · 2` parts, each a
 *    task returning candidate lists for all rows on SharedArrayBuffers (≈ 8·(k + 8) bytes per row per part);
 * 2. the rows split into as many ranges, each task merging the parts' lists for its rows, refining them in
 *    float64 and certifying them (re-searching the rare rows that fail).
 * The ranges are copied into SharedArrayBuffers so that every graph detector's worker reads the same graph
 * without a copy. Progress: phase 1 is ~97 % of the work.
 */
export async function buildGraph(
  pool: WorkerPool,
  features: Float32Array,
  rows: number,
  cols: number,
  k: number,
  signal: AbortSignal,
  onProgress: (fraction: number) => void,
): Promise<KnnGraph> {
  const parts = Math.max(1, Math.min(rows, pool.threads * 2));
  const done = new Float64Array(parts);
  const report = () => onProgress((0.97 * done.reduce((s, f) => s + f, 0)) / parts);
  const candidates = await Promise.all(
    Array.from({ length: parts }, (_, part) =>
      pool.run<KnnCandidates>('detect', 'knnCandidatesPart', { features, rows, cols, k, part, parts }, {
        signal,
        onProgress: (p) => {
          done[part] = p.fraction;
          report();
        },
      }),
    ),
  );
  const bounds = taskBounds(rows, parts);
  let finished = 0;
  const pieces = await Promise.all(
    bounds.slice(0, -1).map(async (start, i) => {
      const piece = await pool.run<KnnGraph>('detect', 'knnFinishRange', { features, rows, cols, k, start, end: bounds[i + 1], candidates }, { signal });
      finished += bounds[i + 1] - start;
      onProgress(0.97 + (0.03 * finished) / rows);
      return piece;
    }),
  );
  const kk = pieces[0]?.k ?? 0;
  const indices = new Int32Array(new SharedArrayBuffer(rows * kk * 4));
  const distances = new Float32Array(new SharedArrayBuffer(rows * kk * 4));
  pieces.forEach((piece, i) => {
    indices.set(piece.indices, bounds[i] * kk);
    distances.set(piece.distances, bounds[i] * kk);
  });
  return { k: kk, rows, indices, distances };
}

/**
 * The dataset's rows followed by the reference rows in one shared matrix, with the reference labels mapped
 * onto the dataset's classes by name. Detectors score both together; only the dataset's rows are reported.
 */
function combine(dataset: LoadedDataset, reference: LoadedDataset): { features: Float32Array; labels: Int32Array; rows: number } {
  const a = dataset.summary;
  const b = reference.summary;
  if (a.dims !== b.dims) {
    throw new HostError('bad-request', `the reference '${b.name}' has ${b.dims} features but '${a.name}' has ${a.dims}; they must have the same features`);
  }
  const mismatch = a.featureNames.findIndex((name, j) => b.featureNames[j] !== name);
  if (mismatch >= 0) {
    throw new HostError('bad-request', `feature ${mismatch + 1} is '${b.featureNames[mismatch]}' in the reference '${b.name}' but '${a.featureNames[mismatch]}' in '${a.name}'`);
  }
  const classOf = new Map(a.classNames.map((name, c) => [name, c]));
  const rows = a.rows + b.rows;
  const features = new Float32Array(new SharedArrayBuffer(rows * a.dims * 4));
  features.set(dataset.features.subarray(0, a.rows * a.dims));
  features.set(reference.features.subarray(0, b.rows * a.dims), a.rows * a.dims);
  const labels = new Int32Array(rows);
  labels.set(dataset.labels);
  for (let i = 0; i < b.rows; i++) {
    const name = b.classNames[reference.labels[i]];
    const c = classOf.get(name);
    if (c === undefined) throw new HostError('bad-request', `the reference '${b.name}' has class '${name}', which '${a.name}' does not have`);
    labels[a.rows + i] = c;
  }
  return { features, labels, rows };
}
