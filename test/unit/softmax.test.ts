/**
 * Softmax regression (shared/engine/softmax.ts) against:
 *  1. scikit-learn's LogisticRegression(multi_class='multinomial', C = 1/(n·l2)) fixtures from
 *     test/reference/make_softmax_fixtures.py (whose own numpy gradient vanishes at sklearn's optimum);
 *  2. central finite differences of the loss (for the gradient) and of the gradient (for the Hessian-vector
 *     product);
 *  3. identities: a rowIndex fit equals a fit on the copied rows, K = 2 gives w and −w, the bias shift is the
 *     Hessian's null direction, a warm start at the optimum takes no step.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../support/close.ts';
import type { Matrix } from '../../shared/engine/matrix.ts';
import { Random } from '../../shared/engine/random.ts';
import {
  predictProba,
  softmaxHessianOperator,
  softmaxLossGradient,
  softmaxProblem,
  standardize,
  trainSoftmax,
} from '../../shared/engine/softmax.ts';

interface SoftmaxFixture {
  name: string;
  rows: number;
  cols: number;
  classCount: number;
  l2: number;
  sklearnC: number;
  data: string;
  labels: number[];
  testData: string;
  mean: number[];
  scale: number[];
  weights: number[];
  loss: number;
  gradNormAtReference: number;
  probabilities: number[];
  testProbabilities: number[];
}

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/softmax.json', import.meta.url), 'utf8')) as { cases: SoftmaxFixture[] };

function floats(b64: string): Float32Array {
  // Copy out of the Buffer pool, whose byteOffset need not be a multiple of 4.
  return new Float32Array(Uint8Array.from(Buffer.from(b64, 'base64')).buffer);
}


function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function gaussianProblem(seed: number, n: number, d: number, k: number): { x: Matrix; labels: Int32Array } {
  const rng = new Random(seed);
  const centres = Float64Array.from({ length: k * d }, () => rng.normal());
  const data = new Float32Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = rng.int(k);
    for (let j = 0; j < d; j++) data[i * d + j] = 3 + centres[labels[i] * d + j] + 1.5 * rng.normal();
  }
  return { x: { data, rows: n, cols: d }, labels };
}

describe('softmax regression against scikit-learn', () => {
  for (const c of fixtures.cases) {
    it(`${c.name}: n=${c.rows}, d=${c.cols}, K=${c.classCount}, l2=${c.l2} (sklearn C=${c.sklearnC.toPrecision(4)})`, () => {
      const x: Matrix = { data: floats(c.data), rows: c.rows, cols: c.cols };
      const labels = Int32Array.from(c.labels);
      const model = trainSoftmax(x, labels, c.classCount, { l2: c.l2, maxIter: 2000, tol: 1e-9 });
      console.log(`${c.name}: ${model.iterations} iterations, ‖∇f‖₂ = ${model.gradNorm.toExponential(2)} (sklearn's point: ${c.gradNormAtReference.toExponential(2)})`);
      expect(model.converged).toBe(true);
      expectClose(model.standardization.mean, c.mean, 1e-12 * Math.max(1, maxAbs(c.mean)), 'column means');
      expectClose(model.standardization.scale, c.scale, 1e-12 * maxAbs(c.scale), 'column scales');
      expectClose(model.weights, c.weights, 1e-6 * Math.max(1, maxAbs(c.weights)), 'weights');
      expect(Math.abs(model.loss - c.loss)).toBeLessThanOrEqual(1e-12 * Math.max(1, c.loss));
      expectClose(predictProba(model, x), c.probabilities, 1e-7, 'training probabilities');
      const test: Matrix = { data: floats(c.testData), rows: c.testProbabilities.length / c.classCount, cols: c.cols };
      expectClose(predictProba(model, test), c.testProbabilities, 1e-7, 'held-out probabilities');
    });
  }

  it('K = 2 is the same code: the two weight columns are w and −w, the biases b and −b', () => {
    const c = fixtures.cases.find((f) => f.classCount === 2)!;
    const x: Matrix = { data: floats(c.data), rows: c.rows, cols: c.cols };
    const model = trainSoftmax(x, Int32Array.from(c.labels), 2, { l2: c.l2, tol: 1e-10, maxIter: 2000 });
    for (let j = 0; j <= c.cols; j++) expect(Math.abs(model.weights[j * 2] + model.weights[j * 2 + 1])).toBeLessThan(1e-9);
  });
});

describe('gradient and Hessian-vector product', () => {
  const { x, labels } = gaussianProblem(7, 57, 5, 3);
  const rowIndex = Int32Array.from({ length: 45 }, (_, i) => (i * 5) % 57);
  const problem = softmaxProblem(x, labels, 3, { l2: 0.03, rowIndex });
  const size = (x.cols + 1) * 3;
  const rng = new Random(3);
  const w = Float64Array.from({ length: size }, () => 0.7 * rng.normal());

  it('∇f matches central differences of f (rowIndex subset, penalty on weights only)', () => {
    const g = new Float64Array(size);
    softmaxLossGradient(problem, w, g);
    const h = 1e-5;
    const numeric = Float64Array.from({ length: size }, (_, q) => {
      const plus = Float64Array.from(w);
      const minus = Float64Array.from(w);
      plus[q] += h;
      minus[q] -= h;
      return (softmaxLossGradient(problem, plus, null) - softmaxLossGradient(problem, minus, null)) / (2 * h);
    });
    expectClose(g, numeric, 1e-8 * Math.max(1, maxAbs(g)), 'gradient');
  });

  it('H·v matches central differences of ∇f, is symmetric, and vanishes on the common bias shift', () => {
    const hv = softmaxHessianOperator(problem, w);
    const v = Float64Array.from({ length: size }, () => rng.normal());
    const u = Float64Array.from({ length: size }, () => rng.normal());
    const out = new Float64Array(size);
    hv(v, out);
    const h = 1e-5;
    const gp = new Float64Array(size);
    const gm = new Float64Array(size);
    softmaxLossGradient(problem, w.map((wi, q) => wi + h * v[q]), gp);
    softmaxLossGradient(problem, w.map((wi, q) => wi - h * v[q]), gm);
    const numeric = gp.map((g, q) => (g - gm[q]) / (2 * h));
    expectClose(out, numeric, 1e-7 * Math.max(1, maxAbs(out)), 'Hessian-vector product');

    const hu = new Float64Array(size);
    hv(u, hu);
    const uHv = u.reduce((s, ui, q) => s + ui * out[q], 0);
    const vHu = v.reduce((s, vi, q) => s + vi * hu[q], 0);
    expect(Math.abs(uHv - vHu)).toBeLessThan(1e-12 * Math.max(1, Math.abs(uHv)));

    const shift = new Float64Array(size);
    shift.fill(1, x.cols * 3);
    const hs = new Float64Array(size);
    hv(shift, hs);
    expect(maxAbs(hs)).toBeLessThan(1e-14);
  });
});

describe('training', () => {
  const { x, labels } = gaussianProblem(11, 203, 6, 4);

  it('a rowIndex fit equals a fit on the copied rows, and is deterministic', () => {
    const rowIndex = Int32Array.from({ length: 120 }, (_, i) => (i * 37) % 203);
    const copy = new Float32Array(rowIndex.length * x.cols);
    rowIndex.forEach((r, i) => copy.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols));
    const sub = trainSoftmax(x, labels, 4, { l2: 1e-2, rowIndex, tol: 1e-9 });
    const copied = trainSoftmax({ data: copy, rows: rowIndex.length, cols: x.cols }, Int32Array.from(rowIndex, (r) => labels[r]), 4, { l2: 1e-2, tol: 1e-9 });
    expectClose(sub.weights, copied.weights, 1e-7, 'weights');
    const again = trainSoftmax(x, labels, 4, { l2: 1e-2, rowIndex, tol: 1e-9 });
    expect(Array.from(again.weights)).toEqual(Array.from(sub.weights));
  });

  it('a warm start at the optimum takes no step; a given standardisation is used as is', () => {
    const model = trainSoftmax(x, labels, 4, { l2: 1e-2, tol: 1e-8 });
    const warm = trainSoftmax(x, labels, 4, { l2: 1e-2, tol: 1e-8, warmStart: model.weights, standardization: model.standardization });
    expect(warm.iterations).toBe(0);
    expect(warm.standardization).toBe(model.standardization);
    expectClose(warm.weights, model.weights, 1e-15, 'weights');
  });

  it('reports monotone progress ending at 1 and the gradient norm reached', () => {
    const seen: number[] = [];
    const model = trainSoftmax(x, labels, 4, { l2: 1e-3, tol: 1e-7 }, (f) => seen.push(f));
    expect(seen.at(-1)).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    const g = new Float64Array(model.weights.length);
    softmaxLossGradient(softmaxProblem(x, labels, 4, { l2: 1e-3 }), model.weights, g);
    expect(Math.hypot(...g)).toBeCloseTo(model.gradNorm, 12);
    expect(model.gradNorm).toBeLessThanOrEqual(1e-7);
  });

  it('stays finite on extreme inputs (stable log-sum-exp) and separable data', () => {
    const n = 40;
    const data = new Float32Array(n * 2);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 2;
      data[i * 2] = y[i] ? 1e6 + i : -1e6 - i;
      data[i * 2 + 1] = i;
    }
    const model = trainSoftmax({ data, rows: n, cols: 2 }, y, 2, { l2: 1e-6, maxIter: 200 });
    const p = predictProba(model, { data: Float32Array.of(3e30, 0, -3e30, 0), rows: 2, cols: 2 });
    expect(Array.from(p).every(Number.isFinite)).toBe(true);
    expect(p[1]).toBeCloseTo(1, 12);
    expect(p[2]).toBeCloseTo(1, 12);
  });

  it('degenerate sizes: no rows gives uniform probabilities; one class gives probability 1', () => {
    const empty = trainSoftmax(x, labels, 4, { l2: 1e-2, rowIndex: new Int32Array(0) });
    expect(empty.iterations).toBe(0);
    expectClose(predictProba(empty, x, Int32Array.of(0, 1)), new Float64Array(8).fill(0.25), 0, 'uniform');
    const one = trainSoftmax(x, new Int32Array(x.rows), 1, { l2: 1e-2 });
    expectClose(predictProba(one, x, Int32Array.of(0, 5)), [1, 1], 0, 'one class');
  });

  it('standardize: population σ, constant columns get σ = 1', () => {
    const st = standardize({ data: Float32Array.of(1, 5, 2, 3, 5, 5), rows: 2, cols: 3 });
    expect(Array.from(st.mean)).toEqual([2, 5, 3.5]);
    expect(Array.from(st.scale)).toEqual([1, 1, 1.5]);
  });

  it('names the argument in input errors', () => {
    expect(() => trainSoftmax(x, labels, 3, { l2: 1e-2 })).toThrow(/label of row \d+ is 3, outside 0..2/);
    expect(() => trainSoftmax(x, labels, 4, { l2: -1 })).toThrow(/'l2' must be ≥ 0/);
    expect(() => trainSoftmax(x, labels, 4, { l2: 1, warmStart: new Float64Array(3) })).toThrow(/'warmStart' has 3 entries/);
    expect(() => predictProba(trainSoftmax(x, labels, 4, { l2: 1 }), { data: new Float32Array(4), rows: 1, cols: 4 })).toThrow(/'x' has 4 columns/);
  });
});
