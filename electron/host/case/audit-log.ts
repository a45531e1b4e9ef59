/**
 * The audit log file of a case folder (audit.jsonl): one canonical-JSON entry per line, chained by hashes
 * (shared/engine/audit-chain.ts). Appends are durable: open for append, write the whole line, fsync, close,
 * one at a time — an entry is on disk before the case file that counts it is written.
 */
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { chainEntry, entryLine, verifyChain, type AuditDraft, type AuditEntry, type AuditVerification } from '../../../shared/engine/audit-chain.ts';

export const sha256Hex = (text: string | Uint8Array): string => createHash('sha256').update(text).digest('hex');

/** Reads and verifies a log; a missing file is an empty log. */
export async function verifyAuditFile(path: string, expected: { entries: number; head: string } | null): Promise<AuditVerification> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    text = '';
  }
  return verifyChain(text, sha256Hex, expected);
}

/** Appends to one case's log; call `append` only after the log verified (or was found empty). */
export class AuditLog {
  private head: { seq: number; hash: string } | null;
  private tail: Promise<unknown> = Promise.resolve();

  /** `last`: the entry the next one chains to (seq and hash), or null for an empty log. */
  constructor(
    readonly path: string,
    last: { seq: number; hash: string } | null,
  ) {
    this.head = last ? { seq: last.seq, hash: last.hash } : null;
  }

  get length(): number {
    return this.head?.seq ?? 0;
  }

  /** Chains `draft` after the current head, writes it durably, and returns the entry. Appends run in order. */
  append(draft: AuditDraft): Promise<AuditEntry> {
    const run = this.tail.then(async () => {
      const entry = chainEntry(draft, this.head, sha256Hex);
      const handle = await open(this.path, 'a');
      try {
        await handle.write(entryLine(entry));
        await handle.sync();
      } finally {
        await handle.close();
      }
      this.head = { seq: entry.seq, hash: entry.hash };
      return entry;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }
}
