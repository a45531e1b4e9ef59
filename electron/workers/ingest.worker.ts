/**
 * Worker: reads dataset files (CSV/TSV, JSON Lines, NumPy .npy, Parquet) into shared memory through the
 * pure engine in shared/engine/ingest. Every path hashes the file's bytes (SHA-256) as it reads them, checks
 * UTF-8 where the format is text, and refuses early a file whose matrix would not fit in memory.
 *
 * The parallel CSV path is driven by the host (electron/host/ingest.ts): `planCsv` reads the head and scans
 * the file once (hash, UTF-8, quote characters, line counts per chunk), then the host runs one
 * `parseCsvChunk` per pool thread on byte ranges that start and end at line boundaries, all writing into one
 * SharedArrayBuffer, and a `finishTable` pass. A float32 .npy goes the same way: `planNpy`, then `readNpyBytes`
 * beside `hashNpyBytes` (which hashes the blocks the reader has published), one `parseNpyChunk` per thread,
 * and `finishTable`. The host rather than this worker owns the parallelism because
 * the pool already has one thread per core; a worker starting its own threads would oversubscribe them.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { freemem } from 'node:os';
import { basename, extname } from 'node:path';
import { isUtf8 } from 'node:buffer';
import type { MessagePort } from 'node:worker_threads';
import Papa from 'papaparse';
import { PROBLEM_CAP, type BadRowPolicy, type ColumnInfo, type FilePreview, type IngestFormat, type JoinBy, type RoleAssignment } from '../../shared/domain/ingest.ts';
import { ChunkBuilder, mergeChunks, type ChunkResult, type ColumnPlan, type MergedChunks } from '../../shared/engine/ingest/chunk.ts';
import { addFieldsRow, columnRoles, firstInvalidUtf8, isBlankRow, parseCsvLines, sniffDelimiter } from '../../shared/engine/ingest/csv.ts';
import { checkHeader, inferColumns, proposeRoles, resolveRoles } from '../../shared/engine/ingest/infer.ts';
import { NPY_HEAD_BYTES, checkNpySize, convertNpyChunk, npyInPlace, parseNpyHeader, type NpyHeader } from '../../shared/engine/ingest/npy.ts';
import { NumberState, classifyNumber } from '../../shared/engine/ingest/numbers.ts';
import { MomentAccumulator, histogramSample, type MomentScratch } from '../../shared/engine/ingest/stats.ts';
import { momentKernel, type SharedWasmMemory } from '../../shared/engine/kernels/moment-kernels.ts';
import { assemble, scanMatrix, type IngestedTable, type MatrixFindings } from '../../shared/engine/ingest/report.ts';
import { DataError } from '../../shared/engine/data-error.ts';
import { progressReporter } from './progress.ts';
import { moveResult } from './transfer.ts';

const MB = 1024 * 1024;
const BLOCK = 4 * MB;
/** How much of a file the preview reads, and how many of its rows it infers kinds from. */
const HEAD_BYTES = 256 * 1024;
const SAMPLE_ROWS = 200;
const PREVIEW_ROWS = 20;
/** A first line longer than this is not a CSV header. */
const MAX_HEADER_BYTES = 4 * MB;
/** Working memory beyond the matrix: read blocks, strings, the runtime. */
const WORKING_BYTES = 300 * MB;

type Report = (fraction: number, message?: string) => void;


// ------------------------------------------------------------------------------------------- files

function formatOf(path: string): IngestFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.npy') return 'npy';
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  return 'csv';
}

function sizeOf(path: string): number {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new DataError(path, 'is not a file');
    size = stat.size;
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (size === 0) throw new DataError(basename(path), 'the file is empty');
  return size;
}

function readAt(path: string, position: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(length);
    const read = readSync(fd, buffer, 0, length, position);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/**
 * Refuses a load whose matrix (rows × features × 4 bytes) plus working memory exceeds the memory available
 * (`available` overrides the OS figure, for tests).
 */
export function checkMemory(file: string, rows: number, dims: number, available = freemem()): void {
  const payload = rows * dims * 4;
  const need = payload + WORKING_BYTES;
  if (need <= available) return;
  const gb = (n: number) => `${(n / 1024 ** 3).toFixed(2)} GB`;
  throw new DataError(
    file,
    `is too big to load: about ${rows.toLocaleString('en')} rows × ${dims} features need ${gb(payload)} as float32 plus ${gb(WORKING_BYTES)} of working memory (${gb(need)}), but only ${gb(available)} is available; load fewer columns, split the file, or use a machine with more memory`,
  );
}

// ------------------------------------------------------------------------------------ delimited text

interface DelimitedHead {
  format: 'csv' | 'tsv';
  delimiter: string;
  header: string[];
  /** Byte offset just past the header line (the header holds no quotes when the fast path uses this). */
  dataStart: number;
  sample: string[][];
  rowsEstimate: number;
  size: number;
}

/** Reads the head of a CSV/TSV file: BOM, delimiter, header, sample rows, a row estimate. */
function readDelimitedHead(path: string): DelimitedHead {
  const file = basename(path);
  const size = sizeOf(path);
  let head = readAt(path, 0, Math.min(size, HEAD_BYTES));
  let newline = head.indexOf(10);
  if (newline < 0 && head.length < size) {
    head = readAt(path, 0, Math.min(size, MAX_HEADER_BYTES));
    newline = head.indexOf(10);
    if (newline < 0 && head.length < size) {
      throw new DataError(file, `the first line is longer than ${MAX_HEADER_BYTES / MB} MB without a line break; a CSV file starts with a header line naming the columns`, 1);
    }
  }
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  // Only whole lines: the head may end inside a line (or inside a UTF-8 sequence).
  const lastNewline = head.length < size ? head.lastIndexOf(10) : head.length;
  const text = head.toString('utf8', bom, Math.max(lastNewline, newline < 0 ? head.length : newline + 1));
  const format = formatOf(path) === 'tsv' ? 'tsv' : 'csv';
  const lines = text.split(/\r?\n/).filter((l) => l !== '').slice(0, 20);
  const delimiter = format === 'tsv' ? '\t' : sniffDelimiter(lines);
  const parsed = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: 'greedy' });
  if (parsed.data.length === 0) throw new DataError(file, 'the file has no header row; the first line must name the columns', 1);
  const header = parsed.data[0].map((h) => h.trim());
  checkHeader(header, file);
  const sample = parsed.data.slice(1, 1 + SAMPLE_ROWS);
  const dataStart = newline < 0 ? head.length : newline + 1;
  const dataBytes = Math.max(0, Math.max(lastNewline, 0) - dataStart);
  const rowsEstimate = head.length >= size ? parsed.data.length - 1 : Math.round(((size - dataStart) * Math.max(1, parsed.data.length - 1)) / Math.max(1, dataBytes));
  return { format, delimiter, header, dataStart, sample, rowsEstimate, size };
}

export interface CsvChunk {
  start: number;
  end: number;
  /** 1-based line number of the chunk's first line. */
  firstLine: number;
  /** Lines in the chunk: an upper bound on its rows. */
  lines: number;
}

export interface CsvPlan {
  format: 'csv' | 'tsv';
  delimiter: string;
  columns: ColumnInfo[];
  plan: ColumnPlan;
  /** A quote character anywhere: the byte-level parser does not apply, use the general path. */
  hasQuotes: boolean;
  chunks: CsvChunk[];
  sha256: string;
  sizeBytes: number;
}

/** Where chunk k of `count` starts: just past the first line break at or after an even split. */
function chunkStarts(path: string, dataStart: number, size: number, count: number): number[] {
  const starts = [dataStart];
  for (let k = 1; k < count; k++) {
    let at = Math.max(starts[k - 1], dataStart + Math.floor(((size - dataStart) * k) / count));
    for (;;) {
      const window = readAt(path, at, MB);
      if (window.length === 0) {
        at = size;
        break;
      }
      const newline = window.indexOf(10);
      if (newline >= 0) {
        at += newline + 1;
        break;
      }
      at += window.length;
    }
    starts.push(Math.min(at, size));
  }
  return starts;
}

/** How many bytes at the end of `bytes` start a UTF-8 sequence that the next block completes (0–3). */
function incompleteTail(bytes: Uint8Array): number {
  for (let k = 1; k <= Math.min(3, bytes.length); k++) {
    const b = bytes[bytes.length - k];
    if ((b & 0xc0) === 0x80) continue;
    if (b < 0xc0) return 0;
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return length > k ? k : 0;
  }
  return 0;
}

/**
 * Reads the whole file once: SHA-256, UTF-8 validity (the first bad byte is reported with its line and
 * column), whether any quote character occurs, and the line count of each chunk.
 */
function scanText(path: string, size: number, starts: number[], delimiter: string | null, header: string[], report: Report): { sha256: string; hasQuotes: boolean; lines: number[] } {
  const file = basename(path);
  const hash = createHash('sha256');
  const lines = starts.map(() => 0);
  let hasQuotes = false;
  // The buffer keeps up to 3 carried bytes of an unfinished UTF-8 sequence in front of each block.
  const buffer = Buffer.allocUnsafe(BLOCK + 3);
  let carried = 0;
  const fd = openSync(path, 'r');
  try {
    for (let position = 0; position < size; ) {
      const read = readSync(fd, buffer, carried, BLOCK, position);
      if (read === 0) break;
      const fresh = buffer.subarray(carried, carried + read);
      hash.update(fresh);
      if (!hasQuotes && fresh.indexOf(34) >= 0) hasQuotes = true;
      const data = buffer.subarray(0, carried + read);
      const last = position + read >= size;
      const tail = last ? 0 : incompleteTail(data);
      const complete = data.subarray(0, data.length - tail);
      if (!isUtf8(complete)) {
        const bad = firstInvalidUtf8(complete, 0, complete.length);
        // Line breaks before this block: the chunks' counts so far.
        throw invalidUtf8(file, complete, bad, lines.reduce((a, b) => a + b, 0), delimiter, header);
      }
      // Count line breaks per chunk (fresh bytes only; carried bytes are never line breaks).
      const base = position;
      for (let k = 0; k < starts.length; k++) {
        const from = Math.max(starts[k], base) - base;
        const to = Math.min(k + 1 < starts.length ? starts[k + 1] : size, base + read) - base;
        for (let i = from; i < to; i++) {
          i = fresh.indexOf(10, i);
          if (i < 0 || i >= to) break;
          lines[k]++;
        }
      }
      buffer.copyWithin(0, data.length - tail, data.length);
      carried = tail;
      position += read;
      report((0.3 * position) / size, `checked ${(position / MB).toFixed(0)} of ${(size / MB).toFixed(0)} MB`);
    }
  } finally {
    closeSync(fd);
  }
  // A chunk whose last line has no line break still holds that line.
  starts.forEach((start, k) => {
    const end = k + 1 < starts.length ? starts[k + 1] : size;
    if (end > start && readAt(path, end - 1, 1)[0] !== 10) lines[k]++;
  });
  return { sha256: hash.digest('hex'), hasQuotes, lines };
}

function invalidUtf8(file: string, data: Uint8Array, at: number, newlinesBefore: number, delimiter: string | null, header: string[]): DataError {
  let line = newlinesBefore + 1;
  let lineStart = -1;
  for (let i = 0; i < at; i++) {
    if (data[i] === 10) {
      line++;
      lineStart = i;
    }
  }
  // The column is known when the line starts in this block (the usual case).
  let column: string | null = null;
  if (delimiter !== null && (lineStart >= 0 || newlinesBefore === 0)) {
    const d = delimiter.charCodeAt(0);
    let field = 0;
    for (let i = lineStart + 1; i < at; i++) if (data[i] === d) field++;
    column = header[field] ?? null;
  }
  const byte = data[at].toString(16).toUpperCase().padStart(2, '0');
  return new DataError(file, `is not valid UTF-8 (byte 0x${byte}); save it as UTF-8, e.g. iconv -f latin1 -t utf-8`, line, column);
}

/** The head and one scan of a CSV/TSV file, split into `chunks` byte ranges at line boundaries. */
export function planCsv(task: { path: string; roles: RoleAssignment | null; chunks: number; availableBytes?: number; progressPort?: MessagePort }): CsvPlan {
  const { path } = task;
  const file = basename(path);
  const report = progressReporter(task.progressPort);
  const head = readDelimitedHead(path);
  if (head.sample.length === 0 && head.rowsEstimate === 0) throw new DataError(file, 'the file has a header but no data rows');
  const columns = inferColumns(head.header, head.sample);
  const roles = task.roles ?? proposeRoles(columns);
  const plan = resolveRoles(columns, roles, file);
  checkMemory(file, head.rowsEstimate, plan.featureNames.length, task.availableBytes);
  const starts = chunkStarts(path, head.dataStart, head.size, Math.max(1, task.chunks));
  const scan = scanText(path, head.size, starts, head.delimiter, head.header, report);
  const chunks = starts.map((start, k) => ({
    start,
    end: k + 1 < starts.length ? starts[k + 1] : head.size,
    firstLine: 2 + scan.lines.slice(0, k).reduce((s, n) => s + n, 0),
    lines: scan.lines[k],
  }));
  const capacity = chunks.reduce((s, c) => s + c.lines, 0);
  if (capacity === 0) throw new DataError(file, 'the file has a header but no data rows');
  checkMemory(file, capacity, plan.featureNames.length, task.availableBytes);
  return { format: head.format, delimiter: head.delimiter, columns, plan, hasQuotes: scan.hasQuotes, chunks, sha256: scan.sha256, sizeBytes: head.size };
}

const decodeUtf8 = (bytes: Uint8Array, start: number, end: number) => (bytes as Buffer).toString('utf8', start, end);

/**
 * Parses the quote-free byte range [start, end) of lines into rows `rowBase`… of the shared matrix.
 * Reads in 4 MB blocks; a line longer than a block grows the buffer to hold it.
 */
export interface CsvChunkTask {
  path: string;
  chunk: CsvChunk;
  delimiter: string;
  plan: ColumnPlan;
  badRows: BadRowPolicy;
  /** The shared matrix; this chunk writes rows from `rowBase` on. */
  features: Float32Array;
  rowBase: number;
  progressPort?: MessagePort;
}

export function parseCsvChunk(task: CsvChunkTask): ChunkResult {
  const result = parseChunk(task, progressReporter(task.progressPort));
  return moveResult(result, [result.labelCodes, ...(result.groupCodes ? [result.groupCodes] : [])]);
}

function parseChunk(task: CsvChunkTask, report: Report): ChunkResult {
  const { path, chunk, plan } = task;
  const builder = new ChunkBuilder(plan, task.features, task.rowBase, chunk.lines, task.badRows);
  const roles = columnRoles(plan);
  const delimiter = task.delimiter.charCodeAt(0);
  let buffer = Buffer.allocUnsafe(BLOCK);
  let kept = 0; // bytes of an unfinished line carried at the front of the buffer
  let line = chunk.firstLine;
  const fd = openSync(path, 'r');
  try {
    for (let position = chunk.start; position < chunk.end; ) {
      if (buffer.length - kept < BLOCK / 2) {
        const grown = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(grown, 0, 0, kept);
        buffer = grown;
      }
      const read = readSync(fd, buffer, kept, Math.min(buffer.length - kept, chunk.end - position), position);
      if (read === 0) break;
      position += read;
      const filled = kept + read;
      const last = position >= chunk.end;
      const upTo = last ? filled : buffer.lastIndexOf(10, filled - 1) + 1;
      if (upTo > 0) {
        line += parseCsvLines(buffer, 0, upTo, delimiter, roles, builder, decodeUtf8, line);
        buffer.copyWithin(0, upTo, filled);
        kept = filled - upTo;
      } else {
        kept = filled;
      }
      report((position - chunk.start) / (chunk.end - chunk.start), `parsed ${((position - chunk.start) / MB).toFixed(0)} MB`);
    }
  } finally {
    closeSync(fd);
  }
  return builder.result();
}

/** The general path: papaparse (quotes, embedded delimiters and line breaks) into one chunk. */
async function parseCsvGeneral(path: string, csv: CsvPlan, badRows: BadRowPolicy, features: Float32Array, report: Report): Promise<ChunkResult> {
  const capacity = csv.chunks.reduce((s, c) => s + c.lines, 0);
  const builder = new ChunkBuilder(csv.plan, features, 0, capacity, badRows);
  const roles = columnRoles(csv.plan);
  const stream = createReadStream(path, { highWaterMark: MB, encoding: 'utf8' });
  let bytes = 0;
  stream.on('data', (chunk) => {
    bytes += Buffer.byteLength(chunk as string);
    report(0.3 + (0.6 * bytes) / csv.sizeBytes, `parsed ${(bytes / MB).toFixed(0)} MB`);
  });
  await new Promise<void>((resolve, reject) => {
    let line = 1;
    let header = true;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      stream.destroy();
      reject(error);
    };
    Papa.parse<string[]>(stream as unknown as File, {
      delimiter: csv.delimiter,
      skipEmptyLines: false,
      step: (results, parser) => {
        if (failed) return;
        const fields = results.data;
        const at = line;
        // A quoted field may span lines; count them so messages name the right line.
        line += 1;
        for (const f of fields) for (let i = f.indexOf('\n'); i >= 0; i = f.indexOf('\n', i + 1)) line++;
        if (isBlankRow(fields)) return;
        if (header) {
          header = false;
          return;
        }
        try {
          addFieldsRow(builder, roles, fields, at);
        } catch (error) {
          fail(error); // before abort(): abort() calls complete() synchronously
          parser.abort();
        }
      },
      complete: () => {
        if (!failed) resolve();
      },
      error: (error: Error) => fail(new DataError(basename(path), `cannot be parsed: ${error.message}`)),
    });
  });
  return builder.result();
}

// ------------------------------------------------------------------------------------------- JSONL

interface JsonlHead {
  names: string[];
  sample: unknown[][];
  rowsEstimate: number;
  size: number;
}

function readJsonlHead(path: string): JsonlHead {
  const file = basename(path);
  const size = sizeOf(path);
  const head = readAt(path, 0, Math.min(size, HEAD_BYTES));
  const end = head.length < size ? head.lastIndexOf(10) : head.length;
  const lines = head.toString('utf8', 0, Math.max(0, end)).split('\n');
  const names: string[] = [];
  const objects: Record<string, unknown>[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === '' || objects.length >= SAMPLE_ROWS) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new DataError(file, `is not valid JSON Lines: ${(error as Error).message}`, i + 1);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new DataError(file, 'each line of a JSON Lines file must be an object ({"name": value, …})', i + 1);
    for (const key of Object.keys(value)) if (!names.includes(key)) names.push(key);
    objects.push(value as Record<string, unknown>);
  });
  if (objects.length === 0) throw new DataError(file, 'has no JSON objects in its first lines');
  const sample = objects.map((o) => names.map((n) => o[n]));
  const rowsEstimate = head.length >= size ? objects.length : Math.round((size * objects.length) / Math.max(1, end));
  return { names, sample, rowsEstimate, size };
}

/** One JSON value meant as a feature: numbers as they are, strings through classifyNumber. */
function jsonFeature(builder: ChunkBuilder, j: number, value: unknown, base: number): void {
  if (typeof value === 'number') {
    const x = Math.fround(value);
    if (Number.isFinite(x)) builder.out[base + j] = x;
    else builder.featureProblem(j, NumberState.NonFinite, String(value));
  } else if (typeof value === 'string') {
    const { state, value: x } = classifyNumber(value);
    if (state === NumberState.Ok) builder.out[base + j] = x;
    else builder.featureProblem(j, state, value);
  } else if (value === null || value === undefined) builder.featureProblem(j, NumberState.Missing, '');
  else builder.featureProblem(j, NumberState.NotANumber, JSON.stringify(value));
}

const textOf = (value: unknown): string | null => (value === null || value === undefined ? null : typeof value === 'string' ? value : JSON.stringify(value));

/** Feeds one row of values (in plan column order) to the builder: JSON Lines and Parquet rows. */
function addValuesRow(builder: ChunkBuilder, plan: ColumnPlan, widths: number[], firsts: number[], value: (column: number) => unknown, line: number): void {
  builder.startRow(line);
  const base = builder.rowOffset;
  for (let f = 0; f < firsts.length; f++) {
    const j = firsts[f];
    const column = plan.featureColumn[j];
    const v = value(column);
    if (widths[f] === 1 && !Array.isArray(v) && !ArrayBuffer.isView(v)) {
      jsonFeature(builder, j, v, base);
    } else if (Array.isArray(v) || ArrayBuffer.isView(v)) {
      const vector = v as ArrayLike<unknown>;
      if (vector.length !== widths[f]) builder.problem(column, `the vector has ${vector.length} elements but earlier rows have ${widths[f]}`);
      else for (let k = 0; k < widths[f]; k++) jsonFeature(builder, j + k, vector[k], base);
    } else if (v === null || v === undefined) builder.featureProblem(j, NumberState.Missing, '');
    else builder.problem(column, `expected an array of ${widths[f]} numbers, found ${JSON.stringify(v).slice(0, 40)}`);
  }
  if (plan.labelAt >= 0) builder.setLabel(textOf(value(plan.labelAt)));
  if (plan.idAt >= 0) builder.setId(textOf(value(plan.idAt)));
  if (plan.groupAt >= 0) builder.setGroup(textOf(value(plan.groupAt)));
  plan.textAt.forEach((column, k) => builder.setText(k, textOf(value(column))));
  builder.endRow();
}

/** Feature runs per source column: the first feature index and the width (1, or a vector's length). */
function featureRuns(plan: ColumnPlan): { firsts: number[]; widths: number[] } {
  const firsts: number[] = [];
  const widths: number[] = [];
  plan.featureColumn.forEach((column, j) => {
    if (j > 0 && plan.featureColumn[j - 1] === column) widths[widths.length - 1]++;
    else {
      firsts.push(j);
      widths.push(1);
    }
  });
  return { firsts, widths };
}

function parseJsonl(path: string, plan: ColumnPlan, lines: number, badRows: BadRowPolicy, features: Float32Array, report: Report): ChunkResult {
  const file = basename(path);
  const builder = new ChunkBuilder(plan, features, 0, lines, badRows);
  const { firsts, widths } = featureRuns(plan);
  const size = sizeOf(path);
  let buffer = Buffer.allocUnsafe(BLOCK);
  let kept = 0;
  let line = 1;
  const handle = (text: string) => {
    const at = line++;
    if (text.trim() === '') return;
    let object: unknown;
    try {
      object = JSON.parse(text);
    } catch (error) {
      builder.startRow(at);
      builder.problem(-1, `this line is not valid JSON: ${(error as Error).message}`);
      builder.endRow();
      return;
    }
    if (object === null || typeof object !== 'object' || Array.isArray(object)) {
      builder.startRow(at);
      builder.problem(-1, 'this line is not a JSON object');
      builder.endRow();
      return;
    }
    const record = object as Record<string, unknown>;
    addValuesRow(builder, plan, widths, firsts, (column) => record[plan.columns[column]], at);
  };
  const fd = openSync(path, 'r');
  try {
    for (let position = 0; position < size; ) {
      if (buffer.length - kept < BLOCK / 2) {
        const grown = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(grown, 0, 0, kept);
        buffer = grown;
      }
      const read = readSync(fd, buffer, kept, buffer.length - kept, position);
      if (read === 0) break;
      position += read;
      const filled = kept + read;
      const upTo = position >= size ? filled : buffer.lastIndexOf(10, filled - 1) + 1;
      let from = 0;
      for (let nl = buffer.indexOf(10, 0); nl >= 0 && nl < upTo; nl = buffer.indexOf(10, from)) {
        handle(buffer.toString('utf8', from, nl));
        from = nl + 1;
      }
      if (position >= size && from < filled) {
        handle(buffer.toString('utf8', from, filled));
        from = filled;
      }
      buffer.copyWithin(0, from, filled);
      kept = filled - from;
      report(0.3 + (0.6 * position) / size, `parsed ${(position / MB).toFixed(0)} MB`);
    }
  } finally {
    closeSync(fd);
  }
  if (builder.result().rowsRead === 0) throw new DataError(file, 'has no rows');
  return builder.result();
}

// ------------------------------------------------------------------------------------------- .npy

function readNpyHead(path: string): { header: NpyHeader; size: number } {
  const file = basename(path);
  const size = sizeOf(path);
  const header = parseNpyHeader(readAt(path, 0, Math.min(size, NPY_HEAD_BYTES)), file);
  checkNpySize(header, size, file);
  if (header.rows === 0 || header.cols === 0) throw new DataError(file, `holds an empty array of shape (${header.shape.join(', ')})`);
  return { header, size };
}

/**
 * Reads the matrix: for little-endian float32 in C order, straight into the shared buffer and viewed in
 * place (no conversion, no copy); otherwise block by block through convertNpyChunk.
 */
function readNpyMatrix(path: string, header: NpyHeader, size: number, report: Report): { features: Float32Array; sha256: string } {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  const n = header.rows * header.cols;
  try {
    if (npyInPlace(header)) {
      const shared = new SharedArrayBuffer(size);
      const bytes = new Uint8Array(shared);
      readInto(fd, bytes, 0, size, hash, report);
      return { features: new Float32Array(shared, header.dataOffset, n), sha256: hash.digest('hex') };
    }
    const features = new Float32Array(new SharedArrayBuffer(n * 4));
    const head = Buffer.allocUnsafe(header.dataOffset);
    readSync(fd, head, 0, head.length, 0);
    hash.update(head);
    // Blocks are whole items (BLOCK is a multiple of every item size) and start at offset 0 of their buffer.
    const block = Buffer.alloc(BLOCK);
    let item = 0;
    for (let position = header.dataOffset; position < size; ) {
      const read = readSync(fd, block, 0, Math.min(BLOCK, size - position), position);
      if (read === 0) break;
      const bytes = new Uint8Array(block.buffer, block.byteOffset, read);
      hash.update(bytes);
      convertNpyChunk(header, bytes, item, features);
      item += read / header.dtype.size;
      position += read;
      report((0.6 * position) / size, `read ${(position / MB).toFixed(0)} of ${(size / MB).toFixed(0)} MB`);
    }
    return { features, sha256: hash.digest('hex') };
  } finally {
    closeSync(fd);
  }
}

function readInto(fd: number, bytes: Uint8Array, position: number, size: number, hash: Hash, report: Report): void {
  for (let at = position; at < size; ) {
    const read = readSync(fd, bytes, at, Math.min(8 * BLOCK, size - at), at);
    if (read === 0) throw new DataError('', 'ended early while reading');
    hash.update(bytes.subarray(at, at + read));
    at += read;
    report((0.6 * at) / size, `read ${(at / MB).toFixed(0)} of ${(size / MB).toFixed(0)} MB`);
  }
}

/** A small table read whole (a labels file): column names and values as text, by row. */
interface SideTable {
  file: string;
  names: string[];
  rows: (string | null)[][];
  columns: ColumnInfo[];
  /** The line of rows[0] in the file (rows follow one a line, as far as the format allows). */
  firstLine: number;
}

function readSideTable(path: string): SideTable {
  const file = basename(path);
  const format = formatOf(path);
  if (format === 'npy') {
    const { header } = readNpyHead(path);
    if (header.cols !== 1 || header.dtype.kind === 'f') {
      throw new DataError(file, `a labels .npy must be a 1-D array of integers (class indices); this one has shape (${header.shape.join(', ')}) of '${header.descr}'`);
    }
    const values = new Float32Array(header.rows);
    convertNpyChunk(header, readAt(path, header.dataOffset, header.dataBytes), 0, values);
    const rows = Array.from(values, (v) => [String(v)]);
    return { file, names: ['label'], rows, columns: inferColumns(['label'], rows.slice(0, SAMPLE_ROWS)), firstLine: 1 };
  }
  if (format === 'parquet') throw new DataError(file, 'a labels file must be CSV, TSV, JSON Lines or .npy');
  const size = sizeOf(path);
  const text = readAt(path, 0, size);
  if (!isUtf8(text)) throw new DataError(file, 'is not valid UTF-8; save it as UTF-8');
  if (format === 'jsonl') {
    const head = readJsonlHead(path);
    const rows: (string | null)[][] = [];
    text.toString('utf8').split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      let object: Record<string, unknown>;
      try {
        object = JSON.parse(line) as Record<string, unknown>;
      } catch (error) {
        throw new DataError(file, `this line is not valid JSON: ${(error as Error).message}`, i + 1);
      }
      rows.push(head.names.map((n) => textOf(object[n])));
    });
    return { file, names: head.names, rows, columns: inferColumns(head.names, head.sample), firstLine: 1 };
  }
  const head = readDelimitedHead(path);
  const parsed = Papa.parse<string[]>(text.toString('utf8', text[0] === 0xef ? 3 : 0), { delimiter: head.delimiter, skipEmptyLines: 'greedy' });
  const rows = parsed.data.slice(1);
  return { file, names: head.header, rows, columns: inferColumns(head.header, head.sample), firstLine: 2 };
}

/**
 * Checks rows [start, end) of the matrix read in place (row i is line i + 1) and writes the kept ones
 * contiguously from row `start`. Without a side table the rows go through ChunkBuilder.addMatrixRows (block
 * by block); with one, row by row, joining the side table's row i.
 */
function parseNpyRows(
  plan: ColumnPlan,
  d: number,
  features: Float32Array,
  side: (string | null)[][] | null,
  badRows: BadRowPolicy,
  start: number,
  end: number,
  join: NpyJoin | null = null,
  scratch?: MomentScratch,
): ChunkResult {
  const builder = new ChunkBuilder(plan, features, start, end - start, badRows, scratch);
  if (!side) {
    builder.addMatrixRows(start, end - start, start + 1);
    return builder.result();
  }
  const at = (column: number) => column - 1; // side-table columns follow the matrix's pseudo-column
  for (let i = start; i < end; i++) {
    builder.startRow(i + 1);
    const to = builder.rowOffset;
    // Rows kept so far sit contiguously: after a skipped row, move this one up.
    if (to !== i * d) features.copyWithin(to, i * d, (i + 1) * d);
    for (let j = 0; j < d; j++) {
      const x = features[to + j];
      if (!Number.isFinite(x)) builder.featureProblem(j, NumberState.NonFinite, String(x));
    }
    const row = side[i - start];
    if (join && row.length === 0) {
      // Joined by id, and the labels file has no row with this row's id.
      builder.problem(-1, `id '${join.ids[i - start]}' (from ${join.idsFile}) has no row in ${join.labelsFile}`);
      builder.endRow();
      continue;
    }
    if (plan.labelAt >= 0) builder.setLabel(row[at(plan.labelAt)] ?? null);
    if (plan.idAt >= 0) builder.setId(row[at(plan.idAt)] ?? null);
    if (plan.groupAt >= 0) builder.setGroup(row[at(plan.groupAt)] ?? null);
    plan.textAt.forEach((column, k) => builder.setText(k, row[at(column)] ?? null));
    builder.endRow();
  }
  return builder.result();
}

/** The head of an .npy load, for the host's parallel path (electron/host/ingest.ts loadNpyParallel). */
export interface NpyPlan {
  header: NpyHeader;
  sizeBytes: number;
  /** The data bytes are a row-major little-endian float32 matrix (npyInPlace): the parallel path applies. */
  inPlace: boolean;
  columns: ColumnInfo[];
  plan: ColumnPlan;
  /**
   * The labels file's rows in the matrix's row order, or null. Joined by id, a feature row whose id has no
   * labels row gets an empty row here.
   */
  side: (string | null)[][] | null;
  /** Joined by id: the feature rows' ids and what matched; null when joined by row order. */
  join: NpyJoin | null;
}

/** A labels file joined to an .npy matrix by id (JoinBy). */
export interface NpyJoin {
  /** The ids file and the labels file, as the messages name them. */
  idsFile: string;
  labelsFile: string;
  /** The feature rows' ids, in row order (sliced like `side` for a chunk). */
  ids: string[];
  unmatched: { file: string; count: number; examples: string[] };
}

/** The ids file of an .npy matrix: `<name>.ids.txt` beside `<name>.npy`. */
export function npyIdsPath(path: string): string {
  return path.replace(/\.npy$/i, '') + '.ids.txt';
}

/** Reads the feature rows' ids (one a line, unique, as many as the matrix has rows). */
function readNpyIds(path: string, rows: number, file: string, labelsFile: string): { idsFile: string; ids: string[] } {
  const idsPath = npyIdsPath(path);
  const idsFile = basename(idsPath);
  let text: Buffer;
  try {
    text = readAt(idsPath, 0, statSync(idsPath).size);
  } catch (error) {
    throw new DataError(
      file,
      `joining ${labelsFile} by id needs the ids of this matrix's rows in ${idsFile} beside it, one id a line in row order, but it cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); or join the labels by row order`,
    );
  }
  if (!isUtf8(text)) throw new DataError(idsFile, 'is not valid UTF-8; save it as UTF-8');
  const lines = text.toString('utf8', text[0] === 0xef && text[1] === 0xbb && text[2] === 0xbf ? 3 : 0).split('\n');
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length !== rows) throw new DataError(idsFile, `has ${lines.length} ids but ${file} has ${rows} rows; it must hold one id a line for each row, in row order`);
  const ids = lines.map((l) => l.trim());
  const seen = new Map<string, number>();
  ids.forEach((id, i) => {
    if (id === '') throw new DataError(idsFile, 'the id is missing (an empty line)', i + 1);
    const before = seen.get(id);
    if (before !== undefined) throw new DataError(idsFile, `id '${id}' appears twice (lines ${before + 1} and ${i + 1}); to join by id every row needs its own id`, i + 1);
    seen.set(id, i);
  });
  return { idsFile, ids };
}

/** The labels file's rows by id (column `at`); an id on two rows, or a row without one, stops the load. */
function indexById(side: SideTable, at: number, idColumn: string): Map<string, number> {
  const byId = new Map<string, number>();
  side.rows.forEach((row, r) => {
    const id = (row[at] ?? '').trim();
    const line = side.firstLine + r;
    if (id === '') throw new DataError(side.file, 'the id is missing; to join by id every labels row needs one', line, idColumn);
    const before = byId.get(id);
    if (before !== undefined) {
      throw new DataError(side.file, `id '${id}' appears twice (lines ${side.firstLine + before} and ${line}); each id may have one row of labels`, line, idColumn);
    }
    byId.set(id, r);
  });
  return byId;
}

/** Labels rows not in `used`: how many, and up to 20 of their ids. */
function unmatchedRows(side: SideTable, at: number, used: Uint8Array): { file: string; count: number; examples: string[] } {
  const examples: string[] = [];
  let count = 0;
  side.rows.forEach((row, r) => {
    if (used[r]) return;
    count++;
    if (examples.length < 20) examples.push((row[at] ?? '').trim());
  });
  return { file: side.file, count, examples };
}

/**
 * A table's rows (loaded with their ids, without labels) labelled from a labels file by id: the label of
 * row r is the labels row whose column named like the table's id column holds ids[r]. A row whose id has no
 * labels row (or whose labels row has no label) is a bad row: it stops the load, or is dropped and listed,
 * and the moments are then recomputed over the rows kept. Returns the merged chunks relabelled and what
 * in the labels file matched nothing.
 */
function joinTableById(
  file: string,
  merged: MergedChunks,
  features: Float32Array,
  d: number,
  labelsPath: string,
  roles: RoleAssignment,
  badRows: BadRowPolicy,
): { merged: MergedChunks; unmatched: NpyJoin['unmatched'] } {
  const side = readSideTable(labelsPath);
  const columns = side.names.map((n) => `'${n}'`).join(', ');
  if (formatOf(labelsPath) === 'npy') throw new DataError(side.file, 'a labels .npy holds no ids to join by; give the labels as CSV, TSV or JSON Lines with an id column');
  if (roles.id === null || merged.ids === null) throw new DataError(file, `joining ${side.file} by id needs this file's id column; choose it as the id (its values are looked up in the column of that name in ${side.file})`);
  if (roles.label === null) throw new DataError(side.file, `choose its label column to join it by id; the columns are ${columns}`);
  const at = side.names.indexOf(roles.id);
  if (at < 0) throw new DataError(side.file, `has no column '${roles.id}' (the id column of ${file}) to join by; the columns are ${columns}`);
  const labelAt = side.names.indexOf(roles.label);
  if (labelAt < 0) throw new DataError(side.file, `there is no label column '${roles.label}'; the columns are ${columns}`);
  const byId = indexById(side, at, roles.id);
  const used = new Uint8Array(side.rows.length);
  const problems = merged.problems.slice();
  let problemsTotal = merged.problemsTotal;
  const keep: number[] = [];
  const names: string[] = [];
  for (let r = 0; r < merged.rows; r++) {
    const id = merged.ids[r];
    const labelsRow = byId.get(id);
    const label = labelsRow === undefined ? '' : (side.rows[labelsRow][labelAt] ?? '').trim();
    if (labelsRow !== undefined) used[labelsRow] = 1;
    if (labelsRow !== undefined && label !== '') {
      keep.push(r);
      names.push(label);
      continue;
    }
    const problem =
      labelsRow === undefined
        ? { file, line: null, column: roles.id, message: `id '${id}' has no row in ${side.file}` }
        : { file: side.file, line: side.firstLine + labelsRow, column: roles.label, message: `the label of id '${id}' is missing` };
    if (badRows === 'stop') throw new DataError(problem.file, `${problem.message}; fix the file, or load with bad rows skipped to list them all`, problem.line, problem.column);
    if (problems.length < PROBLEM_CAP) problems.push(problem);
    problemsTotal++;
  }
  const classNames = [...new Set(names)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const code = new Map(classNames.map((n, c) => [n, c]));
  const labels = Int32Array.from(names, (n) => code.get(n)!);
  const unmatched = unmatchedRows(side, at, used);
  if (keep.length === merged.rows) return { merged: { ...merged, classNames, labels }, unmatched };
  // Rows dropped: move the kept ones up and recompute the moments over them.
  const accumulator = new MomentAccumulator(d);
  keep.forEach((r, to) => {
    if (r !== to) features.copyWithin(to * d, r * d, (r + 1) * d);
    accumulator.addRow(features, to * d);
  });
  const dropped = merged.rows - keep.length;
  return {
    merged: {
      ...merged,
      rows: keep.length,
      classNames,
      labels,
      ids: keep.map((r) => merged.ids![r]),
      texts: merged.texts.map((t) => keep.map((r) => t[r])),
      groupCodes: merged.groupCodes ? Int32Array.from(keep, (r) => merged.groupCodes![r]) : null,
      moments: accumulator.moments(),
      problems,
      problemsTotal,
      skippedTotal: merged.skippedTotal + dropped,
    },
    unmatched,
  };
}

/**
 * Puts the labels file's rows in the matrix's row order by id: row i gets the labels row whose id column
 * holds ids[i], or an empty row when none does.
 */
function joinSideById(path: string, rows: number, side: SideTable, idColumn: string | null): { rows: (string | null)[][]; join: NpyJoin } {
  const file = basename(path);
  const columns = side.names.map((n) => `'${n}'`).join(', ');
  if (idColumn === null) throw new DataError(side.file, `joining by id needs the column of ${side.file} that holds the ids; choose it as the id column (the columns are ${columns})`);
  const at = side.names.indexOf(idColumn);
  if (at < 0) throw new DataError(side.file, `there is no id column '${idColumn}' to join by; the columns are ${columns}`);
  const { idsFile, ids } = readNpyIds(path, rows, file, side.file);
  const byId = indexById(side, at, idColumn);
  const used = new Uint8Array(side.rows.length);
  const joined = ids.map((id) => {
    const r = byId.get(id);
    if (r === undefined) return [];
    used[r] = 1;
    const row = side.rows[r].slice();
    row[at] = id;
    return row;
  });
  return { rows: joined, join: { idsFile, labelsFile: side.file, ids, unmatched: unmatchedRows(side, at, used) } };
}

/** Reads and checks the header (and the labels file), checks memory, resolves roles. */
function planNpyLoad(path: string, roles: RoleAssignment, labelsPath: string | undefined, joinBy: JoinBy | undefined, availableBytes: number | undefined): NpyPlan & { file: string } {
  const file = basename(path);
  const { header, size } = readNpyHead(path);
  checkMemory(file, header.rows, header.cols, availableBytes);
  let side: SideTable | null = null;
  let sideRows: (string | null)[][] | null = null;
  let join: NpyJoin | null = null;
  if (labelsPath !== undefined) {
    side = readSideTable(labelsPath);
    if (joinBy === 'id') {
      if (formatOf(labelsPath) === 'npy') throw new DataError(side.file, 'a labels .npy holds no ids to join by; join it by row order, or give the labels as CSV, TSV or JSON Lines with an id column');
      ({ rows: sideRows, join } = joinSideById(path, header.rows, side, roles.id));
    } else {
      if (side.rows.length !== header.rows) {
        throw new DataError(side.file, `has ${side.rows.length} rows but ${file} has ${header.rows}; joined by row order they must match`);
      }
      sideRows = side.rows;
    }
  }
  const columns: ColumnInfo[] = [
    { name: 'features', index: 0, kind: 'vector', proposedRole: 'feature', samples: [], missing: 0, distinct: header.rows, vectorLength: header.cols },
    ...(side?.columns.map((c, i) => ({ ...c, index: i + 1 })) ?? []),
  ];
  const plan = resolveRoles(columns, { ...roles, features: ['features'] }, side && roles.label !== null ? side.file : file);
  return { file, header, sizeBytes: size, inPlace: npyInPlace(header), columns, plan: { ...plan, file }, side: sideRows, join };
}

export function planNpy(task: { path: string; roles: RoleAssignment; labelsPath?: string; joinBy?: JoinBy; availableBytes?: number }): NpyPlan {
  const { header, sizeBytes, inPlace, columns, plan, side, join } = planNpyLoad(task.path, task.roles, task.labelsPath, task.joinBy, task.availableBytes);
  return { header, sizeBytes, inPlace, columns, plan, side, join };
}

/**
 * The shared progress word of a parallel .npy read: whole BLOCKs read so far (the last one may be short;
 * blocks rather than bytes so that files over 2 GiB fit an Int32), or READ_FAILED. The reader stores it after each block and wakes the hasher, which waits on it.
 */
const READ_FAILED = -1;
/** How long the hasher waits for the reader before it gives up (the reader always starts first). */
const READ_STALL_MS = 120_000;

/** Reads the whole file into `bytes` (a SharedArrayBuffer as long as the file), publishing progress. */
export function readNpyBytes(task: { path: string; bytes: Uint8Array; progress: Int32Array; progressPort?: MessagePort }): boolean {
  const { bytes, progress } = task;
  const report = progressReporter(task.progressPort);
  const size = bytes.length;
  try {
    const fd = openSync(task.path, 'r');
    try {
      for (let at = 0; at < size; ) {
        const read = readSync(fd, bytes, at, Math.min(BLOCK, size - at), at);
        if (read === 0) throw new DataError(basename(task.path), 'ended early while reading; was it changed during the load?');
        at += read;
        // readSync may return less than asked; publish only whole blocks (and the end of the file).
        Atomics.store(progress, 0, at === size ? Math.ceil(size / BLOCK) : Math.floor(at / BLOCK));
        Atomics.notify(progress, 0);
        report(at / size, `read ${(at / MB).toFixed(0)} of ${(size / MB).toFixed(0)} MB`);
      }
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    Atomics.store(progress, 0, READ_FAILED);
    Atomics.notify(progress, 0);
    throw error;
  }
  return true;
}

/** SHA-256 of `bytes`, hashed block by block as readNpyBytes (on another thread) fills them. */
export function hashNpyBytes(task: { path: string; bytes: Uint8Array; progress: Int32Array }): string {
  const { bytes, progress } = task;
  const hash = createHash('sha256');
  const size = bytes.length;
  const blocks = Math.ceil(size / BLOCK);
  for (let done = 0; done < blocks; ) {
    let ready = Atomics.load(progress, 0);
    while (ready === done) {
      if (Atomics.wait(progress, 0, done, READ_STALL_MS) === 'timed-out') throw new Error(`${basename(task.path)}: the read stalled at byte ${done * BLOCK}`);
      ready = Atomics.load(progress, 0);
    }
    if (ready === READ_FAILED) throw new Error(`${basename(task.path)}: the read failed`);
    hash.update(bytes.subarray(done * BLOCK, Math.min(size, ready * BLOCK)));
    done = ready;
  }
  return hash.digest('hex');
}

/** Rows [start, end) of an .npy matrix already in shared memory: validation and moments, as a task. */
export function parseNpyChunk(task: {
  plan: ColumnPlan;
  dims: number;
  features: Float32Array;
  side: (string | null)[][] | null;
  join: NpyJoin | null;
  badRows: BadRowPolicy;
  start: number;
  end: number;
  /** The shared WebAssembly memory `features` lies in, and where this task's moments may keep their state. */
  memory?: SharedWasmMemory;
  scratch?: number;
}): ChunkResult {
  if (task.memory && task.scratch !== undefined && !task.side) {
    // The same buffer as task.features, seen through the memory the kernel imports.
    const kernel = momentKernel(task.memory);
    const features = new Float32Array(kernel.buffer, task.features.byteOffset, task.features.length);
    return parseNpyRows(task.plan, task.dims, features, null, task.badRows, task.start, task.end, null, { kernel, offset: task.scratch });
  }
  return parseNpyRows(task.plan, task.dims, task.features, task.side, task.badRows, task.start, task.end, task.join);
}

// ----------------------------------------------------------------------------------------- Parquet

/** The Parquet reader (hyparquet, pure JS) is imported here only, on first use. */
async function openParquet(path: string): Promise<{ bytes: ArrayBuffer; sha256: string; names: string[]; rows: number; readColumn: (name: string) => Promise<unknown[]>; head: (rows: number) => Promise<unknown[][]> }> {
  const file = basename(path);
  const size = sizeOf(path);
  const buffer = readAt(path, 0, size);
  const magic = (at: number) => buffer.toString('latin1', at, at + 4) === 'PAR1';
  if (size < 12 || !magic(0) || !magic(size - 4)) {
    throw new DataError(file, 'is not a Parquet file (it does not start and end with the "PAR1" magic bytes)');
  }
  const sha256 = createHash('sha256').update(buffer).digest('hex');
  const bytes = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
  const { parquetMetadata, parquetRead, parquetSchema } = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  let metadata: ReturnType<typeof parquetMetadata>;
  try {
    metadata = parquetMetadata(bytes);
  } catch (error) {
    throw new DataError(file, `has a corrupt Parquet footer: ${(error as Error).message}`);
  }
  const names = parquetSchema(metadata).children.map((c) => c.element.name);
  const rows = Number(metadata.num_rows);
  const asyncBuffer = { byteLength: bytes.byteLength, slice: (start: number, end?: number) => bytes.slice(start, end) };
  const read = async (columns: string[], rowEnd: number): Promise<unknown[][]> => {
    const out = columns.map(() => new Array<unknown>(rowEnd));
    try {
      await parquetRead({
        file: asyncBuffer,
        metadata,
        columns,
        rowEnd,
        compressors,
        onChunk: ({ columnName, columnData, rowStart }) => {
          const target = out[columns.indexOf(columnName)];
          const n = Math.min(columnData.length, rowEnd - rowStart);
          for (let i = 0; i < n; i++) target[rowStart + i] = (columnData as ArrayLike<unknown>)[i];
        },
      });
    } catch (error) {
      throw new DataError(file, `cannot be read as Parquet: ${(error as Error).message}`);
    }
    return out;
  };
  return {
    bytes,
    sha256,
    names,
    rows,
    readColumn: async (name) => (await read([name], rows))[0],
    head: async (n) => {
      const columns = await read(names, Math.min(n, rows));
      return Array.from({ length: Math.min(n, rows) }, (_, i) => columns.map((c) => normalize(c[i])));
    },
  };
}

/** Parquet values as the engine takes them: bigint → number, Date → ISO text. */
function normalize(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  return value;
}

// ---------------------------------------------------------------------------------------- preview

export async function previewFile(task: { path: string; progressPort?: MessagePort }): Promise<FilePreview> {
  const { path } = task;
  const format = formatOf(path);
  const preview = (columns: ColumnInfo[], rows: unknown[][], rowsEstimate: number, rowsExact: boolean, sizeBytes: number, delimiter?: string): FilePreview => {
    const proposedRoles = proposeRoles(columns);
    const firstRows = rows.slice(0, PREVIEW_ROWS).map((r) => r.map((v) => (Array.isArray(v) || ArrayBuffer.isView(v) ? `[${Array.from(v as ArrayLike<number>).slice(0, 4).join(', ')}, …]` : textOf(v) ?? '')));
    return { path, format, ...(delimiter ? { delimiter } : {}), columns, firstRows, rowsEstimate, rowsExact, sizeBytes, proposedRoles };
  };
  if (format === 'npy') {
    const { header, size } = readNpyHead(path);
    const columns: ColumnInfo[] = [{ name: 'features', index: 0, kind: 'vector', proposedRole: 'feature', samples: [], missing: 0, distinct: header.rows, vectorLength: header.cols }];
    const first = new Float32Array(Math.min(PREVIEW_ROWS, header.rows) * header.cols);
    if (!header.fortranOrder) convertNpyChunk(header, readAt(path, header.dataOffset, first.length * header.dtype.size), 0, first);
    const rows = header.fortranOrder ? [] : Array.from({ length: first.length / header.cols }, (_, i) => [first.subarray(i * header.cols, (i + 1) * header.cols)]);
    return preview(columns, rows, header.rows, true, size);
  }
  if (format === 'parquet') {
    const parquet = await openParquet(path);
    const sample = await parquet.head(SAMPLE_ROWS);
    return preview(inferColumns(parquet.names, sample), sample, parquet.rows, true, parquet.bytes.byteLength);
  }
  if (format === 'jsonl') {
    const head = readJsonlHead(path);
    return preview(inferColumns(head.names, head.sample), head.sample, head.rowsEstimate, false, head.size);
  }
  const head = readDelimitedHead(path);
  return preview(inferColumns(head.header, head.sample), head.sample, head.rowsEstimate, false, head.size, head.delimiter);
}

// ------------------------------------------------------------------------------------------- load

/** The pass over rows [start, end) of the loaded matrix (histograms, row hashes), as a task for the host. */
export function finishTable(task: { features: Float32Array; start: number; end: number; dims: number; min: Float64Array; max: Float64Array; sample: Int32Array | null }): MatrixFindings {
  const findings = scanMatrix(task.features, task.start, task.end, task.dims, task.min, task.max, task.sample);
  return moveResult(findings, [findings.histograms, findings.hashes]);
}

function noRows(file: string, merged: MergedChunks): void {
  if (merged.rows > 0) return;
  if (merged.rowsRead === 0) throw new DataError(file, 'the file has a header but no data rows');
  const first = merged.problems[0];
  throw new DataError(file, `every one of its ${merged.rowsRead} rows has a problem; the first: ${first ? `${first.line !== null ? `line ${first.line}` : ''}${first.column ? `, column '${first.column}'` : ''}: ${first.message}` : 'unknown'}`);
}

/**
 * Loads a whole dataset in this one worker: CSV/TSV (byte-level path when the file has no quotes,
 * papaparse otherwise), JSON Lines, .npy (with a labels file joined by row order or by id) or Parquet (a
 * table may take its labels from a labels file joined by id: joinTableById).
 */
export async function loadTable(task: {
  path: string;
  roles: RoleAssignment;
  badRows: BadRowPolicy;
  labelsPath?: string;
  joinBy?: JoinBy;
  availableBytes?: number;
  progressPort?: MessagePort;
}): Promise<IngestedTable> {
  const { path, badRows } = task;
  const file = basename(path);
  const format = formatOf(path);
  const report = progressReporter(task.progressPort);
  const tableJoin = task.labelsPath !== undefined && format !== 'npy';
  if (tableJoin && task.joinBy !== 'id') {
    throw new DataError(file, 'a labels file joined by row order goes with an .npy feature matrix; for a table, give the label column itself, or join the labels file by id');
  }
  // A table joined to a labels file by id loads without labels; joinTableById adds them.
  const roles = tableJoin ? { ...task.roles, label: null } : task.roles;
  let loaded: { columns: ColumnInfo[]; plan: ColumnPlan; merged: MergedChunks; features: Float32Array; sha256: string; size: number };
  let unmatched: NpyJoin['unmatched'] | null = null;

  if (format === 'npy') {
    const npy = planNpyLoad(path, roles, task.labelsPath, task.joinBy, task.availableBytes);
    const { features, sha256 } = readNpyMatrix(path, npy.header, npy.sizeBytes, report);
    const part = parseNpyRows(npy.plan, npy.header.cols, features, npy.side, badRows, 0, npy.header.rows, npy.join);
    unmatched = npy.join?.unmatched ?? null;
    loaded = { columns: npy.columns, plan: npy.plan, merged: mergeChunks([part]), features, sha256, size: npy.sizeBytes };
  } else if (format === 'parquet') {
    const parquet = await openParquet(path);
    const sample = await parquet.head(SAMPLE_ROWS);
    const columns = inferColumns(parquet.names, sample);
    const plan = resolveRoles(columns, roles, file);
    checkMemory(file, parquet.rows, plan.featureNames.length, task.availableBytes);
    const needed = [...new Set([...plan.featureColumn, plan.labelAt, plan.idAt, plan.groupAt, ...plan.textAt].filter((c) => c >= 0))];
    const data = new Map<number, unknown[]>();
    for (const [k, column] of needed.entries()) {
      data.set(column, await parquet.readColumn(plan.columns[column]));
      report((0.6 * (k + 1)) / needed.length, `read column '${plan.columns[column]}'`);
    }
    const features = new Float32Array(new SharedArrayBuffer(parquet.rows * plan.featureNames.length * 4));
    const builder = new ChunkBuilder(plan, features, 0, parquet.rows, badRows);
    const { firsts, widths } = featureRuns(plan);
    for (let i = 0; i < parquet.rows; i++) addValuesRow(builder, plan, widths, firsts, (column) => normalize(data.get(column)![i]), i + 1);
    loaded = { columns, plan, merged: mergeChunks([builder.result()]), features, sha256: parquet.sha256, size: parquet.bytes.byteLength };
  } else if (format === 'jsonl') {
    const head = readJsonlHead(path);
    const columns = inferColumns(head.names, head.sample);
    const plan = resolveRoles(columns, roles, file);
    checkMemory(file, head.rowsEstimate, plan.featureNames.length, task.availableBytes);
    const scan = scanText(path, head.size, [0], null, head.names, report);
    checkMemory(file, scan.lines[0], plan.featureNames.length, task.availableBytes);
    const features = new Float32Array(new SharedArrayBuffer(scan.lines[0] * plan.featureNames.length * 4));
    const part = parseJsonl(path, plan, scan.lines[0], badRows, features, report);
    loaded = { columns, plan, merged: mergeChunks([part]), features, sha256: scan.sha256, size: head.size };
  } else {
    const csv = planCsv({ path, roles, chunks: 1, availableBytes: task.availableBytes, progressPort: task.progressPort });
    const capacity = csv.chunks[0].lines;
    const features = new Float32Array(new SharedArrayBuffer(capacity * csv.plan.featureNames.length * 4));
    const part = csv.hasQuotes
      ? await parseCsvGeneral(path, csv, badRows, features, report)
      : parseChunk({ path, chunk: csv.chunks[0], delimiter: csv.delimiter, plan: csv.plan, badRows, features, rowBase: 0 }, (f, m) => report(0.3 + 0.6 * f, m));
    loaded = { columns: csv.columns, plan: csv.plan, merged: mergeChunks([part]), features, sha256: csv.sha256, size: csv.sizeBytes };
  }

  const { columns, plan, features } = loaded;
  let { merged } = loaded;
  noRows(file, merged);
  if (tableJoin) {
    ({ merged, unmatched } = joinTableById(file, merged, features, plan.featureNames.length, task.labelsPath!, task.roles, badRows));
    noRows(file, merged);
  }
  report(0.9, 'summarizing');
  const d = plan.featureNames.length;
  const findings = scanMatrix(features, 0, merged.rows, d, merged.moments.min, merged.moments.max, histogramSample(merged.rows));
  const result = assemble(format, columns, plan, merged, features, findings, loaded.sha256, loaded.size);
  if (unmatched) result.validation.unmatchedLabelRows = unmatched;
  if (tableJoin) result.labelColumn = task.roles.label;
  report(1, 'done');
  return moveResult(result, [result.labels, ...(result.group ? [result.group.codes] : [])]);
}

// Warm the byte-level parser's hot loop at worker start (stack.md "Worker threads": V8 otherwise sometimes
// keeps deoptimising it).
(function warmUp() {
  const plan: ColumnPlan = { file: 'warm-up', columns: ['a', 'b', 'label'], featureNames: ['a', 'b'], featureColumn: [0, 1], labelAt: 2, idAt: -1, groupAt: -1, textAt: [] };
  const bytes = Buffer.from('0.25,-1.5e3,x\n'.repeat(64));
  for (let k = 0; k < 80; k++) {
    const builder = new ChunkBuilder(plan, new Float32Array(128), 0, 64, 'skip');
    parseCsvLines(bytes, 0, bytes.length, 44, columnRoles(plan), builder, decodeUtf8, 2);
  }
})();
