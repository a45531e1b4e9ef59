/**
 * Per-feature statistics that merge across chunks (DESIGN.md: "statistics … are mergeable"), and the
 * histograms of the overview.
 *
 * Moments: each chunk keeps, per feature, float64 sums of (x − K) and (x − K)² with the shift K = the chunk's
 * first value of that feature (the "shifted data" algorithm: no division per value, and no catastrophic
 * cancellation because K lies within the data). A chunk turns them into (n, mean, M2), and chunks merge with
 * the pairwise update of Chan, Golub & LeVeque ("Algorithms for computing the sample variance", 1983).
 * Variance is the sample variance (n − 1).
 *
 * Histograms: the range is fixed after a first pass — the exact min/max merged from all chunks — and the
 * counts come from a second pass over the loaded matrix, which is in memory anyway. That is exact (no
 * sample can miss an outlier and push values out of range) and costs one read of the matrix.
 */

/** Serializable moments of d features over n rows. */
export interface Moments {
  n: number;
  mean: Float64Array;
  m2: Float64Array;
  min: Float64Array;
  max: Float64Array;
}

/** Accumulates whole rows of d features (every loaded row has all d values). */
export class MomentAccumulator {
  n = 0;
  private readonly shift: Float64Array;
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;

  constructor(private readonly d: number) {
    this.shift = new Float64Array(d);
    this.sum = new Float64Array(d);
    this.sumSq = new Float64Array(d);
    this.min = new Float64Array(d).fill(Infinity);
    this.max = new Float64Array(d).fill(-Infinity);
  }

  /** Adds the row values[offset, offset + d). */
  addRow(values: Float32Array, offset: number): void {
    const { d, shift, sum, sumSq, min, max } = this;
    if (this.n === 0) for (let j = 0; j < d; j++) shift[j] = values[offset + j];
    for (let j = 0; j < d; j++) {
      const x = values[offset + j];
      const dx = x - shift[j];
      sum[j] += dx;
      sumSq[j] += dx * dx;
      if (x < min[j]) min[j] = x;
      if (x > max[j]) max[j] = x;
    }
    this.n++;
  }

  moments(): Moments {
    const { d, n } = this;
    const mean = new Float64Array(d);
    const m2 = new Float64Array(d);
    for (let j = 0; j < d && n > 0; j++) {
      mean[j] = this.shift[j] + this.sum[j] / n;
      m2[j] = Math.max(0, this.sumSq[j] - (this.sum[j] * this.sum[j]) / n);
    }
    return { n, mean, m2, min: this.min.slice(), max: this.max.slice() };
  }
}

/** Chan et al.'s pairwise merge of two sets of moments over the same features. */
export function mergeMoments(a: Moments, b: Moments): Moments {
  if (a.n === 0) return b;
  if (b.n === 0) return a;
  const n = a.n + b.n;
  const d = a.mean.length;
  const mean = new Float64Array(d);
  const m2 = new Float64Array(d);
  const min = new Float64Array(d);
  const max = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const delta = b.mean[j] - a.mean[j];
    mean[j] = a.mean[j] + (delta * b.n) / n;
    m2[j] = a.m2[j] + b.m2[j] + (delta * delta * a.n * b.n) / n;
    min[j] = Math.min(a.min[j], b.min[j]);
    max[j] = Math.max(a.max[j], b.max[j]);
  }
  return { n, mean, m2, min, max };
}

export const HISTOGRAM_BINS = 20;

/**
 * Counts each feature of the row-major matrix (rows × d) into `bins` equal bins over [min[j], max[j]]; the
 * last bin includes max. A constant feature gets everything in its first bin. Returns counts as rows of
 * `bins` per feature.
 * @example featureHistograms(Float32Array.of(0, 1, 2, 3), 4, 1, [0], [3], 3) → [1, 1, 2]
 */
export function featureHistograms(
  features: Float32Array,
  rows: number,
  d: number,
  min: ArrayLike<number>,
  max: ArrayLike<number>,
  bins: number = HISTOGRAM_BINS,
): Int32Array {
  const counts = new Int32Array(d * bins);
  const scale = new Float64Array(d);
  const low = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    low[j] = min[j];
    scale[j] = max[j] > min[j] ? bins / (max[j] - min[j]) : 0;
  }
  const last = bins - 1;
  for (let i = 0; i < rows; i++) {
    const base = i * d;
    for (let j = 0; j < d; j++) {
      let b = Math.floor((features[base + j] - low[j]) * scale[j]);
      if (b > last) b = last;
      else if (b < 0) b = 0;
      counts[j * bins + b]++;
    }
  }
  return counts;
}

/** The bins + 1 edges of a histogram over [min, max]. */
export function histogramEdges(min: number, max: number, bins: number = HISTOGRAM_BINS): number[] {
  if (!(max > min)) return [min, max];
  return Array.from({ length: bins + 1 }, (_, k) => (k === bins ? max : min + ((max - min) * k) / bins));
}
