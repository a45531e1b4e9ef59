/**
 * Cyclic Jacobi (`symmetricEigen`) against closed forms and matrices with a known spectrum built as
 * Q·diag(λ)·Qᵀ from a random orthogonal Q. Eigenvectors are compared up to sign (and, for repeated
 * eigenvalues, only through residuals and orthonormality, since the vectors are then not unique).
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../../shared/engine/random.ts';
import { symmetricEigen } from '../../shared/engine/symmetric-eigen.ts';
import { randomOrthogonal, withSpectrum as spectrum } from '../support/spectra.ts';

const withSpectrum = (lambda: number[], seed: number) => spectrum(lambda, seed).a;


function column(v: Float64Array, m: number, j: number): Float64Array {
  return Float64Array.from({ length: m }, (_, i) => v[i * m + j]);
}

/** max_j ‖A·u_j − λ_j·u_j‖ */
function maxResidual(a: Float64Array, m: number, values: Float64Array, vectors: Float64Array): number {
  let worst = 0;
  for (let j = 0; j < m; j++) {
    let r2 = 0;
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += a[i * m + k] * vectors[k * m + j];
      r2 += (s - values[j] * vectors[i * m + j]) ** 2;
    }
    worst = Math.max(worst, Math.sqrt(r2));
  }
  return worst;
}

/** max |VᵀV − I| */
function orthonormalityError(v: Float64Array, m: number): number {
  let worst = 0;
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += v[i * m + a] * v[i * m + b];
      worst = Math.max(worst, Math.abs(s - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

describe('symmetricEigen', () => {
  it('2×2 [[2,1],[1,2]]: eigenpairs 3 ↔ (1,1)/√2 and 1 ↔ (1,−1)/√2', () => {
    const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    expect(values[0]).toBeCloseTo(3, 14);
    expect(values[1]).toBeCloseTo(1, 14);
    const u = column(vectors, 2, 0);
    const w = column(vectors, 2, 1);
    expect(Math.abs(u[0] + u[1]) / Math.SQRT2).toBeCloseTo(1, 14);
    expect(Math.abs(w[0] - w[1]) / Math.SQRT2).toBeCloseTo(1, 14);
  });

  it('2×2 [[a,b],[b,c]] matches the closed form (a+c)/2 ± √(((a−c)/2)² + b²)', () => {
    const rng = new Random(42);
    for (let t = 0; t < 50; t++) {
      const [a, b, c] = [rng.normal() * 10, rng.normal() * 10, rng.normal() * 10];
      const mid = (a + c) / 2;
      const rad = Math.hypot((a - c) / 2, b);
      const { values, vectors } = symmetricEigen(Float64Array.of(a, b, b, c), 2);
      const scale = Math.max(Math.abs(mid) + rad, 1);
      expect(Math.abs(values[0] - (mid + rad))).toBeLessThanOrEqual(1e-14 * scale);
      expect(Math.abs(values[1] - (mid - rad))).toBeLessThanOrEqual(1e-14 * scale);
      expect(maxResidual(Float64Array.of(a, b, b, c), 2, values, vectors)).toBeLessThanOrEqual(1e-14 * scale);
    }
  });

  it('diagonal matrix: sorted diagonal, vectors are a signed permutation of the identity', () => {
    const diag = [3, -1, 7, 0, 2.5];
    const m = diag.length;
    const a = new Float64Array(m * m);
    diag.forEach((t, i) => (a[i * m + i] = t));
    const { values, vectors } = symmetricEigen(a, m);
    expect(Array.from(values)).toEqual([7, 3, 2.5, 0, -1]);
    const source = [2, 0, 4, 3, 1];
    source.forEach((i, j) => {
      for (let k = 0; k < m; k++) expect(Math.abs(vectors[k * m + j])).toBe(k === i ? 1 : 0);
    });
  });

  it('Q·diag(λ)·Qᵀ: recovers a known spectrum (mixed signs) with small residuals and orthonormal vectors', () => {
    const lambda = [10, 7.5, 5, 3, 2, 1, 0.5, 0.25, -0.5, -4];
    const m = lambda.length;
    const a = withSpectrum(lambda, 7);
    const copy = Float64Array.from(a);
    const { values, vectors } = symmetricEigen(a, m);
    expect(a).toEqual(copy); // input untouched
    values.forEach((t, i) => expect(Math.abs(t - lambda[i])).toBeLessThanOrEqual(1e-13 * 10));
    expect(maxResidual(a, m, values, vectors)).toBeLessThanOrEqual(1e-12 * 10);
    expect(orthonormalityError(vectors, m)).toBeLessThanOrEqual(1e-13);
    // Up to sign, each vector is the matching column of Q.
    const q = randomOrthogonal(m, 7);
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += q[i * m + j] * vectors[i * m + j];
      expect(Math.abs(s)).toBeCloseTo(1, 11);
    }
  });

  it('repeated eigenvalues: values exact, residuals small, vectors orthonormal', () => {
    const lambda = [4, 4, 4, 1, 1, 0, 0, 0];
    const m = lambda.length;
    const a = withSpectrum(lambda, 99);
    const { values, vectors } = symmetricEigen(a, m);
    values.forEach((t, i) => expect(Math.abs(t - lambda[i])).toBeLessThanOrEqual(1e-13 * 4));
    expect(maxResidual(a, m, values, vectors)).toBeLessThanOrEqual(1e-12 * 4);
    expect(orthonormalityError(vectors, m)).toBeLessThanOrEqual(1e-13);
  });

  it('60×60 with a geometric spectrum keeps relative accuracy on the small eigenvalues', () => {
    const m = 60;
    const lambda = Array.from({ length: m }, (_, i) => 100 * 0.8 ** i);
    const a = withSpectrum(lambda, 3);
    const { values, vectors } = symmetricEigen(a, m);
    values.forEach((t, i) => expect(Math.abs(t - lambda[i])).toBeLessThanOrEqual(1e-12 * 100));
    expect(maxResidual(a, m, values, vectors)).toBeLessThanOrEqual(1e-11 * 100);
    expect(orthonormalityError(vectors, m)).toBeLessThanOrEqual(1e-12);
  });

  it('tridiagonal (the Lanczos use): matches the closed form of the 1-D Laplacian', () => {
    // tridiag(−1, 2, −1) of size m has eigenvalues 2 − 2cos(kπ/(m+1)), k = 1..m.
    const m = 30;
    const a = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      a[i * m + i] = 2;
      if (i + 1 < m) a[i * m + i + 1] = a[(i + 1) * m + i] = -1;
    }
    const { values, vectors } = symmetricEigen(a, m);
    const expected = Array.from({ length: m }, (_, k) => 2 - 2 * Math.cos(((m - k) * Math.PI) / (m + 1)));
    values.forEach((t, i) => expect(Math.abs(t - expected[i])).toBeLessThanOrEqual(1e-13 * 4));
    expect(maxResidual(a, m, values, vectors)).toBeLessThanOrEqual(1e-12);
  });

  it('sizes 0 and 1, and reads only the leading m×m entries', () => {
    expect(symmetricEigen(new Float64Array(0), 0)).toEqual({ values: new Float64Array(0), vectors: new Float64Array(0) });
    const one = symmetricEigen(Float64Array.of(-2.5), 1);
    expect(Array.from(one.values)).toEqual([-2.5]);
    expect(Array.from(one.vectors)).toEqual([1]);
    const padded = Float64Array.of(2, 1, 1, 2, 99, 99, 99);
    expect(Array.from(symmetricEigen(padded, 2).values).map((t) => Math.round(t * 1e12) / 1e12)).toEqual([3, 1]);
  });

  it('zero matrix: zero eigenvalues, identity vectors, no NaN', () => {
    const { values, vectors } = symmetricEigen(new Float64Array(16), 4);
    expect(Array.from(values)).toEqual([0, 0, 0, 0]);
    expect(orthonormalityError(vectors, 4)).toBe(0);
  });
});
