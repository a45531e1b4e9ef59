/**
 * Spectral signatures (Tran, Li & Madry 2018) against three references:
 *  1. fixtures from test/reference/make_spectral_fixtures.py (numpy.linalg.svd on the same float32 inputs);
 *  2. an in-test brute force: the d×d covariance formed explicitly in float64 and diagonalised by Jacobi
 *     (`symmetricEigen`), a different algorithm from the engine's Lanczos;
 *  3. closed forms for degenerate sizes (0, 1, 2 rows; d = 1; identical rows).
 * Eigenvectors have arbitrary sign, so vectors and projections are compared up to sign; scores are compared
 * relative to the class's largest score; flagged sets must agree except for rows tied at the threshold.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classMean, rowsByClass, type Matrix } from '../../shared/engine/matrix.ts';
import { flagTop, spectralSignatureClass } from '../../shared/engine/spectral.ts';
import { symmetricEigen } from '../../shared/engine/symmetric-eigen.ts';
import { generateSynthetic, SAMPLE_SPEC } from '../../shared/engine/synthetic.ts';
import { Random } from '../../shared/engine/random.ts';

interface FixtureFlags {
  epsilon: number;
  budget: number;
  /** Positions within the class (indices into `rows`), ascending. */
  flagged: number[];
  /** Smallest flagged score; null stands for Infinity (empty budget). */
  threshold: number | null;
}
interface FixtureClass {
  rows: number[];
  eigenvalues: number[];
  v1?: number[];
  v2?: number[];
  scores?: number[];
  proj2?: number[];
  flags?: FixtureFlags[];
  topSubspace?: [number[], number[]];
}
interface FixtureCase {
  name: string;
  rows: number;
  cols: number;
  data: string;
  labels: number[];
  classes: FixtureClass[];
  epsilons: number[];
  budgetFactor: number;
  planted?: number[];
}

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/spectral.json', import.meta.url), 'utf8')) as { cases: FixtureCase[] };

function matrixOf(c: FixtureCase): Matrix {
  // Copy out of the Buffer pool, whose byteOffset need not be a multiple of 4.
  const bytes = Uint8Array.from(Buffer.from(c.data, 'base64'));
  const data = new Float32Array(bytes.buffer);
  expect(data.length).toBe(c.rows * c.cols);
  return { data, rows: c.rows, cols: c.cols };
}

/** |a − b| ≤ tol · scale for every element. */
function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, scale: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `${what}: worst error at ${at} (${actual[at]} vs ${expected[at]}), allowed ${tol} × ${scale}`).toBeLessThanOrEqual(tol * scale);
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Sign (±1) that best aligns `a` with `b`. */
function alignSign(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return dot(a, b) < 0 ? -1 : 1;
}

/** Flagged positions of `flagged` must equal `expected` except for rows whose score is tied with the threshold. */
function expectSameFlags(flagged: Uint8Array, expected: number[], scores: ArrayLike<number>, threshold: number, tieTol: number, what: string): void {
  const mine = new Set<number>();
  flagged.forEach((f, i) => f && mine.add(i));
  const theirs = new Set(expected);
  expect(mine.size, `${what}: flagged count`).toBe(theirs.size);
  const differing = [...mine].filter((i) => !theirs.has(i)).concat([...theirs].filter((i) => !mine.has(i)));
  for (const i of differing) {
    expect(Math.abs(scores[i] - threshold), `${what}: row ${i} flagged by one side only and not tied at the threshold`).toBeLessThanOrEqual(tieTol);
  }
}

/** Brute force: explicit float64 covariance (1/n) Σ (r − μ)(r − μ)ᵀ, Jacobi eigen-decomposition. */
function bruteForce(x: Matrix, rowIndex: Int32Array): { values: Float64Array; v1: Float64Array; scores: Float64Array } {
  const d = x.cols;
  const n = rowIndex.length;
  const mu = classMean(x, rowIndex);
  const cov = new Float64Array(d * d);
  const c = new Float64Array(d);
  for (const r of rowIndex) {
    for (let k = 0; k < d; k++) c[k] = x.data[r * d + k] - mu[k];
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i * d + j] += c[i] * c[j];
  }
  for (let i = 0; i < d * d; i++) cov[i] /= n;
  const { values, vectors } = symmetricEigen(cov, d);
  const v1 = new Float64Array(d);
  for (let k = 0; k < d; k++) v1[k] = vectors[k * d];
  const scores = new Float64Array(n);
  rowIndex.forEach((r, i) => {
    let t = 0;
    for (let k = 0; k < d; k++) t += (x.data[r * d + k] - mu[k]) * v1[k];
    scores[i] = t * t;
  });
  return { values, v1, scores };
}

const SCORE_TOL = 1e-5; // relative to the class's largest score
const EIGEN_TOL = 1e-8; // relative to λ₁, top two eigenvalues (Lanczos eigenvalue error ~ residual² / gap)

describe('spectralSignatureClass against numpy SVD fixtures', () => {
  for (const fc of fixtures.cases.filter((c) => c.classes.every((k) => k.scores))) {
    describe(fc.name, () => {
      const x = matrixOf(fc);
      fc.classes.forEach((ref, c) => {
        const rowIndex = Int32Array.from(ref.rows);
        const scores = ref.scores!;
        const scoreScale = maxAbs(scores);

        it(`class ${c}: eigenvalues, scores, v₁ and v₂ up to sign`, () => {
          const out = spectralSignatureClass(x, rowIndex, { epsilon: fc.epsilons[0], budgetFactor: fc.budgetFactor });
          expect(out.stats.converged).toBe(true);
          expect(out.stats.count).toBe(ref.rows.length);
          expect(out.stats.iterations).toBeLessThanOrEqual(fc.cols);
          expectAllClose(out.stats.eigenvalues.slice(0, 2), ref.eigenvalues.slice(0, 2), EIGEN_TOL, ref.eigenvalues[0], 'top eigenvalues');
          // Ritz values past the second are documented as less exact; they must still be descending and
          // interlace the spectrum (Cauchy): λ_min ≤ θ_i ≤ λ_i.
          const ritz = out.stats.eigenvalues;
          expect(ritz.length).toBeLessThanOrEqual(10);
          for (let i = 0; i < ritz.length; i++) {
            if (i > 0) expect(ritz[i]).toBeLessThanOrEqual(ritz[i - 1]);
            expect(ritz[i]).toBeLessThanOrEqual(ref.eigenvalues[i] + EIGEN_TOL * ref.eigenvalues[0]);
            expect(ritz[i]).toBeGreaterThanOrEqual(ref.eigenvalues.at(-1)! - EIGEN_TOL * ref.eigenvalues[0]);
          }

          expectAllClose(out.scores, scores, SCORE_TOL, scoreScale, 'scores');
          // x = (r − μ)·v₁ is float32; its square is the score up to float32 rounding.
          for (let i = 0; i < out.scores.length; i++) expect(Math.abs(out.x[i] * out.x[i] - out.scores[i])).toBeLessThanOrEqual(1e-6 * scoreScale);

          // Eigenvectors up to sign, through the projections (the centred class matrix has full column rank,
          // so equal projections mean equal vectors): |cos(x, X·v_ref)| ≈ 1 and elementwise agreement.
          const p1 = ref.rows.map((_, i) => Math.sqrt(scores[i]) * Math.sign(out.x[i] || 1));
          const refProj1 = projectOnto(x, rowIndex, ref.v1!);
          const s1 = alignSign(out.x, refProj1);
          expect(Math.abs(dot(out.x, refProj1)) / Math.sqrt(dot(out.x, out.x) * dot(refProj1, refProj1))).toBeCloseTo(1, 9);
          expectAllClose(Array.from(out.x, (t) => s1 * t), refProj1, SCORE_TOL, maxAbs(refProj1), 'projection on v₁');
          expectAllClose(out.x, p1, SCORE_TOL, maxAbs(p1), 'x = ±√score');
          const refProj2 = ref.proj2!;
          const s2 = alignSign(out.y, refProj2);
          expectAllClose(Array.from(out.y, (t) => s2 * t), refProj2, 1e-4, maxAbs(refProj2), 'projection on v₂');
        });

        fc.epsilons.forEach((epsilon, e) => {
          it(`class ${c}: flagged set at ε = ${epsilon}`, () => {
            const flags = ref.flags![e];
            const out = spectralSignatureClass(x, rowIndex, { epsilon, budgetFactor: fc.budgetFactor });
            expect(out.stats.flagged, `budget ⌈${fc.budgetFactor}·${epsilon}·${ref.rows.length}⌉`).toBe(flags.budget);
            const flaggedCount = out.flagged.reduce((a, b) => a + b, 0);
            expect(flaggedCount).toBe(flags.budget);
            expect(out.stats.threshold).toBeCloseTo(flags.threshold ?? Infinity, 6);
            expectSameFlags(out.flagged, flags.flagged, out.scores, out.stats.threshold, SCORE_TOL * scoreScale, `ε = ${epsilon}`);
            // Every flagged score is ≥ every unflagged score.
            let minFlagged = Infinity;
            let maxUnflagged = -Infinity;
            out.flagged.forEach((f, i) => (f ? (minFlagged = Math.min(minFlagged, out.scores[i])) : (maxUnflagged = Math.max(maxUnflagged, out.scores[i]))));
            expect(minFlagged).toBeGreaterThanOrEqual(maxUnflagged);
            expect(minFlagged).toBe(out.stats.threshold);
          });
        });

        it(`class ${c}: agrees with the brute-force covariance + Jacobi`, () => {
          const out = spectralSignatureClass(x, rowIndex, { epsilon: fc.epsilons[0], budgetFactor: fc.budgetFactor });
          const bf = bruteForce(x, rowIndex);
          expectAllClose(Array.from(bf.values), ref.eigenvalues, 1e-10, ref.eigenvalues[0], 'Jacobi vs numpy eigenvalues');
          expect(Math.abs(dot(bf.v1, ref.v1!))).toBeCloseTo(1, 10);
          expectAllClose(out.stats.eigenvalues.slice(0, 2), bf.values.subarray(0, 2), EIGEN_TOL, bf.values[0], 'Lanczos vs Jacobi eigenvalues');
          expectAllClose(out.scores, bf.scores, SCORE_TOL, maxAbs(bf.scores), 'Lanczos vs Jacobi scores');
        });
      });

      if (fc.planted) {
        it('finds every planted row in class 0 at ε = planted fraction', () => {
          const planted = new Set(fc.planted);
          const ref = fc.classes[0];
          const epsilon = ref.rows.filter((r) => planted.has(r)).length / ref.rows.length;
          const out = spectralSignatureClass(x, Int32Array.from(ref.rows), { epsilon, budgetFactor: 1.5 });
          const found = ref.rows.filter((r, i) => out.flagged[i] && planted.has(r)).length;
          expect(found / planted.size).toBe(1);
        });
      }
    });
  }
});

describe('spectralSignatureClass with a repeated top eigenvalue', () => {
  for (const fc of fixtures.cases.filter((c) => c.classes.some((k) => k.topSubspace))) {
    it(`${fc.name}: eigenvalues and the top-2 subspace`, () => {
      const x = matrixOf(fc);
      for (const ref of fc.classes) {
        const rowIndex = Int32Array.from(ref.rows);
        const out = spectralSignatureClass(x, rowIndex, { epsilon: 0.1, budgetFactor: 1.5 });
        expect(out.stats.converged).toBe(true);
        expect(Math.abs(ref.eigenvalues[0] - ref.eigenvalues[1]) / ref.eigenvalues[0]).toBeLessThan(1e-6); // the fixture is degenerate
        expectAllClose(out.stats.eigenvalues.slice(0, 2), ref.eigenvalues.slice(0, 2), EIGEN_TOL, ref.eigenvalues[0], 'top eigenvalues');
        // v₁ alone is arbitrary within the plane, but (x, y) is a rotation of the reference projections,
        // so x² + y² per row is determined.
        const [a, b] = ref.topSubspace!;
        const pa = projectOnto(x, rowIndex, a);
        const pb = projectOnto(x, rowIndex, b);
        const radius = pa.map((t, i) => t * t + pb[i] * pb[i]);
        const mine = Array.from(out.x, (t, i) => t * t + out.y[i] * out.y[i]);
        expectAllClose(mine, radius, 1e-5, maxAbs(radius), 'x² + y²');
        for (const s of out.scores) expect(Number.isFinite(s)).toBe(true);
      }
    });
  }
});

/** (r − μ)·v for each row of the class, in float64. */
function projectOnto(x: Matrix, rowIndex: Int32Array, v: ArrayLike<number>): number[] {
  const d = x.cols;
  const mu = classMean(x, rowIndex);
  return Array.from(rowIndex, (r) => {
    let t = 0;
    for (let k = 0; k < d; k++) t += (x.data[r * d + k] - mu[k]) * v[k];
    return t;
  });
}

describe('spectral signatures on the bundled sample (generateSynthetic(SAMPLE_SPEC))', () => {
  const data = generateSynthetic(SAMPLE_SPEC);
  const x: Matrix = { data: data.features, rows: SAMPLE_SPEC.rows, cols: SAMPLE_SPEC.dims };
  const byClass = rowsByClass(data.labels, SAMPLE_SPEC.classes);
  const target = byClass[data.targetClass];
  const planted = new Set(data.poisonedRows);
  const plantedFraction = data.poisonedRows.length / target.length;
  const params = { epsilon: plantedFraction, budgetFactor: 1.5 };
  const results = byClass.map((rows) => spectralSignatureClass(x, rows, params));

  it('plants rows only in the target class, at the specified fraction', () => {
    expect(data.poisonedRows.length).toBeGreaterThan(0);
    for (const r of data.poisonedRows) expect(data.labels[r]).toBe(data.targetClass);
    expect(plantedFraction).toBeCloseTo(SAMPLE_SPEC.poisonFraction, 2);
  });

  it('recalls ≥ 95% of the planted rows at budget 1.5 × the planted fraction', () => {
    const out = results[data.targetClass];
    const found = Array.from(target).filter((r, i) => out.flagged[i] && planted.has(r)).length;
    expect(found / planted.size).toBeGreaterThanOrEqual(0.95);
  });

  it('flags ⌈1.5·ε·n_c⌉ rows in every class, and the target class has the largest top eigenvalue', () => {
    results.forEach((out, c) => {
      expect(out.stats.converged).toBe(true);
      expect(out.stats.flagged).toBe(Math.ceil(Math.round(1.5 * params.epsilon * byClass[c].length * 1e9) / 1e9));
      expect(out.flagged.reduce((a, b) => a + b, 0)).toBe(out.stats.flagged);
    });
    const tops = results.map((out) => out.stats.eigenvalues[0]);
    const best = tops.indexOf(Math.max(...tops));
    expect(best).toBe(data.targetClass);
  });

  it('agrees with the brute-force covariance + Jacobi on every class', () => {
    byClass.forEach((rows, c) => {
      const bf = bruteForce(x, rows);
      const out = results[c];
      expectAllClose(out.stats.eigenvalues.slice(0, 2), bf.values.subarray(0, 2), EIGEN_TOL, bf.values[0], `class ${c} eigenvalues`);
      expectAllClose(out.scores, bf.scores, SCORE_TOL, maxAbs(bf.scores), `class ${c} scores`);
    });
  });
});

describe('spectralSignatureClass edge cases', () => {
  const params = { epsilon: 0.5, budgetFactor: 1.5 };
  const noNaN = (out: ReturnType<typeof spectralSignatureClass>) => {
    for (const a of [out.scores, out.x, out.y]) for (const t of a) expect(Number.isNaN(t)).toBe(false);
    for (const t of out.stats.eigenvalues) expect(Number.isFinite(t)).toBe(true);
    expect(Number.isNaN(out.stats.threshold)).toBe(false);
  };

  it('empty class: nothing scored, nothing flagged, threshold Infinity', () => {
    const x: Matrix = { data: Float32Array.of(1, 2, 3, 4), rows: 2, cols: 2 };
    const out = spectralSignatureClass(x, new Int32Array(0), params);
    expect(out.scores.length).toBe(0);
    expect(out.flagged.length).toBe(0);
    expect(out.stats).toMatchObject({ count: 0, flagged: 0, threshold: Infinity });
  });

  it('one row: score 0-length direction, nothing flagged', () => {
    const x: Matrix = { data: Float32Array.of(1, 2, 3, 4), rows: 2, cols: 2 };
    const out = spectralSignatureClass(x, Int32Array.of(1), params);
    expect(out.scores.length).toBe(1);
    expect(out.stats).toMatchObject({ count: 1, flagged: 0, threshold: Infinity });
    noNaN(out);
  });

  it('two rows: eigenvalue ‖r₁ − r₂‖²/4, both scores equal it', () => {
    // r₁ − r₂ = (3, 4, 12), ‖·‖² = 169.
    const x: Matrix = { data: Float32Array.of(1, 1, 1, 9, 9, 9, 4, 5, 13), rows: 3, cols: 3 };
    const out = spectralSignatureClass(x, Int32Array.of(0, 2), params);
    expect(out.stats.converged).toBe(true);
    expect(out.stats.eigenvalues[0]).toBeCloseTo(169 / 4, 10);
    expect(out.scores[0]).toBeCloseTo(169 / 4, 10);
    expect(out.scores[1]).toBeCloseTo(169 / 4, 10);
    expect(Math.sign(out.x[0])).toBe(-Math.sign(out.x[1]));
    expect(out.stats.flagged).toBe(2); // ⌈1.5 · 0.5 · 2⌉ = 2
    noNaN(out);
  });

  it('d = 1: eigenvalue is the (1/n) variance and scores are squared deviations', () => {
    const values = [3, -1, 4, 1, -5, 9, 2, 6];
    const x: Matrix = { data: Float32Array.from(values), rows: values.length, cols: 1 };
    const out = spectralSignatureClass(x, Int32Array.from(values.keys()), { epsilon: 0.1, budgetFactor: 1.5 });
    const mean = values.reduce((a, b) => a + b) / values.length;
    const dev = values.map((t) => (t - mean) ** 2);
    expect(out.stats.converged).toBe(true);
    expect(out.stats.eigenvalues).toHaveLength(1);
    expect(out.stats.eigenvalues[0]).toBeCloseTo(dev.reduce((a, b) => a + b) / values.length, 12);
    expectAllClose(out.scores, dev, 1e-14, Math.max(...dev), 'scores');
    expect(Array.from(out.y)).toEqual(values.map(() => 0));
    expect(out.stats.flagged).toBe(2); // ⌈1.2⌉
    expect(Array.from(out.flagged)).toEqual([0, 0, 0, 0, 1, 1, 0, 0]); // 9 and −5 are farthest from 2.375
  });

  it('budget 0 (ε = 0) flags nothing and reports threshold Infinity', () => {
    const data = generateSynthetic({ rows: 200, dims: 8, classes: 2, poisonFraction: 0.1, seed: 7 });
    const x: Matrix = { data: data.features, rows: 200, cols: 8 };
    const out = spectralSignatureClass(x, rowsByClass(data.labels, 2)[1], { epsilon: 0, budgetFactor: 1.5 });
    expect(out.stats.flagged).toBe(0);
    expect(out.stats.threshold).toBe(Infinity);
    expect(out.flagged.every((f) => f === 0)).toBe(true);
  });

  it('budget larger than the class flags the whole class', () => {
    const data = generateSynthetic({ rows: 60, dims: 4, classes: 2, poisonFraction: 0, seed: 3 });
    const x: Matrix = { data: data.features, rows: 60, cols: 4 };
    const out = spectralSignatureClass(x, rowsByClass(data.labels, 2)[0], { epsilon: 0.5, budgetFactor: 3 });
    expect(out.stats.flagged).toBe(30);
    expect(out.flagged.every((f) => f === 1)).toBe(true);
    expect(out.stats.threshold).toBe(Math.min(...out.scores));
  });

  it('budget ⌈budgetFactor·ε·n⌉ is exact for decimal ε (1.5·0.05·200 = 15, not ⌈15.000000000000002⌉)', () => {
    const rng = new Random(11);
    const d = 3;
    const n = 200;
    const x: Matrix = { data: Float32Array.from({ length: n * d }, () => rng.normal()), rows: n, cols: d };
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    expect(spectralSignatureClass(x, rows, { epsilon: 0.05, budgetFactor: 1.5 }).stats.flagged).toBe(15);
    expect(spectralSignatureClass(x, rows, { epsilon: 0.1, budgetFactor: 1.5 }).stats.flagged).toBe(30);
    expect(spectralSignatureClass(x, rows.subarray(0, 100), { epsilon: 0.1, budgetFactor: 1.5 }).stats.flagged).toBe(15);
    expect(spectralSignatureClass(x, rows, { epsilon: 0.051, budgetFactor: 1.5 }).stats.flagged).toBe(16); // 15.3 → 16
  });

  it('identical rows (zero covariance) give zero scores and no NaN', () => {
    for (const value of [0, 1, 0.1, -3.7e5]) {
      const n = 50;
      const d = 6;
      const x: Matrix = { data: new Float32Array(n * d).fill(value), rows: n, cols: d };
      const out = spectralSignatureClass(x, Int32Array.from({ length: n }, (_, i) => i), { epsilon: 0.1, budgetFactor: 1.5 });
      noNaN(out);
      const scale = Math.max(1, value * value);
      for (const s of out.scores) expect(s).toBeLessThanOrEqual(1e-20 * scale);
      for (const t of out.stats.eigenvalues) expect(Math.abs(t)).toBeLessThanOrEqual(1e-20 * scale);
      expect(out.stats.flagged).toBe(8);
    }
  });

  it('rows identical along all but one direction: that direction is found exactly', () => {
    const n = 40;
    const d = 5;
    const data = new Float32Array(n * d).fill(2);
    for (let i = 0; i < n; i++) data[i * d + 3] = i % 2 ? 1 : -1; // variance 1 along e₃
    const out = spectralSignatureClass({ data, rows: n, cols: d }, Int32Array.from({ length: n }, (_, i) => i), { epsilon: 0.1, budgetFactor: 1.5 });
    noNaN(out);
    expect(out.stats.eigenvalues[0]).toBeCloseTo(1, 12);
    for (const s of out.scores) expect(s).toBeCloseTo(1, 12);
  });
});

describe('flagTop', () => {
  it('flags the highest scores and breaks ties toward the lower position', () => {
    const scores = Float64Array.of(1, 5, 3, 5, 2, 5);
    const flagged = new Uint8Array(6);
    expect(flagTop(scores, 2, flagged)).toBe(5);
    expect(Array.from(flagged)).toEqual([0, 1, 0, 1, 0, 0]);
  });

  it('returns Infinity and flags nothing for a zero budget', () => {
    const flagged = new Uint8Array(3);
    expect(flagTop(Float64Array.of(1, 2, 3), 0, flagged)).toBe(Infinity);
    expect(Array.from(flagged)).toEqual([0, 0, 0]);
  });

  it('returns the smallest flagged score', () => {
    const flagged = new Uint8Array(5);
    expect(flagTop(Float64Array.of(0.5, 0.1, 0.9, 0.3, 0.7), 3, flagged)).toBe(0.5);
    expect(Array.from(flagged)).toEqual([1, 0, 1, 0, 1]);
  });
});
