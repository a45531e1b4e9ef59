/**
 * From scores to decisions without knowing the poison rate: robust per-row p-values, Benjamini–Hochberg
 * flags at a chosen false-discovery rate, Storey's estimate of the contaminated fraction, conformal p-values
 * against a trusted clean reference, and a per-class normality test. Every peer tool (IBM ART, cleanlab)
 * asks for the poison fraction instead; these need no such guess.
 */
import { chiSquareUpper, normalTwoSided, normalUpper } from './special.ts';

/** Median of the values (a copy is sorted; NaN are not expected). */
export function median(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return NaN;
  return n % 2 ? sorted[(n - 1) >> 1] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

/**
 * Robust location and scale of the clean bulk: the median and 1.4826 × the median absolute deviation
 * (consistent for the normal σ), re-fitted on the values within 3.5 of those robust σ until stable.
 * The MAD alone is biased by contamination (10% far outliers inflate it by ~14%, which makes every clean
 * p-value too large and hides the contamination from Storey's estimate); dropping far values and
 * re-fitting removes that bias, while the truncation at 3.5σ costs < 0.05% of a clean normal sample.
 * When more than half the values are equal (MAD = 0) it falls back to the mean absolute deviation × √(π/2).
 */
export function robustLocationScale(values: ArrayLike<number>): { location: number; scale: number } {
  let { location, scale } = medianMad(values);
  for (let iteration = 0; iteration < 20 && scale > 0; iteration++) {
    const kept = Array.from(values).filter((v) => Math.abs(v - location) <= 3.5 * scale);
    if (kept.length < 0.5 * values.length || kept.length === values.length) break;
    const next = medianMad(kept);
    const moved = Math.abs(next.location - location) + Math.abs(next.scale - scale);
    ({ location, scale } = next);
    if (moved <= 1e-9 * scale) break;
  }
  return { location, scale };
}

function medianMad(values: ArrayLike<number>): { location: number; scale: number } {
  const location = median(values);
  const deviations = Float64Array.from(values, (v) => Math.abs(v - location));
  let scale = 1.4826 * median(deviations);
  if (!(scale > 0)) {
    let sum = 0;
    for (const v of deviations) sum += v;
    scale = deviations.length ? (sum / deviations.length) * Math.sqrt(Math.PI / 2) : 0;
  }
  return { location, scale };
}

/**
 * Per-row p-values under a normal null fitted robustly to the bulk of `values`.
 * `side`: 'upper' when only large values are suspicious (e.g. log distances), 'two-sided' when both tails are
 * (e.g. a signed projection, whose square is the spectral-signature score). A zero scale (all equal) gives 1.
 */
export function robustNormalPValues(values: ArrayLike<number>, side: 'upper' | 'two-sided'): Float64Array {
  return referenceNormalPValues(values, values, side);
}

/** Per-row p-values under a normal null fitted (robustly) to trusted clean reference values. */
export function referenceNormalPValues(values: ArrayLike<number>, reference: ArrayLike<number>, side: 'upper' | 'two-sided'): Float64Array {
  const { location, scale } = robustLocationScale(reference);
  return Float64Array.from(values, (v) => {
    if (!(scale > 0)) return v === location ? 1 : 0;
    const z = (v - location) / scale;
    return side === 'upper' ? normalUpper(z) : normalTwoSided(z);
  });
}

/**
 * Conformal p-values against scores of trusted clean rows: p_i = (1 + #{ref ≥ s_i}) / (m + 1), valid
 * (super-uniform) whenever clean rows and reference rows are exchangeable (Vovk et al., Algorithmic Learning in a
 * Random World, 2005; Bates et al., "Testing for outliers with conformal p-values", Ann. Stat. 2023).
 */
export function conformalPValues(scores: ArrayLike<number>, referenceScores: ArrayLike<number>): Float64Array {
  const ref = Float64Array.from(referenceScores).sort();
  const m = ref.length;
  return Float64Array.from(scores, (s) => {
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ref[mid] < s) lo = mid + 1;
      else hi = mid;
    }
    return (1 + (m - lo)) / (m + 1);
  });
}

/**
 * Benjamini–Hochberg step-up at level q (Benjamini & Hochberg, JRSS-B 1995): flags the rows with the k
 * smallest p-values, k the largest index with p_(k) ≤ k·q/m. Controls the expected false-discovery proportion
 * at q for independent (and positively dependent) p-values.
 * @returns flags and the p-value cut-off (0 when nothing is flagged).
 */
export function benjaminiHochberg(pValues: ArrayLike<number>, q: number): { flagged: Uint8Array; cutoff: number } {
  const m = pValues.length;
  const flagged = new Uint8Array(m);
  if (m === 0) return { flagged, cutoff: 0 };
  const sorted = Float64Array.from(pValues).sort();
  let cutoff = 0;
  for (let k = m; k >= 1; k--) {
    if (sorted[k - 1] <= (k * q) / m) {
      cutoff = sorted[k - 1];
      break;
    }
  }
  if (cutoff > 0 || sorted[0] === 0) {
    for (let i = 0; i < m; i++) if (pValues[i] <= cutoff) flagged[i] = 1;
  }
  return { flagged, cutoff };
}

/**
 * Storey's estimate of the fraction of non-null rows, 1 − π̂₀ with π̂₀ = #{p > λ} / ((1 − λ)·m), λ = 1/2
 * (Storey, JRSS-B 2002). Under the null, p-values above λ are uniform; contamination thins them out.
 * Clipped to [0, 1].
 */
export function contaminationEstimate(pValues: ArrayLike<number>, lambda = 0.5): number {
  const m = pValues.length;
  if (m === 0) return 0;
  let above = 0;
  for (let i = 0; i < m; i++) if (pValues[i] > lambda) above++;
  const pi0 = Math.min(1, above / ((1 - lambda) * m));
  return 1 - pi0;
}

/**
 * D'Agostino–Pearson omnibus normality test K² = Z₁² + Z₂² ~ χ²₂ (D'Agostino, Belanger & D'Agostino,
 * "A suggestion for using powerful and informative tests of normality", Am. Stat. 1990): Z₁ from the sample
 * skewness (D'Agostino 1970), Z₂ from the kurtosis (Anscombe & Glynn 1983). A sub-population shifted along a
 * direction makes the projection on it skewed (or, near half-and-half, platykurtic). Same as scipy's
 * `stats.normaltest`. Needs n ≥ 8; returns p = 1 for fewer rows or zero variance.
 */
export function normalityTest(values: ArrayLike<number>): { statistic: number; pValue: number; skewness: number; kurtosis: number } {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n || 1;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  if (n < 8 || !(m2 > 0)) return { statistic: 0, pValue: 1, skewness: 0, kurtosis: 3 };
  const b1 = m3 / m2 ** 1.5;
  const b2 = m4 / (m2 * m2);

  const y = b1 * Math.sqrt(((n + 1) * (n + 3)) / (6 * (n - 2)));
  const beta2 = (3 * (n * n + 27 * n - 70) * (n + 1) * (n + 3)) / ((n - 2) * (n + 5) * (n + 7) * (n + 9));
  const w2 = -1 + Math.sqrt(2 * (beta2 - 1));
  const delta = 1 / Math.sqrt(0.5 * Math.log(w2));
  const alpha = Math.sqrt(2 / (w2 - 1));
  const ya = y / alpha;
  const z1 = delta * Math.log(ya + Math.sqrt(ya * ya + 1));

  const e = (3 * (n - 1)) / (n + 1);
  const varb2 = (24 * n * (n - 2) * (n - 3)) / ((n + 1) * (n + 1) * (n + 3) * (n + 5));
  const x = (b2 - e) / Math.sqrt(varb2);
  const sqrtBeta1 = ((6 * (n * n - 5 * n + 2)) / ((n + 7) * (n + 9))) * Math.sqrt((6 * (n + 3) * (n + 5)) / (n * (n - 2) * (n - 3)));
  const a = 6 + (8 / sqrtBeta1) * (2 / sqrtBeta1 + Math.sqrt(1 + 4 / (sqrtBeta1 * sqrtBeta1)));
  const term1 = 1 - 2 / (9 * a);
  const denom = 1 + x * Math.sqrt(2 / (a - 4));
  const term2 = Math.sign(denom) * Math.cbrt((1 - 2 / a) / Math.abs(denom));
  const z2 = (term1 - term2) / Math.sqrt(2 / (9 * a));

  const statistic = z1 * z1 + z2 * z2;
  return { statistic, pValue: chiSquareUpper(statistic, 2), skewness: b1, kurtosis: b2 };
}

/** Percentile rank of each value within its array, in (0, 1]; ties share the highest rank. Higher = larger. */
export function percentileRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => values[i] - values[j]);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]] === values[order[i]]) j++;
    for (let k = i; k <= j; k++) ranks[order[k]] = (j + 1) / n;
    i = j + 1;
  }
  return ranks;
}
