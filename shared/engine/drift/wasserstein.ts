/**
 * Distances between two empirical distributions on the line, from one merge pass over the two ascending
 * samples: Wasserstein-1 (earth mover's) W₁ = ∫ |F₁(x) − F₂(x)| dx, the area between the two step CDFs
 * (Vallender 1974, "Calculation of the Wasserstein distance between probability distributions on the line"),
 * exactly as scipy.stats.wasserstein_distance computes it; and, in the same pass, the Kolmogorov–Smirnov
 * statistic sup |F₁ − F₂| (ties advance both samples together, as in ks.ts).
 */

/**
 * W₁ and the KS statistic of two ascending samples (each non-empty).
 * @example ecdfDistances(Float64Array.of(0, 1), Float64Array.of(2, 3)) // → { wasserstein: 2, ks: 1 }
 */
export function ecdfDistances(a: ArrayLike<number>, b: ArrayLike<number>): { wasserstein: number; ks: number } {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { wasserstein: NaN, ks: NaN };
  let i = 0;
  let j = 0;
  let prev = Math.min(a[0], b[0]);
  let area = 0;
  let ks = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
    area += Math.abs(i / n1 - j / n2) * (v - prev);
    prev = v;
    while (i < n1 && a[i] === v) i++;
    while (j < n2 && b[j] === v) j++;
    const gap = Math.abs(i / n1 - j / n2);
    if (gap > ks) ks = gap;
  }
  return { wasserstein: area, ks };
}
