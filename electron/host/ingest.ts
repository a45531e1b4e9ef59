/**
 * Dataset ingest as the host runs it: a preview of a file (columns, kinds, proposed roles), and a load that
 * yields what DatasetStore.add needs plus the validation report and column summaries.
 *
 * A quote-free CSV/TSV on a pool with more than one thread loads in parallel: one scan task (hash, UTF-8,
 * line counts), then one byte-range chunk task per thread writing into one SharedArrayBuffer, then one pass
 * for histograms and duplicate rows. Everything else (quoted CSV, JSON Lines, .npy, Parquet, a labels file)
 * is one `loadTable` task. Both give the same dataset bit for bit.
 *
 * A little-endian float32 C-order .npy (with or without a labels file) loads in parallel too: one task reads
 * the file into a SharedArrayBuffer while another hashes the blocks already read (they meet through an
 * Atomics word), then one task per thread checks a range of rows and accumulates moments, then the same
 * summary pass as CSV. Features and labels are the same bit for bit as `loadTable`'s; merged moments may
 * differ in the last bits. Without a labels file, and with a multiple of 4 features, the buffer is a shared
 * WebAssembly.Memory and the moments run as WebAssembly SIMD on it in place (kernels/moment-kernels.ts;
 * the same bits as the scalar loop). A labels file joined by id (JoinBy) arrives already in row order.
 *
 * Histograms count every row up to 20,000 rows and a seeded sample of 20,000 rows beyond
 * (stats.histogramSample), the same way on every path; everything else in the summaries is exact.
 */
import { basename } from 'node:path';
import type { ColumnSummary, FilePreview, LoadRequest, ValidationReport } from '../../shared/domain/ingest.ts';
import { compactRows, mergeChunks, type ChunkResult } from '../../shared/engine/ingest/chunk.ts';
import { MOMENT_SCRATCH_FLOATS, histogramSample } from '../../shared/engine/ingest/stats.ts';
import { sharedKernelMemory } from '../../shared/engine/kernels/moment-kernels.ts';
import { assemble, mergeFindings, type IngestedTable, type MatrixFindings } from '../../shared/engine/ingest/report.ts';
import { DataError } from '../../shared/engine/data-error.ts';
import type { CsvPlan, NpyPlan } from '../workers/ingest.worker.ts';
import type { NewDataset } from './datasets.ts';
import { workerProgress, type JobContext } from './jobs.ts';
import type { WorkerPool } from './pool.ts';

export interface IngestedDataset {
  /** For DatasetStore.add. */
  dataset: NewDataset;
  validation: ValidationReport;
  summaries: ColumnSummary[];
  textColumns: IngestedTable['textColumns'];
  group: IngestedTable['group'];
  format: IngestedTable['format'];
}

export interface IngestOptions {
  /** Memory the load may use, in bytes; defaults to the OS's available memory. Tests pass a small figure. */
  availableBytes?: number;
}

export function previewDataset(pool: WorkerPool, path: string, ctx?: JobContext): Promise<FilePreview> {
  return pool.run<FilePreview>('ingest', 'previewFile', { path }, ctx ? workerProgress(ctx, 'previewing') : {});
}

export async function loadDataset(pool: WorkerPool, request: LoadRequest, ctx: JobContext, options: IngestOptions = {}): Promise<IngestedDataset> {
  const { path } = request;
  const delimited = /\.(csv|tsv|tab|txt)$/i.test(path) || !/\.(jsonl|ndjson|npy|parquet|pq)$/i.test(path);
  let loaded: IngestedTable | null = null;
  if (delimited && request.labelsPath === undefined && pool.threads > 1) loaded = await loadCsvParallel(pool, request, ctx, options);
  if (/\.npy$/i.test(path) && pool.threads > 1) loaded = await loadNpyParallel(pool, request, ctx, options);
  loaded ??= await pool.run<IngestedTable>(
    'ingest',
    'loadTable',
    { path, roles: request.roles, badRows: request.badRows, labelsPath: request.labelsPath, joinBy: request.joinBy, availableBytes: options.availableBytes },
    workerProgress(ctx, 'reading'),
  );
  return toDataset(path, loaded);
}

/** The parallel CSV path; null when the file has quote characters (the general path takes it then). */
async function loadCsvParallel(pool: WorkerPool, request: LoadRequest, ctx: JobContext, options: IngestOptions): Promise<IngestedTable | null> {
  const { path, badRows } = request;
  const threads = pool.threads;
  const csv = await pool.run<CsvPlan>('ingest', 'planCsv', { path, roles: request.roles, chunks: threads, availableBytes: options.availableBytes }, workerProgress(ctx, 'checking', 0, 0.3));
  if (csv.hasQuotes) return null;
  const d = csv.plan.featureNames.length;
  const rowBases = csv.chunks.map((_, k) => csv.chunks.slice(0, k).reduce((s, c) => s + c.lines, 0));
  const capacity = rowBases[rowBases.length - 1] + csv.chunks[csv.chunks.length - 1].lines;
  const features = new Float32Array(new SharedArrayBuffer(capacity * d * 4));
  const done = new Float64Array(csv.chunks.length);
  // A chunk that fails (a bad row under 'stop') ends the chunks after it, but those before it run on: the
  // error reported is the first in file order, as the single-task path would report it.
  const controllers = csv.chunks.map(() => new AbortController());
  const cancelAll = () => controllers.forEach((c) => c.abort());
  ctx.signal.addEventListener('abort', cancelAll);
  let settled: PromiseSettledResult<ChunkResult>[];
  try {
    settled = await Promise.allSettled(
      csv.chunks.map((chunk, k) =>
        pool
          .run<ChunkResult>(
            'ingest',
            'parseCsvChunk',
            { path, chunk, delimiter: csv.delimiter, plan: csv.plan, badRows, features, rowBase: rowBases[k] },
            {
              signal: controllers[k].signal,
              onProgress: (p) => {
                done[k] = p.fraction;
                ctx.progress(0.3 + (0.6 * done.reduce((s, f) => s + f, 0)) / done.length, 'parsing', p.message);
              },
            },
          )
          .catch((error: unknown) => {
            controllers.slice(k + 1).forEach((c) => c.abort());
            throw error;
          }),
      ),
    );
  } finally {
    ctx.signal.removeEventListener('abort', cancelAll);
  }
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  const parts = settled.map((s) => (s as PromiseFulfilledResult<ChunkResult>).value);
  const rows = compactRows(features, d, rowBases, parts.map((p) => p.rows));
  // No rows at all: let the single-task path phrase the error exactly as it does for every other format.
  if (rows === 0) return null;
  const merged = mergeChunks(parts);
  // The summary pass splits by rows too: histogram counts add up, row hashes concatenate.
  const step = Math.ceil(rows / threads);
  const ranges = Array.from({ length: threads }, (_, k) => [k * step, Math.min(rows, (k + 1) * step)]).filter(([a, b]) => b > a);
  const sample = histogramSample(rows);
  const findings = mergeFindings(
    await Promise.all(
      ranges.map(([start, end]) =>
        pool.run<MatrixFindings>('ingest', 'finishTable', { features, start, end, dims: d, min: merged.moments.min, max: merged.moments.max, sample }, { signal: ctx.signal }),
      ),
    ),
  );
  return assemble(csv.format, csv.columns, csv.plan, merged, features, findings, csv.sha256, csv.sizeBytes);
}

/**
 * The parallel .npy path; null when the data is not little-endian float32 in C order (the general path
 * converts it) or when no row is kept (the general path phrases that error).
 */
async function loadNpyParallel(pool: WorkerPool, request: LoadRequest, ctx: JobContext, options: IngestOptions): Promise<IngestedTable | null> {
  const { path, badRows } = request;
  const npy = await pool.run<NpyPlan>(
    'ingest',
    'planNpy',
    { path, roles: request.roles, labelsPath: request.labelsPath, joinBy: request.joinBy, availableBytes: options.availableBytes },
    { signal: ctx.signal },
  );
  if (!npy.inPlace) return null;
  const { header } = npy;
  const d = header.cols;
  const ranges = rowRanges(header.rows, pool.threads);
  // The file goes into a shared WebAssembly memory when it can (then the moments run as WebAssembly SIMD on
  // it in place), with room after it for each chunk task's moment state; else into a SharedArrayBuffer.
  const scratchBytes = Math.ceil((MOMENT_SCRATCH_FLOATS(d) * 8) / 64) * 64;
  const scratchAt = Math.ceil(npy.sizeBytes / 64) * 64;
  const memory = d % 4 === 0 && npy.side === null ? sharedKernelMemory(scratchAt + ranges.length * scratchBytes) : null;
  const bytes = new Uint8Array(memory ? memory.buffer : new SharedArrayBuffer(npy.sizeBytes), 0, npy.sizeBytes);
  const features = new Float32Array(bytes.buffer, header.dataOffset, header.rows * d);
  const progress = new Int32Array(new SharedArrayBuffer(4));
  // The reader goes first: the pool's queue is first in, first out, so the hasher (which waits on the
  // reader) never holds the last free thread while the reader waits in the queue.
  const [, sha256] = await together<unknown>(ctx, [
    (signal) => pool.run<boolean>('ingest', 'readNpyBytes', { path, bytes, progress }, { signal, onProgress: (p) => ctx.progress(0.6 * p.fraction, 'reading', p.message) }),
    (signal) => pool.run<string>('ingest', 'hashNpyBytes', { path, bytes, progress }, { signal }),
  ]);
  const parts = await inFileOrder(
    ctx,
    ranges.map(([start, end], k) => (signal: AbortSignal) =>
      pool.run<ChunkResult>('ingest', 'parseNpyChunk', {
          plan: npy.plan,
          dims: d,
          features,
          side: npy.side?.slice(start, end) ?? null,
          join: npy.join ? { ...npy.join, ids: npy.join.ids.slice(start, end) } : null,
          badRows,
          start,
          end,
          ...(memory ? { memory, scratch: scratchAt + k * scratchBytes } : {}),
        }, { signal }),
    ),
  );
  ctx.progress(0.8, 'checking');
  const rows = compactRows(features, d, ranges.map(([start]) => start), parts.map((p) => p.rows));
  if (rows === 0) return null;
  const merged = mergeChunks(parts);
  const sample = histogramSample(rows);
  const findings = mergeFindings(
    await Promise.all(
      rowRanges(rows, pool.threads).map(([start, end]) =>
        pool.run<MatrixFindings>('ingest', 'finishTable', { features, start, end, dims: d, min: merged.moments.min, max: merged.moments.max, sample }, { signal: ctx.signal }),
      ),
    ),
  );
  const table = assemble('npy', npy.columns, npy.plan, merged, features, findings, sha256 as string, npy.sizeBytes);
  if (npy.join) table.validation.unmatchedLabelRows = npy.join.unmatched;
  return table;
}

/** [start, end) ranges splitting `rows` into at most `parts` nearly equal pieces. */
function rowRanges(rows: number, parts: number): [number, number][] {
  const step = Math.ceil(rows / parts);
  return Array.from({ length: parts }, (_, k): [number, number] => [k * step, Math.min(rows, (k + 1) * step)]).filter(([a, b]) => b > a);
}

/**
 * Runs tasks over consecutive parts of a file side by side. A task that fails (a bad row under 'stop') ends
 * the tasks after it, but those before it run on, so the error thrown is the first in file order, as the
 * single-task path would report it; the job's cancellation aborts them all.
 */
async function inFileOrder<T>(ctx: JobContext, tasks: ((signal: AbortSignal) => Promise<T>)[]): Promise<T[]> {
  const controllers = tasks.map(() => new AbortController());
  const cancelAll = () => controllers.forEach((c) => c.abort());
  ctx.signal.addEventListener('abort', cancelAll);
  try {
    const settled = await Promise.allSettled(
      tasks.map((task, k) =>
        task(controllers[k].signal).catch((error: unknown) => {
          controllers.slice(k + 1).forEach((c) => c.abort());
          throw error;
        }),
      ),
    );
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
  } finally {
    ctx.signal.removeEventListener('abort', cancelAll);
  }
}

/**
 * Runs tasks side by side. The first task to fail aborts the others and its error is thrown (not the
 * aborts it caused); the job's cancellation aborts them all.
 */
async function together<T>(ctx: JobContext, tasks: ((signal: AbortSignal) => Promise<T>)[]): Promise<T[]> {
  const controllers = tasks.map(() => new AbortController());
  const cancelAll = () => controllers.forEach((c) => c.abort());
  ctx.signal.addEventListener('abort', cancelAll);
  let first: { error: unknown } | null = null;
  try {
    const settled = await Promise.allSettled(
      tasks.map((task, k) =>
        task(controllers[k].signal).catch((error: unknown) => {
          first ??= { error };
          controllers.forEach((c, i) => i !== k && c.abort());
          throw error;
        }),
      ),
    );
    if (first) throw (first as { error: unknown }).error;
    return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
  } finally {
    ctx.signal.removeEventListener('abort', cancelAll);
  }
}

function toDataset(path: string, loaded: IngestedTable): IngestedDataset {
  if (loaded.rows === 0) throw new DataError(basename(path), 'no rows were loaded');
  return {
    dataset: {
      features: loaded.features,
      labels: loaded.labels,
      ids: loaded.ids,
      summary: {
        name: basename(path),
        path,
        sha256: loaded.sha256,
        sizeBytes: loaded.sizeBytes,
        rows: loaded.rows,
        dims: loaded.featureNames.length,
        featureNames: loaded.featureNames,
        labelColumn: loaded.labelColumn,
        idColumn: loaded.idColumn,
        classNames: loaded.classNames,
        format: loaded.format,
      },
      report: { validation: loaded.validation, summaries: loaded.summaries },
    },
    validation: loaded.validation,
    summaries: loaded.summaries,
    textColumns: loaded.textColumns,
    group: loaded.group,
    format: loaded.format,
  };
}
