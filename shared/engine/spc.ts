/**
 * Statistical process control (Shewhart 1931; Montgomery, "Introduction to Statistical Quality Control",
 * 7th ed.): a centre line and limits centre ± k·σ (k = 3), and the Western Electric zone rules (Western
 * Electric Co., "Statistical Quality Control Handbook", 1956, pp. 25–28) that catch smaller sustained shifts:
 *   1. one point beyond k·σ (the control limits);
 *   2. two of three consecutive points beyond 2σ on the same side;
 *   3. four of five consecutive points beyond 1σ on the same side;
 *   4. eight consecutive points on the same side of the centre line.
 * A rule fires at the point that completes its pattern. σ may differ per point (an x̄ chart's σ/√nᵢ, a p
 * chart's √(p̄(1−p̄)/nᵢ)): the rules read each point's z = (xᵢ − centre)/σᵢ, which is the textbook's zones.
 */

import type { ControlChart } from '../domain/drift.ts';

export interface ChartOptions {
  /** Limits at centre ± k·σ (default 3). */
  k?: number;
  /** Apply rules 2–4 as well as rule 1. */
  westernElectric?: boolean;
  /** Lower limits below this are raised to it: a p chart's lower limit is max(0, p̄ − kσ) (Montgomery §7.2.1). */
  lowerBound?: number;
}

/**
 * A control chart of `values` with the given centre and per-point σ (a number: the same for every point).
 * Points with σ = 0 or a non-finite value are never flagged (no scale to judge them by).
 * @example controlChart([0, 0, 5], 0, 1).outOfControl // → [{ index: 2, rules: [1] }]
 */
export function controlChart(values: readonly number[], centre: number, sigma: number | readonly number[], options: ChartOptions = {}): ControlChart {
  const k = options.k ?? 3;
  const n = values.length;
  const sig = typeof sigma === 'number' ? new Array<number>(n).fill(sigma) : [...sigma];
  if (sig.length !== n) throw new Error(`controlChart: 'sigma' has ${sig.length} entries for ${n} values`);
  const z = values.map((v, i) => (sig[i] > 0 && Number.isFinite(v) ? (v - centre) / sig[i] : NaN));
  const fired: number[][] = Array.from({ length: n }, () => []);
  // Rule 1 against the limits as drawn (a raised lower limit included).
  for (let i = 0; i < n; i++) if (Math.abs(z[i]) > k || (options.lowerBound !== undefined && values[i] < options.lowerBound)) fired[i].push(1);
  if (options.westernElectric) {
    for (const side of [1, -1]) {
      const beyond = (i: number, limit: number) => side * z[i] > limit;
      for (let i = 0; i < n; i++) {
        if (i >= 2 && beyond(i, 2) && countIn(i - 2, i, (j) => beyond(j, 2)) >= 2) add(fired[i], 2);
        if (i >= 4 && beyond(i, 1) && countIn(i - 4, i, (j) => beyond(j, 1)) >= 4) add(fired[i], 3);
        if (i >= 7 && countIn(i - 7, i, (j) => beyond(j, 0)) === 8) add(fired[i], 4);
      }
    }
  }
  return {
    values: [...values],
    centre,
    sigma: sig,
    k,
    upper: sig.map((s) => centre + k * s),
    lower: sig.map((s) => Math.max(options.lowerBound ?? -Infinity, centre - k * s)),
    outOfControl: fired.flatMap((rules, index) => (rules.length ? [{ index, rules: rules.sort((a, b) => a - b) }] : [])),
  };
}

function countIn(from: number, to: number, test: (i: number) => boolean): number {
  let c = 0;
  for (let i = from; i <= to; i++) if (test(i)) c++;
  return c;
}

function add(list: number[], rule: number): void {
  if (!list.includes(rule)) list.push(rule);
}

/**
 * Centre and σ of an individuals chart from the baseline period's points: the mean and the sample standard
 * deviation (n − 1), as the seed's x̄ ± k·s.
 * @example baselineLimits([1, 2, 3], 3) // → { centre: 2, sigma: 1 }
 */
export function baselineLimits(values: readonly number[], baselineCount: number): { centre: number; sigma: number } {
  const m = Math.min(baselineCount, values.length);
  if (m < 2) throw new Error(`baselineLimits: the baseline period needs at least 2 points, got ${m}`);
  let mean = 0;
  for (let i = 0; i < m; i++) mean += values[i];
  mean /= m;
  let ss = 0;
  for (let i = 0; i < m; i++) ss += (values[i] - mean) ** 2;
  return { centre: mean, sigma: Math.sqrt(ss / (m - 1)) };
}

/**
 * σ per point of an x̄ chart with the standard given (Montgomery §6.2): the baseline's row standard
 * deviation over √nᵢ, nᵢ the rows of snapshot i.
 */
export function meanChartSigma(rowStd: number, rows: readonly number[]): number[] {
  return rows.map((n) => (n > 0 ? rowStd / Math.sqrt(n) : NaN));
}

/** σ per point of a p chart (Montgomery §7.2.1): √(p̄(1 − p̄)/nᵢ). */
export function proportionChartSigma(pBar: number, rows: readonly number[]): number[] {
  return rows.map((n) => (n > 0 ? Math.sqrt((pBar * (1 - pBar)) / n) : NaN));
}
