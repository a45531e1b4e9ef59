/**
 * Row kernels (shared/engine/kernels): the WebAssembly SIMD path against the scalar reference on random data
 * of awkward sizes, plus the tiny assembler that writes the module.
 *
 * Tolerance. Both paths form every product in float64 from exactly widened float32 values; they differ only
 * in the order of the additions inside each row's dot product (eight partial sums vs left to right). By the
 * standard bound for a sum of m terms in any order (Higham, Accuracy and Stability of Numerical Algorithms,
 * 2nd ed., §3.1 and §4.2), each path is within γ_m·Σ|terms| of the exact value, γ_m = m·u/(1 − m·u),
 * u = 2⁻⁵³. Writing a_r = Σ_k |x_rk·u_k| + |shift|:
 *   t_r:     |t̂_r − t_r| ≤ γ_{d+1}·a_r
 *   out_k:   |ôut_k − out_k| ≤ γ_{n+d+2}·Σ_r a_r·|x_rk|    (the t error carried through, plus n more additions)
 *   Σ t_r:   ≤ γ_{n+d+2}·Σ_r a_r
 * so the two paths may differ by twice these; the tests check that elementwise, which holds for any data
 * (including heavy cancellation, where a relative-to-result tolerance would not). On realistic features the
 * normwise relative difference is also checked against 1e-12 — ~10⁴ u, far below the 1e-6 that Lanczos'
 * residual test (tol 1e-7 relative to θ₁) could notice.
 */
import { describe, expect, it } from 'vitest';
import { rowKernels, scalarRowKernels, wasmRowKernels, type RowKernels } from '../../shared/engine/kernels/row-kernels.ts';
import { i32, op, wasmModule } from '../../shared/engine/kernels/wasm-assembler.ts';
import type { Matrix } from '../../shared/engine/matrix.ts';
import { Random } from '../../shared/engine/random.ts';

const U = 2 ** -53;
const gamma = (m: number) => (m * U) / (1 - m * U);

/** Feature-like data: ReLU'd normals with per-column scale and offset (mean well away from zero). */
function features(rows: number, cols: number, seed: number): Matrix {
  const rng = new Random(seed);
  const scale = Float64Array.from({ length: cols }, () => 0.1 + 3 * rng.uniform());
  const data = new Float32Array(new SharedArrayBuffer(rows * cols * 4));
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) data[r * cols + k] = Math.max(0, scale[k] * (rng.normal() + 0.7));
  return { data, rows, cols };
}

function randomVector(d: number, seed: number): Float64Array {
  const rng = new Random(seed);
  return Float64Array.from({ length: d }, () => rng.normal());
}

/** Non-contiguous, unordered, with repeats: n draws from [0, rows). */
function scatteredRows(rows: number, n: number, seed: number): Int32Array {
  const rng = new Random(seed);
  return Int32Array.from({ length: n }, () => rng.int(rows));
}

/** a_r = Σ_k |x_rk·u_k| + |shift| for each picked row. */
function absTerms(x: Matrix, rowIndex: Int32Array, u: Float64Array, shift: number): Float64Array {
  return Float64Array.from(rowIndex, (row) => {
    let s = Math.abs(shift);
    for (let k = 0; k < x.cols; k++) s += Math.abs(x.data[row * x.cols + k] * u[k]);
    return s;
  });
}

function expectWithin(actual: Float64Array, expected: Float64Array, bound: (i: number) => number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= bound(i))) expect.fail(`${what}[${i}]: ${actual[i]} vs ${expected[i]}, |diff| ${err} > bound ${bound(i)}`);
  }
}

function compareProject(kernels: RowKernels, x: Matrix, rowIndex: Int32Array, u: Float64Array, shift: number): void {
  const n = rowIndex.length;
  const expected = new Float64Array(n);
  const actual = new Float64Array(n);
  scalarRowKernels.project(x, rowIndex, u, shift, expected);
  kernels.project(x, rowIndex, u, shift, actual);
  const a = absTerms(x, rowIndex, u, shift);
  expectWithin(actual, expected, (r) => 2 * gamma(x.cols + 1) * a[r], `project n=${n} d=${x.cols}`);
}

function compareGram(kernels: RowKernels, x: Matrix, rowIndex: Int32Array, u: Float64Array, shift: number): { actual: Float64Array; expected: Float64Array } {
  const n = rowIndex.length;
  const d = x.cols;
  const expected = new Float64Array(d);
  const actual = new Float64Array(d).fill(Number.NaN); // must be overwritten
  const sumExpected = scalarRowKernels.gramPass(x, rowIndex, u, shift, expected);
  const sumActual = kernels.gramPass(x, rowIndex, u, shift, actual);
  const a = absTerms(x, rowIndex, u, shift);
  const g = 2 * gamma(n + d + 2);
  const weighted = new Float64Array(d);
  let aSum = 0;
  rowIndex.forEach((row, r) => {
    aSum += a[r];
    for (let k = 0; k < d; k++) weighted[k] += a[r] * Math.abs(x.data[row * d + k]);
  });
  expectWithin(actual, expected, (k) => g * weighted[k], `gramPass n=${n} d=${d}`);
  expectWithin(Float64Array.of(sumActual), Float64Array.of(sumExpected), () => g * aSum, `gramPass Σt n=${n} d=${d}`);
  return { actual, expected };
}

const simd = wasmRowKernels();

describe('wasm row kernels', () => {
  it('are available on Node ≥ 20 (WebAssembly SIMD), and are what rowKernels() picks', () => {
    expect(simd?.backend).toBe('wasm-simd');
    expect(rowKernels()).toBe(simd);
  });

  // d around the 8-float unroll (1, 3, 7, 8, 9), odd widths and one wider than a 64 KiB block holds 32 rows of;
  // n of 0, 1, 2 and counts that cross block boundaries (blockRows = ⌊65536 / (4·⌈d/8⌉·8)⌋, e.g. 409 at d = 37).
  const shapes: [n: number, d: number][] = [
    [0, 5],
    [1, 1],
    [1, 37],
    [2, 3],
    [5, 7],
    [33, 8],
    [100, 9],
    [1000, 37],
    [300, 130],
    [70, 513],
    [2049, 16],
  ];
  for (const [n, d] of shapes) {
    it(`match the scalar reference, n = ${n}, d = ${d}, scattered rows with repeats`, () => {
      const x = features(Math.max(n, 3) + 7, d, 1000 + n * 7 + d);
      const rowIndex = scatteredRows(x.rows, n, n + d);
      const u = randomVector(d, d);
      // The shift the spectral operator uses: μ·u, so t is centred and cancels heavily.
      const mean = new Float64Array(d);
      for (const row of rowIndex) for (let k = 0; k < d; k++) mean[k] += x.data[row * d + k] / Math.max(n, 1);
      const shift = mean.reduce((s, m, k) => s + m * u[k], 0);
      compareProject(simd!, x, rowIndex, u, shift);
      compareGram(simd!, x, rowIndex, u, shift);
    });
  }

  it('give 0 for no rows: gramPass zeroes out and returns 0, project writes nothing', () => {
    const x = features(4, 6, 1);
    const out = new Float64Array(6).fill(7);
    expect(simd!.gramPass(x, new Int32Array(0), randomVector(6, 2), 3, out)).toBe(0);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0]);
    const t = Float64Array.of(5);
    simd!.project(x, new Int32Array(0), randomVector(6, 2), 3, t);
    expect(t[0]).toBe(5);
  });

  it('agree with the examples in the interface docs', () => {
    const x: Matrix = { data: Float32Array.of(1, 2, 3, 4), rows: 2, cols: 2 };
    for (const k of [scalarRowKernels, simd!]) {
      const t = new Float64Array(2);
      k.project(x, Int32Array.of(1, 0), Float64Array.of(1, 1), 1, t);
      expect(Array.from(t), k.backend).toEqual([6, 2]);
      const out = new Float64Array(2);
      expect(k.gramPass(x, Int32Array.of(0, 1), Float64Array.of(1, 0), 0, out), k.backend).toBe(4);
      expect(Array.from(out), k.backend).toEqual([10, 14]);
    }
  });

  it('clear the previous layout when the column count changes (wide, then narrow, then wide again)', () => {
    // A narrower layout reuses memory the wider one filled; stale values in the padding would leak into dots.
    for (const d of [300, 5, 13, 300, 9]) {
      const x = features(50, d, d);
      compareGram(simd!, x, scatteredRows(50, 80, d), randomVector(d, d + 1), 0.5);
    }
  });

  it('stay within 1e-12 normwise of the scalar path on a realistic class (20 000 × 64, centred)', () => {
    const d = 64;
    const x = features(40_000, d, 7);
    const rowIndex = Int32Array.from({ length: 20_000 }, (_, i) => 2 * i + (i % 3 === 0 ? 1 : 0));
    const u = randomVector(d, 9);
    const mean = new Float64Array(d);
    for (const row of rowIndex) for (let k = 0; k < d; k++) mean[k] += x.data[row * d + k] / rowIndex.length;
    const { actual, expected } = compareGram(simd!, x, rowIndex, u, mean.reduce((s, m, k) => s + m * u[k], 0));
    let diff = 0;
    let size = 0;
    for (let k = 0; k < d; k++) {
      diff += (actual[k] - expected[k]) ** 2;
      size += expected[k] ** 2;
    }
    expect(Math.sqrt(diff / size)).toBeLessThanOrEqual(1e-12);
  });

  it('propagate NaN like the scalar path: a NaN value poisons its row’s t and every out[k]', () => {
    const x = features(10, 11, 3);
    x.data[4 * 11 + 10] = Number.NaN; // the last column: the one next to the zero padding
    const rowIndex = Int32Array.of(0, 4, 9);
    const u = randomVector(11, 4);
    for (const k of [scalarRowKernels, simd!]) {
      const t = new Float64Array(3);
      k.project(x, rowIndex, u, 0, t);
      expect(Array.from(t, Number.isNaN), k.backend).toEqual([false, true, false]);
      const out = new Float64Array(11);
      expect(k.gramPass(x, rowIndex, u, 0, out), k.backend).toBeNaN();
      expect(out.every(Number.isNaN), k.backend).toBe(true);
    }
  });
});

describe('wasm assembler', () => {
  it('emits a valid module whose exported function runs (the @example)', () => {
    const bytes = wasmModule({ memoryPages: 1, functions: [{ name: 'one', params: [], results: [i32], locals: [], body: op.i32Const(1) }] });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    expect((instance.exports.one as () => number)()).toBe(1);
    expect(instance.exports.memory).toBeInstanceOf(WebAssembly.Memory);
  });

  it('encodes signed LEB128 constants across byte boundaries', () => {
    for (const value of [0, 63, 64, -64, -65, 127, 128, 8191, -8192, 2 ** 31 - 1, -(2 ** 31)]) {
      const bytes = wasmModule({ memoryPages: 1, functions: [{ name: 'c', params: [], results: [i32], locals: [], body: op.i32Const(value) }] });
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
      expect((instance.exports.c as () => number)(), String(value)).toBe(value);
    }
  });
});
