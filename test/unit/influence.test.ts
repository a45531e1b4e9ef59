/**
 * Influence functions (shared/engine/influence.ts) against:
 *  1. actual leave-one-out retraining of every training row on a small problem (Pearson ≥ 0.95 between the
 *     predicted and the actual change in test loss; matching signs on the top 20 by magnitude; the label
 *     convention: helpful = removing the row raises the test loss);
 *  2. the exact-Hessian path vs the conjugate-gradient path (relative 1e-6);
 *  3. self-influence vs g_iᵀ Ĥ⁻¹ g_i with Ĥ formed column by column from softmaxHessianOperator and inverted
 *     explicitly (Gauss–Jordan) in the test; the low-rank path with full rank equals the exact one;
 *  4. "what if removed": the refit's actual change next to the summed prediction.
 * Timings for 5,000 × 128 × 10 are printed (with a linear-in-n estimate for 50,000 rows).
 */
import { describe, expect, it } from 'vitest';
import { factorHessian, hessianPart, influenceEngine, testLossAccuracy } from '../../shared/engine/influence.ts';
import type { Matrix } from '../../shared/engine/matrix.ts';
import { Random } from '../../shared/engine/random.ts';
import { softmaxHessianOperator, softmaxProblem, trainSoftmax } from '../../shared/engine/softmax.ts';

function blobs(n: number, d: number, k: number, seed: number, spread = 1.5, flip = 0.1): { x: Matrix; labels: Int32Array } {
  const rng = new Random(seed);
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => spread * rng.normal()));
  const data = new Float32Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    for (let j = 0; j < d; j++) data[i * d + j] = centres[c][j] + rng.normal() + 3;
    labels[i] = rng.uniform() < flip ? rng.int(k) : c;
  }
  return { x: { data, rows: n, cols: d }, labels };
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return worst / scale;
}

/** Inverse of a dense symmetric positive definite m×m matrix by Gauss–Jordan with partial pivoting. */
function invert(a: Float64Array, m: number): Float64Array {
  const w = Float64Array.from(a);
  const inv = new Float64Array(m * m);
  for (let i = 0; i < m; i++) inv[i * m + i] = 1;
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(w[r * m + c]) > Math.abs(w[piv * m + c])) piv = r;
    for (let q = 0; q < m; q++) {
      [w[c * m + q], w[piv * m + q]] = [w[piv * m + q], w[c * m + q]];
      [inv[c * m + q], inv[piv * m + q]] = [inv[piv * m + q], inv[c * m + q]];
    }
    const p = w[c * m + c];
    for (let q = 0; q < m; q++) {
      w[c * m + q] /= p;
      inv[c * m + q] /= p;
    }
    for (let r = 0; r < m; r++) {
      if (r === c) continue;
      const f = w[r * m + c];
      if (f === 0) continue;
      for (let q = 0; q < m; q++) {
        w[r * m + q] -= f * w[c * m + q];
        inv[r * m + q] -= f * inv[c * m + q];
      }
    }
  }
  return inv;
}

const N = 60;
const D = 4;
const K = 3;
const L2 = 0.05;
// Training and test rows from one generator (same class centres); the last 12 rows are the test points.
const both = blobs(N + 12, D, K, 11);
const xTrain: Matrix = { data: both.x.data.subarray(0, N * D), rows: N, cols: D };
const yTrain = both.labels.subarray(0, N);
const xTest: Matrix = { data: both.x.data.slice(N * D), rows: 12, cols: D };
const yTest = both.labels.slice(N);
const model = trainSoftmax(xTrain, yTrain, K, { l2: L2, tol: 1e-9, maxIter: 5000 });
const testSet = { x: xTest, labels: yTest };

describe('influence: leave-one-out retraining', () => {
  const eng = influenceEngine(model, xTrain, yTrain, { method: 'exact' });
  const inf = eng.influence(testSet);
  const before = testLossAccuracy(model, testSet).loss;
  const actual = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const keep = Int32Array.from({ length: N - 1 }, (_, q) => (q < i ? q : q + 1));
    const refit = trainSoftmax(xTrain, yTrain, K, { l2: L2, rowIndex: keep, standardization: model.standardization, warmStart: model.weights, tol: 1e-9, maxIter: 5000 });
    actual[i] = testLossAccuracy(refit, testSet).loss - before;
  }

  it('the model converged and the test loss matches', () => {
    expect(model.gradNorm).toBeLessThan(1e-8);
    expect(inf.testLoss).toBeCloseTo(before, 12);
    expect(inf.method).toBe('exact');
  });

  it('predicted changes correlate with actual LOO changes (Pearson ≥ 0.95)', () => {
    const r = pearson(inf.predictedChange, actual);
    console.log(`influence LOO: Pearson r = ${r.toFixed(5)} over ${N} rows`);
    expect(r).toBeGreaterThanOrEqual(0.95);
  });

  it('signs agree on the top 20 rows by |actual change|, and labels follow the stated convention', () => {
    const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => Math.abs(actual[b]) - Math.abs(actual[a]));
    for (const i of order.slice(0, 20)) {
      expect(Math.sign(inf.predictedChange[i]), `row ${i}: predicted ${inf.predictedChange[i]}, actual ${actual[i]}`).toBe(Math.sign(actual[i]));
      // helpful ⟺ removing the row raises the test loss.
      expect(inf.label[i]).toBe(actual[i] > 0 ? 'helpful' : 'harmful');
    }
    const top = [...order].sort((a, b) => Math.abs(inf.predictedChange[b]) - Math.abs(inf.predictedChange[a])).slice(0, 20);
    for (const i of top) expect(Math.sign(inf.predictedChange[i]), `row ${i} (top by prediction)`).toBe(Math.sign(actual[i]));
  });

  it('scale: predicted and actual agree in magnitude, and upweightInfluence relates by −1/n plus a common offset', () => {
    let num = 0;
    let den = 0;
    for (let i = 0; i < N; i++) {
      num += inf.predictedChange[i] * actual[i];
      den += inf.predictedChange[i] * inf.predictedChange[i];
    }
    const slope = num / den; // least-squares actual ≈ slope·predicted
    expect(slope).toBeGreaterThan(0.8);
    expect(slope).toBeLessThan(1.5);
    const offset0 = inf.predictedChange[0] + inf.upweightInfluence[0] / N;
    for (let i = 1; i < N; i++) expect(inf.predictedChange[i] + inf.upweightInfluence[i] / N).toBeCloseTo(offset0, 14);
    // Harmful rows have positive I_up,loss apart from the common offset.
    const perTestMean = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      for (let t = 0; t < inf.testCount; t++) perTestMean[i] += inf.perTest![i * inf.testCount + t] / inf.testCount;
    }
    expect(maxRelDiff(perTestMean, inf.predictedChange)).toBeLessThan(1e-12);
  });

  it('the common offset (1/n)·sᵀ∇R is real: with 600 rows the prediction misses LOO by far less with it than without', () => {
    // Removing a row also gives the ridge more weight against the (n−1)-row mean; at n = 60 second-order
    // effects hide this, at n = 600 they do not. Checked on the first 30 rows.
    const n = 600;
    const b = blobs(n + 12, D, K, 11);
    const x: Matrix = { data: b.x.data.subarray(0, n * D), rows: n, cols: D };
    const y = b.labels.subarray(0, n);
    const ts = { x: { data: b.x.data.slice(n * D), rows: 12, cols: D }, labels: b.labels.slice(n) };
    const m = trainSoftmax(x, y, K, { l2: L2, tol: 1e-9, maxIter: 5000 });
    const r = influenceEngine(m, x, y).influence(ts);
    const base = testLossAccuracy(m, ts).loss;
    let withOffset = 0;
    let without = 0;
    for (let i = 0; i < 30; i++) {
      const keep = Int32Array.from({ length: n - 1 }, (_, q) => (q < i ? q : q + 1));
      const refit = trainSoftmax(x, y, K, { l2: L2, rowIndex: keep, standardization: m.standardization, warmStart: m.weights, tol: 1e-10, maxIter: 5000 });
      const a = testLossAccuracy(refit, ts).loss - base;
      withOffset += (r.predictedChange[i] - a) ** 2;
      without += (-r.upweightInfluence[i] / n - a) ** 2;
    }
    expect(withOffset).toBeLessThan(without / 10);
    // Σ_i (g_i + ∇R) = n·∇f(θ̂) = 0: predicted changes sum to ≈ 0 over all rows.
    let sum = 0;
    let abs = 0;
    for (let i = 0; i < n; i++) {
      sum += r.predictedChange[i];
      abs += Math.abs(r.predictedChange[i]);
    }
    expect(Math.abs(sum)).toBeLessThan(1e-5 * abs);
  });

  it('what-if-removed: the refit without the 5 most harmful rows lowers the test loss about as predicted', () => {
    const harmful = Array.from({ length: N }, (_, i) => i).sort((a, b) => inf.predictedChange[a] - inf.predictedChange[b]).slice(0, 5);
    const res = eng.retrainWithout(Int32Array.from(harmful), testSet, { influence: inf });
    expect(res.predictedChange).toBeLessThan(0);
    expect(res.actualChange).toBeLessThan(0);
    expect(Math.abs(res.actualChange - res.predictedChange)).toBeLessThan(0.5 * Math.abs(res.actualChange));
    expect(res.testLossBefore).toBeCloseTo(before, 12);
    expect(res.accuracyAfter).toBeGreaterThanOrEqual(0);
    console.log(`what-if: removed ${harmful.join(',')}: predicted ${res.predictedChange.toExponential(4)}, actual ${res.actualChange.toExponential(4)}, accuracy ${res.accuracyBefore} → ${res.accuracyAfter}`);
  });
});

describe('influence: exact vs conjugate gradient', () => {
  it('agree to 1e-6 relative on every row and every test point', () => {
    const ex = influenceEngine(model, xTrain, yTrain, { method: 'exact' }).influence(testSet);
    const cgEng = influenceEngine(model, xTrain, yTrain, { method: 'cg', cgTol: 1e-12 });
    const cg = cgEng.influence(testSet, { perTest: true });
    const cgMean = cgEng.influence(testSet);
    expect(cgMean.perTest).toBeNull();
    expect(cgMean.cgIterations.length).toBe(1);
    expect(maxRelDiff(cgMean.predictedChange, ex.predictedChange)).toBeLessThan(1e-6);
    expect(cg.method).toBe('cg');
    expect(maxRelDiff(cg.predictedChange, ex.predictedChange)).toBeLessThan(1e-6);
    expect(maxRelDiff(cg.upweightInfluence, ex.upweightInfluence)).toBeLessThan(1e-6);
    expect(maxRelDiff(cg.perTest!, ex.perTest!)).toBeLessThan(1e-6);
    expect(cg.label).toEqual(ex.label);
  });

  it('auto picks exact below the limit and CG above it', () => {
    expect(influenceEngine(model, xTrain, yTrain).method).toBe('exact');
    expect(influenceEngine(model, xTrain, yTrain, { exactLimit: 10 }).method).toBe('cg');
  });

  it('a factor from Hessian parts over row ranges (as the workers form it) gives the same influence and self-influence by ranges', () => {
    const rows = Int32Array.from({ length: xTrain.rows }, (_, i) => i);
    const cut = Math.floor(rows.length / 3);
    const sum = hessianPart(model, xTrain, rows.subarray(0, cut));
    const rest = hessianPart(model, xTrain, rows.subarray(cut));
    for (let q = 0; q < sum.length; q++) sum[q] += rest[q];
    const factor = factorHessian(sum, model, rows.length);
    const whole = influenceEngine(model, xTrain, yTrain, { method: 'exact' });
    const shared = influenceEngine(model, xTrain, yTrain, { method: 'exact', factor });
    expect(maxRelDiff(shared.factor(), whole.factor())).toBeLessThan(1e-12);
    expect(maxRelDiff(shared.influence(testSet).predictedChange, whole.influence(testSet).predictedChange)).toBeLessThan(1e-10);
    const self = whole.selfInfluence().values;
    const byRanges = [shared.selfInfluence({ start: 0, end: cut }).values, shared.selfInfluence({ start: cut, end: rows.length }).values];
    expect(byRanges[0].length + byRanges[1].length).toBe(rows.length);
    expect(maxRelDiff(Float64Array.from([...byRanges[0], ...byRanges[1]]), self)).toBeLessThan(1e-10);
    expect(() => shared.selfInfluence({ start: 5, end: rows.length + 1 })).toThrow(/outside/);
    expect(() => influenceEngine(model, xTrain, yTrain, { factor: new Float64Array(4) })).toThrow(/'factor'/);
  });

  it('rejects l2 = 0 and names the parameter', () => {
    expect(() => influenceEngine({ ...model, l2: 0 }, xTrain, yTrain)).toThrow(/'l2'/);
  });
});

describe('influence: self-influence', () => {
  const P = (D + 1) * K;
  // Ĥ = H + uuᵀ (bias shift) formed column by column from the exact operator, inverted explicitly.
  const problem = softmaxProblem(xTrain, yTrain, K, { l2: L2, standardization: model.standardization });
  const hv = softmaxHessianOperator(problem, model.weights);
  const h = new Float64Array(P * P);
  const e = new Float64Array(P);
  const col = new Float64Array(P);
  for (let q = 0; q < P; q++) {
    e.fill(0);
    e[q] = 1;
    hv(e, col);
    for (let r = 0; r < P; r++) h[r * P + q] = col[r];
  }
  for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) h[(D * K + a) * P + D * K + b] += 1 / K;
  const hinv = invert(h, P);
  const brute = new Float64Array(N);
  const eng = influenceEngine(model, xTrain, yTrain, { method: 'exact' });
  {
    const proba = new Float64Array(K);
    for (let i = 0; i < N; i++) {
      // p_i from the model's logits on standardised features.
      const xt = new Float64Array(D + 1);
      for (let j = 0; j < D; j++) xt[j] = (xTrain.data[i * D + j] - model.standardization.mean[j]) / model.standardization.scale[j];
      xt[D] = 1;
      let max = -Infinity;
      for (let c = 0; c < K; c++) {
        let z = 0;
        for (let j = 0; j <= D; j++) z += xt[j] * model.weights[j * K + c];
        proba[c] = z;
        max = Math.max(max, z);
      }
      let s = 0;
      for (let c = 0; c < K; c++) s += proba[c] = Math.exp(proba[c] - max);
      const g = new Float64Array(P);
      for (let j = 0; j <= D; j++) for (let c = 0; c < K; c++) g[j * K + c] = xt[j] * (proba[c] / s - (c === yTrain[i] ? 1 : 0));
      let v = 0;
      for (let r = 0; r < P; r++) for (let q = 0; q < P; q++) v += g[r] * hinv[r * P + q] * g[q];
      brute[i] = v;
    }
  }

  it('exact path equals g_iᵀ Ĥ⁻¹ g_i with an explicit inverse', () => {
    const si = eng.selfInfluence();
    expect(si.method).toBe('exact');
    expect(maxRelDiff(si.values, brute)).toBeLessThan(1e-9);
  });

  it('low-rank path with rank P − 1 is exact; with a small rank it ranks the top rows similarly', () => {
    const cgEng = influenceEngine(model, xTrain, yTrain, { method: 'cg' });
    const full = cgEng.selfInfluence({ rank: P - 1 });
    expect(full.method).toBe('low-rank');
    expect(maxRelDiff(full.values, brute)).toBeLessThan(1e-6);
    const low = cgEng.selfInfluence({ rank: 6 });
    expect(low.rank).toBe(6);
    for (let i = 0; i < N; i++) expect(low.values[i]).toBeGreaterThanOrEqual(brute[i] * (1 - 1e-8));
    expect(pearson(low.values, brute)).toBeGreaterThan(0.5);
  });

  it('the solve is H⁺g: orthogonal to the bias shift and H·s = g', () => {
    const g = new Float64Array(P);
    const rng = new Random(5);
    for (let q = 0; q < P; q++) g[q] = rng.normal();
    let m = 0;
    for (let c = 0; c < K; c++) m += g[D * K + c] / K;
    for (let c = 0; c < K; c++) g[D * K + c] -= m;
    const { s } = eng.solve(g);
    let biasSum = 0;
    for (let c = 0; c < K; c++) biasSum += s[D * K + c];
    expect(Math.abs(biasSum)).toBeLessThan(1e-12);
    const hs = new Float64Array(P);
    hv(s, hs);
    expect(maxRelDiff(hs, g)).toBeLessThan(1e-10);
  });
});
