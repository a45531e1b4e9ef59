/**
 * SPECTRE (Hayase, Kong, Somani & Oh, "SPECTRE: Defending Against Backdoor Attacks Using Robust Statistics",
 * ICML 2021, Algorithm 1), per class:
 *   1. centre the class and project it on its top K ≤ min(maxDims, d) principal directions;
 *   2. for each k in {1, 4, 9, …} (k ≤ min(100, K)), on the top-k coordinates: a robust mean and covariance by
 *      iterative filtering (Diakonikolas, Kamath, Kane, Li, Moitra & Stewart, "Being Robust (in High
 *      Dimensions) Can Be Practical", ICML 2017, covariance filter; removing at most 2·ε·n rows, τ = 0.1),
 *      whitening of all rows with it, and QUantum Entropy scores τ_i = x̃_iᵀ M x̃_i with
 *      M = exp(α(Σ′ − I)/(‖Σ′‖₂ − 1)) / tr(·) (Dong, Hopkins & Li, NeurIPS 2019), Σ′ the covariance of x̃;
 *   3. keep the k whose removal leaves the most anomalous-looking class (the QUE statistic tr(Σ″M″), below);
 *   4. the ⌈1.5·ε·n⌉ highest scores are the detector's own flags.
 * Whitening uses the Cholesky factor L of Σ̂ (x̃ = L⁻¹(x − μ̂)) instead of the symmetric root Σ̂^(−1/2): the two
 * differ by an orthogonal rotation R, under which Σ′ → RΣ′Rᵀ, M → RMRᵀ, so scores, tr(Σ′M), ‖Σ′‖ and the
 * coordinates along M's eigenvectors are unchanged, and a triangular solve is cheaper and stabler.
 */
import { median, normalityTest, robustNormalPValues } from '../calibration.ts';
import { lanczosTop } from '../lanczos.ts';
import { classMean, type Matrix } from '../matrix.ts';
import { Random } from '../random.ts';
import { flagTop, removalBudget } from '../spectral.ts';
import { symmetricEigen } from '../symmetric-eigen.ts';
import type { ClassDetector } from './types.ts';

export interface SpectreParams {
  /** Upper bound on the poisoned fraction of the class. */
  epsilon: number;
  /** QUE temperature (paper: 4). α → 0 gives Mahalanobis scores, α → ∞ the spectral signature. */
  alpha: number;
  /** PCA dimension cap (paper: 100). */
  maxDims: number;
}

/** DKK17's practical constants: C in the spectral test and the early filter, and the tail shift. */
const FILTER_C = 10;
const FILTER_SHIFT = 3;
const FILTER_TAU = 0.1;
/** Rows used to estimate the fourth-moment operator in each filter round (see robustCovarianceFilter). */
const T_ROWS = 2000;
/** Largest k tried (paper: k ∈ {1, 4, 9, …, 100}). */
const MAX_K = 100;

/**
 * @example
 *   const out = spectreClass(x, rowsOfClass, { epsilon: 0.05, alpha: 4, maxDims: 100 });
 *   out.diagnostics.k // the chosen number of principal dimensions, e.g. 16
 */
export const spectreClass: ClassDetector<SpectreParams> = (x, rowIndex, params, onProgress) => {
  validate(params);
  const n = rowIndex.length;
  const d = x.cols;
  const budget = removalBudget({ epsilon: params.epsilon, budgetFactor: 1.5 }, n);
  const ruleFlags = new Uint8Array(n);

  // 1. PCA. The d×d covariance is formed once (n·d²/2 multiply-adds, one pass over the rows) because its
  //    top ≤100 eigenvectors need hundreds of operator applications: by Lanczos on the rows that is ≥ 2·n·d each,
  //    more than forming it whenever d < 4 × (applications) — always, for d ≤ 512 and 100 eigenpairs.
  const mean = classMean(x, rowIndex);
  const cov = classCovariance(x, rowIndex, mean);
  onProgress?.(0.3);
  const pca = topEigenvectors(cov, d, Math.min(params.maxDims, d));
  // Keep only directions with real variance: a rank-deficient class (n ≤ d, duplicated rows) cannot be whitened
  // along its null space.
  const lambda1 = pca.values[0] ?? 0;
  let K = 0;
  while (K < Math.min(params.maxDims, d, n - 1) && pca.values[K] > 1e-9 * lambda1) K++;
  if (n < 2 || K === 0) {
    const scores = new Float64Array(n);
    flagTop(scores, budget, ruleFlags);
    onProgress?.(1);
    return {
      scores,
      pValues: robustNormalPValues(scores, 'upper'),
      ruleFlags,
      classTest: null,
      projection: null,
      diagnostics: { k: 0, kTried: [], queStatistic: [], filterRemoved: [], removedAtK: 0, sigmaPrimeNorm: null, reducedDims: 0, skewness: null, kurtosis: null },
    };
  }
  const P = project(x, rowIndex, mean, pca.vectors, K, pca.vectors.length / d);
  // Covariance of the projected rows: Vᵀ C V, no pass over the rows needed.
  const S = congruence(cov, d, pca.vectors, pca.vectors.length / d, K);
  const projectedMean = new Float64Array(K);
  for (let i = 0; i < n; i++) for (let a = 0; a < K; a++) projectedMean[a] += P[i * K + a];
  for (let a = 0; a < K; a++) projectedMean[a] /= n;
  onProgress?.(0.45);

  const ks: number[] = [];
  for (let j = 1; j * j <= Math.min(MAX_K, K); j++) ks.push(j * j);
  const statistics: number[] = [];
  const removedByFilter: number[] = [];
  const filterLimit = Math.min(n - 2, Math.round(2 * params.epsilon * n));
  let best: { k: number; stat: number; scores: Float64Array; fit: QueFit } | null = null;
  const scores = new Float64Array(n);
  const removed = new Uint8Array(n);

  for (const [t, k] of ks.entries()) {
    // 2a. Robust mean and covariance on the top-k coordinates.
    const keep = robustCovarianceFilter(P, n, K, k, params.epsilon, filterLimit);
    removedByFilter.push(keep.removed);
    // 2b. Whiten every row with it and score.
    const fit = queFit(K, k, keep.mean, keep.cov, S, params.alpha);
    queScores(P, n, K, k, fit, scores);
    // 3. Choice of k, as in the authors' released code (rcov_auto_quantum_filter): drop this k's ⌈1.5·ε·n⌉ top
    //    scores, estimate the covariance Σ_k of the rest in the common K-dim space, whiten all rows with it and
    //    compute the QUE statistic tr(Σ″M″)/tr(M″) of the result. A k that removed the poison leaves a clean
    //    Σ_k, so the whitened class shows the poison's excess variance; statistics in the same K dimensions are
    //    comparable across k, which statistics computed in k dimensions are not.
    removed.fill(0);
    flagTop(scores, budget, removed);
    const stat = selectionStatistic(P, n, K, S, projectedMean, removed, budget, params.alpha);
    statistics.push(stat);
    if (best === null || stat > best.stat) best = { k, stat, scores: Float64Array.from(scores), fit };
    onProgress?.(0.45 + (0.5 * (t + 1)) / ks.length);
  }

  const chosen = best!;
  flagTop(chosen.scores, budget, ruleFlags);
  // The projection of the whitened rows on M's top two eigenvectors (the directions QUE weighs most).
  const k = chosen.k;
  const px = new Float32Array(n);
  const py = new Float32Array(n);
  const g = chosen.fit.g;
  const c = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < k; a++) c[a] = P[i * K + a] - chosen.fit.mean[a];
    let u = 0;
    let v = 0;
    for (let a = 0; a < k; a++) {
      u += g[a] * c[a];
      if (k > 1) v += g[k + a] * c[a];
    }
    px[i] = u;
    py[i] = v;
  }
  // Null model: a clean whitened Gaussian row scores a weighted sum of χ²₁ variables (weights: M's
  // eigenvalues, summing to 1); its logarithm is close to normal when many weights count and has a lighter upper
  // tail than the normal when few do (log χ²₁: P(> t) = P(χ²₁ > eᵗ)), so a normal fitted robustly (median, MAD)
  // to the log scores gives p-values that are about right or conservative, and the poison does not move the fit.
  const logScores = Float64Array.from(chosen.scores, (s) => Math.log(s + 1e-300));
  const test = splitNormalityTest(P, n, K, k, params);
  onProgress?.(1);
  return {
    scores: chosen.scores,
    pValues: robustNormalPValues(logScores, 'upper'),
    nullStatistic: { values: Float64Array.from(logScores), side: 'upper' },
    ruleFlags,
    classTest: {
      method: "D'Agostino K² on the QUE direction: M's top eigenvector fitted on half the rows, the other half projected on it",
      statistic: test.statistic,
      pValue: test.pValue,
    },
    projection: { x: px, y: py, xLabel: 'QUE direction 1 (whitened)', yLabel: 'QUE direction 2 (whitened)' },
    diagnostics: {
      k,
      kTried: ks,
      queStatistic: statistics,
      filterRemoved: removedByFilter,
      removedAtK: removedByFilter[ks.indexOf(k)],
      sigmaPrimeNorm: chosen.fit.norm,
      reducedDims: K,
      skewness: test.skewness,
      kurtosis: test.kurtosis,
    },
  };
};

/**
 * The class test, by sample splitting (Cox, "A note on data-splitting for the evaluation of significance
 * levels", Biometrika 1975). M's top eigenvector is the direction in which the whitened class has the most excess
 * variance, chosen by the data: projecting the same rows on it gives heavy tails even for a clean Gaussian class
 * (measured: kurtosis 5–6 and K² p < 10⁻⁷ on clean planted classes, 35 of 40 rejected). So the robust fit and M
 * are computed on the even positions only, and the odd positions — independent of that direction — are projected
 * on it: for a clean Gaussian class their projections are exactly normal, while a poisoned sub-population, a
 * property of the class and not of the half, skews them.
 */
function splitNormalityTest(P: Float64Array, n: number, K: number, k: number, params: SpectreParams): ReturnType<typeof normalityTest> {
  const half = n >> 1;
  const nA = n - half;
  // The principal directions of the class depend on the odd rows too; re-derive them from the even rows within
  // the K-dim PCA space (exactly A's own PCA when K = d), so that nothing the odd rows are tested on was fitted
  // to them. Without this step clean classes were rejected at 10% (of 100) instead of 5%.
  const A0 = new Float64Array(nA * K);
  for (let i = 0; i < nA; i++) A0.set(P.subarray(2 * i * K, (2 * i + 1) * K), i * K);
  const rotation = symmetricEigen(keptMoments(A0, nA, K, K, new Uint8Array(nA).fill(1)).cov, K).vectors;
  const A = rotate(A0, nA, K, rotation);
  const B0 = new Float64Array(half * K);
  for (let i = 0; i < half; i++) B0.set(P.subarray((2 * i + 1) * K, (2 * i + 2) * K), i * K);
  const B = rotate(B0, half, K, rotation);
  const all = keptMoments(A, nA, K, K, new Uint8Array(nA).fill(1));
  const keep = robustCovarianceFilter(A, nA, K, k, params.epsilon, Math.min(nA - 2, Math.round(2 * params.epsilon * nA)));
  const fit = queFit(K, k, keep.mean, keep.cov, all.cov, params.alpha);
  const t = new Float64Array(half);
  for (let i = 0; i < half; i++) {
    let u = 0;
    for (let a = 0; a < k; a++) u += fit.g[a] * (B[i * K + a] - fit.mean[a]);
    t[i] = u;
  }
  return normalityTest(t);
}

/** Rows of X (m×K) times R (K×K, row-major). */
function rotate(X: Float64Array, m: number, K: number, R: Float64Array): Float64Array {
  const out = new Float64Array(m * K);
  for (let i = 0; i < m; i++) {
    for (let a = 0; a < K; a++) {
      const xa = X[i * K + a];
      for (let j = 0; j < K; j++) out[i * K + j] += xa * R[a * K + j];
    }
  }
  return out;
}

function validate(p: SpectreParams): void {
  if (!(p.epsilon >= 0 && p.epsilon <= 0.5)) throw new RangeError(`'epsilon' passed to 'spectreClass' must be in [0, 0.5]; got ${p.epsilon}.`);
  if (!(p.alpha > 0 && Number.isFinite(p.alpha))) throw new RangeError(`'alpha' passed to 'spectreClass' must be a positive number (the paper uses 4); got ${p.alpha}.`);
  if (!(Number.isInteger(p.maxDims) && p.maxDims >= 1)) throw new RangeError(`'maxDims' passed to 'spectreClass' must be a positive integer (the paper uses 100); got ${p.maxDims}.`);
}

/**
 * (1/n) Σ (r_i − μ)(r_i − μ)ᵀ over the class, d×d row-major, float64. Four rows at a time, so each entry of the
 * d×d accumulator is loaded and stored once per four rows (the kernel is bound by that traffic, not arithmetic).
 */
export function classCovariance(x: Matrix, rowIndex: Int32Array, mean: Float64Array): Float64Array {
  const d = x.cols;
  const n = rowIndex.length;
  const data = x.data;
  const acc = new Float64Array(d * d);
  const r0 = new Float64Array(d);
  const r1 = new Float64Array(d);
  const r2 = new Float64Array(d);
  const r3 = new Float64Array(d);
  const rows = [r0, r1, r2, r3];
  for (let i = 0; i < n; i += 4) {
    const m = Math.min(4, n - i);
    for (let r = 0; r < 4; r++) {
      const row = rows[r];
      if (r < m) {
        const base = rowIndex[i + r] * d;
        for (let a = 0; a < d; a++) row[a] = data[base + a] - mean[a];
      } else row.fill(0);
    }
    for (let a = 0; a < d; a++) {
      const a0 = r0[a];
      const a1 = r1[a];
      const a2 = r2[a];
      const a3 = r3[a];
      const base = a * d;
      for (let b = a; b < d; b++) acc[base + b] += a0 * r0[b] + a1 * r1[b] + a2 * r2[b] + a3 * r3[b];
    }
  }
  const inv = n > 0 ? 1 / n : 0;
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) acc[a * d + b] = acc[b * d + a] = acc[a * d + b] * inv;
  }
  return acc;
}

/**
 * Leading eigenpairs of a dense symmetric d×d matrix, as a d×w row-major block of columns (w ≥ want).
 * Small d: Jacobi on the whole matrix (exact). Otherwise block subspace iteration with Rayleigh–Ritz (Golub & Van
 * Loan, Matrix Computations, 4th ed., Ch. 8, orthogonal iteration; Halko, Martinsson & Tropp, SIAM Rev. 2011, Alg. 4.4 + §5.3) on
 * w = want + 10 columns: each sweep is a d×d by d×w product. `lanczosTop` is not used here because it
 * re-diagonalises its whole tridiagonal at every step, O(j³) at step j: for 100 pairs that took minutes.
 * Directions with a clear gap converge in a few sweeps; the rest of the bulk is left approximate, which only
 * changes which noise directions fill the last slots.
 */
export function topEigenvectors(a: Float64Array, d: number, want: number): { values: Float64Array; vectors: Float64Array } {
  const w = Math.min(d, want + 10);
  if (d <= 2 * w) {
    const eig = symmetricEigen(a, d);
    return { values: eig.values.subarray(0, w), vectors: columnsBlock(eig.vectors, d, d, w) };
  }
  const rng = new Random(0x5bec7e);
  let q = new Float64Array(d * w);
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  orthonormaliseColumns(q, d, w);
  let z = new Float64Array(d * w);
  for (let sweep = 0; sweep < 12; sweep++) {
    multiply(a, d, q, w, z);
    orthonormaliseColumns(z, d, w);
    [q, z] = [z, q];
  }
  // Rayleigh–Ritz: B = Qᵀ A Q, B = U Λ Uᵀ, eigenvectors Q·U.
  const b = congruence(a, d, q, w, w);
  const eig = symmetricEigen(b, w);
  const vectors = new Float64Array(d * w);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < w; j++) {
      let s = 0;
      for (let l = 0; l < w; l++) s += q[i * w + l] * eig.vectors[l * w + j];
      vectors[i * w + j] = s;
    }
  }
  return { values: eig.values, vectors };
}

function columnsBlock(v: Float64Array, d: number, m: number, w: number): Float64Array {
  const out = new Float64Array(d * w);
  for (let i = 0; i < d; i++) for (let j = 0; j < w; j++) out[i * w + j] = v[i * m + j];
  return out;
}

/** z ← A·q for A d×d and q d×w (row-major). */
function multiply(a: Float64Array, d: number, q: Float64Array, w: number, z: Float64Array): void {
  z.fill(0);
  for (let i = 0; i < d; i++) {
    const zi = i * w;
    for (let l = 0; l < d; l++) {
      const s = a[i * d + l];
      const ql = l * w;
      for (let j = 0; j < w; j++) z[zi + j] += s * q[ql + j];
    }
  }
}

/** Modified Gram–Schmidt on the w columns of a d×w row-major block, twice for orthogonality to rounding. */
function orthonormaliseColumns(q: Float64Array, d: number, w: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < w; j++) {
      for (let l = 0; l < j; l++) {
        let s = 0;
        for (let i = 0; i < d; i++) s += q[i * w + j] * q[i * w + l];
        for (let i = 0; i < d; i++) q[i * w + j] -= s * q[i * w + l];
      }
      let s = 0;
      for (let i = 0; i < d; i++) s += q[i * w + j] ** 2;
      const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
      for (let i = 0; i < d; i++) q[i * w + j] *= inv;
    }
  }
}

/** Vᵀ A V for A d×d and the first k columns of V (d×w row-major), k×k row-major. */
function congruence(a: Float64Array, d: number, v: Float64Array, w: number, k: number): Float64Array {
  const av = new Float64Array(d * k);
  for (let i = 0; i < d; i++) {
    for (let l = 0; l < d; l++) {
      const s = a[i * d + l];
      for (let j = 0; j < k; j++) av[i * k + j] += s * v[l * w + j];
    }
  }
  const out = new Float64Array(k * k);
  for (let i = 0; i < d; i++) {
    for (let p = 0; p < k; p++) {
      const vp = v[i * w + p];
      for (let j = 0; j < k; j++) out[p * k + j] += vp * av[i * k + j];
    }
  }
  for (let p = 0; p < k; p++) for (let j = p + 1; j < k; j++) out[p * k + j] = out[j * k + p] = 0.5 * (out[p * k + j] + out[j * k + p]);
  return out;
}

/** PCA coordinates (r_i − μ)·v_j for the first K columns of the basis (d×w row-major), n×K row-major. */
function project(x: Matrix, rowIndex: Int32Array, mean: Float64Array, basis: Float64Array, K: number, w: number): Float64Array {
  const d = x.cols;
  const n = rowIndex.length;
  const data = x.data;
  const out = new Float64Array(n * K);
  const c = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const base = rowIndex[i] * d;
    for (let a = 0; a < d; a++) c[a] = data[base + a] - mean[a];
    const o = i * K;
    for (let a = 0; a < d; a++) {
      const ca = c[a];
      const ba = a * w;
      for (let j = 0; j < K; j++) out[o + j] += ca * basis[ba + j];
    }
  }
  return out;
}

/**
 * Mean and (1/m) covariance of the rows with keep[i] = 1, on the first k of K coordinates; two passes (mean, then
 * centred products) so the covariance has no cancellation.
 */
function keptMoments(P: Float64Array, n: number, K: number, k: number, keep: Uint8Array): { mean: Float64Array; cov: Float64Array; m: number } {
  const mean = new Float64Array(k);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue;
    m++;
    for (let a = 0; a < k; a++) mean[a] += P[i * K + a];
  }
  for (let a = 0; a < k; a++) mean[a] /= m;
  const cov = new Float64Array(k * k);
  const c = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue;
    for (let a = 0; a < k; a++) c[a] = P[i * K + a] - mean[a];
    for (let a = 0; a < k; a++) {
      const ca = c[a];
      for (let b = a; b < k; b++) cov[a * k + b] += ca * c[b];
    }
  }
  for (let a = 0; a < k; a++) for (let b = a; b < k; b++) cov[a * k + b] = cov[b * k + a] = cov[a * k + b] / m;
  return { mean, cov, m };
}

/**
 * Lower Cholesky factor of a symmetric positive-definite k×k matrix, after a ridge of 1e-10 × its mean diagonal
 * (the role of DKK17's `Σ + 1e-8·I`, made relative so it does not depend on the data's units).
 */
function cholesky(a: Float64Array, k: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < k; i++) trace += a[i * k + i];
  const ridge = 1e-10 * (trace / k) + 1e-300;
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j] + (i === j ? ridge : 0);
      for (let p = 0; p < j; p++) s -= l[i * k + p] * l[j * k + p];
      l[i * k + j] = i === j ? Math.sqrt(Math.max(s, ridge)) : s / l[j * k + j];
    }
  }
  return l;
}

/** y ← L⁻¹ c (forward substitution), L lower k×k. */
function solveLower(l: Float64Array, k: number, c: Float64Array, y: Float64Array): void {
  for (let i = 0; i < k; i++) {
    let s = c[i];
    for (let p = 0; p < i; p++) s -= l[i * k + p] * y[p];
    y[i] = s / l[i * k + i];
  }
}

/** L⁻¹ S L⁻ᵀ for S the top-left k×k block of a K×K matrix: the covariance of the rows whitened by L. */
function whitenedCovariance(l: Float64Array, k: number, S: Float64Array, K: number): Float64Array {
  const half = new Float64Array(k * k); // L⁻¹ S, column by column
  const col = new Float64Array(k);
  const y = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < k; i++) col[i] = S[i * K + j];
    solveLower(l, k, col, y);
    for (let i = 0; i < k; i++) half[i * k + j] = y[i];
  }
  const out = new Float64Array(k * k); // (L⁻¹ (L⁻¹ S)ᵀ)ᵀ = L⁻¹ S L⁻ᵀ, row by row
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) col[j] = half[i * k + j];
    solveLower(l, k, col, y);
    for (let j = 0; j < k; j++) out[i * k + j] = y[j];
  }
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) out[i * k + j] = out[j * k + i] = 0.5 * (out[i * k + j] + out[j * k + i]);
  return out;
}

/**
 * Eigenvalues of M = exp(α(Σ′ − I)/(‖Σ′‖₂ − 1)) / tr(·) in the eigenbasis of Σ′ (values λ, descending):
 * w_j ∝ exp(α(λ_j − λ₁)/(λ₁ − 1)), shifted by −α so the largest exponent is 0 and nothing overflows. When
 * ‖Σ′‖₂ ≤ 1 no direction has excess variance to amplify, and the formula's sign would flip; M = I/k then
 * (the α → 0 limit: Mahalanobis scores).
 */
export function queWeights(lambda: ArrayLike<number>, alpha: number): Float64Array {
  const k = lambda.length;
  const top = lambda[0];
  const w = new Float64Array(k);
  const spread = top - 1;
  let sum = 0;
  for (let j = 0; j < k; j++) sum += w[j] = spread > 1e-12 ? Math.exp((alpha * (lambda[j] - top)) / spread) : 1;
  for (let j = 0; j < k; j++) w[j] /= sum;
  return w;
}

interface QueFit {
  mean: Float64Array;
  /** g_j = L⁻ᵀ u_j (row j of a k×k block): u_jᵀ x̃ = g_jᵀ (x − μ̂). */
  g: Float64Array;
  /** Eigenvalues of M (trace 1), paired with the rows of g. */
  weights: Float64Array;
  /** ‖Σ′‖₂. */
  norm: number;
}

/** Whitening by (μ̂, Σ̂) and the QUE matrix M of the whitened class (Hayase et al. 2021, Algorithm 1). */
function queFit(K: number, k: number, mean: Float64Array, cov: Float64Array, S: Float64Array, alpha: number): QueFit {
  const l = cholesky(cov, k);
  const sigma = whitenedCovariance(l, k, S, K);
  const eig = symmetricEigen(sigma, k);
  const weights = queWeights(eig.values, alpha);
  // g_j solves Lᵀ g_j = u_j (back substitution).
  const g = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    for (let i = k - 1; i >= 0; i--) {
      let s = eig.vectors[i * k + j];
      for (let p = i + 1; p < k; p++) s -= l[p * k + i] * g[j * k + p];
      g[j * k + i] = s / l[i * k + i];
    }
  }
  return { mean, g, weights, norm: eig.values[0] };
}

/** τ_i = x̃_iᵀ M x̃_i = Σ_j w_j (g_jᵀ(x_i − μ̂))², one pass over the rows. */
function queScores(P: Float64Array, n: number, K: number, k: number, fit: QueFit, out: Float64Array): void {
  const { mean, g, weights } = fit;
  const c = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < k; a++) c[a] = P[i * K + a] - mean[a];
    let tau = 0;
    for (let j = 0; j < k; j++) {
      let t = 0;
      const gj = j * k;
      for (let a = 0; a < k; a++) t += g[gj + a] * c[a];
      tau += weights[j] * t * t;
    }
    out[i] = tau;
  }
}

/**
 * The QUE statistic tr(Σ″M″) (tr M″ = 1) of all rows whitened by the covariance of the rows kept after removing
 * `removed`, in all K dimensions. The kept moments are the class's moments minus the removed rows' (the class
 * covariance S and mean are known), so this costs O(removed · K²), not a pass over the class.
 */
function selectionStatistic(P: Float64Array, n: number, K: number, S: Float64Array, mean: Float64Array, removed: Uint8Array, count: number, alpha: number): number {
  const m = n - count;
  if (count === 0 || m < 2) return 1;
  const sumR = new Float64Array(K);
  const m2R = new Float64Array(K * K);
  for (let i = 0; i < n; i++) {
    if (!removed[i]) continue;
    const o = i * K;
    for (let a = 0; a < K; a++) {
      const pa = P[o + a] - mean[a];
      sumR[a] += pa;
      for (let b = a; b < K; b++) m2R[a * K + b] += pa * (P[o + b] - mean[b]);
    }
  }
  // Kept rows, centred on the class mean: Σ c = −Σ_removed c, Σ c cᵀ = n·S − Σ_removed c cᵀ.
  const keptCov = new Float64Array(K * K);
  for (let a = 0; a < K; a++) {
    for (let b = a; b < K; b++) {
      const ma = -sumR[a] / m;
      const mb = -sumR[b] / m;
      keptCov[a * K + b] = keptCov[b * K + a] = (n * S[a * K + b] - m2R[a * K + b]) / m - ma * mb;
    }
  }
  const sigma = whitenedCovariance(cholesky(keptCov, K), K, S, K);
  const eig = symmetricEigen(sigma, K);
  const w = queWeights(eig.values, alpha);
  let stat = 0;
  for (let j = 0; j < K; j++) stat += w[j] * eig.values[j];
  return stat;
}

/**
 * Robust mean and covariance of the top-k coordinates by iterative filtering (DKK17, covariance filter; the
 * Gaussian-covariance filter of Diakonikolas, Kamath, Kane, Li, Moitra & Stewart, "Robust Estimators in High
 * Dimensions without the Computational Intractability", FOCS 2016, with DKK17's practical constants).
 * Each round, on the rows still kept (m of them), centred on their mean and whitened by their covariance (y):
 *  - early filter: rows with ‖y‖² ≥ C·k·log(m/τ) are removed outright;
 *  - otherwise the top eigenpair (λ, V) of the fourth-moment operator T(V) = (1/m) Σ (yᵀVy) yyᵀ − tr(V)·I on
 *    symmetric k×k V (‖V‖_F = 1; Var(yᵀVy) = 2 for Gaussian y, the Q(V) = 2‖V‖²_F of DKK17) is found by Lanczos;
 *    if λ ≤ 1 + C·ε·log²(1/ε) the covariance is accepted;
 *  - otherwise p_i = (y_iᵀVy_i − tr V)/√2 and, with T_j = |p − med(p)|_(j) − 3 over the sorted deviations, the
 *    rows beyond the smallest T_j whose empirical tail fraction j/m exceeds Tail(T) = 12·e^(−T) + 3ε/(k·log(m/τ))²
 *    (DKKLMS16's tail bound for Gaussian degree-2 polynomials) are removed; if no T qualifies the tail is
 *    consistent with a Gaussian and the filter stops.
 * At most `limit` = 2·ε·n rows are removed in all (the SPECTRE authors' released code: limit1 = 2); the last
 * round removes only the most extreme.
 */
export function robustCovarianceFilter(
  P: Float64Array,
  n: number,
  K: number,
  k: number,
  epsilon: number,
  limit: number,
): { mean: Float64Array; cov: Float64Array; removed: number; rounds: number; keep: Uint8Array } {
  const keep = new Uint8Array(n).fill(1);
  let removed = 0;
  let rounds = 0;
  const idx: number[] = [];
  const y = new Float64Array(n * k);
  const c = new Float64Array(k);
  const yi = new Float64Array(k);
  const vFull = new Float64Array(k * k);
  const acc = new Float64Array(k * k);
  const threshold = epsilon > 0 ? 1 + FILTER_C * epsilon * Math.log(1 / epsilon) ** 2 : Infinity;
  const size = (k * (k + 1)) / 2;

  while (removed < limit) {
    rounds++;
    const { mean, cov, m } = keptMoments(P, n, K, k, keep);
    const l = cholesky(cov, k);
    idx.length = 0;
    for (let i = 0; i < n; i++) {
      if (!keep[i]) continue;
      for (let a = 0; a < k; a++) c[a] = P[i * K + a] - mean[a];
      solveLower(l, k, c, yi);
      y.set(yi, idx.length * k);
      idx.push(i);
    }

    const early = FILTER_C * k * Math.log(m / FILTER_TAU);
    const norms = new Float64Array(m);
    let anyEarly = false;
    for (let r = 0; r < m; r++) {
      let s = 0;
      for (let a = 0; a < k; a++) s += y[r * k + a] ** 2;
      norms[r] = s;
      if (s >= early) anyEarly = true;
    }
    if (anyEarly) {
      removed += removeTop(norms, idx, keep, (r) => norms[r] >= early, limit - removed);
      continue;
    }

    // T on symmetric matrices, packed as the upper triangle with off-diagonals × √2 so that the Euclidean inner
    // product of packed vectors is the Frobenius inner product and T is symmetric in it.
    const unpack = (v: Float64Array) => {
      for (let a = 0, p = 0; a < k; a++) {
        vFull[a * k + a] = v[p++];
        for (let b = a + 1; b < k; b++) vFull[a * k + b] = vFull[b * k + a] = v[p++] * Math.SQRT1_2;
      }
    };
    // Each application costs ~1.5·k² per row (3·10⁸ for k = 100 and 20,000 rows), so T is estimated on at most
    // T_ROWS kept rows taken at a fixed stride: the top direction of a poisoned fourth moment is a strong
    // signal that a few thousand rows find, and p_i below is still computed for every kept row.
    const stride = Math.max(1, Math.ceil(m / T_ROWS));
    const mT = Math.ceil(m / stride);
    const apply = (v: Float64Array, out: Float64Array) => {
      unpack(v);
      acc.fill(0);
      let trace = 0;
      for (let a = 0; a < k; a++) trace += vFull[a * k + a];
      for (let r = 0; r < m; r += stride) {
        const o = r * k;
        let q = 0;
        for (let a = 0; a < k; a++) {
          let t = 0;
          const va = a * k;
          for (let b = 0; b < k; b++) t += vFull[va + b] * y[o + b];
          q += t * y[o + a];
        }
        for (let a = 0; a < k; a++) {
          const qa = q * y[o + a];
          const base = a * k;
          for (let b = a; b < k; b++) acc[base + b] += qa * y[o + b];
        }
      }
      for (let a = 0, p = 0; a < k; a++) {
        out[p++] = acc[a * k + a] / mT - trace;
        for (let b = a + 1; b < k; b++) out[p++] = (acc[a * k + b] / mT) * Math.SQRT2;
      }
    };
    // A loose tolerance: the eigenvector only steers the filter, and the Ritz value is compared with a threshold
    // that has a wide margin.
    const top = lanczosTop(apply, size, { want: 1, tol: 1e-2, maxIter: Math.min(size, 15), seed: 0x4d0 + rounds });
    if (!(top.values[0] > threshold)) break;

    unpack(top.vectors[0]);
    let trace = 0;
    for (let a = 0; a < k; a++) trace += vFull[a * k + a];
    const p = new Float64Array(m);
    for (let r = 0; r < m; r++) {
      const o = r * k;
      let q = 0;
      for (let a = 0; a < k; a++) {
        let t = 0;
        for (let b = 0; b < k; b++) t += vFull[a * k + b] * y[o + b];
        q += t * y[o + a];
      }
      p[r] = (q - trace) * Math.SQRT1_2;
    }
    const med = median(p);
    const dev = Float64Array.from(p, (v) => Math.abs(v - med));
    const sorted = Float64Array.from(dev).sort().reverse();
    const floor = (3 * epsilon) / (k * Math.log(m / FILTER_TAU)) ** 2;
    let cut = Infinity;
    for (let j = 1; j <= m; j++) {
      const T = sorted[j - 1] - FILTER_SHIFT;
      if (T <= 0) break;
      if (j / m > 12 * Math.exp(-T) + floor) cut = sorted[j - 1];
    }
    if (cut === Infinity) break;
    removed += removeTop(dev, idx, keep, (r) => dev[r] >= cut, limit - removed);
  }
  const { mean, cov } = keptMoments(P, n, K, k, keep);
  return { mean, cov, removed, rounds, keep };
}

/** Unkeeps the rows passing `test`, at most `cap` of them, largest `value` first; returns how many. */
function removeTop(value: Float64Array, idx: number[], keep: Uint8Array, test: (r: number) => boolean, cap: number): number {
  const candidates: number[] = [];
  for (let r = 0; r < value.length; r++) if (test(r)) candidates.push(r);
  candidates.sort((a, b) => value[b] - value[a] || a - b);
  const count = Math.min(cap, candidates.length);
  for (let t = 0; t < count; t++) keep[idx[candidates[t]]] = 0;
  return count;
}
