/**
 * L2-regularised multinomial logistic regression (softmax regression) on standardised features, the model
 * behind confident learning's out-of-fold probabilities and, later, influence functions (Koh & Liang, ICML
 * 2017), which need its exact gradient and Hessian-vector products.
 *
 * Conventions
 * - Objective: f(W) = (1/n)·Σ_i CE(x̃_i, y_i) + (l2/2)·‖W‖², the mean cross-entropy over the training rows
 *   plus a ridge on the feature weights; the biases are not penalised. The mean (not the sum) keeps f and ∇f
 *   of order 1 whatever n is, so one `tol` and one `l2` fit every dataset size. scikit-learn's
 *   LogisticRegression minimises C·Σ_i CE + ½‖W‖², the same problem with C = 1/(n·l2).
 * - x̃ = (x − μ)/σ, μ and σ the column means and population standard deviations of the training rows
 *   (constant columns get σ = 1). The standardisation is folded into the weights for the passes over the
 *   data (z = x·(W/σ) + b − μ·(W/σ)), so the float32 rows are read in place, never copied.
 * - `weights` is (d+1)×K row-major: row j < d holds feature j's weights for the K classes, row d the biases.
 *   K = 2 (binary) is the same code: the two weight columns come out as w and −w.
 * - The loss is unchanged by adding one constant to every bias, so the optimum is a line; the returned
 *   biases are centred to sum to zero. The Hessian is singular along that direction (and only along it
 *   when l2 > 0), but every row's gradient is orthogonal to it, so conjugate gradients on H are well posed.
 */
import type { Matrix } from './matrix.ts';
import type { Progress } from './detectors/types.ts';

/** Column location and scale of the training rows; x̃ = (x − mean)/scale. */
export interface Standardization {
  mean: Float64Array;
  scale: Float64Array;
}

/** A fitted model plus how the optimiser ended. */
export interface SoftmaxModel {
  /** (d+1)×K row-major, on standardised features; the last row holds the biases (centred to sum 0). */
  weights: Float64Array;
  standardization: Standardization;
  classCount: number;
  l2: number;
  /** L-BFGS iterations taken. */
  iterations: number;
  /** Euclidean norm of ∇f at the returned weights. */
  gradNorm: number;
  /** f at the returned weights (mean cross-entropy + l2/2·‖W‖²). */
  loss: number;
  /** gradNorm ≤ tol. */
  converged: boolean;
}

export interface SoftmaxOptions {
  /** Ridge strength on the standardised-feature weights (see the objective above); ≥ 0. */
  l2: number;
  /** Training rows; all rows when absent. */
  rowIndex?: Int32Array;
  /** Default 500. */
  maxIter?: number;
  /** Stop when ‖∇f‖₂ ≤ tol. Default 1e-6. */
  tol?: number;
  /** Starting weights, (d+1)×K (e.g. the full-data fit when refitting without a few rows). */
  warmStart?: Float64Array;
  /** Feature map to use instead of the training rows' own (so a leave-one-out refit keeps the same x̃). */
  standardization?: Standardization;
  /**
   * f and ∇f of the problem instead of the single-thread pass (e.g. summed from softmaxLossPart over threads);
   * it must compute the same objective.
   */
  objective?: (problem: SoftmaxProblem) => (weights: Float64Array, grad: Float64Array) => number;
}

/** The data and penalty that define f; built by `softmaxProblem`. */
export interface SoftmaxProblem {
  x: Matrix;
  labels: Int32Array;
  classCount: number;
  /** Training rows, or null for all rows. */
  rows: Int32Array | null;
  standardization: Standardization;
  l2: number;
}

const LBFGS_MEMORY = 10;

/**
 * Column means and population standard deviations (two passes, float64) of the given rows. A column whose
 * σ is 0, or below rounding level of its mean (10·ε·|μ|, scikit-learn's rule), gets σ = 1 so it stays constant
 * instead of being blown up.
 * @example standardize({ data: Float32Array.of(1, 5, 3, 5), rows: 2, cols: 2 }) // → mean [2, 5], scale [1, 1]
 */
export function standardize(x: Matrix, rows?: Int32Array): Standardization {
  const d = x.cols;
  const data = x.data;
  const n = rows ? rows.length : x.rows;
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const base = (rows ? rows[r] : r) * d;
    for (let j = 0; j < d; j++) mean[j] += data[base + j];
  }
  if (n > 0) for (let j = 0; j < d; j++) mean[j] /= n;
  for (let r = 0; r < n; r++) {
    const base = (rows ? rows[r] : r) * d;
    for (let j = 0; j < d; j++) {
      const dev = data[base + j] - mean[j];
      scale[j] += dev * dev;
    }
  }
  for (let j = 0; j < d; j++) {
    const s = n > 0 ? Math.sqrt(scale[j] / n) : 0;
    scale[j] = s > 10 * Number.EPSILON * Math.abs(mean[j]) ? s : 1;
  }
  return { mean, scale };
}

/** The objective's data; checks labels and sizes, naming the offending argument. */
export function softmaxProblem(
  x: Matrix,
  labels: Int32Array,
  classCount: number,
  options: { l2: number; rowIndex?: Int32Array; standardization?: Standardization },
): SoftmaxProblem {
  if (!(classCount >= 1) || !Number.isInteger(classCount)) throw new Error(`softmax: 'classCount' must be a positive integer, got ${classCount}`);
  if (labels.length !== x.rows) throw new Error(`softmax: 'labels' has ${labels.length} entries but 'x' has ${x.rows} rows`);
  if (!(options.l2 >= 0)) throw new Error(`softmax: 'l2' must be ≥ 0, got ${options.l2}`);
  const rows = options.rowIndex ?? null;
  const n = rows ? rows.length : x.rows;
  for (let r = 0; r < n; r++) {
    const i = rows ? rows[r] : r;
    if (!(i >= 0 && i < x.rows)) throw new Error(`softmax: 'rowIndex' entry ${r} is ${i}, outside 0..${x.rows - 1}`);
    const y = labels[i];
    if (!(y >= 0 && y < classCount)) throw new Error(`softmax: label of row ${i} is ${y}, outside 0..${classCount - 1}`);
  }
  const standardization = options.standardization ?? standardize(x, rows ?? undefined);
  if (standardization.mean.length !== x.cols) throw new Error(`softmax: 'standardization' has ${standardization.mean.length} columns, 'x' has ${x.cols}`);
  return { x, labels, classCount, rows, standardization, l2: options.l2 };
}

/**
 * Raw-space, class-major copy of the weights: a[k·d + j] = W[j][k]/σ_j and c[k] = b_k − Σ_j μ_j·a[k·d + j], so
 * that z_k = c_k + Σ_j x_j·a[k·d + j] equals the logit on standardised features. Class-major rows make each
 * logit one contiguous dot product of length d.
 */
function toRawSpace(w: Float64Array, st: Standardization, k: number, a: Float64Array, c: Float64Array): void {
  const d = st.mean.length;
  for (let cls = 0; cls < k; cls++) {
    let shift = 0;
    for (let j = 0; j < d; j++) {
      const v = w[j * k + cls] / st.scale[j];
      a[cls * d + j] = v;
      shift += st.mean[j] * v;
    }
    c[cls] = w[d * k + cls] - shift;
  }
}

/**
 * The row kernels work on blocks of four rows, so that each weight loaded from memory serves four rows and
 * each feature value two classes (register blocking: about 3× faster than row-at-a-time loops in V8, which
 * does not vectorise). A short last block repeats its first row in the unused slots; callers give those
 * slots zero weight.
 */
const BLOCK = 4;

/** Fills `bases` with the data offsets of rows r..r+BLOCK−1 of the problem (padding past `count`). */
function blockBases(rows: Int32Array | null, r: number, count: number, d: number, bases: Int32Array): void {
  for (let b = 0; b < BLOCK; b++) {
    const q = r + (b < count ? b : 0);
    bases[b] = (rows ? rows[q] : q) * d;
  }
}

/** z[b·k + cls] ← c[cls] + Σ_j x_{b,j}·a[cls·d + j] for the four rows at `bases`. */
function logits4(data: Float32Array, bases: Int32Array, d: number, k: number, a: Float64Array, c: Float64Array, z: Float64Array): void {
  const b0 = bases[0];
  const b1 = bases[1];
  const b2 = bases[2];
  const b3 = bases[3];
  let cls = 0;
  for (; cls + 2 <= k; cls += 2) {
    const o0 = cls * d;
    const o1 = o0 + d;
    let s00 = c[cls];
    let s01 = c[cls + 1];
    let s10 = s00;
    let s11 = s01;
    let s20 = s00;
    let s21 = s01;
    let s30 = s00;
    let s31 = s01;
    for (let j = 0; j < d; j++) {
      const w0 = a[o0 + j];
      const w1 = a[o1 + j];
      const x0 = data[b0 + j];
      const x1 = data[b1 + j];
      const x2 = data[b2 + j];
      const x3 = data[b3 + j];
      s00 += x0 * w0;
      s01 += x0 * w1;
      s10 += x1 * w0;
      s11 += x1 * w1;
      s20 += x2 * w0;
      s21 += x2 * w1;
      s30 += x3 * w0;
      s31 += x3 * w1;
    }
    z[cls] = s00;
    z[cls + 1] = s01;
    z[k + cls] = s10;
    z[k + cls + 1] = s11;
    z[2 * k + cls] = s20;
    z[2 * k + cls + 1] = s21;
    z[3 * k + cls] = s30;
    z[3 * k + cls + 1] = s31;
  }
  if (cls < k) {
    const o0 = cls * d;
    let s0 = c[cls];
    let s1 = s0;
    let s2 = s0;
    let s3 = s0;
    for (let j = 0; j < d; j++) {
      const w0 = a[o0 + j];
      s0 += data[b0 + j] * w0;
      s1 += data[b1 + j] * w0;
      s2 += data[b2 + j] * w0;
      s3 += data[b3 + j] * w0;
    }
    z[cls] = s0;
    z[k + cls] = s1;
    z[2 * k + cls] = s2;
    z[3 * k + cls] = s3;
  }
}

/** g[cls·d + j] += Σ_b coef[b·k + cls]·x_{b,j} and s[cls] += Σ_b coef[b·k + cls] for the four rows at `bases`. */
function accumulate4(data: Float32Array, bases: Int32Array, d: number, k: number, coef: Float64Array, g: Float64Array, s: Float64Array): void {
  const b0 = bases[0];
  const b1 = bases[1];
  const b2 = bases[2];
  const b3 = bases[3];
  for (let cls = 0; cls < k; cls++) s[cls] += coef[cls] + coef[k + cls] + coef[2 * k + cls] + coef[3 * k + cls];
  let cls = 0;
  for (; cls + 2 <= k; cls += 2) {
    const r00 = coef[cls];
    const r01 = coef[cls + 1];
    const r10 = coef[k + cls];
    const r11 = coef[k + cls + 1];
    const r20 = coef[2 * k + cls];
    const r21 = coef[2 * k + cls + 1];
    const r30 = coef[3 * k + cls];
    const r31 = coef[3 * k + cls + 1];
    const o0 = cls * d;
    const o1 = o0 + d;
    for (let j = 0; j < d; j++) {
      const x0 = data[b0 + j];
      const x1 = data[b1 + j];
      const x2 = data[b2 + j];
      const x3 = data[b3 + j];
      g[o0 + j] += r00 * x0 + r10 * x1 + r20 * x2 + r30 * x3;
      g[o1 + j] += r01 * x0 + r11 * x1 + r21 * x2 + r31 * x3;
    }
  }
  if (cls < k) {
    const r0 = coef[cls];
    const r1 = coef[k + cls];
    const r2 = coef[2 * k + cls];
    const r3 = coef[3 * k + cls];
    const off = cls * d;
    for (let j = 0; j < d; j++) g[off + j] += r0 * data[b0 + j] + r1 * data[b1 + j] + r2 * data[b2 + j] + r3 * data[b3 + j];
  }
}

/**
 * Softmax over z[offset .. offset + k) in place by the stable log-sum-exp (the largest logit is subtracted
 * before exponentiating, so nothing overflows); returns log Σ_k exp z_k, for the cross-entropy.
 */
function softmaxInPlace(z: Float64Array, offset: number, k: number): number {
  let max = -Infinity;
  for (let cls = 0; cls < k; cls++) if (z[offset + cls] > max) max = z[offset + cls];
  let sum = 0;
  for (let cls = 0; cls < k; cls++) sum += z[offset + cls] = Math.exp(z[offset + cls] - max);
  const inv = 1 / sum;
  for (let cls = 0; cls < k; cls++) z[offset + cls] *= inv;
  return max + Math.log(sum);
}

/**
 * Maps a raw-space accumulation back to the standardised parameters: with g[k·d + j] = Σ_i r_ik·x_ij and
 * s[k] = Σ_i r_ik, Σ_i r_ik·x̃_ij = (g[k·d + j] − μ_j·s[k])/σ_j. Writes out = (that)/n, plus l2·w on the weights.
 */
function fromRawSpace(g: Float64Array, s: Float64Array, st: Standardization, k: number, n: number, l2: number, w: Float64Array, out: Float64Array): void {
  const d = st.mean.length;
  const inv = n > 0 ? 1 / n : 0;
  for (let j = 0; j < d; j++) {
    const mu = st.mean[j];
    const sig = st.scale[j];
    for (let cls = 0; cls < k; cls++) out[j * k + cls] = ((g[cls * d + j] - mu * s[cls]) / sig) * inv + l2 * w[j * k + cls];
  }
  for (let cls = 0; cls < k; cls++) out[d * k + cls] = s[cls] * inv;
}

/** Scratch buffers of one problem size, allocated once per fit (never per row). */
interface Workspace {
  a: Float64Array;
  c: Float64Array;
  /** BLOCK×K logits of the current block, overwritten by probabilities, then by residuals. */
  z: Float64Array;
  g: Float64Array;
  s: Float64Array;
  bases: Int32Array;
}

function workspace(d: number, k: number): Workspace {
  return { a: new Float64Array(k * d), c: new Float64Array(k), z: new Float64Array(BLOCK * k), g: new Float64Array(k * d), s: new Float64Array(k), bases: new Int32Array(BLOCK) };
}

function evaluate(p: SoftmaxProblem, w: Float64Array, grad: Float64Array | null, ws: Workspace): number {
  const n = p.rows ? p.rows.length : p.x.rows;
  const ce = crossEntropyRange(p, p.rows, n, w, grad !== null, ws, ws.g, ws.s);
  return lossFromRaw(p, ce, ws.g, ws.s, w, grad);
}

/**
 * Σ CE over `n` training rows (`rows`, or 0..n−1 when null) and, when `wantGrad`, the raw-space gradient
 * accumulations g[k·d + j] = Σ_i (p_ik − y_ik)·x_ij and s[k] = Σ_i (p_ik − y_ik), written into g and s.
 */
function crossEntropyRange(p: SoftmaxProblem, rows: Int32Array | null, n: number, w: Float64Array, wantGrad: boolean, ws: Workspace, g: Float64Array, s: Float64Array): number {
  const { x, labels, classCount: k, standardization: st } = p;
  const d = x.cols;
  const data = x.data;
  const { a, c, z, bases } = ws;
  toRawSpace(w, st, k, a, c);
  g.fill(0);
  s.fill(0);
  let ce = 0;
  for (let r = 0; r < n; r += BLOCK) {
    const count = Math.min(BLOCK, n - r);
    blockBases(rows, r, count, d, bases);
    logits4(data, bases, d, k, a, c, z);
    for (let b = 0; b < BLOCK; b++) {
      const off = b * k;
      if (b >= count) {
        z.fill(0, off, off + k);
        continue;
      }
      const y = labels[rows ? rows[r + b] : r + b];
      const zy = z[off + y];
      ce += softmaxInPlace(z, off, k) - zy;
      // ∂CE/∂z = p − e_y: the residual overwrites the probabilities.
      z[off + y] -= 1;
    }
    if (wantGrad) accumulate4(data, bases, d, k, z, g, s);
  }
  return ce;
}

/**
 * f and ∇f (into `grad` when given) from the summed raw parts of all training rows: Σ CE, g and s as
 * crossEntropyRange / softmaxLossPart produce them.
 */
export function lossFromRaw(p: SoftmaxProblem, ce: number, g: Float64Array, s: Float64Array, w: Float64Array, grad: Float64Array | null): number {
  const d = p.x.cols;
  const k = p.classCount;
  const n = p.rows ? p.rows.length : p.x.rows;
  let penalty = 0;
  for (let q = 0; q < d * k; q++) penalty += w[q] * w[q];
  if (grad) fromRawSpace(g, s, p.standardization, k, n, p.l2, w, grad);
  return (n > 0 ? ce / n : 0) + 0.5 * p.l2 * penalty;
}

/**
 * The objective's data term over training positions start..end−1: returns Σ CE there and writes the raw
 * gradient accumulations into g (K×d) and s (K). Parts over disjoint ranges add up (one per thread);
 * `lossFromRaw` turns their sums into f and ∇f — the same numbers as softmaxLossGradient, up to summation order.
 * @example const part = softmaxLossPart(p, 0, 1000); const ce = part(w, g, s); lossFromRaw(p, ce, g, s, w, grad) // when 1000 = n
 */
export function softmaxLossPart(problem: SoftmaxProblem, start: number, end: number): (w: Float64Array, g: Float64Array, s: Float64Array) => number {
  const total = problem.rows ? problem.rows.length : problem.x.rows;
  if (!(start >= 0 && end <= total && start <= end)) throw new Error(`softmaxLossPart: range ${start}..${end} is outside 0..${total}`);
  const rows = problem.rows ? problem.rows.subarray(start, end) : Int32Array.from({ length: end - start }, (_, i) => start + i);
  const ws = workspace(problem.x.cols, problem.classCount);
  return (w, g, s) => crossEntropyRange(problem, rows, rows.length, w, true, ws, g, s);
}

/**
 * f(W) (mean cross-entropy + l2/2·‖W‖², biases unpenalised) and, when `grad` is given, ∇f written into it.
 * One pass over the training rows.
 * @example const p = softmaxProblem(x, y, 3, { l2: 1e-3 }); const g = new Float64Array((x.cols + 1) * 3); softmaxLossGradient(p, w, g)
 */
export function softmaxLossGradient(problem: SoftmaxProblem, weights: Float64Array, grad: Float64Array | null): number {
  return evaluate(problem, weights, grad, workspace(problem.x.cols, problem.classCount));
}

/**
 * The exact Hessian of f at `weights` as an operator v ↦ H·v (for conjugate-gradient influence, Koh & Liang
 * 2017 §3), without forming the ((d+1)K)² matrix. Per row, ∇²CE = x̃x̃ᵀ ⊗ (diag(p) − ppᵀ), so
 * H·v = (1/n)·Σ_i x̃_i ⊗ a_i + l2·v (weights only), a_i = p_i ⊙ u_i − p_i·(p_iᵀu_i), u_i = Vᵀx̃_i.
 * The probabilities are computed once here; each application is two passes over the rows.
 * @example const hv = softmaxHessianOperator(p, model.weights); hv(v, out)
 */
export function softmaxHessianOperator(problem: SoftmaxProblem, weights: Float64Array): (v: Float64Array, out: Float64Array) => void {
  const n = problem.rows ? problem.rows.length : problem.x.rows;
  const part = softmaxHessianPart(problem, weights, 0, n);
  const raw = hessianRawBuffers(problem);
  return (v, out) => {
    part(v, raw.g, raw.s);
    hessianFromRaw(problem, raw.g, raw.s, v, out);
  };
}

/** Buffers for one part's raw accumulation: g (K×d, class-major) and s (K). */
export function hessianRawBuffers(problem: SoftmaxProblem): { g: Float64Array; s: Float64Array } {
  return { g: new Float64Array(problem.classCount * problem.x.cols), s: new Float64Array(problem.classCount) };
}

/**
 * The data term of H·v over the problem's training positions start..end−1 in raw space (overwrites g and s):
 * g[k·d + j] = Σ_i a_ik·x_ij and s[k] = Σ_i a_ik. Parts over disjoint ranges add up (one per thread);
 * `hessianFromRaw` turns their sum into H·v.
 * @example const part = softmaxHessianPart(p, w, 0, 1000); part(v, g, s); hessianFromRaw(p, g, s, v, out) // when 1000 = n
 */
export function softmaxHessianPart(problem: SoftmaxProblem, weights: Float64Array, start: number, end: number): (v: Float64Array, g: Float64Array, s: Float64Array) => void {
  const { x, classCount: k, rows: allRows, standardization: st } = problem;
  const d = x.cols;
  const data = x.data;
  const total = allRows ? allRows.length : x.rows;
  if (!(start >= 0 && end <= total && start <= end)) throw new Error(`softmaxHessianPart: range ${start}..${end} is outside 0..${total}`);
  const rows = allRows ? allRows.subarray(start, end) : Int32Array.from({ length: end - start }, (_, i) => start + i);
  const n = rows.length;
  const prob = predictRows(x, weights, st, k, rows);
  const ws = workspace(d, k);
  return (v, g, s) => {
    const { a, c, z: u, bases } = ws;
    toRawSpace(v, st, k, a, c);
    g.fill(0);
    s.fill(0);
    for (let r = 0; r < n; r += BLOCK) {
      const count = Math.min(BLOCK, n - r);
      blockBases(rows, r, count, d, bases);
      logits4(data, bases, d, k, a, c, u);
      for (let b = 0; b < BLOCK; b++) {
        const off = b * k;
        if (b >= count) {
          u.fill(0, off, off + k);
          continue;
        }
        const po = (r + b) * k;
        let pu = 0;
        for (let cls = 0; cls < k; cls++) pu += prob[po + cls] * u[off + cls];
        for (let cls = 0; cls < k; cls++) u[off + cls] = prob[po + cls] * (u[off + cls] - pu);
      }
      accumulate4(data, bases, d, k, u, g, s);
    }
  };
}

/** H·v from the summed raw parts of all training rows: (1/n)·(standardised g, s) + l2·v on the weights. */
export function hessianFromRaw(problem: SoftmaxProblem, g: Float64Array, s: Float64Array, v: Float64Array, out: Float64Array): void {
  const n = problem.rows ? problem.rows.length : problem.x.rows;
  fromRawSpace(g, s, problem.standardization, problem.classCount, n, problem.l2, v, out);
}

function predictRows(x: Matrix, weights: Float64Array, st: Standardization, k: number, rows: Int32Array | null): Float64Array {
  const d = x.cols;
  const n = rows ? rows.length : x.rows;
  const { a, c, z, bases } = workspace(d, k);
  toRawSpace(weights, st, k, a, c);
  const out = new Float64Array(n * k);
  for (let r = 0; r < n; r += BLOCK) {
    const count = Math.min(BLOCK, n - r);
    blockBases(rows, r, count, d, bases);
    logits4(x.data, bases, d, k, a, c, z);
    for (let b = 0; b < count; b++) {
      softmaxInPlace(z, b * k, k);
      for (let cls = 0; cls < k; cls++) out[(r + b) * k + cls] = z[b * k + cls];
    }
  }
  return out;
}

/**
 * Class probabilities, n×K row-major, for the given rows (all rows when absent), in that order.
 * @example predictProba(model, x, Int32Array.of(4, 7)) // → Float64Array of 2·K probabilities
 */
export function predictProba(model: SoftmaxModel, x: Matrix, rows?: Int32Array): Float64Array {
  if (x.cols !== model.standardization.mean.length) throw new Error(`predictProba: 'x' has ${x.cols} columns, the model was fitted on ${model.standardization.mean.length}`);
  return predictRows(x, model.weights, model.standardization, model.classCount, rows ?? null);
}

/**
 * Fits the model by L-BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed., Alg. 7.4–7.5: two-loop
 * recursion, memory 10, H₀ = (sᵀy/yᵀy)·I) with a strong-Wolfe line search (Alg. 3.5–3.6, c₁ = 1e-4,
 * c₂ = 0.9). f is smooth and, for l2 > 0, strongly convex on the weights, so the iterates converge to the
 * unique optimum (up to the bias shift, see the file header) and ‖∇f‖₂ ≤ tol is a reliable stop.
 * `onProgress` gets the fraction of the way from ‖∇f₀‖ to tol on a log scale.
 * @example const m = trainSoftmax(x, labels, 3, { l2: 1e-3 }); predictProba(m, x)
 */
export function trainSoftmax(x: Matrix, labels: Int32Array, classCount: number, options: SoftmaxOptions, onProgress?: Progress): SoftmaxModel {
  const problem = softmaxProblem(x, labels, classCount, options);
  const k = classCount;
  const size = (x.cols + 1) * k;
  const maxIter = options.maxIter ?? 500;
  const tol = options.tol ?? 1e-6;
  const w = new Float64Array(size);
  if (options.warmStart) {
    if (options.warmStart.length !== size) throw new Error(`trainSoftmax: 'warmStart' has ${options.warmStart.length} entries, expected (d+1)·K = ${size}`);
    w.set(options.warmStart);
  }
  const ws = workspace(x.cols, k);
  const objective = options.objective?.(problem) ?? ((point: Float64Array, grad: Float64Array) => evaluate(problem, point, grad, ws));
  const result = lbfgs(objective, w, { maxIter, tol, onProgress });
  centreBiases(w, x.cols, k);
  onProgress?.(1);
  return {
    weights: w,
    standardization: problem.standardization,
    classCount: k,
    l2: options.l2,
    iterations: result.iterations,
    gradNorm: result.gradNorm,
    loss: result.f,
    converged: result.gradNorm <= tol,
  };
}

function centreBiases(w: Float64Array, d: number, k: number): void {
  let mean = 0;
  for (let cls = 0; cls < k; cls++) mean += w[d * k + cls];
  mean /= k;
  for (let cls = 0; cls < k; cls++) w[d * k + cls] -= mean;
}

type Objective = (point: Float64Array, grad: Float64Array) => number;

/** Minimises `f` from `w` (updated in place). */
function lbfgs(f: Objective, w: Float64Array, opts: { maxIter: number; tol: number; onProgress?: Progress }): { f: number; gradNorm: number; iterations: number } {
  const size = w.length;
  const m = LBFGS_MEMORY;
  const sHist = new Float64Array(m * size);
  const yHist = new Float64Array(m * size);
  const rho = new Float64Array(m);
  const alphaBuf = new Float64Array(m);
  let stored = 0;
  let head = 0;
  let yyLast = 1;

  const g = new Float64Array(size);
  const dir = new Float64Array(size);
  const wNew = new Float64Array(size);
  const gNew = new Float64Array(size);
  let fx = f(w, g);
  let gnorm = norm(g);
  const g0 = gnorm;
  let iter = 0;
  let done = 0;
  const report = () => {
    if (!opts.onProgress) return;
    const byGrad = g0 > opts.tol && gnorm > 0 ? Math.log(g0 / gnorm) / Math.log(g0 / opts.tol) : 1;
    done = Math.max(done, Math.min(0.99, Math.max(byGrad, iter / opts.maxIter)));
    opts.onProgress(done);
  };

  while (iter < opts.maxIter && gnorm > opts.tol) {
    // Two-loop recursion (Nocedal & Wright Alg. 7.4): dir = −H_k·g.
    for (let q = 0; q < size; q++) dir[q] = -g[q];
    for (let t = 0; t < stored; t++) {
      const slot = (head - 1 - t + m) % m;
      const alpha = rho[slot] * dotAt(sHist, slot * size, dir, size);
      alphaBuf[slot] = alpha;
      axpyAt(-alpha, yHist, slot * size, dir, size);
    }
    if (stored > 0) {
      const gamma = 1 / (rho[(head - 1 + m) % m] * yyLast);
      for (let q = 0; q < size; q++) dir[q] *= gamma;
    }
    for (let t = stored - 1; t >= 0; t--) {
      const slot = (head - 1 - t + m) % m;
      const beta = rho[slot] * dotAt(yHist, slot * size, dir, size);
      axpyAt(alphaBuf[slot] - beta, sHist, slot * size, dir, size);
    }
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction (rounding in a stale memory): restart from steepest descent.
      stored = 0;
      for (let q = 0; q < size; q++) dir[q] = -g[q];
      slope = -gnorm * gnorm;
    }
    // First step: unit length along −g (the scale of H₀ is unknown yet); later steps try α = 1 (§7.2).
    const step0 = stored === 0 ? Math.min(1, 1 / gnorm) : 1;
    const ls = wolfeLineSearch(f, w, fx, slope, dir, step0, wNew, gNew);
    if (!ls) break;
    // s = w_new − w, y = g_new − g; keep the pair only when the curvature condition sᵀy > 0 holds (it does
    // under strong Wolfe unless rounding interferes), so every stored ρ = 1/sᵀy is positive.
    let sy = 0;
    let yy = 0;
    for (let q = 0; q < size; q++) {
      const yq = gNew[q] - g[q];
      sy += (wNew[q] - w[q]) * yq;
      yy += yq * yq;
    }
    if (sy > 0) {
      const base = head * size;
      for (let q = 0; q < size; q++) {
        sHist[base + q] = wNew[q] - w[q];
        yHist[base + q] = gNew[q] - g[q];
      }
      rho[head] = 1 / sy;
      yyLast = yy;
      head = (head + 1) % m;
      stored = Math.min(stored + 1, m);
    }
    w.set(wNew);
    g.set(gNew);
    fx = ls.f;
    gnorm = norm(g);
    iter++;
    report();
  }
  return { f: fx, gradNorm: gnorm, iterations: iter };
}

/**
 * Strong-Wolfe line search (Nocedal & Wright Alg. 3.5 with zoom, Alg. 3.6; cubic interpolation eq. 3.59,
 * safeguarded to the inner 80% of the bracket). Writes the accepted point and its gradient into wOut/gOut;
 * null when no acceptable step was found (the caller stops: at rounding level there is no progress to make).
 */
function wolfeLineSearch(
  f: Objective,
  w: Float64Array,
  f0: number,
  slope0: number,
  dir: Float64Array,
  step0: number,
  wOut: Float64Array,
  gOut: Float64Array,
): { f: number } | null {
  const c1 = 1e-4;
  const c2 = 0.9;
  const maxEvals = 30;
  const size = w.length;
  const at = (alpha: number) => {
    for (let q = 0; q < size; q++) wOut[q] = w[q] + alpha * dir[q];
    const fa = f(wOut, gOut);
    return { f: fa, slope: dot(gOut, dir) };
  };
  let evals = 0;
  let prevAlpha = 0;
  let prevF = f0;
  let prevSlope = slope0;
  let alpha = step0;
  const zoom = (lo: number, fLo: number, sLo: number, hi: number, fHi: number, sHi: number): { f: number } | null => {
    while (evals < maxEvals) {
      const trial = cubicMin(lo, fLo, sLo, hi, fHi, sHi);
      const e = at(trial);
      evals++;
      if (e.f > f0 + c1 * trial * slope0 || e.f >= fLo) {
        hi = trial;
        fHi = e.f;
        sHi = e.slope;
      } else {
        if (Math.abs(e.slope) <= -c2 * slope0) return { f: e.f };
        if (e.slope * (hi - lo) >= 0) {
          hi = lo;
          fHi = fLo;
          sHi = sLo;
        }
        lo = trial;
        fLo = e.f;
        sLo = e.slope;
      }
      if (Math.abs(hi - lo) <= 1e-16 * Math.max(1, Math.abs(lo))) break;
    }
    // Out of evaluations: accept the best point seen if it decreased f enough (Armijo), else give up.
    if (lo > 0 && fLo <= f0 + c1 * lo * slope0) {
      const e = at(lo);
      return { f: e.f };
    }
    return null;
  };
  while (evals < maxEvals) {
    const e = at(alpha);
    evals++;
    if (e.f > f0 + c1 * alpha * slope0 || (evals > 1 && e.f >= prevF)) return zoom(prevAlpha, prevF, prevSlope, alpha, e.f, e.slope);
    if (Math.abs(e.slope) <= -c2 * slope0) return { f: e.f };
    if (e.slope >= 0) return zoom(alpha, e.f, e.slope, prevAlpha, prevF, prevSlope);
    prevAlpha = alpha;
    prevF = e.f;
    prevSlope = e.slope;
    alpha *= 2;
  }
  return null;
}

/** Minimiser of the cubic through (a, fa, da) and (b, fb, db), kept inside the middle 80% of [a, b]. */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const width = hi - lo;
  let t = NaN;
  if (disc >= 0) {
    const d2 = Math.sign(b - a) * Math.sqrt(disc);
    t = b - (b - a) * ((db + d2 - d1) / (db - da + 2 * d2));
  }
  if (!Number.isFinite(t) || t < lo + 0.1 * width || t > hi - 0.1 * width) t = 0.5 * (a + b);
  return t;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let q = 0; q < a.length; q++) s += a[q] * b[q];
  return s;
}

function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

function dotAt(a: Float64Array, offset: number, b: Float64Array, size: number): number {
  let s = 0;
  for (let q = 0; q < size; q++) s += a[offset + q] * b[q];
  return s;
}

function axpyAt(alpha: number, x: Float64Array, offset: number, y: Float64Array, size: number): void {
  for (let q = 0; q < size; q++) y[q] += alpha * x[offset + q];
}
