/**
 * Drift statistics (shared/engine/drift) against:
 *  1. scipy/numpy/scikit-learn values for fixed samples (test/reference/drift.py → test/fixtures/drift.json):
 *     binned PSI/KL/JS, Wasserstein-1, ks_2samp (exact and asymptotic) and kstwo.sf over all its regimes,
 *     chi2_contingency, MMD²_u with the median heuristic, AUC and the Mann–Whitney p-value;
 *  2. closed forms on large samples of two normals: W₁ = |μ₁ − μ₂| for equal σ, and the binned KL and PSI
 *     approaching KL(N₁‖N₂) and the Jeffreys divergence from below as the bins get finer;
 *  3. identities: identical samples give zero everywhere and p = 1; the dataset verdict's share rule.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DRIFT_THRESHOLDS, type ColumnDrift } from '../../shared/domain/drift.ts';
import { binCountsSorted, quantileEdges } from '../../shared/engine/drift/binned.ts';
import { categoricalPsi, chiSquareHomogeneity } from '../../shared/engine/drift/categorical.ts';
import { numericColumnDrift, sortedColumn } from '../../shared/engine/drift/column.ts';
import { aucMannWhitney, domainClassifier, mmdTest } from '../../shared/engine/drift/embedding.ts';
import { kolmogorovSf, ks2Sorted, ksStatisticSorted } from '../../shared/engine/drift/ks.ts';
import { sortFloat32 } from '../../shared/engine/drift/sort.ts';
import { categoricalColumnDrift, datasetVerdict } from '../../shared/engine/drift/verdict.ts';
import { ecdfDistances } from '../../shared/engine/drift/wasserstein.ts';
import { Random } from '../../shared/engine/random.ts';

interface NumericCase {
  name: string;
  bins: number;
  baseline: string;
  current: string;
  edges: number[];
  countsBaseline: number[];
  countsCurrent: number[];
  psi: number;
  kl: number;
  js: number;
  wasserstein: number;
  wassersteinNormed: number;
  ksStatistic: number;
  ksPValue: number;
  ksMethod: 'exact' | 'asymp';
}

interface Fixture {
  numeric: NumericCase[];
  kolmogorov: { n: number; x: number; sf: number }[];
  chiSquare: { baseline: number[]; current: number[]; statistic: number; pValue: number; dof: number; psi: number }[];
  mmd: { d: number; a: string; b: string; rowsA: number; rowsB: number; mmd2: number; bandwidth: number }[];
  auc: { scores: number[]; labels: number[]; auc: number; pValue: number }[];
}

const fixture: Fixture = JSON.parse(readFileSync(new URL('../fixtures/drift.json', import.meta.url), 'utf8'));

function f32(b64: string): Float64Array {
  const bytes = Buffer.from(b64, 'base64');
  return Float64Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
}

const sorted = (a: Float64Array) => Float64Array.from(a).sort();

/** |a − e| ≤ rel·|e| + abs. */
function near(actual: number, expected: number, rel: number, abs = 0, what = ''): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(rel * Math.abs(expected) + abs);
}

function normals(n: number, mean: number, sd: number, seed: number): Float64Array {
  const r = new Random(seed);
  return Float64Array.from({ length: n }, () => mean + sd * r.normal()).sort();
}

describe('numeric column drift against scipy', () => {
  for (const c of fixture.numeric) {
    it(c.name, () => {
      const b = sorted(f32(c.baseline));
      const cur = sorted(f32(c.current));
      const t = { ...DEFAULT_DRIFT_THRESHOLDS, bins: c.bins };
      const edges = quantileEdges(b, c.bins);
      expect(edges.length).toBe(c.edges.length);
      edges.forEach((e, i) => near(e, c.edges[i], 1e-12, 1e-12, `edge ${i}`));
      expect(binCountsSorted(b, edges)).toEqual(c.countsBaseline);
      expect(binCountsSorted(cur, edges)).toEqual(c.countsCurrent);
      const r = numericColumnDrift('x', 0, b, cur, 0, 0, t);
      near(r.psi, c.psi, 1e-10, 1e-14, 'psi');
      near(r.kl, c.kl, 1e-10, 1e-14, 'kl');
      near(r.js, c.js, 1e-9, 1e-12, 'js');
      near(r.wasserstein, c.wasserstein, 1e-10, 1e-13, 'wasserstein');
      near(r.wassersteinNormed!, c.wassersteinNormed, 1e-9, 1e-13, 'normed wasserstein');
      near(r.ks.statistic, c.ksStatistic, 1e-12, 1e-15, 'KS statistic');
      expect(r.ks.method).toBe(c.ksMethod);
      near(r.ks.pValue, c.ksPValue, 1e-7, 1e-15, 'KS p-value');
    });
  }
});

describe('Kolmogorov distribution tail against scipy.stats.kstwo.sf', () => {
  it('matches in every regime (Ruben–Gambino, Durbin matrix, Pelz–Good, Smirnov sum)', () => {
    for (const k of fixture.kolmogorov) near(kolmogorovSf(k.n, k.x), k.sf, 1e-7, 1e-14, `n=${k.n} x=${k.x}`);
  });
});

describe('categorical drift against scipy.stats.chi2_contingency', () => {
  for (const [i, c] of fixture.chiSquare.entries()) {
    it(`table ${i + 1}`, () => {
      const r = chiSquareHomogeneity(c.baseline, c.current);
      near(r.statistic, c.statistic, 1e-12, 1e-12, 'X²');
      expect(r.dof).toBe(c.dof);
      near(r.pValue, c.pValue, 1e-9, 1e-15, 'p');
      near(categoricalPsi(c.baseline, c.current, 1e-4), c.psi, 1e-12, 1e-14, 'psi');
    });
  }

  it('matches categories by name and names those only one set has', () => {
    const r = categoricalColumnDrift('label', { categories: ['a', 'b'], counts: [10, 20] }, { categories: ['b', 'a', 'c'], counts: [10, 20, 5] }, DEFAULT_DRIFT_THRESHOLDS);
    expect(r.categories).toEqual(['a', 'b', 'c']);
    expect(r.baseline).toEqual([10, 20, 0]);
    expect(r.current).toEqual([20, 10, 5]);
    expect(r.explain.categories).toContain('c');
    expect(r.drifted).toBe(true);
  });
});

describe('embedding-set drift', () => {
  for (const [i, c] of fixture.mmd.entries()) {
    it(`MMD²_u and the median-heuristic bandwidth match numpy (case ${i + 1})`, () => {
      const r = mmdTest(f32(c.a), f32(c.b), c.d, { permutations: 0, seed: 1 });
      near(r.bandwidth, c.bandwidth, 1e-12, 0, 'bandwidth');
      near(r.mmd2, c.mmd2, 1e-9, 1e-12, 'mmd2');
    });
  }

  it('the permutation p-value is large for one distribution and minimal for a clear shift', () => {
    const r = new Random(7);
    const draw = (n: number, shift: number) => Float64Array.from({ length: n * 4 }, () => r.normal() + shift);
    const same = mmdTest(draw(150, 0), draw(150, 0), 4, { permutations: 99, seed: 3 });
    expect(same.pValue).toBeGreaterThan(0.05);
    const shifted = mmdTest(draw(150, 0), draw(150, 0.7), 4, { permutations: 99, seed: 3 });
    expect(shifted.pValue).toBe(1 / 100);
  });

  for (const [i, c] of fixture.auc.entries()) {
    it(`AUC and its Mann–Whitney p-value match scikit-learn and scipy (case ${i + 1})`, () => {
      const r = aucMannWhitney(Float64Array.from(c.scores), Uint8Array.from(c.labels));
      near(r.auc, c.auc, 1e-12, 1e-15, 'auc');
      near(r.pValue, c.pValue, 1e-9, 1e-15, 'p');
    });
  }

  it('the cross-fitted domain classifier is near 0.5 on one distribution and near 1 on separable sets', () => {
    const r = new Random(11);
    const draw = (n: number, shift: number) => Float64Array.from({ length: n * 6 }, (_, k) => r.normal() + (k % 6 === 0 ? shift : 0));
    const same = domainClassifier(draw(600, 0), draw(600, 0), 6, { folds: 5, seed: 2 });
    expect(Math.abs(same.auc - 0.5)).toBeLessThan(0.06);
    const apart = domainClassifier(draw(600, 0), draw(600, 4), 6, { folds: 5, seed: 2 });
    expect(apart.auc).toBeGreaterThan(0.97);
    expect(apart.pValue).toBeLessThan(1e-10);
  });
});

describe('closed forms on two normals', () => {
  it('Wasserstein-1 approaches |μ₁ − μ₂| for equal σ', () => {
    const a = normals(400_000, 0, 1.5, 1);
    const b = normals(400_000, 0.8, 1.5, 2);
    near(ecdfDistances(a, b).wasserstein, 0.8, 0, 0.01, 'W1');
  });

  it('binned KL and PSI approach KL(N₁‖N₂) and the Jeffreys divergence from below as bins get finer', () => {
    const [m1, s1, m2, s2] = [0, 1, 0.5, 1.3];
    const kl12 = Math.log(s2 / s1) + (s1 ** 2 + (m1 - m2) ** 2) / (2 * s2 ** 2) - 0.5;
    const kl21 = Math.log(s1 / s2) + (s2 ** 2 + (m1 - m2) ** 2) / (2 * s1 ** 2) - 0.5;
    const a = normals(1_000_000, m1, s1, 3);
    const b = normals(1_000_000, m2, s2, 4);
    const coarse = numericColumnDrift('x', 0, a, b, 0, 0, { ...DEFAULT_DRIFT_THRESHOLDS, bins: 10 });
    const fine = numericColumnDrift('x', 0, a, b, 0, 0, { ...DEFAULT_DRIFT_THRESHOLDS, bins: 200 });
    // Binning loses information (data-processing inequality), so the binned values sit below the closed form.
    expect(coarse.kl).toBeLessThan(fine.kl);
    expect(fine.kl).toBeLessThan(kl12);
    near(fine.kl, kl12, 0.03, 0, 'KL with 200 bins');
    expect(fine.psi).toBeLessThan(kl12 + kl21);
    near(fine.psi, kl12 + kl21, 0.05, 0, 'PSI with 200 bins');
    expect(fine.ks.pValue).toBeLessThan(1e-100);
    near(fine.wassersteinNormed!, fine.wasserstein / s1, 0.01, 0, 'normed by σ₁');
  });

  it('identical samples give zero and p = 1', () => {
    const a = normals(5000, 2, 3, 5);
    const r = numericColumnDrift('x', 0, a, Float64Array.from(a), 0, 0, DEFAULT_DRIFT_THRESHOLDS);
    expect([r.psi, r.kl, r.js, r.wasserstein, r.ks.statistic]).toEqual([0, 0, 0, 0, 0]);
    expect(r.ks.pValue).toBe(1);
    expect(r.drifted).toBe(false);
    expect(ks2Sorted(a, a).pValue).toBe(1);
  });
});

describe('reading the numbers', () => {
  it('every column test decides by its own threshold, and the hover texts carry the numbers', () => {
    const a = normals(3000, 0, 1, 8);
    const b = normals(3000, 0.35, 1, 9);
    const t = DEFAULT_DRIFT_THRESHOLDS;
    const byPsi = numericColumnDrift('x', 0, a, b, 0, 0, t);
    expect(byPsi.drifted).toBe(byPsi.psi > 0.2);
    expect(byPsi.decidedBy).toMatch(/^PSI/);
    const byKs = numericColumnDrift('x', 0, a, b, 0, 0, { ...t, columnTest: 'ks' });
    expect(byKs.drifted).toBe(true);
    const byW = numericColumnDrift('x', 0, a, b, 0, 0, { ...t, columnTest: 'wasserstein', wassersteinNormed: 0.5 });
    expect(byW.drifted).toBe(false);
    for (const key of ['psi', 'kl', 'js', 'wasserstein', 'wassersteinNormed', 'ks', 'decision']) expect(byPsi.explain[key]).toBeTruthy();
    expect(byPsi.explain.psi).toContain(String(Number(byPsi.psi.toPrecision(4))));
  });

  it('the radix sort orders float32 values as a comparison sort does (negatives, zeros, ties, extremes)', () => {
    const r = new Random(21);
    const values = Float32Array.from({ length: 50_000 }, (_, i) => (i % 7 === 0 ? Math.round(r.normal() * 3) : r.normal() * 10 ** r.int(12 - 6)));
    values.set([0, -0, 3.4e38, -3.4e38, 1e-45, -1e-45], 0);
    const expected = Float32Array.from(values).sort();
    expect(Array.from(sortFloat32(values))).toEqual(Array.from(expected));
  });

  it('one merge pass gives the KS statistic of the separate pass, ties included', () => {
    const r = new Random(5);
    const a = Float64Array.from({ length: 700 }, () => Math.round(r.normal() * 4) / 2).sort();
    const b = Float64Array.from({ length: 450 }, () => Math.round(r.normal() * 4 + 1) / 2).sort();
    expect(ecdfDistances(a, b).ks).toBe(ksStatisticSorted(a, b));
  });

  it('reads a column out of a row-major matrix, leaving out non-finite values', () => {
    const data = Float32Array.of(3, 0, NaN, 1, 1, 2, Infinity, 5);
    const { values, dropped } = sortedColumn({ data, rows: 4, cols: 2 }, 0);
    expect(Array.from(values)).toEqual([1, 3]);
    expect(dropped).toBe(2);
  });

  it('the dataset drifted when at least the configured share of columns drifted', () => {
    const col = (drifted: boolean) => ({ drifted }) as ColumnDrift;
    const half = [col(true), col(false)];
    expect(datasetVerdict(half, DEFAULT_DRIFT_THRESHOLDS).drifted).toBe(true);
    expect(datasetVerdict(half, { ...DEFAULT_DRIFT_THRESHOLDS, driftShare: 0.6 }).drifted).toBe(false);
    expect(datasetVerdict([col(false), col(false), col(true)], DEFAULT_DRIFT_THRESHOLDS).text).toContain('1 of 3');
  });
});
