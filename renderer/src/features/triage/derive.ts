/** Per-class views of one detector's scores and flags, from typed arrays (no per-row objects). */
import { benjaminiHochberg } from '../../../../shared/engine/calibration.ts';

export interface Histogram {
  /** Bin centres, width, and counts of unflagged and flagged rows per bin. */
  centres: Float64Array;
  width: number;
  lo: number;
  clean: Int32Array;
  flagged: Int32Array;
  total: number;
}

/** Equal-width bins over [min, max] of the class's scores; bin count ~ √n clamped to [10, 80]. */
export function scoreHistogram(scores: Float64Array, flags: Uint8Array, rows: Int32Array): Histogram {
  const n = rows.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (const i of rows) {
    const s = scores[i];
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  if (n === 0) {
    lo = 0;
    hi = 1;
  }
  if (hi <= lo) hi = lo + 1;
  const bins = Math.max(10, Math.min(80, Math.ceil(Math.sqrt(n))));
  const width = (hi - lo) / bins;
  const clean = new Int32Array(bins);
  const flagged = new Int32Array(bins);
  for (const i of rows) {
    const b = binOf(scores[i], lo, width, bins);
    if (flags[i]) flagged[b]++;
    else clean[b]++;
  }
  const centres = new Float64Array(bins);
  for (let b = 0; b < bins; b++) centres[b] = lo + (b + 0.5) * width;
  return { centres, width, lo, clean, flagged, total: n };
}

export function binOf(score: number, lo: number, width: number, bins: number): number {
  return Math.max(0, Math.min(bins - 1, Math.floor((score - lo) / width)));
}

/** Rows of the class whose score falls in bin `b` of `hist`. */
export function rowsInBin(scores: Float64Array, rows: Int32Array, hist: Histogram, b: number): Int32Array {
  const bins = hist.centres.length;
  return rows.filter((i) => binOf(scores[i], hist.lo, hist.width, bins) === b);
}

/** The class's scores, highest first (for the top-k slider). */
export function sortedDescending(scores: Float64Array, rows: Int32Array): Float64Array {
  return Float64Array.from(rows, (i) => scores[i]).sort().reverse();
}

/** Within-class percentile rank in (0, 1] of each row's score: colours that do not depend on the score's scale. */
export function classRanks(scores: Float64Array, rows: Int32Array): Float32Array {
  const order = Int32Array.from(rows.keys()).sort((a, b) => scores[rows[a]] - scores[rows[b]]);
  const out = new Float32Array(rows.length);
  const n = rows.length;
  order.forEach((k, pos) => (out[k] = (pos + 1) / n));
  return out;
}

export interface ClassFlags {
  count: number;
  /** Smallest flagged score (Infinity when none). */
  threshold: number;
  /** Largest p-value among flagged rows, and the FDR level Benjamini–Hochberg would need to flag as many. */
  pMax: number | null;
  impliedQ: number | null;
}

/** What the current flags of a class amount to. */
export function classFlags(scores: Float64Array, pValues: Float64Array | null, flags: Uint8Array, rows: Int32Array): ClassFlags {
  let count = 0;
  let threshold = Infinity;
  let pMax = -Infinity;
  for (const i of rows) {
    if (!flags[i]) continue;
    count++;
    if (scores[i] < threshold) threshold = scores[i];
    if (pValues && pValues[i] > pMax) pMax = pValues[i];
  }
  if (!pValues || count === 0) return { count, threshold, pMax: null, impliedQ: null };
  // BH flags the k smallest p-values when p_(k) ≤ k·q/m: the smallest such q for this set's largest p.
  return { count, threshold, pMax, impliedQ: Math.min(1, (rows.length * pMax) / count) };
}

/** Benjamini–Hochberg's p-value cut-off for a class at level q (0 when nothing passes). */
export function bhCutoff(pValues: Float64Array, rows: Int32Array, q: number): number {
  return benjaminiHochberg(Float64Array.from(rows, (i) => pValues[i]), q).cutoff;
}

export interface Projection {
  x: Float32Array;
  y: Float32Array;
  rows: Int32Array;
}

/** The class's rows on the detector's 2-D view; with `flags`, only the flagged ones. */
export function projectRows(projection: Float32Array, rows: Int32Array, flags?: Uint8Array): Projection {
  const keep = flags ? rows.filter((i) => flags[i] === 1) : rows;
  const x = new Float32Array(keep.length);
  const y = new Float32Array(keep.length);
  keep.forEach((i, k) => {
    x[k] = projection[2 * i];
    y[k] = projection[2 * i + 1];
  });
  return { x, y, rows: keep };
}
