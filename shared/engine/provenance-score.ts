/**
 * A data source's provenance validation score V_j (the V in the worksheet's integrity confidence
 * Π_j (1 − p_j·(1 − V_j)), see risk.ts) read off a manifest verification instead of typed in by hand.
 *
 * V is the share of the source's rows that a trusted manifest vouches for as they are now:
 *
 *     V = Σ_f verified_f / Σ_f rows_f
 *
 * over the manifest's files f, where
 *  - rows_f is the rows the manifest records for f plus the rows f gained since (rows the diff reports as
 *    added): appended rows are the classic poisoning injection, and a manifest that says nothing about them
 *    has not validated them;
 *  - verified_f is all of f's rows when the file is byte-identical (status ok), 0 when it is missing, and
 *    the rows the row diff found unchanged when it changed — except when its header changed: a CSV header
 *    that moved or renamed columns (or an .npy header that changed dtype or shape) gives the same row bytes
 *    another meaning, so none of that file's rows count as verified.
 *
 * A manifest that cannot itself be trusted validates nothing: V = 0 when its signature does not verify or
 * its root does not follow from its file list (a hand-edited manifest).
 */
import type { FileVerification, ManifestVerification } from '../domain/provenance.ts';
import { fmt, type Explained } from './risk.ts';

interface FileCount {
  path: string;
  verified: number;
  total: number;
  /** What happened to the file, for the working. */
  note: string;
}

function countFile(f: FileVerification): FileCount {
  const expected = f.rows.expected;
  if (f.status === 'ok') return { path: f.path, verified: expected, total: expected, note: 'unchanged' };
  if (f.status === 'missing') return { path: f.path, verified: 0, total: expected, note: 'missing' };
  if (f.diff === null) {
    // No row diff: nothing can be said about single rows; every row the file has or had is unverified.
    const total = Math.max(expected, f.rows.actual ?? 0);
    return { path: f.path, verified: 0, total, note: 'changed, no row diff' };
  }
  const { diff } = f;
  const total = expected + diff.added.length;
  const parts = [`${diff.changed.length} changed`, `${diff.added.length} added`, `${diff.removed.length} removed`];
  if (f.headerChanged) return { path: f.path, verified: 0, total, note: `header changed, so no row counts as verified; ${parts.join(', ')}` };
  return { path: f.path, verified: Math.min(diff.unchanged, expected), total, note: parts.join(', ') };
}

function signer(v: ManifestVerification): string {
  const s = v.signature;
  if (s === null) return 'unsigned manifest';
  if (s.valid) return `signed by keyid ${s.keyid}${s.signedAt ? ` at ${s.signedAt}` : ''} (signature verified)`;
  return `signed by keyid ${s.keyid}, but the signature does not verify against key ${s.expectedKeyid}${s.problem ? `: ${s.problem}` : ''}`;
}

/** V_j of a data source from the verification of its manifest, with the working (files, counts, signer). */
export function validationScore(v: ManifestVerification): Explained {
  const who = signer(v);
  if (v.signature !== null && !v.signature.valid) return { value: 0, how: `V = 0: the manifest cannot be trusted — ${who}` };
  if (!v.rootConsistent) {
    return { value: 0, how: `V = 0: the manifest cannot be trusted — its root ${v.manifestRoot} does not follow from its file list (edited by hand?); ${who}` };
  }
  if (v.files.length === 0) return { value: 0, how: `V = 0: the manifest covers no files; ${who}` };

  const counts = v.files.map(countFile);
  const verified = counts.reduce((a, c) => a + c.verified, 0);
  const total = counts.reduce((a, c) => a + c.total, 0);
  const perFile = counts.map((c) => `${c.path}: ${c.verified} of ${c.total} rows verified (${c.note})`).join('; ');
  if (total === 0) {
    // Only empty files: the bytes either match or they do not.
    const value = v.files.every((f) => f.status === 'ok') ? 1 : 0;
    return { value, how: `V = ${value}: the manifest's files have no rows and ${value === 1 ? 'all match' : 'not all match'}; ${perFile}; ${who}` };
  }
  const value = verified / total;
  const sums = counts.length > 1 ? `(${counts.map((c) => c.verified).join(' + ')}) / (${counts.map((c) => c.total).join(' + ')}) = ` : '';
  return { value, how: `V = rows verified / rows = ${sums}${verified} / ${total} = ${fmt(value)}; ${perFile}; ${who}` };
}
