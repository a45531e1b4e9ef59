import type { SpectralParams } from '../domain/detectors.ts';
import { rowKernels } from './kernels/row-kernels.ts';
import { lanczosTop } from './lanczos.ts';
import { classMean, type Matrix } from './matrix.ts';

/** What the spectral-signatures detector computes for one class; arrays follow `rowIndex`. */
export interface SpectralClassOutput {
  /** ((r_i − μ)·v)² for each row of the class. */
  scores: Float64Array;
  /** Coordinates on the top two principal directions: x = (r_i − μ)·v₁, y = (r_i − μ)·v₂. */
  x: Float32Array;
  y: Float32Array;
  flagged: Uint8Array;
  stats: {
    count: number;
    /** Rows flagged by the budget. */
    flagged: number;
    /** Smallest flagged score; Infinity when nothing is flagged. */
    threshold: number;
    /** Leading eigenvalues of the class covariance (σ_i² / n_c), descending. */
    eigenvalues: number[];
    /** Lanczos steps used and whether the residual test passed. */
    iterations: number;
    converged: boolean;
  };
}

/**
 * Spectral signatures for one class (Tran, Li & Madry, "Spectral Signatures in Backdoor Attacks",
 * NeurIPS 2018, Algorithm 1): centre the class's representations, take the top right singular vector v of
 * the centred n_c×d matrix, score each row by its squared projection ((r_i − μ)·v)², and remove the
 * ⌈1.5·ε·n_c⌉ highest scores.
 *
 * v is found by Lanczos on the covariance operator u ↦ (1/n_c)·Σ_i (r_i − μ)((r_i − μ)·u), one pass over the
 * class's rows per step, so the n_c×d matrix is never copied or centred in memory. IBM ART scores uncentred
 * rows; the paper (and this) centres them.
 */
export function spectralSignatureClass(
  x: Matrix,
  rowIndex: Int32Array,
  params: SpectralParams,
  onProgress?: (fraction: number) => void,
): SpectralClassOutput {
  const n = rowIndex.length;
  const d = x.cols;
  const data = x.data;
  const mean = classMean(x, rowIndex);

  const apply = (u: Float64Array, out: Float64Array) => {
    let meanDotU = 0;
    for (let k = 0; k < d; k++) meanDotU += mean[k] * u[k];
    // out ← Σ t_i r_i with t_i = r_i·u − μ·u = (r_i − μ)·u, one pass over the rows (WebAssembly SIMD where
    // available); then Σ t_i (r_i − μ) = Σ t_i r_i − μ Σ t_i.
    const sumT = rowKernels().gramPass(x, rowIndex, u, meanDotU, out);
    const inv = n > 0 ? 1 / n : 0;
    for (let k = 0; k < d; k++) out[k] = (out[k] - sumT * mean[k]) * inv;
  };

  const scores = new Float64Array(n);
  const px = new Float32Array(n);
  const py = new Float32Array(n);
  const flagged = new Uint8Array(n);
  if (n < 2) {
    return { scores, x: px, y: py, flagged, stats: { count: n, flagged: 0, threshold: Infinity, eigenvalues: [], iterations: 0, converged: true } };
  }

  const eig = lanczosTop(apply, d, {
    want: Math.min(2, d),
    maxIter: Math.min(d, 150),
    onStep: (step, max) => onProgress?.(Math.min(0.95, step / Math.min(max, 40))),
  });
  const v1 = eig.vectors[0];
  const v2 = eig.vectors[1] ?? new Float64Array(d);
  let m1 = 0;
  let m2 = 0;
  for (let k = 0; k < d; k++) {
    m1 += mean[k] * v1[k];
    m2 += mean[k] * v2[k];
  }
  for (let r = 0; r < n; r++) {
    const base = rowIndex[r] * d;
    let a = 0;
    let b = 0;
    for (let k = 0; k < d; k++) {
      const value = data[base + k];
      a += value * v1[k];
      b += value * v2[k];
    }
    a -= m1;
    b -= m2;
    scores[r] = a * a;
    px[r] = a;
    py[r] = b;
  }

  const budget = removalBudget(params, n);
  const threshold = flagTop(scores, budget, flagged);
  onProgress?.(1);
  return {
    scores,
    x: px,
    y: py,
    flagged,
    stats: { count: n, flagged: budget, threshold, eigenvalues: eig.ritzValues, iterations: eig.iterations, converged: eig.converged },
  };
}

/** Rows removed from a class of n rows: ⌈budgetFactor · ε · n⌉ (Tran et al. 2018 use budgetFactor = 1.5). */
export function removalBudget(params: SpectralParams, n: number): number {
  // The product carries rounding error (1.5 · 0.1 · 100 = 15.000000000000002), which a bare ceil turns into
  // one extra flagged row; shave a relative 1e-12 off first, far more than the error and far less than a row.
  const raw = params.budgetFactor * params.epsilon * n;
  return Math.min(n, Math.ceil(raw - 1e-12 * raw));
}

/**
 * Marks the `budget` highest scores (ties broken toward the lower row position, so results are stable) and
 * returns the smallest flagged score, or Infinity when the budget is zero.
 */
export function flagTop(scores: Float64Array, budget: number, flagged: Uint8Array): number {
  if (budget <= 0) return Infinity;
  const order = Array.from(scores.keys()).sort((i, j) => scores[j] - scores[i] || i - j);
  for (let r = 0; r < budget; r++) flagged[order[r]] = 1;
  return scores[order[budget - 1]];
}
