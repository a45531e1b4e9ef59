/**
 * Activation clustering (Chen, Carvalho, Baracaldo, Ludwig, Edwards, Lee, Molloy & Srivastava, "Detecting
 * Backdoor Attacks on Deep Neural Networks by Activation Clustering", arXiv 1811.03728, SafeAI@AAAI 2019).
 *
 * Per class (§3): centre the class's representations, reduce them to 10 dimensions, split them in two with
 * 2-means, and judge the split (§3, "cluster analysis"). The paper lists three judgements — exclusionary
 * reclassification (retrain without the cluster: needs a model, out of scope for embeddings alone), relative
 * size (the poison is the smaller cluster; IBM ART flags a cluster under 35% of the class), and silhouette
 * score (a high score means two clusters really describe the class, a low one that 2-means cut a single blob).
 * The rule implemented is the silhouette rule as the paper and ART's `silhouette_score` analysis apply it:
 * the smaller cluster is flagged when silhouette > silhouetteThreshold (0.10) AND its relative size <
 * sizeThreshold (0.35). "size < 0.35 OR (silhouette > 0.1 AND size < 0.35)" would reduce to the size rule
 * alone, which flags any class whose 2-means split is lopsided, e.g. one with a heavy tail and no poison.
 *
 * Reduction: PCA by Lanczos (the class covariance as an operator, never formed), not the paper's FastICA.
 * FastICA first whitens the data with the same 10-dimensional PCA and then only rotates it, and k-means is
 * invariant to rotations, so ICA + 2-means is 2-means on the *whitened* PCA scores. Unwhitened PCA keeps the
 * geometry of the representation (a trigger that moves the poison far along one direction stays far, instead
 * of being rescaled to unit variance like every noise direction), and it is deterministic, where FastICA
 * depends on its random start and may not converge.
 */
import { lanczosTop } from '../lanczos.ts';
import { classMean, type Matrix } from '../matrix.ts';
import { Random } from '../random.ts';
import type { ClassDetection, ClassDetector } from './types.ts';

export interface ActivationClusteringParams {
  /** PCA dimensions kept (the paper's 10). */
  dims: number;
  /** Relative size of the smaller cluster below which it may be poison (ART: 0.35). */
  sizeThreshold: number;
  /** Mean silhouette above which the 2-cluster split is taken as real (paper: 0.10–0.15). */
  silhouetteThreshold: number;
  seed: number;
}

export const ACTIVATION_CLUSTERING_DEFAULTS: ActivationClusteringParams = { dims: 10, sizeThreshold: 0.35, silhouetteThreshold: 0.1, seed: 1 };

/**
 * k-means++ restarts, the best inertia kept (scikit-learn's classic n_init = 10): a single blob has many 2-means
 * local optima within ~0.1% of each other, and fewer restarts visibly miss the best.
 */
const RESTARTS = 10;
const MAX_ITER = 300;
/** scikit-learn's KMeans tol: centre shift relative to the mean per-dimension variance. */
const TOLERANCE = 1e-4;
/** Rows in the silhouette sample: exact below, a seeded uniform sample above (O(m²·dims) work). */
const SILHOUETTE_SAMPLE = 2000;
/** Monte Carlo draws for the class test: the smallest attainable p-value is 1/(B + 1) = 0.025. */
const NULL_DRAWS = 39;
/** Rows per null draw (at most the class size). */
const NULL_ROWS = 500;

/**
 * Activation clustering for one class; arrays follow `rowIndex`.
 * - scores: ‖z − c_large‖ − ‖z − c_small‖ in the reduced space: positive exactly for rows 2-means put in the
 *   smaller cluster, larger the more clearly they belong there (a membership margin, in PCA units).
 * - pValues: null. The split is fitted to the same rows it would be tested on; no per-row null is defensible.
 * - classTest: SigClust (Liu, Hayes, Nobel & Marron, "Statistical significance of clustering for
 *   high-dimension, low-sample size data", JASA 2008): is the 2-means cluster index CI = within-cluster SS /
 *   total SS smaller than for a single Gaussian with the class's PCA variances? Monte Carlo, 39 draws of up
 *   to 500 rows from N(0, diag(λ₁…λ_dims)) clustered the same way; p = (1 + #{CI_null ≤ CI}) / 40. The test
 *   errs conservative twice: poison inflates the λ's it simulates from (SigClust §3), and draws smaller than
 *   the class overfit 2-means more, lowering the null CI.
 * - projection: the first two PCA coordinates.
 */
export const activationClusteringClass: ClassDetector<ActivationClusteringParams> = (x, rowIndex, params, onProgress) => {
  const n = rowIndex.length;
  const d = x.cols;
  const p = Math.max(0, Math.min(params.dims, d, n - 1));
  const scores = new Float64Array(n);
  const ruleFlags = new Uint8Array(n);
  const px = new Float32Array(n);
  const py = new Float32Array(n);
  const projection = { x: px, y: py, xLabel: 'PC1', yLabel: 'PC2' };
  if (p < 1) {
    onProgress?.(1);
    return { scores, pValues: null, ruleFlags, classTest: null, projection, diagnostics: { rows: n, dims: 0, flagged: false, reason: 'fewer than 2 rows' } };
  }

  // §3: reduce the centred class to `dims` dimensions (PCA here, see the module comment).
  const { z, eigenvalues, converged } = pcaScores(x, rowIndex, p, (f) => onProgress?.(0.5 * f));
  for (let i = 0; i < n; i++) {
    px[i] = z[i * p];
    py[i] = p > 1 ? z[i * p + 1] : 0;
  }
  const total = sumOfSquares(z, n, p);
  if (!(total > 1e-12 * Math.max(1, eigenvalues[0] ?? 0) * n)) {
    onProgress?.(1);
    return { scores, pValues: null, ruleFlags, classTest: null, projection, diagnostics: { rows: n, dims: p, flagged: false, reason: 'no variance' } };
  }

  // §3: 2-means, k-means++ starts, the lowest inertia of several restarts.
  const rng = new Random(params.seed);
  const km = kMeans2(z, n, p, rng);
  onProgress?.(0.6);
  const sizes = [0, 0];
  for (let i = 0; i < n; i++) sizes[km.assign[i]]++;
  // kMeans2 numbers the larger cluster 0; equal halves leave cluster 1 as "smaller" at relative size 0.5.
  const relativeSize = sizes[1] / n;

  const silhouette = meanSilhouette(z, n, p, km.assign, SILHOUETTE_SAMPLE, rng);
  onProgress?.(0.7);

  // §3 "silhouette score" with the relative-size condition (ART's `silhouette_score` analysis).
  const sizeRule = relativeSize < params.sizeThreshold;
  const silhouetteRule = silhouette.mean > params.silhouetteThreshold;
  const flagged = sizeRule && silhouetteRule;
  for (let i = 0; i < n; i++) {
    scores[i] = Math.sqrt(squaredDistance(z, i * p, km.centroids, 0, p)) - Math.sqrt(squaredDistance(z, i * p, km.centroids, p, p));
    if (flagged && km.assign[i] === 1) ruleFlags[i] = 1;
  }

  const clusterIndex = km.inertia / total;
  const nullTest = sigClustPValue(clusterIndex, eigenvalues, Math.min(n, NULL_ROWS), new Random(params.seed ^ 0x51c1), (f) => onProgress?.(0.7 + 0.3 * f));
  const detection: ClassDetection = {
    scores,
    pValues: null,
    ruleFlags,
    classTest: { method: `SigClust 2-means cluster index vs Gaussian null (${NULL_DRAWS} Monte Carlo draws of ${Math.min(n, NULL_ROWS)} rows)`, statistic: clusterIndex, pValue: nullTest, minAttainable: 1 / (NULL_DRAWS + 1) },
    projection,
    diagnostics: {
      rows: n,
      dims: p,
      clusterSizes: sizes,
      relativeSize,
      silhouette: silhouette.mean,
      silhouetteRows: silhouette.rows,
      silhouetteExact: silhouette.rows === n,
      inertia: km.inertia,
      totalSumOfSquares: total,
      clusterIndex,
      sizeRule,
      silhouetteRule,
      flagged,
      flaggedRows: flagged ? sizes[1] : 0,
      kmeansIterations: km.iterations,
      eigenvalues,
      lanczosConverged: converged,
    },
  };
  onProgress?.(1);
  return detection;
};

/**
 * Scores of the class's rows on its top-p principal directions: z_i = V_pᵀ(r_i − μ), n×p row-major float64.
 * The directions come from Lanczos on u ↦ (1/n)·Σ (r_i − μ)((r_i − μ)·u), one pass over the rows per step.
 */
function pcaScores(x: Matrix, rowIndex: Int32Array, p: number, onProgress: (f: number) => void): { z: Float64Array; eigenvalues: number[]; converged: boolean } {
  const n = rowIndex.length;
  const d = x.cols;
  const data = x.data;
  const mean = classMean(x, rowIndex);
  const centred = new Float64Array(d);
  const apply = (u: Float64Array, out: Float64Array) => {
    out.fill(0);
    for (let r = 0; r < n; r++) {
      const base = rowIndex[r] * d;
      let t = 0;
      for (let k = 0; k < d; k++) t += (centred[k] = data[base + k] - mean[k]) * u[k];
      for (let k = 0; k < d; k++) out[k] += t * centred[k];
    }
    for (let k = 0; k < d; k++) out[k] /= n;
  };
  const eig = lanczosTop(apply, d, { want: p, maxIter: Math.min(d, Math.max(60, 3 * p + 20)), onStep: (step, max) => onProgress(step / max) });
  const z = new Float64Array(n * p);
  for (let r = 0; r < n; r++) {
    const base = rowIndex[r] * d;
    for (let k = 0; k < d; k++) centred[k] = data[base + k] - mean[k];
    for (let j = 0; j < eig.vectors.length; j++) {
      const v = eig.vectors[j];
      let t = 0;
      for (let k = 0; k < d; k++) t += centred[k] * v[k];
      z[r * p + j] = t;
    }
  }
  const eigenvalues = Array.from({ length: p }, (_, j) => Math.max(0, eig.values[j] ?? 0));
  return { z, eigenvalues, converged: eig.converged };
}

interface TwoMeans {
  /** 0 or 1 per row. */
  assign: Uint8Array;
  /** 2×p row-major. */
  centroids: Float64Array;
  /** Σ_i ‖z_i − c_assign(i)‖². */
  inertia: number;
  iterations: number;
}

/** Lloyd's 2-means, best of RESTARTS k-means++ starts; cluster 0 is the larger (ties: as found). */
export function kMeans2(z: Float64Array, n: number, p: number, rng: Random): TwoMeans {
  let best: TwoMeans = { assign: new Uint8Array(n), centroids: new Float64Array(2 * p), inertia: Infinity, iterations: 0 };
  const tolerance = TOLERANCE * (sumOfSquares(z, n, p) / n / p);
  for (let r = 0; r < RESTARTS; r++) {
    const run = lloyd(z, n, p, kMeansPlusPlus(z, n, p, rng), tolerance);
    if (run.inertia < best.inertia) best = run;
  }
  let ones = 0;
  for (let i = 0; i < n; i++) ones += best.assign[i];
  if (ones > n - ones) {
    for (let i = 0; i < n; i++) best.assign[i] ^= 1;
    best.centroids = Float64Array.of(...best.centroids.subarray(p), ...best.centroids.subarray(0, p));
  }
  return best;
}

/**
 * k-means++ seeding (Arthur & Vassilvitskii, SODA 2007): the first centre a uniform row, the second a row drawn
 * with probability ∝ its squared distance to the first (a uniform row if every distance is 0).
 */
function kMeansPlusPlus(z: Float64Array, n: number, p: number, rng: Random): Float64Array {
  const centroids = new Float64Array(2 * p);
  const first = rng.int(n);
  centroids.set(z.subarray(first * p, (first + 1) * p), 0);
  const d2 = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += d2[i] = squaredDistance(z, i * p, centroids, 0, p);
  let second = rng.int(n);
  if (sum > 0) {
    let u = rng.uniform() * sum;
    for (second = 0; second < n - 1; second++) {
      u -= d2[second];
      if (u < 0) break;
    }
  }
  centroids.set(z.subarray(second * p, (second + 1) * p), p);
  return centroids;
}

/**
 * Lloyd iterations until no row changes cluster, or the centres move less than scikit-learn's tolerance
 * (Σ‖Δc‖² ≤ 1e-4 × mean per-dimension variance; without it a diffuse blob creeps for hundreds of steps), or
 * MAX_ITER. A last assignment step makes rows and inertia agree with the final centres. Ties go to cluster 0;
 * an empty cluster keeps its centre.
 */
function lloyd(z: Float64Array, n: number, p: number, centroids: Float64Array, tolerance: number): TwoMeans {
  const assign = new Uint8Array(n);
  const sums = new Float64Array(2 * p);
  const inertia = new Float64Array(1);
  let iterations = 0;
  while (iterations < MAX_ITER) {
    const changed = assignStep(z, n, p, centroids, assign, inertia);
    iterations++;
    if (!changed && iterations > 1) break;
    sums.fill(0);
    let count1 = 0;
    for (let i = 0; i < n; i++) {
      const off = assign[i] * p;
      count1 += assign[i];
      for (let k = 0; k < p; k++) sums[off + k] += z[i * p + k];
    }
    const counts = [n - count1, count1];
    let shift = 0;
    for (let c = 0; c < 2; c++) {
      if (counts[c] === 0) continue;
      for (let k = 0; k < p; k++) {
        const next = sums[c * p + k] / counts[c];
        shift += (next - centroids[c * p + k]) ** 2;
        centroids[c * p + k] = next;
      }
    }
    if (shift <= tolerance) {
      assignStep(z, n, p, centroids, assign, inertia);
      break;
    }
  }
  return { assign, centroids, inertia: inertia[0], iterations };
}

/** Assigns each row to its nearer centre (ties to 0), writes the inertia to out[0]; true when a row moved. */
function assignStep(z: Float64Array, n: number, p: number, centroids: Float64Array, assign: Uint8Array, out: Float64Array): boolean {
  let changed = false;
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let a = 0;
    let b = 0;
    for (let k = 0; k < p; k++) {
      const v = z[i * p + k];
      const s = v - centroids[k];
      const t = v - centroids[p + k];
      a += s * s;
      b += t * t;
    }
    const c = b < a ? 1 : 0;
    inertia += c ? b : a;
    if (assign[i] !== c) changed = true;
    assign[i] = c;
  }
  out[0] = inertia;
  return changed;
}

/**
 * Mean silhouette (Rousseeuw, J. Comput. Appl. Math. 1987): s_i = (b_i − a_i) / max(a_i, b_i), a_i the mean
 * distance to the other members of i's cluster, b_i the mean distance to the other cluster; s_i = 0 for a
 * singleton (as scikit-learn). Exact on all rows up to `sampleSize`; above it, exact on a seeded uniform sample
 * of `sampleSize` rows (distances within the sample, as scikit-learn's `silhouette_score(sample_size=…)`), a
 * consistent estimate of the full mean with standard error ≤ 1/√sampleSize ≈ 0.022, since s_i ∈ [−1, 1].
 * The simplified silhouette (distances to the two centroids instead of mean distances to members) was not
 * used: it drops the within-cluster spread from both a_i and b_i and so reads higher than the silhouette, most
 * for the diffuse single-blob classes whose low silhouette the rule relies on. 0 when the rows fall in one
 * cluster.
 */
export function meanSilhouette(z: Float64Array, n: number, p: number, assign: Uint8Array, sampleSize: number, rng: Random): { mean: number; rows: number } {
  const m = Math.min(n, sampleSize);
  const rows = m === n ? Int32Array.from({ length: n }, (_, i) => i) : rng.permutation(n).subarray(0, m);
  const counts = [0, 0];
  for (const r of rows) counts[assign[r]]++;
  if (counts[0] === 0 || counts[1] === 0) return { mean: 0, rows: m };
  let sum = 0;
  const dist = [0, 0];
  for (const i of rows) {
    dist[0] = dist[1] = 0;
    for (const j of rows) if (j !== i) dist[assign[j]] += Math.sqrt(squaredDistance(z, i * p, z, j * p, p));
    const own = assign[i];
    if (counts[own] < 2) continue;
    const a = dist[own] / (counts[own] - 1);
    const b = dist[1 - own] / counts[1 - own];
    const denom = Math.max(a, b);
    if (denom > 0) sum += (b - a) / denom;
  }
  return { mean: sum / m, rows: m };
}

/** SigClust Monte Carlo p-value of the observed cluster index against N(0, diag(λ)) with `rows` rows per draw. */
function sigClustPValue(clusterIndex: number, lambda: number[], rows: number, rng: Random, onProgress: (f: number) => void): number {
  const p = lambda.length;
  const sd = lambda.map(Math.sqrt);
  const z = new Float64Array(rows * p);
  let atOrBelow = 0;
  for (let b = 0; b < NULL_DRAWS; b++) {
    for (let i = 0; i < rows; i++) for (let k = 0; k < p; k++) z[i * p + k] = sd[k] * rng.normal();
    const total = sumOfSquares(z, rows, p);
    const ci = total > 0 ? kMeans2(z, rows, p, rng).inertia / total : 1;
    if (ci <= clusterIndex) atOrBelow++;
    onProgress((b + 1) / NULL_DRAWS);
  }
  return (1 + atOrBelow) / (NULL_DRAWS + 1);
}

/** Σ_i ‖z_i − z̄‖² of an n×p row-major matrix. */
function sumOfSquares(z: Float64Array, n: number, p: number): number {
  let total = 0;
  for (let k = 0; k < p; k++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += z[i * p + k];
    mean /= n;
    for (let i = 0; i < n; i++) total += (z[i * p + k] - mean) ** 2;
  }
  return total;
}

/** ‖a[ai .. ai+p) − b[bi .. bi+p)‖². */
function squaredDistance(a: Float64Array, ai: number, b: Float64Array, bi: number, p: number): number {
  let s = 0;
  for (let k = 0; k < p; k++) {
    const t = a[ai + k] - b[bi + k];
    s += t * t;
  }
  return s;
}
