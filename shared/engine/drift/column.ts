/**
 * Every drift statistic of one numeric column, its reading against the thresholds, and the hover texts.
 * The column is read out of the row-major matrices, non-finite values are left out (and counted), both
 * samples are sorted once, and every statistic is then one merge pass.
 */
import type { DriftThresholds, NumericColumnDrift, PsiBand } from '../../domain/drift.ts';
import type { Matrix } from '../matrix.ts';
import { binCountsSorted, flooredProportions, jensenShannonDistance, klDivergence, psi, quantileEdges } from './binned.ts';
import { ksTest } from './ks.ts';
import { sortFloat32 } from './sort.ts';
import { ecdfDistances } from './wasserstein.ts';

/** Equal-width bins of the mini-histograms and the overlay plot. */
const HISTOGRAM_BINS = 30;

/** An ascending sample: float32 as stored (sorted by radix), or float64. */
export type Sample = Float32Array | Float64Array;

/** Finite values of column `col` of `x`, ascending, and how many were not finite. */
export function sortedColumn(x: Matrix, col: number): { values: Float32Array; dropped: number } {
  return sortedColumns(x, Int32Array.of(col))[0];
}

/**
 * `sortedColumn` for several columns in one pass over the rows: reading a row-major matrix one column at a
 * time touches a new cache line per value, so a block of neighbouring columns is read together.
 */
export function sortedColumns(x: Matrix, columns: Int32Array): { values: Float32Array; dropped: number }[] {
  const { data, rows, cols } = x;
  const m = columns.length;
  const out = Array.from({ length: m }, () => new Float32Array(rows));
  const filled = new Int32Array(m);
  for (let i = 0, base = 0; i < rows; i++, base += cols) {
    for (let c = 0; c < m; c++) {
      const v = data[base + columns[c]];
      if (Number.isFinite(v)) out[c][filled[c]++] = v;
    }
  }
  return out.map((values, c) => ({ values: sortFloat32(values.subarray(0, filled[c])), dropped: rows - filled[c] }));
}

export function psiBand(value: number, t: Pick<DriftThresholds, 'psiModerate' | 'psiSignificant'>): PsiBand {
  return value > t.psiSignificant ? 'significant' : value > t.psiModerate ? 'moderate' : 'none';
}

function moments(sorted: Sample): { mean: number; std: number } {
  const n = sorted.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += sorted[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sorted[i] - mean) ** 2;
  return { mean, std: Math.sqrt(ss / n) };
}

/** Counts of both samples in HISTOGRAM_BINS equal-width bins over their joint range (last bin closed). */
function overlayHistogram(a: Sample, b: Sample): NumericColumnDrift['histogram'] {
  const lo = Math.min(a[0], b[0]);
  const hi = Math.max(a[a.length - 1], b[b.length - 1]);
  const bins = hi > lo ? HISTOGRAM_BINS : 1;
  const width = hi > lo ? (hi - lo) / bins : 1;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  const count = (s: Sample) => {
    const c = new Array<number>(bins).fill(0);
    for (let i = 0; i < s.length; i++) c[Math.min(bins - 1, Math.floor((s[i] - lo) / width))]++;
    return c;
  };
  return { edges, baseline: count(a), current: count(b) };
}

/**
 * All statistics of one column from its two ascending, finite samples (each non-empty).
 * @example numericColumnDrift('x', 0, base, cur, 0, 0, DEFAULT_DRIFT_THRESHOLDS).psi
 */
export function numericColumnDrift(
  name: string,
  index: number,
  baseline: Sample,
  current: Sample,
  baselineDropped: number,
  currentDropped: number,
  t: DriftThresholds,
): NumericColumnDrift {
  if (baseline.length === 0 || current.length === 0) {
    throw new Error(`column '${name}' has no finite values in the ${baseline.length === 0 ? 'baseline' : 'current'} dataset`);
  }
  const edges = quantileEdges(baseline, t.bins);
  const countsB = binCountsSorted(baseline, edges);
  const countsC = binCountsSorted(current, edges);
  const pb = flooredProportions(countsB, t.emptyBinFloor);
  const pc = flooredProportions(countsC, t.emptyBinFloor);
  const psiValue = psi(pb, pc);
  const kl = klDivergence(pb, pc);
  const js = jensenShannonDistance(pb, pc);
  const gaps = ecdfDistances(baseline, current);
  const w1 = gaps.wasserstein;
  const mb = moments(baseline);
  const mc = moments(current);
  const w1n = mb.std > 0 ? w1 / mb.std : null;
  const ks = ksTest(baseline.length, current.length, gaps.ks);
  const band = psiBand(psiValue, t);
  const decision = decide(t, { psi: psiValue, kl, js, w1n, ksP: ks.pValue });
  const f = fmt;
  const explain = {
    psi: `Population Stability Index over ${edges.length + 1} bins cut at the baseline's quantiles: Σ (b − c)·ln(b/c), empty bins counted as ${t.emptyBinFloor}. ${f(psiValue)} reads as ${band === 'none' ? 'no' : band} shift (< ${t.psiModerate} none, ${t.psiModerate}–${t.psiSignificant} moderate, > ${t.psiSignificant} significant; the alert is > ${t.psiAlert}).`,
    kl: `Kullback–Leibler divergence KL(baseline ‖ current) over the same bins, in nats: ${f(kl)}. 0 when the binned shares agree; threshold ${t.klDivergence}.`,
    js: `Jensen–Shannon distance over the same bins (natural log, between 0 and 0.833): ${f(js)}; threshold ${t.jsDistance}.`,
    wasserstein: `Wasserstein-1 (earth mover's) distance between the two empirical distributions, in the column's units: ${f(w1)} — how far, on average, values had to move.`,
    wassersteinNormed:
      w1n === null
        ? 'The baseline is constant, so the distance cannot be scaled by its standard deviation.'
        : `Wasserstein-1 divided by the baseline's standard deviation (${f(mb.std)}): ${f(w1n)}; above ${t.wassersteinNormed} counts as drift.`,
    ks: `Two-sample Kolmogorov–Smirnov: the largest gap between the two cumulative distributions is ${f(ks.statistic)}; p = ${fmtP(ks.pValue)} (${ks.method === 'exact' ? 'exact' : 'asymptotic'}) is the chance of a gap this large if both came from one distribution. With many rows even a negligible shift is significant.`,
    means: `Mean ${f(mb.mean)} → ${f(mc.mean)}; standard deviation ${f(mb.std)} → ${f(mc.std)}.`,
    decision: `Drift is decided by ${decision.text}.`,
  };
  return {
    kind: 'numeric',
    name,
    index,
    baselineCount: baseline.length,
    currentCount: current.length,
    baselineDropped,
    currentDropped,
    baselineMean: mb.mean,
    currentMean: mc.mean,
    baselineStd: mb.std,
    currentStd: mc.std,
    psi: psiValue,
    psiBand: band,
    kl,
    js,
    wasserstein: w1,
    wassersteinNormed: w1n,
    ks,
    bins: { edges, baseline: countsB.map((c) => c / baseline.length), current: countsC.map((c) => c / current.length) },
    histogram: overlayHistogram(baseline, current),
    drifted: decision.drifted,
    decidedBy: decision.text,
    explain,
  };
}

/** The chosen column test against its threshold. */
function decide(
  t: DriftThresholds,
  v: { psi: number; kl: number; js: number; w1n: number | null; ksP: number },
): { drifted: boolean; text: string } {
  const f = fmt;
  switch (t.columnTest) {
    case 'psi':
      return { drifted: v.psi > t.psiAlert, text: `PSI ${f(v.psi)} ${v.psi > t.psiAlert ? '>' : '≤'} ${t.psiAlert}` };
    case 'kl':
      return { drifted: v.kl > t.klDivergence, text: `KL ${f(v.kl)} ${v.kl > t.klDivergence ? '>' : '≤'} ${t.klDivergence}` };
    case 'js':
      return { drifted: v.js > t.jsDistance, text: `Jensen–Shannon ${f(v.js)} ${v.js > t.jsDistance ? '>' : '≤'} ${t.jsDistance}` };
    case 'ks':
      return { drifted: v.ksP < t.pValue, text: `KS p ${fmtP(v.ksP)} ${v.ksP < t.pValue ? '<' : '≥'} ${t.pValue}` };
    case 'wasserstein':
      if (v.w1n === null) return { drifted: false, text: 'normed Wasserstein (undefined: constant baseline)' };
      return { drifted: v.w1n > t.wassersteinNormed, text: `normed Wasserstein ${f(v.w1n)} ${v.w1n > t.wassersteinNormed ? '>' : '≤'} ${t.wassersteinNormed}` };
  }
}

/** A p-value in three significant digits; one that underflowed to 0 as "< 1e-300". */
export function fmtP(p: number): string {
  return p === 0 ? '< 1e-300' : p.toPrecision(3);
}

/** Four significant digits, for the hover texts. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}
