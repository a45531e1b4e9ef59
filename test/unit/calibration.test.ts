import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  benjaminiHochberg,
  conformalPValues,
  contaminationEstimate,
  median,
  normalityTest,
  percentileRanks,
  robustLocationScale,
  robustNormalPValues,
} from '../../shared/engine/calibration.ts';
import { Random } from '../../shared/engine/random.ts';
import { chiSquareUpper, gammaQ, logGamma, normalUpper } from '../../shared/engine/special.ts';

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/calibration.json', import.meta.url), 'utf8')) as {
  gammaln: [number, number][];
  gammaincc: [number, number, number][];
  norm_sf: [number, number][];
  chi2_sf: [number, number, number][];
  normaltest: { values: number[]; statistic: number; pvalue: number }[];
};

// Relative error, except near zero, where only an absolute error of a few ulps of 1 makes sense (lnΓ(1) = 0).
const rel = (a: number, b: number) => (Math.abs(a - b) < 1e-14 ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-300));

describe('special functions against scipy', () => {
  it('logGamma', () => fixtures.gammaln.forEach(([x, ref]) => expect(rel(logGamma(x), ref), `x=${x}`).toBeLessThan(1e-12)));
  it('upper regularised incomplete gamma', () =>
    fixtures.gammaincc.forEach(([a, x, ref]) => expect(rel(gammaQ(a, x), ref), `a=${a} x=${x}`).toBeLessThan(1e-10)));
  it('normal upper tail, far into the tail', () => fixtures.norm_sf.forEach(([z, ref]) => expect(rel(normalUpper(z), ref), `z=${z}`).toBeLessThan(1e-10)));
  it('chi-square upper tail', () => fixtures.chi2_sf.forEach(([x, k, ref]) => expect(rel(chiSquareUpper(x, k), ref), `x=${x} k=${k}`).toBeLessThan(1e-10)));
});

describe("D'Agostino–Pearson K² against scipy.stats.normaltest", () => {
  it('matches statistic and p-value', () => {
    for (const f of fixtures.normaltest) {
      const r = normalityTest(f.values);
      expect(rel(r.statistic, f.statistic)).toBeLessThan(1e-9);
      expect(rel(r.pValue, f.pvalue)).toBeLessThan(1e-8);
    }
  });
  it('returns p = 1 for too few rows or zero variance', () => {
    expect(normalityTest([1, 2, 3]).pValue).toBe(1);
    expect(normalityTest(new Array(50).fill(2)).pValue).toBe(1);
  });
});

describe('Benjamini–Hochberg', () => {
  it('equals the step-up definition by brute force', () => {
    const rng = new Random(5);
    for (let trial = 0; trial < 50; trial++) {
      const m = 1 + rng.int(60);
      const p = Float64Array.from({ length: m }, () => (rng.uniform() < 0.3 ? rng.uniform() * 0.01 : rng.uniform()));
      const q = [0.01, 0.05, 0.1, 0.2][trial % 4];
      const sorted = Array.from(p).sort((a, b) => a - b);
      let k = 0;
      sorted.forEach((v, i) => {
        if (v <= ((i + 1) * q) / m) k = i + 1;
      });
      const expected = k ? Array.from(p, (v) => (v <= sorted[k - 1] ? 1 : 0)) : new Array(m).fill(0);
      expect(Array.from(benjaminiHochberg(p, q).flagged)).toEqual(expected);
    }
  });
  it('controls the false-discovery proportion on simulated data', () => {
    const rng = new Random(11);
    let fdpSum = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const p = Float64Array.from({ length: 1000 }, (_, i) => (i < 50 ? normalUpper(3 + rng.normal()) : rng.uniform()));
      const { flagged } = benjaminiHochberg(p, 0.1);
      let v = 0;
      let r = 0;
      flagged.forEach((f, i) => {
        r += f;
        if (f && i >= 50) v++;
      });
      fdpSum += r ? v / r : 0;
    }
    // E[FDP] ≤ q·m0/m = 0.095; the mean of 200 trials sits well inside ±0.02 of it.
    expect(fdpSum / trials).toBeLessThan(0.115);
  });
});

describe('robust null, conformal p-values, contamination', () => {
  it('median and MAD scale ignore a minority of outliers', () => {
    const rng = new Random(2);
    const v = Array.from({ length: 2000 }, (_, i) => (i < 200 ? 50 + rng.normal() : rng.normal() * 2));
    const { location, scale } = robustLocationScale(v);
    expect(Math.abs(location)).toBeLessThan(0.4);
    expect(scale).toBeGreaterThan(1.8);
    expect(scale).toBeLessThan(2.9);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('robust p-values are uniform on clean normal data', () => {
    const rng = new Random(3);
    const p = robustNormalPValues(Array.from({ length: 20000 }, () => rng.normal() * 3 + 7), 'two-sided');
    const below = (t: number) => p.filter((x) => x < t).length / p.length;
    expect(below(0.05)).toBeGreaterThan(0.04);
    expect(below(0.05)).toBeLessThan(0.06);
    expect(below(0.5)).toBeGreaterThan(0.47);
    expect(below(0.5)).toBeLessThan(0.53);
  });
  it('conformal p-values are (1 + #ref ≥ s) / (m + 1)', () => {
    expect(Array.from(conformalPValues([0, 2.5, 10], [1, 2, 3, 4]))).toEqual([1, 0.6, 0.2]);
    expect(Array.from(conformalPValues([2], [2, 2]))).toEqual([1]);
  });
  it("Storey's estimate finds the planted fraction", () => {
    const rng = new Random(4);
    const p = Float64Array.from({ length: 10000 }, (_, i) => (i < 1000 ? rng.uniform() * 1e-4 : rng.uniform()));
    expect(contaminationEstimate(p)).toBeGreaterThan(0.07);
    expect(contaminationEstimate(p)).toBeLessThan(0.13);
    expect(contaminationEstimate(Float64Array.from({ length: 10000 }, () => rng.uniform()))).toBeLessThan(0.04);
  });
  it('percentile ranks share ties', () => {
    expect(Array.from(percentileRanks([10, 30, 20, 30]))).toEqual([0.25, 1, 0.5, 1]);
  });
});
