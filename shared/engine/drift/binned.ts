/**
 * Binned divergences between a baseline and a current sample of one numeric column, over bins cut at the
 * baseline's quantiles: the Population Stability Index, Kullback–Leibler and Jensen–Shannon.
 *
 * Conventions (the same as Evidently's, so thresholds carry over):
 * - Bins: `bins` quantile bins of the baseline, cut at numpy's default (linear, Hyndman & Fan 1996 type 7)
 *   quantiles k/bins, k = 1…bins−1, with the outer bins open to ±∞ so every current value falls in one.
 *   Repeated cut points (a column with ties) are merged, so a discrete column gets fewer, non-empty bins.
 *   A value equal to a cut point belongs to the bin below it (bins are (e_{i−1}, e_i]).
 * - Empty bins: a proportion of exactly 0 is replaced by `floor` (default 1e-4, Evidently's 0.0001) without
 *   renormalising, because ln(0) is infinite; every statistic below uses the floored proportions.
 * - Natural logarithms throughout.
 */

import { quantileSorted } from '../quantile.ts';

/**
 * Interior cut points of `bins` quantile bins of the ascending baseline, duplicates removed.
 * @example quantileEdges(Float64Array.of(1, 2, 3, 4, 5), 2) // → [3]
 */
export function quantileEdges(sortedBaseline: ArrayLike<number>, bins: number): number[] {
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const q = quantileSorted(sortedBaseline, k / bins);
    if (edges.length === 0 || q > edges[edges.length - 1]) edges.push(q);
  }
  return edges;
}

/**
 * Counts of an ascending sample in the bins (−∞, e_0], (e_0, e_1], …, (e_last, ∞): one merge pass.
 * @example binCountsSorted(Float64Array.of(1, 2, 3, 4), [2]) // → [2, 2]
 */
export function binCountsSorted(sorted: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  let b = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i];
    while (b < edges.length && v > edges[b]) b++;
    counts[b]++;
  }
  return counts;
}

/** Proportions, with exact zeros replaced by `floor` (not renormalised; see the file header). */
export function flooredProportions(counts: readonly number[], floor: number): Float64Array {
  let total = 0;
  for (const c of counts) total += c;
  return Float64Array.from(counts, (c) => (c === 0 || total === 0 ? floor : c / total));
}

/**
 * Population Stability Index PSI = Σ_i (b_i − c_i)·ln(b_i / c_i) (Yurdakul 2018, "Statistical properties of
 * population stability index", eq. 1; = KL(b‖c) + KL(c‖b), Jeffreys' symmetric divergence).
 * @example psi(Float64Array.of(0.5, 0.5), Float64Array.of(0.25, 0.75)) // → 0.2747
 */
export function psi(baseline: Float64Array, current: Float64Array): number {
  let s = 0;
  for (let i = 0; i < baseline.length; i++) s += (baseline[i] - current[i]) * Math.log(baseline[i] / current[i]);
  return s;
}

/**
 * Kullback–Leibler divergence KL(p ‖ q) = Σ p_i ln(p_i / q_i) (Kullback & Leibler 1951), as
 * scipy.stats.entropy(p, q) computes it (both normalised to sum 1 first).
 */
export function klDivergence(p: Float64Array, q: Float64Array): number {
  const sp = sum(p);
  const sq = sum(q);
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] / sp;
    if (a > 0) s += a * Math.log(a / (q[i] / sq));
  }
  return s;
}

/**
 * Jensen–Shannon distance √JSD(p, q), JSD = ½KL(p‖m) + ½KL(q‖m), m = ½(p + q) (Lin 1991, eq. 4.1; the
 * distance is a metric, Endres & Schindelin 2003), natural log as scipy.spatial.distance.jensenshannon's
 * default: in [0, √ln 2 ≈ 0.833].
 */
export function jensenShannonDistance(p: Float64Array, q: Float64Array): number {
  const sp = sum(p);
  const sq = sum(q);
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] / sp;
    const b = q[i] / sq;
    const m = 0.5 * (a + b);
    if (a > 0) s += 0.5 * a * Math.log(a / m);
    if (b > 0) s += 0.5 * b * Math.log(b / m);
  }
  return Math.sqrt(Math.max(0, s));
}

function sum(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}
