/**
 * Worker: the case folder's heavy I/O, so the host's main thread never hashes, encodes or verifies large files —
 * hashing a referenced dataset on open, writing a stored result (wire encoding + SHA-256 + atomic write),
 * reading one back with its hash checked, and verifying a long audit log.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import writeFileAtomic from 'write-file-atomic';
import { encodeWire } from '../../shared/contract/wire.ts';
import type { AuditVerification } from '../../shared/engine/audit-chain.ts';
import { verifyAuditFile } from '../host/case/audit-log.ts';
import { readWireChecked } from '../host/case/results.ts';
import { progressReporter } from './progress.ts';

const CHUNK = 8 << 20;

/** SHA-256 (hex) of a file's bytes, read in 8 MiB chunks. */
export function hashFile(task: { path: string; progressPort?: MessagePort }): string {
  const report = progressReporter(task.progressPort);
  const fd = openSync(task.path, 'r');
  try {
    const size = fstatSync(fd).size;
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(CHUNK);
    let done = 0;
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
      done += read;
      report(size ? done / size : 1, 'hashing');
    }
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

/** Writes `value` in the wire encoding to `path` atomically; returns the SHA-256 of the bytes written. */
export async function writeWireFile(task: { path: string; value: unknown }): Promise<string> {
  const bytes = encodeWire(task.value);
  await mkdir(dirname(task.path), { recursive: true });
  await writeFileAtomic(task.path, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads a wire file back; `{ altered }` with the actual hash when its bytes no longer hash to `sha256`. */
export function readWireFile(task: { path: string; sha256: string }): Promise<{ value: unknown } | { altered: string }> {
  return readWireChecked(task.path, task.sha256);
}

/** Reads and verifies a case's audit log against the length and head its case file recorded. */
export function verifyAudit(task: { path: string; expected: { entries: number; head: string } | null }): Promise<AuditVerification> {
  return verifyAuditFile(task.path, task.expected);
}
