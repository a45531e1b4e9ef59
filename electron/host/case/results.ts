/**
 * Job results stored in a case's results/ folder, keyed by dataset SHA-256 + job kind + SHA-256 of the job's
 * parameters (DESIGN.md "Jobs"). A result is written in the contract's binary wire encoding
 * (shared/contract/wire.ts: typed arrays as raw bytes behind a JSON header), atomically, and its file hash
 * is kept in the case file so that a stored result that was altered is refused rather than shown. Encoding,
 * hashing and writing run on the worker pool (electron/workers/case-io.worker.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeWire } from '../../../shared/contract/wire.ts';
import { RESULTS_DIR, resultKey, type StoredResult } from '../../../shared/domain/case.ts';
import { canonicalJson } from '../../../shared/engine/audit-chain.ts';
import { HostError } from '../errors.ts';
import type { WorkerPool } from '../pool.ts';
import { sha256Hex } from './audit-log.ts';

/**
 * The parameters with every session handle replaced by what it stands for: a field named `datasetId` or
 * `…DatasetId` holding an open dataset's id becomes `sha256:<hex>` of that dataset, so the same scan of the
 * same bytes has the same key in every session.
 */
export function stableParams(params: unknown, datasetSha: (id: string) => string | null): unknown {
  if (Array.isArray(params)) return params.map((p) => stableParams(p, datasetSha));
  if (params === null || typeof params !== 'object' || ArrayBuffer.isView(params)) return params;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
    const isHandle = (k === 'datasetId' || k.endsWith('DatasetId')) && typeof v === 'string';
    const sha = isHandle ? datasetSha(v) : null;
    out[k] = sha ? `sha256:${sha}` : stableParams(v, datasetSha);
  }
  return out;
}

/** Canonical JSON that tolerates what job parameters may hold (typed arrays as lists, non-finite numbers as text). */
function jsonSafe(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, jsonSafe(v)]));
  return value;
}

export function paramsHash(params: unknown): { hash: string; json: unknown } {
  const json = jsonSafe(params);
  return { hash: sha256Hex(canonicalJson(json)), json };
}

/** Writes a result (on the worker pool); returns its index entry (without auditSeq/title/createdAt, which the caller knows). */
export async function writeResult(
  pool: WorkerPool,
  folder: string,
  datasetSha256: string,
  kind: string,
  params: unknown,
  value: unknown,
): Promise<Omit<StoredResult, 'auditSeq' | 'title' | 'createdAt'>> {
  const { hash, json } = paramsHash(params);
  const file = `${RESULTS_DIR}/${datasetSha256.slice(0, 16)}-${kind.replace(/[^A-Za-z0-9_-]/g, '_')}-${hash.slice(0, 16)}.wire`;
  const sha256 = await pool.run<string>('case-io', 'writeWireFile', { path: join(folder, file), value });
  return { key: resultKey(datasetSha256, kind, hash), datasetSha256, kind, paramsHash: hash, params: json, file, sha256 };
}

/** Reads a wire file, checking its bytes against `sha256` first; `{ altered }` with the actual hash when they differ. */
export async function readWireChecked(path: string, sha256: string): Promise<{ value: unknown } | { altered: string }> {
  const bytes = await readFile(path);
  const actual = sha256Hex(bytes);
  if (actual !== sha256) return { altered: actual };
  // A plain Uint8Array view: decodeWire copies buffers with slice(), which on a Node Buffer would be a view instead.
  return { value: decodeWire(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)) };
}

/**
 * Reads a stored result back in this thread (for code already on a worker, e.g. the report builder), refusing
 * a file whose bytes no longer hash to what the case recorded.
 */
export function readResult(folder: string, entry: StoredResult): Promise<unknown> {
  return checkedRead(folder, entry, (path) => readWireChecked(path, entry.sha256));
}

/** The same, on the worker pool: what the host's main thread uses. */
export function readResultOnPool(pool: WorkerPool, folder: string, entry: StoredResult): Promise<unknown> {
  return checkedRead(folder, entry, (path) => pool.run<{ value: unknown } | { altered: string }>('case-io', 'readWireFile', { path, sha256: entry.sha256 }));
}

async function checkedRead(folder: string, entry: StoredResult, read: (path: string) => Promise<{ value: unknown } | { altered: string }>): Promise<unknown> {
  const path = join(folder, entry.file);
  let got: { value: unknown } | { altered: string };
  try {
    got = await read(path);
  } catch (error) {
    throw new HostError('not-found', `${path}: the stored ${entry.kind} result cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); run the job again`);
  }
  if ('altered' in got) {
    throw new HostError('failed', `${path} was altered after it was stored (SHA-256 ${got.altered.slice(0, 12)}…, the case recorded ${entry.sha256.slice(0, 12)}…); it is not used — run the job again`);
  }
  return got.value;
}
