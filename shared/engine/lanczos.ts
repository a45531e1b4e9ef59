import { Random } from './random.ts';
import { symmetricEigen } from './symmetric-eigen.ts';

/** y ← A·x for a symmetric positive semi-definite operator A of size d. */
export type SymmetricOperator = (x: Float64Array, y: Float64Array) => void;

export interface TopEigen {
  /** Leading eigenvalues, descending. */
  values: number[];
  /** Their unit eigenvectors (sign arbitrary). */
  vectors: Float64Array[];
  /** Up to ten leading Ritz values (descending): the visible part of the spectrum, less exact past `want`. */
  ritzValues: number[];
  iterations: number;
  /** True when every requested pair met the residual test ‖A·u − θ·u‖ ≤ tol·θ₁. */
  converged: boolean;
}

/**
 * Leading eigenpairs of a symmetric operator by the Lanczos method with full re-orthogonalisation
 * (Golub & Van Loan, Matrix Computations, 4th ed., §10.1; Parlett, The Symmetric Eigenvalue Problem, §13).
 * Each step costs one operator application; for a class covariance that is a single pass over its rows, so
 * this needs a few dozen passes where a full SVD would need O(n·d²) work.
 * The residual of Ritz pair i after j steps is β_j·|y_{j,i}| (Parlett Thm 13.1.1), checked every step.
 */
export function lanczosTop(
  apply: SymmetricOperator,
  d: number,
  options: { want: number; tol?: number; maxIter?: number; seed?: number; onStep?: (step: number, max: number) => void },
): TopEigen {
  const want = Math.min(options.want, d);
  const tol = options.tol ?? 1e-7;
  const maxIter = Math.min(options.maxIter ?? 120, d);
  const rng = new Random(options.seed ?? 0x5eed);

  const basis: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  let q = new Float64Array(d);
  for (let k = 0; k < d; k++) q[k] = rng.normal();
  scale(q, 1 / norm(q));
  const w = new Float64Array(d);
  let ritz: { values: Float64Array; vectors: Float64Array; m: number } = { values: new Float64Array(0), vectors: new Float64Array(0), m: 0 };
  let converged = false;

  for (let j = 0; j < maxIter; j++) {
    basis.push(q);
    apply(q, w);
    const a = dot(q, w);
    alpha.push(a);
    // Full re-orthogonalisation, twice ("twice is enough", Parlett §6.9), keeps the basis orthonormal
    // so no spurious copies of converged eigenvalues appear.
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) axpy(-dot(b, w), b, w);
    }
    const bnorm = norm(w);
    const m = j + 1;
    const t = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      t[i * m + i] = alpha[i];
      if (i + 1 < m) t[i * m + i + 1] = t[(i + 1) * m + i] = beta[i];
    }
    const eig = symmetricEigen(t, m);
    ritz = { values: eig.values, vectors: eig.vectors, m };
    options.onStep?.(m, maxIter);

    const top = Math.abs(eig.values[0]) || 1;
    let ok = m >= want;
    for (let i = 0; ok && i < want; i++) ok = bnorm * Math.abs(eig.vectors[(m - 1) * m + i]) <= tol * top;
    // An invariant subspace (β ≈ 0) is exact: nothing more to find from this start vector.
    if (ok || bnorm <= 1e-14 * top) {
      converged = m >= want;
      break;
    }
    beta.push(bnorm);
    q = Float64Array.from(w);
    scale(q, 1 / bnorm);
  }

  const m = ritz.m;
  const values: number[] = [];
  const vectors: Float64Array[] = [];
  for (let i = 0; i < Math.min(want, m); i++) {
    const u = new Float64Array(d);
    for (let k = 0; k < m; k++) axpy(ritz.vectors[k * m + i], basis[k], u);
    scale(u, 1 / norm(u));
    values.push(ritz.values[i]);
    vectors.push(u);
  }
  return { values, vectors, ritzValues: Array.from(ritz.values.subarray(0, Math.min(10, m))), iterations: m, converged };
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

function scale(a: Float64Array, s: number): void {
  for (let k = 0; k < a.length; k++) a[k] *= s;
}

/** y ← y + s·x */
function axpy(s: number, x: Float64Array, y: Float64Array): void {
  for (let k = 0; k < x.length; k++) y[k] += s * x[k];
}
