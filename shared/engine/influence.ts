/**
 * Influence functions for the softmax head (Koh & Liang, "Understanding Black-box Predictions via Influence
 * Functions", ICML 2017, eq. 2–3): how much each training row moves the loss on chosen test points, the
 * self-influence of every row, and an actual "what if removed" refit to check the prediction against.
 *
 * Sign and scale (the one place they are fixed; every caller and the UI use `predictedChange` and `label`)
 * - Koh & Liang: I_up,loss(z, z_test) = −∇L(z_test)ᵀ H⁻¹ ∇L(z), with H the Hessian of the training objective
 *   at θ̂. Positive I_up,loss: up-weighting z raises the test loss, i.e. z is harmful. We report it as
 *   `upweightInfluence`, with H the Hessian of our objective f (below).
 * - Our objective is the mean, f(θ) = (1/n)·Σ_i ℓ_i(θ) + R(θ), R = (l2/2)·‖W‖² (biases free). Removing row j
 *   and refitting (trainSoftmax on the other n − 1 rows, same l2) minimises
 *     f_{−j} = (1/(n−1))·Σ_{i≠j} ℓ_i + R  ∝  (n−1)/n · f_{−j} = f − (1/n)·(ℓ_j + R),
 *   i.e. f perturbed by ε·(ℓ_j + R) with ε = −1/n: removing a row also reweights the ridge against the data
 *   term, because the mean's denominator shrinks. The implicit-function step (K&L eq. 1) gives
 *     θ̂_{−j} − θ̂ ≈ −H⁻¹·ε·∇(ℓ_j + R) = (1/n)·H⁻¹(g_j + ∇R),   ∇R = l2·W (zero on the biases),
 *   and the change in the test loss L_test (mean cross-entropy over the chosen test points)
 *     ΔL_test(−j) ≈ ∇L_testᵀ(θ̂_{−j} − θ̂) = (1/n)·sᵀ(g_j + ∇R),   s = H⁻¹∇L_test,
 *                 = −(1/n)·I_up,loss(z_j) + (1/n)·sᵀ∇R.
 *   The last term is the same for every row (at the optimum ∇R = −mean_i g_i) and vanishes for a summed
 *   objective; for a few rows out of many it is small, but it decides the sign of rows with weak influence,
 *   so `predictedChange` includes it. Removing a set S: Σ_{j∈S} predictedChange_j (first order, additive).
 * - `predictedChange[j]` > 0: removing row j raises the test loss, so the row was **helpful**; < 0: removing it
 *   lowers the test loss, so it was **harmful** (= 0 is labelled helpful). `label` states this per row.
 *
 * The bias-shift null direction. The loss is unchanged by adding one constant to all K biases and the ridge
 * does not touch biases, so H·u = 0 for u = (0,…,0, 1,…,1)/√K (bias entries). Every gradient (∇ℓ_i, ∇L_test,
 * ∇R) is orthogonal to u (Σ_k (p_k − y_k) = 0), so H s = g is solvable and we want the solution s ⊥ u, i.e.
 * s = H⁺g. The exact path factors Ĥ = H + c·uuᵀ (c = trace(H)/P, any c > 0 gives the same s), which is
 * positive definite when l2 > 0 and satisfies Ĥ⁻¹ = H⁺ + uuᵀ/c, so Ĥ⁻¹g = H⁺g for every g ⊥ u: no ridge, no
 * approximation. Conjugate gradients on H itself stay in the Krylov space of g, orthogonal to u.
 *
 * Paths. P = (d+1)·K parameters. Exact (P ≤ `exactLimit`, default 3000): Ĥ is formed on first use in
 * ≈ 0.55·n·P²/2 multiply-adds (class-pair blocks, symmetric), then Cholesky in P³/3; every further solve is
 * two triangular solves, so per-test-point influence costs little more than the aggregate. CG: each step is
 * one softmaxHessianOperator application (two passes over the rows, 4·n·d·K flops); by default `influence`
 * then does a single solve on the mean test gradient (per-point columns on request, one solve each).
 * Which is faster depends on n and the number of solves: at 5,000 × 128 × 10 forming Ĥ takes ~2.5 s and one
 * CG solve ~0.4 s (46 steps), so for a handful of test points on 50k rows CG on the mean loss is the fast
 * path, while self-influence needs the factor anyway.
 * Per-row influence never forms the n×P gradient matrix: g_i = x̃_i ⊗ (p_i − e_{y_i}) (feature-major, as the
 * weights), so sᵀg_i = Σ_k (p_ik − y_ik)·(x̃_iᵀS)_k with S = s reshaped (d+1)×K: one d×K pass per test vector.
 *
 * Self-influence g_iᵀH⁺g_i (Koh & Liang §5.4, ranking likely mislabelled rows). Exact path: ‖L⁻¹g_i‖² with
 * Ĥ = LLᵀ (P²/2 per row). Otherwise a stated low-rank approximation: the top-r eigenpairs (λ_m, u_m) of H by
 * Lanczos (lanczos.ts) and the ridge l2 for the rest of the spectrum,
 *   H ≈ Σ_m λ_m u_m u_mᵀ + l2·(I − UUᵀ)   ⇒   g_iᵀH⁻¹g_i ≈ Σ_m (u_mᵀg_i)²/λ_m + (‖g_i‖² − Σ_m (u_mᵀg_i)²)/l2,
 * which overstates the tail (H's eigenvalues outside U are ≥ l2 on the weights), so it is an upper-biased
 * ranking score; with r = P − 1 it is exact.
 */
import type { WhatIfResult } from '../domain/influence.ts';
import { lanczosTop } from './lanczos.ts';
import type { Matrix } from './matrix.ts';
import { predictProba, softmaxHessianOperator, softmaxProblem, trainSoftmax } from './softmax.ts';
import type { SoftmaxModel, Standardization } from './softmax.ts';

export type InfluenceLabel = 'helpful' | 'harmful';

/** Test points: rows of a matrix with their labels (all rows when `rows` is absent). */
export interface TestSet {
  x: Matrix;
  labels: Int32Array;
  rows?: Int32Array;
}

export interface InfluenceOptions {
  /** 'auto' (default): exact when P = (d+1)·K ≤ exactLimit, else CG. */
  method?: 'auto' | 'exact' | 'cg';
  /** Default 3000. */
  exactLimit?: number;
  /** CG stops when ‖H s − g‖ ≤ cgTol·‖g‖. Default 1e-10. */
  cgTol?: number;
  /** Default 10·P. */
  cgMaxIter?: number;
  /** Cholesky factor of Ĥ from `factorHessian` (e.g. formed across workers): the exact path skips forming it. */
  factor?: Float64Array;
  /**
   * H·v for the CG and low-rank paths instead of softmaxHessianOperator's single-thread pass (e.g. one that
   * splits the rows over threads with softmaxHessianPart); it must compute the same product.
   */
  hessianVectorProduct?: (v: Float64Array, out: Float64Array) => void;
  /** Progress of the long loops (forming Ĥ, CG steps, self-influence rows), fraction in [0, 1] of that loop. */
  onProgress?: (fraction: number, stage: string) => void;
}

export interface InfluenceResult {
  method: 'exact' | 'cg';
  /** Training rows, in the order of the per-row arrays. */
  rows: Int32Array;
  /** Mean cross-entropy over the test points at θ̂. */
  testLoss: number;
  /** Koh & Liang's I_up,loss(z_i, test) = −∇L_testᵀ H⁻¹ ∇ℓ_i (positive = up-weighting raises test loss). */
  upweightInfluence: Float64Array;
  /** Predicted change in the mean test loss when the row is removed and the model refitted (see header). */
  predictedChange: Float64Array;
  /** 'helpful' when predictedChange ≥ 0 (removing it raises the test loss), else 'harmful'. */
  label: InfluenceLabel[];
  /**
   * Per test point: predictedChange on that point's loss alone, rows × testCount row-major; null when not
   * asked for (one solve instead of testCount: the default on the CG path).
   */
  perTest: Float64Array | null;
  testCount: number;
  /** CG iterations per solve (empty for the exact path). */
  cgIterations: number[];
}

export interface SelfInfluenceResult {
  method: 'exact' | 'low-rank';
  rows: Int32Array;
  /** g_iᵀH⁺g_i per training row (≥ 0). */
  values: Float64Array;
  /** Eigenpairs used by the low-rank path (0 for exact). */
  rank: number;
}

/** The refit's figures as the what-if result reports them, plus the rows removed and the refitted model. */
export interface RemovalResult
  extends Pick<WhatIfResult, 'testLossBefore' | 'testLossAfter' | 'actualChange' | 'predictedChange' | 'accuracyBefore' | 'accuracyAfter'> {
  removed: Int32Array;
  model: SoftmaxModel;
}

/**
 * Everything about a fitted model that the influence computations share: probabilities of the training rows,
 * the factorised Hessian (exact path) or the operator (CG path). Build once per fit.
 * @example const eng = influenceEngine(model, x, labels); eng.influence({ x: xt, labels: yt }).predictedChange
 */
export interface InfluenceEngine {
  readonly method: 'exact' | 'cg';
  readonly parameterCount: number;
  /** H⁺g for a gradient g ⊥ the bias shift. */
  solve(g: Float64Array): { s: Float64Array; iterations: number };
  /** `perTest` defaults to true on the exact path (the solves are cheap there), false on CG. */
  influence(test: TestSet, options?: { perTest?: boolean }): InfluenceResult;
  /**
   * `start`/`end`: only training positions start..end−1 (exact path; a worker's share of the rows), values
   * aligned with that range.
   */
  selfInfluence(options?: { rank?: number; start?: number; end?: number }): SelfInfluenceResult;
  /** The Cholesky factor of Ĥ (formed on first use), P×P row-major lower triangle; for sharing with workers. */
  factor(): Float64Array;
  /** `onProgress`: the refit's L-BFGS progress (trainSoftmax's). */
  retrainWithout(removed: Int32Array, test: TestSet, options?: { tol?: number; maxIter?: number; influence?: InfluenceResult; onProgress?: (fraction: number) => void }): RemovalResult;
}

/**
 * @param model fitted by trainSoftmax on `trainRows` of `x` (all rows when absent); l2 must be > 0.
 */
export function influenceEngine(model: SoftmaxModel, x: Matrix, labels: Int32Array, options: InfluenceOptions & { trainRows?: Int32Array } = {}): InfluenceEngine {
  const k = model.classCount;
  const d = x.cols;
  const dp = d + 1;
  const P = dp * k;
  if (!(model.l2 > 0)) throw new Error(`influenceEngine: the model's 'l2' must be > 0 (H is singular without it), got ${model.l2}`);
  if (model.standardization.mean.length !== d) throw new Error(`influenceEngine: 'x' has ${d} columns, the model was fitted on ${model.standardization.mean.length}`);
  const problem = softmaxProblem(x, labels, k, { l2: model.l2, rowIndex: options.trainRows, standardization: model.standardization });
  const rows = options.trainRows ?? Int32Array.from({ length: x.rows }, (_, i) => i);
  const n = rows.length;
  const st = model.standardization;
  const w = model.weights;
  const prob = predictProba(model, x, rows);
  const exactLimit = options.exactLimit ?? 3000;
  const method: 'exact' | 'cg' = options.method === 'exact' || (options.method !== 'cg' && P <= exactLimit) ? 'exact' : 'cg';

  // The exact path forms and factors Ĥ on first use (O(n·P²) work: build the engine freely, pay when asked).
  if (options.factor && options.factor.length !== P * P) throw new Error(`influenceEngine: 'factor' has ${options.factor.length} entries, expected P² = ${P * P}`);
  let cholCache: Float64Array | null = options.factor ?? null;
  const progress = options.onProgress;
  const factor = (): Float64Array => {
    cholCache ??= factorHessian(formHessian(x, rows, prob, st, k, progress && ((f) => progress(f, 'forming the Hessian'))), model, n);
    return cholCache;
  };
  let hvCache: ((v: Float64Array, out: Float64Array) => void) | null = null;
  const hv = (): ((v: Float64Array, out: Float64Array) => void) => (hvCache ??= options.hessianVectorProduct ?? softmaxHessianOperator(problem, w));

  const cgTol = options.cgTol ?? 1e-10;
  const cgMaxIter = options.cgMaxIter ?? 10 * P;
  const solve = (g: Float64Array): { s: Float64Array; iterations: number } => {
    if (g.length !== P) throw new Error(`influence solve: gradient has ${g.length} entries, expected (d+1)·K = ${P}`);
    const gp = Float64Array.from(g);
    projectOutShift(gp, d, k);
    if (method === 'exact') {
      const s = choleskySolve(factor(), P, gp);
      projectOutShift(s, d, k);
      return { s, iterations: 0 };
    }
    return conjugateGradient(hv(), gp, d, k, cgTol, cgMaxIter, progress && ((f) => progress(f, 'conjugate gradients')));
  };

  // ∇R = l2·W on the weights, 0 on the biases.
  const gradR = new Float64Array(P);
  for (let q = 0; q < d * k; q++) gradR[q] = model.l2 * w[q];

  const influence = (test: TestSet, opts: { perTest?: boolean } = {}): InfluenceResult => {
    const tg = testGradients(model, test);
    const perTestWanted = opts.perTest ?? method === 'exact';
    // Per test point: one solve each, and the mean test loss's s is their mean (linearity). Otherwise one
    // solve on the mean test gradient (what CG can afford on large n).
    let T = tg.count;
    let grads = tg.grads;
    if (!perTestWanted) {
      const mean = new Float64Array(P);
      for (let t = 0; t < T; t++) for (let q = 0; q < P; q++) mean[q] += grads[t * P + q] / T;
      grads = mean;
      T = 1;
    }
    const sAll = new Float64Array(T * P);
    const iters: number[] = [];
    for (let t = 0; t < T; t++) {
      const r = solve(grads.subarray(t * P, (t + 1) * P));
      sAll.set(r.s, t * P);
      if (method === 'cg') iters.push(r.iterations);
    }
    const dots = rowDots(x, rows, prob, labels, st, k, sAll, T); // n×T: s_tᵀg_i
    const offsets = new Float64Array(T);
    for (let t = 0; t < T; t++) offsets[t] = dotAt(sAll, t * P, gradR, P);
    const perTest = new Float64Array(n * T);
    const up = new Float64Array(n);
    const change = new Float64Array(n);
    const label: InfluenceLabel[] = new Array(n);
    for (let i = 0; i < n; i++) {
      let mean = 0;
      for (let t = 0; t < T; t++) {
        const v = dots[i * T + t];
        perTest[i * T + t] = (v + offsets[t]) / n;
        mean += v;
      }
      mean /= T;
      let off = 0;
      for (let t = 0; t < T; t++) off += offsets[t];
      off /= T;
      up[i] = -mean;
      change[i] = (mean + off) / n;
      label[i] = change[i] >= 0 ? 'helpful' : 'harmful';
    }
    return { method, rows, testLoss: tg.loss, upweightInfluence: up, predictedChange: change, label, perTest: perTestWanted ? perTest : null, testCount: tg.count, cgIterations: iters };
  };

  const selfInfluence = (opts: { rank?: number; start?: number; end?: number } = {}): SelfInfluenceResult => {
    if (method === 'exact') {
      const start = opts.start ?? 0;
      const end = opts.end ?? n;
      if (!(start >= 0 && end <= n && start <= end)) throw new Error(`selfInfluence: row range ${start}..${end} is outside 0..${n}`);
      const part = rows.subarray(start, end);
      const values = selfInfluenceExact(factor(), P, x, part, prob.subarray(start * k, end * k), labels, st, k, progress && ((f) => progress(f, 'self-influence')));
      return { method: 'exact', rows: part, values, rank: 0 };
    }
    const rank = Math.min(opts.rank ?? 64, P - 1);
    const op = hv();
    const eig = lanczosTop(
      (v, out) => {
        const vp = Float64Array.from(v);
        projectOutShift(vp, d, k);
        op(vp, out);
        projectOutShift(out, d, k);
      },
      P,
      { want: rank, maxIter: Math.min(P, Math.max(2 * rank + 20, rank + 40)), tol: 1e-8 },
    );
    return { method: 'low-rank', rows, values: selfInfluenceLowRank(eig.values, eig.vectors, model.l2, x, rows, prob, labels, st, k), rank: eig.values.length };
  };

  const retrainWithout = (
    removed: Int32Array,
    test: TestSet,
    opts: { tol?: number; maxIter?: number; influence?: InfluenceResult; onProgress?: (fraction: number) => void } = {},
  ): RemovalResult => {
    const drop = new Uint8Array(x.rows);
    for (const r of removed) {
      if (!(r >= 0 && r < x.rows)) throw new Error(`retrainWithout: 'removed' row ${r} is outside 0..${x.rows - 1}`);
      drop[r] = 1;
    }
    const keep = rows.filter((r) => !drop[r]);
    const refit = trainSoftmax(x, labels, k, { l2: model.l2, rowIndex: keep, standardization: st, warmStart: w, tol: opts.tol ?? 1e-10, maxIter: opts.maxIter ?? 2000 }, opts.onProgress);
    const before = testLossAccuracy(model, test);
    const after = testLossAccuracy(refit, test);
    const inf = opts.influence ?? influence(test);
    const pos = new Map<number, number>();
    for (let i = 0; i < n; i++) pos.set(rows[i], i);
    let predicted = 0;
    for (const r of removed) {
      const i = pos.get(r);
      if (i !== undefined) predicted += inf.predictedChange[i];
    }
    return {
      removed,
      testLossBefore: before.loss,
      testLossAfter: after.loss,
      actualChange: after.loss - before.loss,
      predictedChange: predicted,
      accuracyBefore: before.accuracy,
      accuracyAfter: after.accuracy,
      model: refit,
    };
  };

  return { method, parameterCount: P, solve, influence, selfInfluence, retrainWithout, factor };
}

/** Mean cross-entropy and accuracy (argmax, ties to the smaller class) of a model on test points. */
export function testLossAccuracy(model: SoftmaxModel, test: TestSet): { loss: number; accuracy: number } {
  const k = model.classCount;
  const p = predictProba(model, test.x, test.rows);
  const T = test.rows ? test.rows.length : test.x.rows;
  let loss = 0;
  let correct = 0;
  for (let t = 0; t < T; t++) {
    const y = test.labels[test.rows ? test.rows[t] : t];
    loss -= Math.log(p[t * k + y]);
    let best = 0;
    for (let c = 1; c < k; c++) if (p[t * k + c] > p[t * k + best]) best = c;
    if (best === y) correct++;
  }
  return { loss: T > 0 ? loss / T : 0, accuracy: T > 0 ? correct / T : 0 };
}

/** Per-test-point gradients ∇ℓ_t = x̃_t ⊗ (p_t − e_y), T×P, and the mean test loss. */
function testGradients(model: SoftmaxModel, test: TestSet): { grads: Float64Array; count: number; loss: number } {
  const k = model.classCount;
  const st = model.standardization;
  const d = st.mean.length;
  if (test.x.cols !== d) throw new Error(`influence: test 'x' has ${test.x.cols} columns, the model was fitted on ${d}`);
  const T = test.rows ? test.rows.length : test.x.rows;
  if (T === 0) throw new Error(`influence: the test set is empty; choose at least one test point`);
  const p = predictProba(model, test.x, test.rows);
  const P = (d + 1) * k;
  const grads = new Float64Array(T * P);
  const xt = new Float64Array(d + 1);
  let loss = 0;
  for (let t = 0; t < T; t++) {
    const row = test.rows ? test.rows[t] : t;
    const y = test.labels[row];
    if (!(y >= 0 && y < k)) throw new Error(`influence: test label of row ${row} is ${y}, outside 0..${k - 1}`);
    loss -= Math.log(p[t * k + y]);
    standardRow(test.x.data, row * d, st, xt);
    const off = t * P;
    for (let j = 0; j <= d; j++) {
      for (let c = 0; c < k; c++) grads[off + j * k + c] = xt[j] * (p[t * k + c] - (c === y ? 1 : 0));
    }
  }
  return { grads, count: T, loss: loss / T };
}

/** out[0..d) = (x − μ)/σ, out[d] = 1 (the bias input). */
function standardRow(data: Float32Array, base: number, st: Standardization, out: Float64Array): void {
  const d = st.mean.length;
  for (let j = 0; j < d; j++) out[j] = (data[base + j] - st.mean[j]) / st.scale[j];
  out[d] = 1;
}

/** Removes the component along the bias shift u (bias entries 1/√K): subtract the bias mean from each bias. */
function projectOutShift(v: Float64Array, d: number, k: number): void {
  let m = 0;
  for (let c = 0; c < k; c++) m += v[d * k + c];
  m /= k;
  for (let c = 0; c < k; c++) v[d * k + c] -= m;
}

const CHUNK = 256;

/**
 * The data term of H over `rows` of `x`, unscaled: Σ_i x̃_i x̃_iᵀ ⊗ (diag p_i − p_i p_iᵀ), P×P row-major. Parts
 * over disjoint row ranges (one per worker) add up; `factorHessian` turns their sum into the factor of Ĥ.
 * @example const h = hessianPart(model, x, rows.subarray(0, 1000)); // add the other ranges' parts, then factorHessian(h, model, n)
 */
export function hessianPart(model: SoftmaxModel, x: Matrix, rows: Int32Array, onProgress?: (fraction: number) => void): Float64Array {
  if (model.standardization.mean.length !== x.cols) throw new Error(`hessianPart: 'x' has ${x.cols} columns, the model was fitted on ${model.standardization.mean.length}`);
  return formHessian(x, rows, predictProba(model, x, rows), model.standardization, model.classCount, onProgress);
}

/**
 * Ĥ = (1/n)·dataTerm + l2·I (weights) + c·uuᵀ (bias shift, see the header), Cholesky-factored in place; returns
 * the factor (the lower triangle of `dataTerm`'s storage). n = number of training rows of the model.
 * @example const l = factorHessian(hessianPart(model, x, rows), model, rows.length)
 */
export function factorHessian(dataTerm: Float64Array, model: SoftmaxModel, n: number): Float64Array {
  const k = model.classCount;
  const d = model.standardization.mean.length;
  const P = (d + 1) * k;
  if (dataTerm.length !== P * P) throw new Error(`factorHessian: 'dataTerm' has ${dataTerm.length} entries, expected P² = ${P * P}`);
  const h = dataTerm;
  const inv = n > 0 ? 1 / n : 0;
  for (let q = 0; q < P * P; q++) h[q] *= inv;
  for (let j = 0; j < d; j++) for (let a = 0; a < k; a++) h[(j * k + a) * P + j * k + a] += model.l2;
  let trace = 0;
  for (let q = 0; q < P; q++) trace += h[q * P + q];
  const c = trace / P;
  // Ĥ = H + c·uuᵀ, u = bias entries 1/√K: adds c/K to every (bias a, bias b) entry.
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) h[(d * k + a) * P + d * k + b] += c / k;
  cholesky(h, P);
  return h;
}

/**
 * Σ_i x̃_i x̃_iᵀ ⊗ (diag p_i − p_i p_iᵀ) over `rows` (unscaled; factorHessian adds 1/n and the ridge), P×P
 * row-major, parameter index j·K + a.
 * Computed by class-pair blocks H_ab = (1/n)·Σ_i w_iab·x̃_i x̃_iᵀ (w_iab = δ_ab p_ia − p_ia p_ib), a ≤ b, lower
 * triangle of each block only (K(K+1)/2 blocks of (d+1)²/2: about 0.55·n·P²/2 multiply-adds), then mirrored.
 * Rows are standardised in chunks into a column-major float64 buffer (d+1 padded to a multiple of 4, zero
 * columns), so each block update is a 4×4 register-tiled product over the chunk's rows.
 */
function formHessian(x: Matrix, rows: Int32Array, prob: Float64Array, st: Standardization, k: number, onProgress?: (fraction: number) => void): Float64Array {
  const d = x.cols;
  const dp = d + 1;
  const d4 = (dp + 3) & ~3;
  const P = dp * k;
  const n = rows.length;
  const pairs: [number, number][] = [];
  for (let a = 0; a < k; a++) for (let b = a; b < k; b++) pairs.push([a, b]);
  const blocks = pairs.map(() => new Float64Array(d4 * d4));
  const xT = new Float64Array(d4 * CHUNK);
  const yw = new Float64Array(d4 * CHUNK);
  const wts = new Float64Array(CHUNK);
  const xt = new Float64Array(dp);
  for (let r0 = 0; r0 < n; r0 += CHUNK) {
    const m = Math.min(CHUNK, n - r0);
    for (let r = 0; r < m; r++) {
      standardRow(x.data, rows[r0 + r] * d, st, xt);
      for (let j = 0; j < dp; j++) xT[j * CHUNK + r] = xt[j];
    }
    for (let pi = 0; pi < pairs.length; pi++) {
      const [a, b] = pairs[pi];
      for (let r = 0; r < m; r++) {
        const pa = prob[(r0 + r) * k + a];
        const pb = prob[(r0 + r) * k + b];
        wts[r] = (a === b ? pa : 0) - pa * pb;
      }
      for (let j = 0; j < dp; j++) {
        const o = j * CHUNK;
        for (let r = 0; r < m; r++) yw[o + r] = wts[r] * xT[o + r];
      }
      gramTiles(yw, xT, m, d4, blocks[pi]);
    }
    onProgress?.((r0 + m) / n);
  }
  const h = new Float64Array(P * P);
  for (let pi = 0; pi < pairs.length; pi++) {
    const [a, b] = pairs[pi];
    const blk = blocks[pi];
    for (let j = 0; j < dp; j++) {
      for (let q = 0; q <= j; q++) {
        const v = blk[j * d4 + q];
        // Block (a,b) entry (j,q) and its symmetric partners: H[j·K+a, q·K+b] = H[q·K+a, j·K+b] (x̃x̃ᵀ symmetric).
        h[(j * k + a) * P + q * k + b] = v;
        h[(q * k + a) * P + j * k + b] = v;
        h[(q * k + b) * P + j * k + a] = v;
        h[(j * k + b) * P + q * k + a] = v;
      }
    }
  }
  return h;
}

/**
 * blk[j·d4 + q] += Σ_{r<m} yw[j, r]·xT[q, r] for q-tiles at or below the j-tile (column-major chunks of
 * stride CHUNK); 4×4 tiles, so the part of a diagonal tile above the diagonal is computed too (unused).
 */
function gramTiles(yw: Float64Array, xT: Float64Array, m: number, d4: number, blk: Float64Array): void {
  for (let j = 0; j < d4; j += 4) {
    const a0 = j * CHUNK;
    const a1 = a0 + CHUNK;
    const a2 = a1 + CHUNK;
    const a3 = a2 + CHUNK;
    for (let q = 0; q <= j; q += 4) {
      const b0 = q * CHUNK;
      const b1 = b0 + CHUNK;
      const b2 = b1 + CHUNK;
      const b3 = b2 + CHUNK;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let r = 0; r < m; r++) {
        const u0 = yw[a0 + r];
        const u1 = yw[a1 + r];
        const u2 = yw[a2 + r];
        const u3 = yw[a3 + r];
        const v0 = xT[b0 + r];
        const v1 = xT[b1 + r];
        const v2 = xT[b2 + r];
        const v3 = xT[b3 + r];
        s00 += u0 * v0; s01 += u0 * v1; s02 += u0 * v2; s03 += u0 * v3;
        s10 += u1 * v0; s11 += u1 * v1; s12 += u1 * v2; s13 += u1 * v3;
        s20 += u2 * v0; s21 += u2 * v1; s22 += u2 * v2; s23 += u2 * v3;
        s30 += u3 * v0; s31 += u3 * v1; s32 += u3 * v2; s33 += u3 * v3;
      }
      let o = j * d4 + q;
      blk[o] += s00; blk[o + 1] += s01; blk[o + 2] += s02; blk[o + 3] += s03;
      o += d4;
      blk[o] += s10; blk[o + 1] += s11; blk[o + 2] += s12; blk[o + 3] += s13;
      o += d4;
      blk[o] += s20; blk[o + 1] += s21; blk[o + 2] += s22; blk[o + 3] += s23;
      o += d4;
      blk[o] += s30; blk[o + 1] += s31; blk[o + 2] += s32; blk[o + 3] += s33;
    }
  }
}

/** In-place Cholesky A = LLᵀ (lower triangle holds L; the upper is zeroed). Throws when A is not PD. */
function cholesky(a: Float64Array, m: number): void {
  for (let j = 0; j < m; j++) {
    const rj = j * m;
    let s = a[rj + j];
    for (let q = 0; q < j; q++) s -= a[rj + q] * a[rj + q];
    if (!(s > 0)) throw new Error(`influence: the Hessian is not positive definite at pivot ${j} (${s}); increase 'l2'`);
    const ljj = Math.sqrt(s);
    a[rj + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < m; i++) {
      const ri = i * m;
      let t = a[ri + j];
      for (let q = 0; q < j; q++) t -= a[ri + q] * a[rj + q];
      a[ri + j] = t * inv;
    }
    for (let q = j + 1; q < m; q++) a[rj + q] = 0;
  }
}

function forwardSolve(l: Float64Array, m: number, b: Float64Array): Float64Array {
  const y = Float64Array.from(b);
  for (let i = 0; i < m; i++) {
    let s = y[i];
    const ri = i * m;
    for (let q = 0; q < i; q++) s -= l[ri + q] * y[q];
    y[i] = s / l[ri + i];
  }
  return y;
}

function choleskySolve(l: Float64Array, m: number, b: Float64Array): Float64Array {
  const y = forwardSolve(l, m, b);
  for (let i = m - 1; i >= 0; i--) {
    let s = y[i];
    for (let q = i + 1; q < m; q++) s -= l[q * m + i] * y[q];
    y[i] = s / l[i * m + i];
  }
  return y;
}

/** Conjugate gradients (Hestenes–Stiefel; Nocedal & Wright Alg. 5.2) on H s = g, g ⊥ bias shift, s₀ = 0. */
function conjugateGradient(
  hv: (v: Float64Array, out: Float64Array) => void,
  g: Float64Array,
  d: number,
  k: number,
  tol: number,
  maxIter: number,
  onProgress?: (fraction: number) => void,
): { s: Float64Array; iterations: number } {
  const P = g.length;
  const s = new Float64Array(P);
  const r = Float64Array.from(g);
  const p = Float64Array.from(g);
  const hp = new Float64Array(P);
  const gnorm = Math.sqrt(dotAt(g, 0, g, P));
  let rr = gnorm * gnorm;
  let it = 0;
  while (it < maxIter && Math.sqrt(rr) > tol * gnorm) {
    hv(p, hp);
    projectOutShift(hp, d, k);
    const php = dotAt(p, 0, hp, P);
    if (!(php > 0)) break;
    const alpha = rr / php;
    for (let q = 0; q < P; q++) {
      s[q] += alpha * p[q];
      r[q] -= alpha * hp[q];
    }
    const rrNew = dotAt(r, 0, r, P);
    const beta = rrNew / rr;
    for (let q = 0; q < P; q++) p[q] = r[q] + beta * p[q];
    rr = rrNew;
    it++;
    // Progress on a log scale from ‖g‖ to the target residual tol·‖g‖.
    onProgress?.(Math.min(0.99, Math.log(gnorm / Math.sqrt(rr)) / Math.log(1 / tol)));
  }
  projectOutShift(s, d, k);
  return { s, iterations: it };
}

/**
 * out[i·T + t] = s_tᵀg_i with g_i = x̃_i ⊗ (p_i − e_{y_i}): per row, u = x̃_iᵀS_t (K values), then (p_i − e_y)·u.
 * S_t is folded to raw space once (as softmax.ts does for the weights) so the float32 rows are read in place.
 */
function rowDots(x: Matrix, rows: Int32Array, prob: Float64Array, labels: Int32Array, st: Standardization, k: number, sAll: Float64Array, T: number): Float64Array {
  const d = x.cols;
  const P = (d + 1) * k;
  const n = rows.length;
  // a[(t·K + c)·d + j] = S_t[j][c]/σ_j; c0[t·K + c] = S_t[d][c] − Σ_j μ_j·a.
  const TK = T * k;
  const a = new Float64Array(TK * d);
  const c0 = new Float64Array(TK);
  for (let t = 0; t < T; t++) {
    for (let c = 0; c < k; c++) {
      let shift = 0;
      const o = (t * k + c) * d;
      for (let j = 0; j < d; j++) {
        const v = sAll[t * P + j * k + c] / st.scale[j];
        a[o + j] = v;
        shift += st.mean[j] * v;
      }
      c0[t * k + c] = sAll[t * P + d * k + c] - shift;
    }
  }
  const out = new Float64Array(n * T);
  const u = new Float64Array(TK);
  const data = x.data;
  for (let i = 0; i < n; i++) {
    const base = rows[i] * d;
    let q = 0;
    for (; q + 2 <= TK; q += 2) {
      const o0 = q * d;
      const o1 = o0 + d;
      let s0 = c0[q];
      let s1 = c0[q + 1];
      for (let j = 0; j < d; j++) {
        const xv = data[base + j];
        s0 += xv * a[o0 + j];
        s1 += xv * a[o1 + j];
      }
      u[q] = s0;
      u[q + 1] = s1;
    }
    if (q < TK) {
      let s0 = c0[q];
      const o0 = q * d;
      for (let j = 0; j < d; j++) s0 += data[base + j] * a[o0 + j];
      u[q] = s0;
    }
    const y = labels[rows[i]];
    for (let t = 0; t < T; t++) {
      let v = -u[t * k + y];
      for (let c = 0; c < k; c++) v += prob[i * k + c] * u[t * k + c];
      out[i * T + t] = v;
    }
  }
  return out;
}

/** Fills g (length P) with x̃_i ⊗ (p_i − e_y) for training row position i. */
function rowGradient(x: Matrix, row: number, pi: Float64Array, pOff: number, y: number, st: Standardization, k: number, xt: Float64Array, g: Float64Array): void {
  const d = x.cols;
  standardRow(x.data, row * d, st, xt);
  for (let j = 0; j <= d; j++) {
    const xv = xt[j];
    const o = j * k;
    for (let c = 0; c < k; c++) g[o + c] = xv * (pi[pOff + c] - (c === y ? 1 : 0));
  }
}

/**
 * ‖L⁻¹g_i‖² for every row: L⁻¹ is formed once (P³/6), padded to a multiple of 4 with zeros, then y = L⁻¹g is
 * computed in 4×4 tiles (four rows × four outputs; the zeros above the diagonal stand in for the triangle's
 * edge), about P²/2 multiply-adds per row; rows go in groups of 32 so L⁻¹ is read from memory once per group.
 */
function selfInfluenceExact(
  l: Float64Array,
  P: number,
  x: Matrix,
  rows: Int32Array,
  prob: Float64Array,
  labels: Int32Array,
  st: Standardization,
  k: number,
  onProgress?: (fraction: number) => void,
): Float64Array {
  const P4 = (P + 3) & ~3;
  const linvP = invertLower(l, P);
  const linv = new Float64Array(P4 * P4);
  for (let q = 0; q < P; q++) linv.set(linvP.subarray(q * P, q * P + q + 1), q * P4);
  const n = rows.length;
  const out = new Float64Array(n);
  // GROUP rows' gradients stay in cache while each 4-row strip of L⁻¹ is streamed once per group.
  const GROUP = 32;
  const g = new Float64Array(GROUP * P4);
  const acc = new Float64Array(GROUP);
  const xt = new Float64Array(x.cols + 1);
  for (let i0 = 0; i0 < n; i0 += GROUP) {
    const m = Math.min(GROUP, n - i0);
    const m4 = (m + 3) & ~3;
    g.fill(0);
    acc.fill(0);
    for (let b = 0; b < m; b++) rowGradient(x, rows[i0 + b], prob, (i0 + b) * k, labels[rows[i0 + b]], st, k, xt, g.subarray(b * P4, b * P4 + P));
    for (let q = 0; q < P4; q += 4) {
      const l0 = q * P4;
      const l1 = l0 + P4;
      const l2 = l1 + P4;
      const l3 = l2 + P4;
      const end = q + 4;
      for (let b = 0; b < m4; b += 4) {
        const o0 = b * P4;
        const o1 = o0 + P4;
        const o2 = o1 + P4;
        const o3 = o2 + P4;
        let y00 = 0, y01 = 0, y02 = 0, y03 = 0;
        let y10 = 0, y11 = 0, y12 = 0, y13 = 0;
        let y20 = 0, y21 = 0, y22 = 0, y23 = 0;
        let y30 = 0, y31 = 0, y32 = 0, y33 = 0;
        for (let p = 0; p < end; p++) {
          const g0 = g[o0 + p];
          const g1 = g[o1 + p];
          const g2 = g[o2 + p];
          const g3 = g[o3 + p];
          const w0 = linv[l0 + p];
          const w1 = linv[l1 + p];
          const w2 = linv[l2 + p];
          const w3 = linv[l3 + p];
          y00 += g0 * w0; y01 += g0 * w1; y02 += g0 * w2; y03 += g0 * w3;
          y10 += g1 * w0; y11 += g1 * w1; y12 += g1 * w2; y13 += g1 * w3;
          y20 += g2 * w0; y21 += g2 * w1; y22 += g2 * w2; y23 += g2 * w3;
          y30 += g3 * w0; y31 += g3 * w1; y32 += g3 * w2; y33 += g3 * w3;
        }
        acc[b] += y00 * y00 + y01 * y01 + y02 * y02 + y03 * y03;
        acc[b + 1] += y10 * y10 + y11 * y11 + y12 * y12 + y13 * y13;
        acc[b + 2] += y20 * y20 + y21 * y21 + y22 * y22 + y23 * y23;
        acc[b + 3] += y30 * y30 + y31 * y31 + y32 * y32 + y33 * y33;
      }
    }
    for (let b = 0; b < m; b++) out[i0 + b] = acc[b];
    onProgress?.((i0 + m) / n);
  }
  return out;
}

/** L⁻¹ of a lower-triangular L (row-major), by columns of forward substitution. */
function invertLower(l: Float64Array, m: number): Float64Array {
  const inv = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    const ri = i * m;
    inv[ri + i] = 1 / l[ri + i];
    for (let j = 0; j < i; j++) {
      // inv[i][j] = −(Σ_{q=j}^{i−1} L[i][q]·inv[q][j]) / L[i][i]
      let s = 0;
      for (let q = j; q < i; q++) s += l[ri + q] * inv[q * m + j];
      inv[ri + j] = -s / l[ri + i];
    }
  }
  return inv;
}

function selfInfluenceLowRank(
  values: number[],
  vectors: Float64Array[],
  l2: number,
  x: Matrix,
  rows: Int32Array,
  prob: Float64Array,
  labels: Int32Array,
  st: Standardization,
  k: number,
): Float64Array {
  const P = (x.cols + 1) * k;
  const n = rows.length;
  const out = new Float64Array(n);
  const g = new Float64Array(P);
  const xt = new Float64Array(x.cols + 1);
  for (let i = 0; i < n; i++) {
    rowGradient(x, rows[i], prob, i * k, labels[rows[i]], st, k, xt, g);
    let norm2 = dotAt(g, 0, g, P);
    let acc = 0;
    for (let m = 0; m < values.length; m++) {
      const c = dotAt(vectors[m], 0, g, P);
      acc += (c * c) / values[m];
      norm2 -= c * c;
    }
    out[i] = acc + Math.max(0, norm2) / l2;
  }
  return out;
}

function dotAt(a: Float64Array, offset: number, b: Float64Array, size: number): number {
  let s = 0;
  for (let q = 0; q < size; q++) s += a[offset + q] * b[q];
  return s;
}
