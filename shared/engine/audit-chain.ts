/**
 * The case's audit log as a hash chain (chain of custody): an append-only list of entries in which each one
 * holds the hash of the one before, so any edited, removed, inserted, reordered or cut-off entry breaks the
 * chain at a place verification can name. The construction is the linked timestamping chain of Haber &
 * Stornetta, "How to time-stamp a digital document" (J. Cryptology 3(2), 1991, §5.1): h_i = H(entry_i ‖ h_{i−1}).
 *
 * The bytes hashed are the entry's canonical JSON (RFC 8785, JSON Canonicalization Scheme: object keys sorted
 * by UTF-16 code units, no whitespace, numbers in ECMAScript's shortest round-trip form), so the hash does not
 * depend on how a file was pretty-printed or re-serialised. Pure: the hash function (SHA-256, hex) is passed
 * in by the host, which has node:crypto.
 */
import { GENESIS_HASH, type AuditStatus } from '../domain/case.ts';

export type HashHex = (text: string) => string;

/** A file or result an entry used or produced, by name and SHA-256. */
export interface HashRef {
  name: string;
  sha256: string;
}

export interface AuditEntry {
  /** 1, 2, 3, … in file order. */
  seq: number;
  /** ISO time of the action. */
  time: string;
  /** Who did it: the analyst's name, or "assay" for what the app did on its own. */
  actor: string;
  /** Dotted verb, e.g. "case.create", "job.scan", "case.update.incident". */
  action: string;
  params: unknown;
  inputs: HashRef[];
  outputs: HashRef[];
  /** Hash of the previous entry; GENESIS_HASH for the first. */
  prev: string;
  /** SHA-256 of the canonical JSON of every other field. */
  hash: string;
}

export type AuditDraft = Omit<AuditEntry, 'seq' | 'prev' | 'hash'>;

/**
 * RFC 8785 canonical JSON of a JSON value. Rejects what JSON cannot carry faithfully (non-finite numbers,
 * undefined, functions, typed arrays), naming where, so an entry can never hash differently from how it reads.
 */
export function canonicalJson(value: unknown, path = '$'): string {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${path} is ${value}, which JSON cannot hold`);
    return JSON.stringify(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v, i) => canonicalJson(v, `${path}[${i}]`)).join(',')}]`;
  if (typeof value === 'object' && !ArrayBuffer.isView(value)) {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`canonicalJson: ${path} is a ${(value as object).constructor?.name ?? 'non-plain object'}, not plain JSON`);
    const o = value as Record<string, unknown>;
    // Keys sorted by UTF-16 code units (RFC 8785 §3.2.3), which is what the default sort compares.
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k], `${path}.${k}`)}`).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: ${path} is ${ArrayBuffer.isView(value) ? 'a typed array' : typeof value}, not JSON`);
}

/** The hash an entry must carry: over every field but `hash` itself (which includes `prev`, so it chains). */
export function entryHash(entry: Omit<AuditEntry, 'hash'>, sha256: HashHex): string {
  const { seq, time, actor, action, params, inputs, outputs, prev } = entry;
  return sha256(canonicalJson({ seq, time, actor, action, params, inputs, outputs, prev }));
}

/** The next entry after `head` (the last entry, or null for an empty log). */
export function chainEntry(draft: AuditDraft, head: { seq: number; hash: string } | null, sha256: HashHex): AuditEntry {
  const body = { ...draft, seq: head ? head.seq + 1 : 1, prev: head ? head.hash : GENESIS_HASH };
  return { ...body, hash: entryHash(body, sha256) };
}

/** One log line: the entry's canonical JSON, so re-serialising a verified line reproduces it byte for byte. */
export function entryLine(entry: AuditEntry): string {
  return canonicalJson(entry) + '\n';
}

export interface AuditVerification extends AuditStatus {
  /** The entries that could be read, in file order (those before firstBad are verified). */
  entries: AuditEntry[];
}

const HEX64 = /^[0-9a-f]{64}$/;

function readEntry(line: string): AuditEntry | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return 'is not valid JSON';
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'is not a JSON object';
  const e = v as Record<string, unknown>;
  if (!Number.isInteger(e.seq)) return "has no whole-number 'seq'";
  if (typeof e.time !== 'string' || typeof e.actor !== 'string' || typeof e.action !== 'string') return 'lacks time, actor or action';
  if (!Array.isArray(e.inputs) || !Array.isArray(e.outputs)) return 'lacks its inputs or outputs list';
  if (typeof e.prev !== 'string' || !HEX64.test(e.prev) || typeof e.hash !== 'string' || !HEX64.test(e.hash)) return 'lacks a 64-hex prev or hash';
  const known = new Set(['seq', 'time', 'actor', 'action', 'params', 'inputs', 'outputs', 'prev', 'hash']);
  const extra = Object.keys(e).find((k) => !known.has(k));
  if (extra) return `has a field '${extra}' that no Assay entry has`;
  return e as unknown as AuditEntry;
}

/**
 * Verifies a log's text entry by entry and names the first entry that breaks the chain:
 * - an edited entry no longer matches its own hash;
 * - an edited and re-hashed entry no longer matches the `prev` its successor recorded;
 * - a removed, inserted or reordered entry shows as a `seq` out of order (or a broken `prev`);
 * - a cut-off log is shorter than the length the case file recorded (`expected`), or its last entry's hash
 *   is not the head recorded there;
 * - a torn last line (a write interrupted) has no final newline.
 * `expected` is what the case file says: the log had at least `entries` entries, the `entries`-th hashing to `head`.
 */
export function verifyChain(text: string, sha256: HashHex, expected: { entries: number; head: string } | null = null): AuditVerification {
  const lines = text === '' ? [] : text.split('\n');
  const torn = lines.length > 0 && lines[lines.length - 1] !== '';
  if (!torn && lines.length) lines.pop();
  const entries: AuditEntry[] = [];
  let head = GENESIS_HASH;
  let verified = 0;
  const fail = (line: number, seq: number | null, reason: string): AuditVerification => ({
    ok: false,
    verified,
    lines: lines.length,
    head,
    firstBad: { line, seq, reason },
    entries,
  });
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    if (torn && i === lines.length - 1) return fail(line, null, `line ${line} is incomplete (no line end): a write was interrupted or the file was cut`);
    const read = readEntry(lines[i]);
    if (typeof read === 'string') return fail(line, null, `line ${line} ${read}`);
    entries.push(read);
    const { hash, ...body } = read;
    if (entryHash(body, sha256) !== hash) return fail(line, read.seq, `entry ${read.seq} (line ${line}) was edited: its content no longer matches its hash`);
    if (read.seq !== line) {
      return fail(line, read.seq, `line ${line} holds entry ${read.seq} where entry ${line} belongs: entries were removed, inserted or reordered`);
    }
    if (read.prev !== head) {
      return i === 0
        ? fail(line, read.seq, 'entry 1 does not start the chain: entries before it were removed')
        : {
            ...fail(line - 1, read.seq - 1, `entry ${read.seq - 1} (line ${line - 1}) was replaced: entry ${read.seq} recorded a different hash for it (entry ${read.seq - 1} was edited and re-hashed, or entries before entry ${read.seq} were removed and the rest renumbered)`),
            verified: verified - 1,
          };
    }
    head = hash;
    verified++;
  }
  if (expected && expected.entries > 0) {
    if (verified < expected.entries) {
      return fail(verified + 1, verified + 1, `entry ${verified + 1} is missing: the case file records ${expected.entries} entries and the log ends after ${verified} (it was cut off)`);
    }
    const anchor = entries[expected.entries - 1];
    if (anchor.hash !== expected.head) {
      return { ...fail(expected.entries, expected.entries, `entry ${expected.entries} is not the one the case file recorded (its hash differs): the log was rewritten`), verified: expected.entries - 1 };
    }
  }
  return { ok: true, verified, lines: lines.length, head, firstBad: null, entries };
}
