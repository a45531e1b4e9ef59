/**
 * `lanczosTop` against dense symmetric PSD matrices with a known spectrum (Q·diag(λ)·Qᵀ, random orthogonal
 * Q), diagonal matrices and low-rank cases; checks A·u = λ·u residuals, orthonormality, the converged flag
 * and that the iteration count never exceeds d.
 */
import { describe, expect, it } from 'vitest';
import { lanczosTop, type SymmetricOperator } from '../../shared/engine/lanczos.ts';
import { Random } from '../../shared/engine/random.ts';
import { randomOrthogonal, withSpectrum } from '../support/spectra.ts';


function dense(a: Float64Array, d: number): SymmetricOperator {
  return (x, y) => {
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += a[i * d + k] * x[k];
      y[i] = s;
    }
  };
}

function residual(a: Float64Array, d: number, lambda: number, u: Float64Array): number {
  let r2 = 0;
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += a[i * d + k] * u[k];
    r2 += (s - lambda * u[i]) ** 2;
  }
  return Math.sqrt(r2);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

describe('lanczosTop', () => {
  it('diagonal matrix: top eigenvalues and ± unit vectors', () => {
    const diag = [1, 5, 2, 9, 3, 7, 0.5, 4];
    const d = diag.length;
    const a = new Float64Array(d * d);
    diag.forEach((t, i) => (a[i * d + i] = t));
    const r = lanczosTop(dense(a, d), d, { want: 3 });
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThanOrEqual(d);
    [9, 7, 5].forEach((t, i) => expect(r.values[i]).toBeCloseTo(t, 10));
    [3, 5, 1].forEach((axis, i) => expect(Math.abs(r.vectors[i][axis])).toBeCloseTo(1, 6));
  });

  it('2×2 [[2,1],[1,2]]: 3 ↔ (1,1)/√2, 1 ↔ (1,−1)/√2', () => {
    const r = lanczosTop(dense(Float64Array.of(2, 1, 1, 2), 2), 2, { want: 2 });
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThanOrEqual(2);
    expect(r.values[0]).toBeCloseTo(3, 12);
    expect(r.values[1]).toBeCloseTo(1, 12);
    expect(Math.abs(r.vectors[0][0] + r.vectors[0][1]) / Math.SQRT2).toBeCloseTo(1, 12);
    expect(Math.abs(r.vectors[1][0] - r.vectors[1][1]) / Math.SQRT2).toBeCloseTo(1, 12);
  });

  it('Q·diag(λ)·Qᵀ (d = 64): known top eigenpairs, residuals within tol·λ₁, orthonormal vectors', () => {
    const d = 64;
    const lambda = Array.from({ length: d }, (_, i) => (i < 4 ? [50, 30, 20, 12][i] : 8 * 0.9 ** i));
    const { a, q } = withSpectrum(lambda, 2024);
    const tol = 1e-9;
    const r = lanczosTop(dense(a, d), d, { want: 3, tol });
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThanOrEqual(d);
    expect(r.values).toHaveLength(3);
    for (let i = 0; i < 3; i++) {
      expect(Math.abs(r.values[i] - lambda[i]) / lambda[0]).toBeLessThanOrEqual(1e-12);
      // The Ritz residual estimate β·|y| is the true residual in exact arithmetic; allow rounding slack.
      expect(residual(a, d, r.values[i], r.vectors[i])).toBeLessThanOrEqual(10 * tol * lambda[0]);
      const qi = Float64Array.from({ length: d }, (_, k) => q[k * d + i]);
      expect(Math.abs(dot(qi, r.vectors[i]))).toBeCloseTo(1, 8);
      for (let j = 0; j <= i; j++) expect(dot(r.vectors[i], r.vectors[j])).toBeCloseTo(i === j ? 1 : 0, 8);
    }
    // Ritz values: at most ten, descending, never above the true eigenvalue of the same rank (interlacing).
    expect(r.ritzValues.length).toBeLessThanOrEqual(10);
    r.ritzValues.forEach((t, i) => {
      expect(t).toBeLessThanOrEqual(lambda[i] * (1 + 1e-12));
      if (i > 0) expect(t).toBeLessThanOrEqual(r.ritzValues[i - 1]);
    });
  });

  it('running to d steps spans the space: every Ritz value is exact', () => {
    const d = 12;
    const lambda = Array.from({ length: d }, (_, i) => d - i);
    const { a } = withSpectrum(lambda, 5);
    const r = lanczosTop(dense(a, d), d, { want: 2, tol: 0 });
    expect(r.iterations).toBe(d);
    expect(r.ritzValues).toHaveLength(10);
    r.ritzValues.forEach((t, i) => expect(t).toBeCloseTo(lambda[i], 10));
  });

  it('stops early on an invariant subspace: rank-1 and rank-2 operators', () => {
    const d = 20;
    const rng = new Random(8);
    const u = Float64Array.from({ length: d }, () => rng.normal());
    const w = Float64Array.from({ length: d }, () => rng.normal());
    // A = u uᵀ + w wᵀ has rank 2; the Krylov space closes after at most 3 steps.
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) a[i * d + k] = u[i] * u[k] + w[i] * w[k];
    const r = lanczosTop(dense(a, d), d, { want: 2 });
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThanOrEqual(3);
    const uu = dot(u, u);
    const ww = dot(w, w);
    const uw = dot(u, w);
    // Nonzero eigenvalues of [u w][u w]ᵀ are those of the Gram matrix [[u·u, u·w],[u·w, w·w]].
    const mid = (uu + ww) / 2;
    const rad = Math.hypot((uu - ww) / 2, uw);
    expect(r.values[0]).toBeCloseTo(mid + rad, 9);
    expect(r.values[1]).toBeCloseTo(mid - rad, 9);
    for (let i = 0; i < 2; i++) expect(residual(a, d, r.values[i], r.vectors[i])).toBeLessThanOrEqual(1e-9 * r.values[0]);

    const rank1 = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) rank1[i * d + k] = u[i] * u[k];
    const r1 = lanczosTop(dense(rank1, d), d, { want: 1 });
    expect(r1.converged).toBe(true);
    expect(r1.iterations).toBeLessThanOrEqual(2);
    expect(r1.values[0]).toBeCloseTo(uu, 10);
    expect(Math.abs(dot(r1.vectors[0], u)) / Math.sqrt(uu)).toBeCloseTo(1, 10);
  });

  it('an operator of lower rank than `want` returns fewer pairs and converged = false', () => {
    const d = 10;
    const u = Float64Array.from({ length: d }, (_, i) => i + 1);
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) a[i * d + k] = u[i] * u[k];
    const r = lanczosTop(dense(a, d), d, { want: 3 });
    expect(r.iterations).toBeLessThanOrEqual(2);
    expect(r.values.length).toBeLessThan(3);
    expect(r.converged).toBe(false);
    expect(r.values[0]).toBeCloseTo(dot(u, u), 9);
  });

  it('reports converged = false when maxIter is too small, and never runs past maxIter or d', () => {
    const d = 100;
    const lambda = Array.from({ length: d }, (_, i) => 1 + 0.999 ** i); // tiny gaps: slow convergence
    const { a } = withSpectrum(lambda, 13);
    const r = lanczosTop(dense(a, d), d, { want: 2, maxIter: 5, tol: 1e-12 });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(5);
    const full = lanczosTop(dense(a, d), d, { want: 2, maxIter: 1000, tol: 1e-12 });
    expect(full.iterations).toBeLessThanOrEqual(d);
  });

  it('clips want to d and handles d = 1', () => {
    const r = lanczosTop(dense(Float64Array.of(4, 0, 0, 1), 2), 2, { want: 5 });
    expect(r.values).toHaveLength(2);
    expect(r.values[0]).toBeCloseTo(4, 12);
    expect(r.values[1]).toBeCloseTo(1, 12);
    const one = lanczosTop(dense(Float64Array.of(3.5), 1), 1, { want: 1 });
    expect(one).toMatchObject({ values: [3.5], iterations: 1, converged: true });
    expect(Math.abs(one.vectors[0][0])).toBe(1);
  });

  it('is deterministic for a seed; other seeds give the same eigenvalues', () => {
    const d = 30;
    const { a } = withSpectrum(Array.from({ length: d }, (_, i) => 10 / (1 + i)), 77);
    const r1 = lanczosTop(dense(a, d), d, { want: 2, seed: 1 });
    const r2 = lanczosTop(dense(a, d), d, { want: 2, seed: 1 });
    const r3 = lanczosTop(dense(a, d), d, { want: 2, seed: 2 });
    expect(r2).toEqual(r1);
    r3.values.forEach((t, i) => expect(t).toBeCloseTo(r1.values[i], 10));
    r3.vectors.forEach((v, i) => expect(Math.abs(dot(v, r1.vectors[i]))).toBeCloseTo(1, 6));
  });

  it('reports progress once per step', () => {
    const d = 16;
    const { a } = withSpectrum(Array.from({ length: d }, (_, i) => d - i), 4);
    const steps: number[] = [];
    const r = lanczosTop(dense(a, d), d, { want: 1, maxIter: 10, onStep: (s, max) => (expect(max).toBe(10), steps.push(s)) });
    expect(steps).toEqual(Array.from({ length: r.iterations }, (_, i) => i + 1));
  });

  it('zero operator: no NaN', () => {
    const d = 5;
    const r = lanczosTop((_, y) => y.fill(0), d, { want: 2 });
    for (const t of r.values) expect(Number.isFinite(t)).toBe(true);
    for (const v of r.vectors) for (const t of v) expect(Number.isFinite(t)).toBe(true);
  });
});
