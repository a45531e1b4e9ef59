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
 * counts come from a second pass over the loaded matrix, which is in memory anyway, so no value falls
 * outside the range. The counts are over every row up to HISTOGRAM_SAMPLE_ROWS rows and over a seeded
 * uniform sample of that many rows beyond (histogramSample): they only draw the overview's sparklines, and
 * counting every value of a large matrix cost more than the rest of the load's arithmetic together.
 */
import { Random } from '../random.ts';
import type { MomentKernel } from '../kernels/moment-kernels.ts';

/**
 * Where a MomentAccumulator may keep its state for the WebAssembly kernel (kernels/moment-kernels.ts):
 * MOMENT_SCRATCH_FLOATS(d) float64 at byte `offset` (a multiple of 16) of the kernel's memory.
 */
export interface MomentScratch {
  kernel: MomentKernel;
  offset: number;
}

/** The float64 values a MomentAccumulator keeps in a MomentScratch: the shift and two states of four arrays. */
export const MOMENT_SCRATCH_FLOATS = (d: number): number => 9 * d;

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
  private sum: Float64Array;
  private sumSq: Float64Array;
  private min: Float64Array;
  private max: Float64Array;

  /** Where addRows works before it commits a block (swapped with the live arrays when the block is clean). */
  private next: { sum: Float64Array; sumSq: Float64Array; min: Float64Array; max: Float64Array } | null = null;
  /** The WebAssembly kernel, when the state lives in its memory (d a multiple of 4). */
  private readonly kernel: MomentKernel | null = null;

  /**
   * With `scratch` (and d a multiple of 4), addRows on values in the kernel's memory runs the WebAssembly
   * SIMD kernel, with the same results bit for bit.
   */
  constructor(
    private readonly d: number,
    scratch?: MomentScratch,
  ) {
    if (scratch && d > 0 && d % 4 === 0) {
      const all = new Float64Array(scratch.kernel.buffer, scratch.offset, MOMENT_SCRATCH_FLOATS(d));
      const slot = (k: number) => ({ sum: all.subarray(k, k + d), sumSq: all.subarray(k + d, k + 2 * d), min: all.subarray(k + 2 * d, k + 3 * d), max: all.subarray(k + 3 * d, k + 4 * d) });
      all.fill(0);
      this.kernel = scratch.kernel;
      this.shift = all.subarray(0, d);
      ({ sum: this.sum, sumSq: this.sumSq, min: this.min, max: this.max } = slot(d));
      this.next = slot(5 * d);
    } else {
      this.shift = new Float64Array(d);
      this.sum = new Float64Array(d);
      this.sumSq = new Float64Array(d);
      this.min = new Float64Array(d);
      this.max = new Float64Array(d);
    }
    this.min.fill(Infinity);
    this.max.fill(-Infinity);
  }

  /** Whether addRows runs as WebAssembly (on values in the kernel's memory). */
  get simd(): boolean {
    return this.kernel !== null;
  }

  /** addRows through the kernel: `values` lies in its memory. */
  private addRowsWasm(kernel: MomentKernel, values: Float32Array, offset: number, rows: number): boolean {
    const { d } = this;
    const next = this.next!;
    kernel.moments(values.byteOffset + offset * 4, rows, d * 4, d / 4, this.shift.byteOffset, this.sum.byteOffset, next.sum.byteOffset, d * 8);
    for (let j = 0; j < d; j++) {
      const s = next.sum[j];
      if (s - s !== 0 || next.min[j] === -Infinity || next.max[j] === Infinity) return false;
    }
    const { sum, sumSq, min, max } = this;
    this.sum = next.sum;
    this.sumSq = next.sumSq;
    this.min = next.min;
    this.max = next.max;
    this.next = { sum, sumSq, min, max };
    this.n += rows;
    return true;
  }

  /**
   * Adds `rows` consecutive rows from values[offset…] if every value in them is finite, and returns true;
   * otherwise adds nothing and returns false (the caller then checks the rows one by one). Needs at least
   * one row added before (the shift). Column by column over the block, with the sums in registers: the
   * same additions in the same order as addRow, so the results are identical bit for bit. A non-finite
   * value shows in its column's sum (the shift is finite and finite float32 values cannot overflow it).
   * @example acc.addRow(m, 0); acc.addRows(m, d, 16) → true, 17 rows added
   */
  addRows(values: Float32Array, offset: number, rows: number): boolean {
    const { d, shift } = this;
    if (this.n === 0) throw new Error('MomentAccumulator.addRows: add a first row with addRow');
    if (this.kernel && values.buffer === this.kernel.buffer) return this.addRowsWasm(this.kernel, values, offset, rows);
    const next = (this.next ??= { sum: new Float64Array(d), sumSq: new Float64Array(d), min: new Float64Array(d), max: new Float64Array(d) });
    const { sum, sumSq, min, max } = this;
    const span = rows * d;
    let finite = true;
    // Two columns at a time: two independent chains of additions keep the CPU busy (each column's own
    // additions stay in row order).
    const pairs = d - (d % 2);
    for (let j = 0; j < pairs; j += 2) {
      const k0 = shift[j];
      const k1 = shift[j + 1];
      let s0 = sum[j];
      let s1 = sum[j + 1];
      let q0 = sumSq[j];
      let q1 = sumSq[j + 1];
      let lo0 = min[j];
      let lo1 = min[j + 1];
      let hi0 = max[j];
      let hi1 = max[j + 1];
      for (let p = offset + j, stop = p + span; p < stop; p += d) {
        const x0 = values[p];
        const x1 = values[p + 1];
        const a = x0 - k0;
        const b = x1 - k1;
        s0 += a;
        s1 += b;
        q0 += a * a;
        q1 += b * b;
        lo0 = x0 < lo0 ? x0 : lo0;
        hi0 = x0 > hi0 ? x0 : hi0;
        lo1 = x1 < lo1 ? x1 : lo1;
        hi1 = x1 > hi1 ? x1 : hi1;
      }
      if (s0 - s0 !== 0 || s1 - s1 !== 0 || lo0 === -Infinity || lo1 === -Infinity || hi0 === Infinity || hi1 === Infinity) finite = false;
      next.sum[j] = s0;
      next.sum[j + 1] = s1;
      next.sumSq[j] = q0;
      next.sumSq[j + 1] = q1;
      next.min[j] = lo0;
      next.min[j + 1] = lo1;
      next.max[j] = hi0;
      next.max[j + 1] = hi1;
    }
    for (let j = pairs; j < d; j++) {
      const k = shift[j];
      let s = sum[j];
      let q = sumSq[j];
      let lo = min[j];
      let hi = max[j];
      for (let p = offset + j, stop = p + span; p < stop; p += d) {
        const x = values[p];
        const dx = x - k;
        s += dx;
        q += dx * dx;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      if (s - s !== 0 || lo === -Infinity || hi === Infinity) finite = false;
      next.sum[j] = s;
      next.sumSq[j] = q;
      next.min[j] = lo;
      next.max[j] = hi;
    }
    if (!finite) return false;
    // Swap: the block's totals become the live arrays, the old ones the next scratch.
    this.sum = next.sum;
    this.sumSq = next.sumSq;
    this.min = next.min;
    this.max = next.max;
    this.next = { sum, sumSq, min, max };
    this.n += rows;
    return true;
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
  addHistograms(counts, features, d, null, 0, rows, min, max, bins);
  return counts;
}

/** Rows the histograms count at most; a larger dataset's histograms count a sample of this many rows. */
export const HISTOGRAM_SAMPLE_ROWS = 20_000;
const HISTOGRAM_SEED = 0x41535359; // 'ASSY'

/**
 * The rows the histograms count: null when `rows` ≤ `cap` (every row), otherwise `cap` row indices drawn
 * uniformly without replacement (Knuth's selection sampling, Algorithm S) with a fixed seed, in increasing
 * order. The same `rows` always gives the same sample, whatever the format or the number of threads.
 * @example histogramSample(5) → null; histogramSample(100_000).length → 20000
 */
export function histogramSample(rows: number, cap: number = HISTOGRAM_SAMPLE_ROWS): Int32Array | null {
  if (rows <= cap) return null;
  const random = new Random(HISTOGRAM_SEED);
  const sample = new Int32Array(cap);
  let taken = 0;
  for (let i = 0; i < rows && taken < cap; i++) {
    // Take row i with probability (still needed) / (still left).
    if ((rows - i) * random.uniform() < cap - taken) sample[taken++] = i;
  }
  return sample;
}

/**
 * featureHistograms over the rows `at[from…to)` of the row-major matrix (rows × d) only, added into `counts`
 * (d × bins).
 */
export function addSampledHistograms(
  counts: Int32Array,
  features: Float32Array,
  d: number,
  at: Int32Array,
  from: number,
  to: number,
  min: ArrayLike<number>,
  max: ArrayLike<number>,
  bins: number = HISTOGRAM_BINS,
): void {
  addHistograms(counts, features, d, at, from, to, min, max, bins);
}

/** Adds rows `at[k]` (or rows k when `at` is null) for k in [from, to) into `counts` (d × bins). */
function addHistograms(
  counts: Int32Array,
  features: Float32Array,
  d: number,
  at: Int32Array | null,
  from: number,
  to: number,
  min: ArrayLike<number>,
  max: ArrayLike<number>,
  bins: number,
): void {
  const scale = new Float64Array(d);
  const low = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    low[j] = min[j];
    scale[j] = max[j] > min[j] ? bins / (max[j] - min[j]) : 0;
  }
  const last = bins - 1;
  // Values lie in [min, max], so t = (x − low)·scale ≥ 0 and truncation is the floor; the guards keep values
  // outside the range (callers may pass a narrower one) in the end bins. Two columns per step give the CPU
  // two independent increments to work on.
  const pairs = d - (d % 2);
  for (let k = from; k < to; k++) {
    const row = (at ? at[k] : k) * d;
    for (let j = 0; j < pairs; j += 2) {
      const t0 = (features[row + j] - low[j]) * scale[j];
      const t1 = (features[row + j + 1] - low[j + 1]) * scale[j + 1];
      const b0 = t0 >= last ? last : t0 > 0 ? t0 | 0 : 0;
      const b1 = t1 >= last ? last : t1 > 0 ? t1 | 0 : 0;
      counts[j * bins + b0]++;
      counts[(j + 1) * bins + b1]++;
    }
    if (pairs < d) {
      const t = (features[row + pairs] - low[pairs]) * scale[pairs];
      counts[pairs * bins + (t >= last ? last : t > 0 ? t | 0 : 0)]++;
    }
  }
}

/** The bins + 1 edges of a histogram over [min, max]. */
export function histogramEdges(min: number, max: number, bins: number = HISTOGRAM_BINS): number[] {
  if (!(max > min)) return [min, max];
  return Array.from({ length: bins + 1 }, (_, k) => (k === bins ? max : min + ((max - min) * k) / bins));
}
