/** Per-class views of a spectral result, computed once per result from its typed arrays. */
import type { SpectralResult } from '../../../../shared/domain/detectors.ts';

const byClassCache = new WeakMap<SpectralResult, Int32Array[]>();

/** Row indices of each class, in dataset order (a counting sort of `labels`). */
export function rowsByClass(result: SpectralResult): Int32Array[] {
  const cached = byClassCache.get(result);
  if (cached) return cached;
  const labels = result.labels;
  let k = 0;
  for (const c of result.classes) k = Math.max(k, c.classIndex + 1);
  for (let i = 0; i < labels.length; i++) if (labels[i] + 1 > k) k = labels[i] + 1;
  const counts = new Int32Array(k);
  for (let i = 0; i < labels.length; i++) if (labels[i] >= 0) counts[labels[i]]++;
  const out = Array.from(counts, (n) => new Int32Array(n));
  const fill = new Int32Array(k);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (c >= 0) out[c][fill[c]++] = i;
  }
  byClassCache.set(result, out);
  return out;
}

export interface Histogram {
  /** Bin centres, widths, and counts of unflagged and flagged rows per bin. */
  centres: Float64Array;
  width: number;
  clean: Int32Array;
  flagged: Int32Array;
  total: number;
  max: number;
}

/** Equal-width bins over [min, max] of the class's scores; bin count ~ √n clamped to [10, 80]. */
export function scoreHistogram(result: SpectralResult, rows: Int32Array): Histogram {
  const n = rows.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let r = 0; r < n; r++) {
    const s = result.scores[rows[r]];
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
  for (let r = 0; r < n; r++) {
    const i = rows[r];
    const b = Math.min(bins - 1, Math.floor((result.scores[i] - lo) / width));
    if (result.flagged[i]) flagged[b]++;
    else clean[b]++;
  }
  const centres = new Float64Array(bins);
  for (let b = 0; b < bins; b++) centres[b] = lo + (b + 0.5) * width;
  return { centres, width, clean, flagged, total: n, max: hi };
}

export interface ScatterSplit {
  clean: { x: Float32Array; y: Float32Array; rows: Int32Array };
  flagged: { x: Float32Array; y: Float32Array; rows: Int32Array };
}

/** The class's rows on its two class-local principal directions, split by flag. */
export function scatterSplit(result: SpectralResult, rows: Int32Array): ScatterSplit {
  let nf = 0;
  for (let r = 0; r < rows.length; r++) nf += result.flagged[rows[r]] ? 1 : 0;
  const nc = rows.length - nf;
  const clean = { x: new Float32Array(nc), y: new Float32Array(nc), rows: new Int32Array(nc) };
  const flagged = { x: new Float32Array(nf), y: new Float32Array(nf), rows: new Int32Array(nf) };
  let a = 0;
  let b = 0;
  const p = result.projection;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    if (result.flagged[i]) {
      flagged.x[b] = p[2 * i];
      flagged.y[b] = p[2 * i + 1];
      flagged.rows[b++] = i;
    } else {
      clean.x[a] = p[2 * i];
      clean.y[a] = p[2 * i + 1];
      clean.rows[a++] = i;
    }
  }
  return { clean, flagged };
}

/** The `k` highest-scored rows of a class, highest first. */
export function topRows(result: SpectralResult, rows: Int32Array, k: number): Int32Array {
  const sorted = Int32Array.from(rows).sort((a, b) => result.scores[b] - result.scores[a]);
  return sorted.subarray(0, Math.min(k, sorted.length));
}

/** 1-based rank of a row's score within its class (1 = most suspicious). */
export function rankInClass(result: SpectralResult, rows: Int32Array, row: number): number {
  const s = result.scores[row];
  let above = 0;
  for (let r = 0; r < rows.length; r++) if (result.scores[rows[r]] > s) above++;
  return above + 1;
}
