/**
 * Quantiles by linear interpolation between order statistics, R-7 (Hyndman & Fan 1996, "Sample quantiles in
 * statistical packages", definition 7; numpy's 'linear' and d3-array's default):
 * h = (n − 1)·p, Q = x_⌊h⌋ + (h − ⌊h⌋)(x_⌊h⌋+1 − x_⌊h⌋).
 */

/** R-7 quantile of ascending `sorted` at probability p; NaN for an empty array. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** R-7 quantile of `values` in any order (sorted into a copy); NaN for an empty array. */
export function quantileR7(values: ArrayLike<number>, p: number): number {
  return quantileSorted(Float64Array.from(values).sort(), p);
}
