/**
 * Drift of a categorical column (the label column; other categorical columns the same way): Pearson's
 * chi-square test of homogeneity on the 2 × K table of baseline and current counts, and PSI over categories.
 *
 * The test treats both sets as samples (scipy.stats.chi2_contingency with correction=False; no Yates
 * correction, whatever the degrees of freedom). Evidently instead tests the current counts against the
 * baseline's proportions as if those were exact (a goodness-of-fit test), which overstates significance when
 * the baseline is small. Categories absent from both sets are left out; dof = (K − 1).
 */
import { chiSquareUpper } from '../special.ts';
import { flooredProportions, psi } from './binned.ts';

export interface ChiSquareResult {
  statistic: number;
  dof: number;
  pValue: number;
}

/**
 * Pearson's X² = Σ (O − E)²/E over the 2 × K table, E = row total · column total / grand total
 * (Pearson 1900), with its χ²_{K−1} upper tail.
 * @example chiSquareHomogeneity([10, 20], [20, 10]) // → statistic 6.667, dof 1, p 0.00982
 */
export function chiSquareHomogeneity(baseline: readonly number[], current: readonly number[]): ChiSquareResult {
  const keep: number[] = [];
  for (let k = 0; k < baseline.length; k++) if (baseline[k] + current[k] > 0) keep.push(k);
  const nb = keep.reduce((s, k) => s + baseline[k], 0);
  const nc = keep.reduce((s, k) => s + current[k], 0);
  const total = nb + nc;
  const dof = keep.length - 1;
  if (dof < 1 || nb === 0 || nc === 0) return { statistic: 0, dof: Math.max(0, dof), pValue: 1 };
  let x2 = 0;
  for (const k of keep) {
    const col = baseline[k] + current[k];
    const eb = (nb * col) / total;
    const ec = (nc * col) / total;
    x2 += (baseline[k] - eb) ** 2 / eb + (current[k] - ec) ** 2 / ec;
  }
  return { statistic: x2, dof, pValue: chiSquareUpper(x2, dof) };
}

/** PSI over categories, empty categories floored as for numeric bins (see binned.ts). */
export function categoricalPsi(baseline: readonly number[], current: readonly number[], floor: number): number {
  const keep = baseline.map((_, k) => k).filter((k) => baseline[k] + current[k] > 0);
  return psi(
    flooredProportions(
      keep.map((k) => baseline[k]),
      floor,
    ),
    flooredProportions(
      keep.map((k) => current[k]),
      floor,
    ),
  );
}
