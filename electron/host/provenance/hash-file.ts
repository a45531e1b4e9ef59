/**
 * Hashes one file for a manifest, streaming: its SHA-256, and per row (RowKind in shared/domain/provenance.ts)
 * the RFC 6962 leaf hash SHA-256(0x00 || row bytes), folded into a Merkle root as the rows go by. Memory is
 * the leaf hashes (32 bytes a row) plus one read buffer.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { CHUNK_BYTES, type ManifestFile, type RowKind } from '../../../shared/domain/provenance.ts';
import { sniffDelimiter } from '../../../shared/engine/ingest/csv.ts';
import { NPY_HEAD_BYTES, parseNpyHeader } from '../../../shared/engine/ingest/npy.ts';
import { leafHash, MerkleBuilder, toHex, type HashFn } from '../../../shared/engine/merkle.ts';
import { isBlankRecord, RecordSplitter, splitCsvRecord } from './records.ts';

export const sha256: HashFn = (...parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** A file's hashes as a verifier needs them: the manifest entry's contents plus where each row starts. */
export interface HashedFile extends Omit<ManifestFile, 'path' | 'leafHashes'> {
  /** rows × 32 bytes. */
  leaves: Uint8Array;
  /** 1-based line of each row (text files), or null. */
  lines: Int32Array | null;
}

export interface HashOptions {
  /** Column (CSV/TSV header name, JSON Lines key) that names rows; null for none. */
  idColumn: string | null;
  /** Called with the fraction of the file's bytes read. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

function rowKindOf(path: string): RowKind {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv-record';
  if (ext === '.tsv' || ext === '.tab') return 'tsv-record';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.txt') return 'line';
  if (ext === '.npy') return 'npy-row';
  return 'chunk';
}

/** Whether rows of this file can be named by an id column: CSV/TSV headers and JSON Lines keys. */
export function hasIdColumns(path: string): boolean {
  return /\.(csv|tsv|tab|jsonl|ndjson)$/i.test(path);
}

export async function hashFile(path: string, options: HashOptions): Promise<HashedFile> {
  const kind = rowKindOf(path);
  if (options.idColumn !== null && !hasIdColumns(path)) {
    throw new Error(`${path}: an id column ('${options.idColumn}') names rows of CSV, TSV and JSON Lines files only`);
  }
  const { size } = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  return kind === 'npy-row' ? hashNpy(path, size, options) : hashStream(path, size, kind, options);
}

class Leaves {
  private parts: Uint8Array[] = [];
  private current = new Uint8Array(32 * 4096);
  private used = 0;
  readonly tree = new MerkleBuilder(sha256);

  push(row: Uint8Array): void {
    const leaf = leafHash(sha256, row);
    this.tree.pushLeaf(leaf);
    if (this.used === this.current.length) {
      this.parts.push(this.current);
      this.current = new Uint8Array(this.current.length * 2);
      this.used = 0;
    }
    this.current.set(leaf, this.used);
    this.used += 32;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.parts.reduce((s, p) => s + p.length, 0) + this.used);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    out.set(this.current.subarray(0, this.used), o);
    return out;
  }
}

async function hashStream(path: string, size: number, kind: RowKind, options: HashOptions): Promise<HashedFile> {
  const file = createHash('sha256');
  const leaves = new Leaves();
  const lines: number[] = [];
  const ids: string[] | null = options.idColumn === null ? null : [];
  let headerSha256: string | null = null;
  let delimiter = kind === 'tsv-record' ? '\t' : ',';
  let idField = -1;
  const decoder = new TextDecoder('utf-8', { fatal: false });

  const splitter = new RecordSplitter(kind !== 'line', ({ bytes, line }) => {
    if (kind === 'csv-record' || kind === 'tsv-record') {
      if (headerSha256 === null) {
        headerSha256 = toHex(sha256(bytes));
        const header = decoder.decode(bytes).replace(/^\uFEFF/, '');
        if (kind === 'csv-record') delimiter = sniffDelimiter([header]);
        if (options.idColumn !== null) {
          idField = splitCsvRecord(header, delimiter).indexOf(options.idColumn);
          if (idField < 0) throw new Error(`${path}, line ${line}: the header has no column '${options.idColumn}' for row ids`);
        }
        return;
      }
      if (isBlankRecord(bytes, delimiter.charCodeAt(0))) return;
      if (ids) ids.push(splitCsvRecord(decoder.decode(bytes), delimiter)[idField] ?? '');
    } else if (kind === 'line') {
      if (isBlankRecord(bytes, 32)) return;
      if (ids) ids.push(jsonId(path, line, decoder.decode(bytes), options.idColumn as string));
    }
    leaves.push(bytes);
    lines.push(line);
  });

  let read = 0;
  let pending: Uint8Array = new Uint8Array(0);
  const stream = createReadStream(path, { highWaterMark: 1 << 20, signal: options.signal });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    file.update(chunk);
    read += chunk.length;
    options.onProgress?.(size > 0 ? read / size : 1);
    if (kind === 'chunk') {
      pending = concat(pending, chunk);
      let o = 0;
      for (; o + CHUNK_BYTES <= pending.length; o += CHUNK_BYTES) leaves.push(pending.subarray(o, o + CHUNK_BYTES));
      pending = pending.slice(o);
    } else splitter.push(chunk);
  }
  if (kind === 'chunk') {
    if (pending.length > 0) leaves.push(pending);
  } else splitter.end();

  return {
    sizeBytes: size,
    sha256: file.digest('hex'),
    rowKind: kind,
    rows: leaves.tree.leaves,
    headerSha256,
    merkleRoot: toHex(leaves.tree.root()),
    leaves: leaves.bytes(),
    lines: kind === 'chunk' ? null : Int32Array.from(lines),
    idColumn: options.idColumn,
    ids,
  };
}

function jsonId(path: string, line: number, text: string, key: string): string {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}, line ${line}: not valid JSON (${(error as Error).message}), so its '${key}' cannot be read`);
  }
  const value = record !== null && typeof record === 'object' ? (record as Record<string, unknown>)[key] : undefined;
  if (value === undefined) throw new Error(`${path}, line ${line}: the record has no '${key}' for its row id`);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** .npy: row i's bytes as stored, gathered across columns for Fortran order, read in blocks of rows. */
async function hashNpy(path: string, size: number, options: HashOptions): Promise<HashedFile> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(Math.min(size, NPY_HEAD_BYTES));
    await handle.read(head, 0, head.length, 0);
    const header = parseNpyHeader(head, path);
    if (header.dataOffset + header.dataBytes > size) {
      throw new Error(`${path}: the header announces ${header.rows} × ${header.cols} items (${header.dataBytes} bytes) but the file holds ${size - header.dataOffset} bytes after it; the file is truncated`);
    }
    const item = header.dtype.size;
    const rowBytes = header.cols * item;
    const leaves = new Leaves();
    const blockRows = Math.max(1, Math.floor((8 << 20) / Math.max(1, rowBytes)));
    const block = new Uint8Array(blockRows * rowBytes);
    const column = header.fortranOrder ? new Uint8Array(blockRows * item) : null;
    for (let r0 = 0; r0 < header.rows; r0 += blockRows) {
      if (options.signal?.aborted) throw options.signal.reason;
      const n = Math.min(blockRows, header.rows - r0);
      if (!column) {
        await handle.read(block, 0, n * rowBytes, header.dataOffset + r0 * rowBytes);
      } else {
        // Column j of rows r0…r0+n is contiguous in Fortran order; scatter it into the row-major block.
        for (let j = 0; j < header.cols; j++) {
          await handle.read(column, 0, n * item, header.dataOffset + (j * header.rows + r0) * item);
          for (let i = 0; i < n; i++) block.set(column.subarray(i * item, (i + 1) * item), i * rowBytes + j * item);
        }
      }
      for (let i = 0; i < n; i++) leaves.push(block.subarray(i * rowBytes, (i + 1) * rowBytes));
      options.onProgress?.(((r0 + n) / Math.max(1, header.rows)) * 0.5);
    }
    const file = await sha256OfFile(path, size, options, (f) => options.onProgress?.(0.5 + f * 0.5));
    return {
      sizeBytes: size,
      sha256: file,
      rowKind: 'npy-row',
      rows: header.rows,
      headerSha256: toHex(sha256(head.subarray(0, header.dataOffset))),
      merkleRoot: toHex(leaves.tree.root()),
      leaves: leaves.bytes(),
      lines: null,
      idColumn: null,
      ids: null,
    };
  } finally {
    await handle.close();
  }
}

export async function sha256OfFile(path: string, size: number, options: { signal?: AbortSignal }, onProgress?: (fraction: number) => void): Promise<string> {
  const h = createHash('sha256');
  let read = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal: options.signal }) as AsyncIterable<Buffer>) {
    h.update(chunk);
    read += chunk.length;
    onProgress?.(size > 0 ? read / size : 1);
  }
  return h.digest('hex');
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b.slice();
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
