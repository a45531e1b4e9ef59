/**
 * Row-level diff between a manifest's leaf hashes and a file's current ones: which rows changed, which were
 * added and which removed, by index (and id when both sides have unique ids).
 *
 * Without ids, rows are aligned by the shortest edit script over their hashes (Myers 1986, "An O(ND)
 * Difference Algorithm and Its Variations", Algorithmica 1: the greedy forward search of §3), after trimming
 * the common prefix and suffix; in each run of deletions and insertions between equal rows the first
 * deletions and insertions pair up as changed rows, the rest are removed or added. An edit script longer than
 * the work bound falls back to pairing the differing middle by position.
 */
import type { RowDiff } from '../../../shared/domain/provenance.ts';

export interface RowSide {
  /** rows × 32 bytes of leaf hashes. */
  leaves: Uint8Array;
  ids: string[] | null;
  /** 1-based line of each row (current side only), or null. */
  lines?: Int32Array | null;
}

/** Beyond this many steps of (rows × edit distance), the middle is paired by position. */
const WORK_BOUND = 200_000_000;

export function diffRows(old: RowSide, cur: RowSide): RowDiff {
  const tokens = new Map<string, number>();
  const tokenize = (leaves: Uint8Array) => {
    const n = leaves.length / 32;
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const key = Buffer.from(leaves.buffer, leaves.byteOffset + i * 32, 32).toString('base64');
      let t = tokens.get(key);
      if (t === undefined) tokens.set(key, (t = tokens.size));
      out[i] = t;
    }
    return out;
  };
  const a = tokenize(old.leaves);
  const b = tokenize(cur.leaves);
  const line = (j: number) => (cur.lines ? cur.lines[j] : null);
  if (old.ids && cur.ids && unique(old.ids) && unique(cur.ids)) return diffById(a, b, old.ids, cur.ids, line);

  const diff: RowDiff = { changed: [], added: [], removed: [], unchanged: 0, matchedBy: 'position' };
  const oldId = (i: number) => old.ids?.[i] ?? null;
  const curId = (j: number) => cur.ids?.[j] ?? null;
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  diff.unchanged = p + s;
  const n = a.length - p - s;
  const m = b.length - p - s;

  const hunk = (dels: number[], inss: number[]) => {
    const k = Math.min(dels.length, inss.length);
    for (let t = 0; t < k; t++) diff.changed.push({ oldIndex: dels[t], newIndex: inss[t], id: curId(inss[t]), line: line(inss[t]) });
    for (let t = k; t < dels.length; t++) diff.removed.push({ oldIndex: dels[t], id: oldId(dels[t]) });
    for (let t = k; t < inss.length; t++) diff.added.push({ newIndex: inss[t], id: curId(inss[t]), line: line(inss[t]) });
  };

  const script = editScript(a.subarray(p, p + n), b.subarray(p, p + m));
  if (script === null) {
    const dels: number[] = [];
    const inss: number[] = [];
    for (let t = 0; t < Math.max(n, m); t++) {
      if (t < n && t < m && a[p + t] === b[p + t]) diff.unchanged++;
      else {
        if (t < n) dels.push(p + t);
        if (t < m) inss.push(p + t);
      }
    }
    hunk(dels, inss);
    return diff;
  }
  let dels: number[] = [];
  let inss: number[] = [];
  for (const op of script) {
    if (op.kind === 'equal') {
      hunk(dels, inss);
      dels = [];
      inss = [];
      diff.unchanged++;
    } else if (op.kind === 'delete') dels.push(p + op.index);
    else inss.push(p + op.index);
  }
  hunk(dels, inss);
  return diff;
}

function diffById(a: Int32Array, b: Int32Array, oldIds: string[], curIds: string[], line: (j: number) => number | null): RowDiff {
  const diff: RowDiff = { changed: [], added: [], removed: [], unchanged: 0, matchedBy: 'id' };
  const where = new Map(curIds.map((id, j) => [id, j]));
  oldIds.forEach((id, i) => {
    const j = where.get(id);
    if (j === undefined) diff.removed.push({ oldIndex: i, id });
    else if (a[i] === b[j]) diff.unchanged++;
    else diff.changed.push({ oldIndex: i, newIndex: j, id, line: line(j) });
  });
  const before = new Set(oldIds);
  curIds.forEach((id, j) => {
    if (!before.has(id)) diff.added.push({ newIndex: j, id, line: line(j) });
  });
  return diff;
}

function unique(ids: string[]): boolean {
  return new Set(ids).size === ids.length;
}

type Op = { kind: 'equal' | 'delete' | 'insert'; index: number };

/** Myers' greedy shortest edit script from a to b, or null when it would exceed the work bound. */
function editScript(a: Int32Array, b: Int32Array): Op[] | null {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const maxD = Math.min(max, Math.floor(WORK_BOUND / Math.max(1, max)));
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= maxD; d++) {
    // Keep only diagonals −d…d of this step: O(D²) memory for the backtrack.
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, n, m, d);
    }
  }
  return null;
}

function backtrack(trace: Int32Array[], n: number, m: number, dEnd: number): Op[] {
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = dEnd; d > 0; d--) {
    const vd = trace[d]; // V before step d: diagonal k at index k + d + 1
    const at = (k: number) => vd[k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: 'equal', index: --x });
      y--;
    }
    if (prevK === k + 1) ops.push({ kind: 'insert', index: --y });
    else ops.push({ kind: 'delete', index: --x });
  }
  while (x > 0 && y > 0) {
    ops.push({ kind: 'equal', index: --x });
    y--;
  }
  return ops.reverse();
}
