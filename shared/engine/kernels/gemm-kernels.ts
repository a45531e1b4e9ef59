import type { Matrix } from '../matrix.ts';
import { i32, op, uleb, v128, wasmModule, type Code } from './wasm-assembler.ts';

/**
 * Dense float64 matrix products for SPECTRE's d×d and n×k linear algebra: C += A·B on 4 × 4 tiles, each entry of
 * a tile summed over the inner index in order from zero and then added to C, so the WebAssembly SIMD kernel and
 * the scalar fallback below perform the same IEEE operations in the same order and give identical results.
 *
 * Layout contract of the kernel `gemm(a, b, ldb, c, ldc, M, N, K, tri)` (byte addresses, 16-byte aligned):
 * - A (M×K) is packed in panels of 4 rows: element (i, p) at a + ((i >> 2)·K + p)·32 + (i & 3)·8;
 * - B (K×N) and C (M×N) are row-major with row strides ldb and ldc bytes;
 * - M and N are multiples of 4, K ≥ 1; with tri = 1 (and M ≤ N) only the tiles with j ≥ i are computed, which
 *   covers C's upper triangle (a Gram matrix's other half is its mirror).
 * Per inner step the kernel loads two f64x2 of B and four scalars of A and does 16 multiply-adds on eight f64x2
 * accumulators (11 live vectors: no register spills on x64's 16).
 */

/** Raw opcodes the shared assembler does not name. */
const i32MulRaw = 0x6c;
/** v128.load64_splat (§5.4.8, opcode 10): one float64 from memory into both lanes. */
const v128Load64Splat = (offset: number): Code => [0xfd, ...uleb(10), ...uleb(3), ...uleb(offset)];

function gemmBody(): Code {
  const [a, b, ldb, c, ldc, M, N, K, tri] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [i, j, kk, pa, pb, pc, band] = [9, 10, 11, 12, 13, 14, 15];
  const s = 16;
  const b0 = 17;
  const b1 = 18;
  const acc = (r: number, h: number) => 19 + r * 2 + h;
  const accs: number[] = [];
  for (let r = 0; r < 4; r++) for (let h = 0; h < 2; h++) accs.push(acc(r, h));
  return [
    op.block,
    [op.localGet(M), op.i32Eqz, op.brIf(0)],
    [op.localGet(N), op.i32Eqz, op.brIf(0)],
    [op.localGet(K), op.i32Eqz, op.brIf(0)],
    [op.i32Const(0), op.localSet(i)],
    [op.localGet(a), op.localSet(band)],
    op.loop, // rows, 4 at a time
    [op.localGet(i), op.localGet(tri), i32MulRaw, op.localSet(j)],
    op.block,
    [op.localGet(j), op.localGet(N), op.i32LtU, op.i32Eqz, op.brIf(0)],
    op.loop, // columns, 4 at a time
    accs.map((x) => [op.v128Zero, op.localSet(x)]),
    [op.localGet(band), op.localSet(pa)],
    [op.localGet(b), op.localGet(j), op.i32Const(8), i32MulRaw, op.i32Add, op.localSet(pb)],
    [op.localGet(K), op.localSet(kk)],
    op.loop, // inner index
    [op.localGet(pb), op.v128Load(0), op.localSet(b0)],
    [op.localGet(pb), op.v128Load(16), op.localSet(b1)],
    [0, 1, 2, 3].map((r) => [
      [op.localGet(pa), v128Load64Splat(8 * r), op.localSet(s)],
      [op.localGet(acc(r, 0)), op.localGet(s), op.localGet(b0), op.f64x2Mul, op.f64x2Add, op.localSet(acc(r, 0))],
      [op.localGet(acc(r, 1)), op.localGet(s), op.localGet(b1), op.f64x2Mul, op.f64x2Add, op.localSet(acc(r, 1))],
    ]),
    [op.localGet(pa), op.i32Const(32), op.i32Add, op.localSet(pa)],
    [op.localGet(pb), op.localGet(ldb), op.i32Add, op.localSet(pb)],
    [op.localGet(kk), op.i32Const(-1), op.i32Add, op.localTee(kk), op.brIf(0)],
    op.end,
    // C tile += accumulators.
    [op.localGet(c), op.localGet(i), op.localGet(ldc), i32MulRaw, op.i32Add, op.localGet(j), op.i32Const(8), i32MulRaw, op.i32Add, op.localSet(pc)],
    [0, 1, 2, 3].map((r) => [
      [op.localGet(pc), op.localGet(pc), op.v128Load(0), op.localGet(acc(r, 0)), op.f64x2Add, op.v128Store(0)],
      [op.localGet(pc), op.localGet(pc), op.v128Load(16), op.localGet(acc(r, 1)), op.f64x2Add, op.v128Store(16)],
      [op.localGet(pc), op.localGet(ldc), op.i32Add, op.localSet(pc)],
    ]),
    [op.localGet(j), op.i32Const(4), op.i32Add, op.localTee(j), op.localGet(N), op.i32LtU, op.brIf(0)],
    op.end,
    op.end,
    [op.localGet(band), op.localGet(K), op.i32Const(32), i32MulRaw, op.i32Add, op.localSet(band)],
    [op.localGet(i), op.i32Const(4), op.i32Add, op.localTee(i), op.localGet(M), op.i32LtU, op.brIf(0)],
    op.end,
    op.end,
  ];
}

export const GEMM_WASM = wasmModule({
  memoryPages: 1,
  functions: [
    {
      name: 'gemm',
      params: [i32, i32, i32, i32, i32, i32, i32, i32, i32],
      results: [],
      locals: [i32, i32, i32, i32, i32, i32, i32, v128, v128, v128, v128, v128, v128, v128, v128, v128, v128, v128],
      body: gemmBody(),
    },
  ],
});

/** Scratch memory views in float64 elements (offsets are element indices). */
interface Scratch {
  f64: Float64Array;
  gemm(a: number, b: number, ldb: number, c: number, ldc: number, M: number, N: number, K: number, tri: boolean): void;
}

interface WasmApi {
  validate(bytes: Uint8Array<ArrayBuffer>): boolean;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (module: object) => { readonly exports: object };
}
interface GemmExports {
  memory: { readonly buffer: ArrayBuffer; grow(deltaPages: number): number };
  gemm(a: number, b: number, ldb: number, c: number, ldc: number, M: number, N: number, K: number, tri: number): void;
}

/** The same tile loop in plain JS, on a growable Float64Array (element offsets, strides in elements). */
class ScalarScratch implements Scratch {
  f64 = new Float64Array(0);
  ensure(elements: number): void {
    if (elements > this.f64.length) {
      const next = new Float64Array(Math.max(elements, this.f64.length * 2));
      next.set(this.f64);
      this.f64 = next;
    }
  }
  gemm(a: number, b: number, ldb: number, c: number, ldc: number, M: number, N: number, K: number, tri: boolean): void {
    const f = this.f64;
    for (let i = 0; i < M; i += 4) {
      const band = a + (i >> 2) * K * 4;
      for (let j = tri ? i : 0; j < N; j += 4) {
        for (let r = 0; r < 4; r++) {
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          for (let p = 0; p < K; p++) {
            const av = f[band + p * 4 + r];
            const o = b + p * ldb + j;
            s0 += av * f[o];
            s1 += av * f[o + 1];
            s2 += av * f[o + 2];
            s3 += av * f[o + 3];
          }
          const oc = c + (i + r) * ldc + j;
          f[oc] += s0;
          f[oc + 1] += s1;
          f[oc + 2] += s2;
          f[oc + 3] += s3;
        }
      }
    }
  }
}

class WasmScratch implements Scratch {
  f64 = new Float64Array(0);
  constructor(private readonly wasm: GemmExports) {
    this.f64 = new Float64Array(wasm.memory.buffer);
  }
  ensure(elements: number): void {
    const bytes = elements * 8;
    const memory = this.wasm.memory;
    if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
    if (this.f64.buffer !== memory.buffer) this.f64 = new Float64Array(memory.buffer);
  }
  gemm(a: number, b: number, ldb: number, c: number, ldc: number, M: number, N: number, K: number, tri: boolean): void {
    this.wasm.gemm(a * 8, b * 8, ldb * 8, c * 8, ldc * 8, M, N, K, tri ? 1 : 0);
  }
}

let wasmScratch: WasmScratch | null | undefined;
const scalarScratch = new ScalarScratch();
let forceScalar = false;

/** Runs `f` with the scalar fallback (for tests: both backends must give identical results). */
export function withScalarGemm<T>(f: () => T): T {
  const before = forceScalar;
  forceScalar = true;
  try {
    return f();
  } finally {
    forceScalar = before;
  }
}

function scratch(): WasmScratch | ScalarScratch {
  if (forceScalar) return scalarScratch;
  if (wasmScratch === undefined) {
    const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    wasmScratch = api?.validate(GEMM_WASM) ? new WasmScratch(new api.Instance(new api.Module(GEMM_WASM)).exports as GemmExports) : null;
  }
  return wasmScratch ?? scalarScratch;
}

/**
 * Scratch larger than this is given back after the call that needed it (a fresh instance is compiled on the next
 * call, which takes well under a millisecond), so a worker does not keep e.g. a 4,096-dim Gram matrix's 134 MB.
 */
const KEEP_BYTES = 64 * 1024 * 1024;

function release(): void {
  if (wasmScratch && wasmScratch.f64.byteLength > KEEP_BYTES) wasmScratch = undefined;
  if (scalarScratch.f64.byteLength > KEEP_BYTES) scalarScratch.f64 = new Float64Array(0);
}

/** 'wasm-simd' where this thread runs the WebAssembly kernel, else 'scalar' (same results either way). */
export function gemmBackend(): 'wasm-simd' | 'scalar' {
  return scratch() === scalarScratch ? 'scalar' : 'wasm-simd';
}

const up4 = (n: number) => (n + 3) & ~3;
/** Rows of the left operand per kernel call: a panel of about 256 KiB. */
const blockRowsFor = (K: number) => Math.max(4, Math.floor(32768 / Math.max(1, K)) & ~3);

/**
 * A (M×K, row stride lda) times B (K×N, row stride ldb), returned M×N row-major.
 */
export function matmul(A: ArrayLike<number>, lda: number, M: number, K: number, B: ArrayLike<number>, ldb: number, N: number): Float64Array {
  const out = new Float64Array(M * N);
  if (M === 0 || N === 0 || K === 0) return out;
  rowBlocks(M, K, N, B, ldb, (sc, aAt, i0, rows) => {
    const f = sc.f64;
    for (let r = 0; r < rows; r++) {
      const src = (i0 + r) * lda;
      const dst = aAt + (r >> 2) * K * 4 + (r & 3);
      for (let p = 0; p < K; p++) f[dst + p * 4] = A[src + p];
    }
  }, out);
  return out;
}

/** A left operand packed once in the kernel's panel layout (rows padded to a multiple of 4 with zeros). */
export interface PackedLeft {
  readonly data: Float64Array;
  readonly rows: number;
  readonly inner: number;
}

/** Packs A (M×K, row stride lda) for repeated products `matmulPacked(packed, B, …)`. */
export function packLeft(A: ArrayLike<number>, lda: number, M: number, K: number): PackedLeft {
  const data = new Float64Array(up4(M) * K);
  for (let i = 0; i < M; i++) {
    const dst = (i >> 2) * K * 4 + (i & 3);
    const src = i * lda;
    for (let p = 0; p < K; p++) data[dst + p * 4] = A[src + p];
  }
  return { data, rows: M, inner: K };
}

/** The same product as `matmul(A, …, B, ldb, N)` for A packed by `packLeft`. */
export function matmulPacked(A: PackedLeft, B: ArrayLike<number>, ldb: number, N: number): Float64Array {
  const { rows: M, inner: K, data } = A;
  const out = new Float64Array(M * N);
  if (M === 0 || N === 0 || K === 0) return out;
  rowBlocks(M, K, N, B, ldb, (sc, aAt, i0, rows) => sc.f64.set(data.subarray(i0 * K, (i0 + up4(rows)) * K), aAt), out);
  return out;
}

/**
 * (x_r − μ)ᵀ B for the rows r = rowIndex[…] of a float32 matrix (d columns) and B d×N (row stride ldb): n×N.
 */
export function centredProduct(x: Matrix, rowIndex: Int32Array, mean: ArrayLike<number>, B: ArrayLike<number>, ldb: number, N: number): Float64Array {
  const d = x.cols;
  const n = rowIndex.length;
  const out = new Float64Array(n * N);
  if (n === 0 || N === 0 || d === 0) return out;
  const data = x.data;
  rowBlocks(n, d, N, B, ldb, (sc, aAt, i0, rows) => {
    const f = sc.f64;
    for (let r = 0; r < rows; r++) {
      const src = rowIndex[i0 + r] * d;
      const dst = aAt + (r >> 2) * d * 4 + (r & 3);
      for (let p = 0; p < d; p++) f[dst + p * 4] = data[src + p] - mean[p];
    }
  }, out);
  return out;
}

/** Shared driver: B copied once (padded to N' = N rounded up to 4), A packed a block of rows at a time. */
function rowBlocks(
  M: number,
  K: number,
  N: number,
  B: ArrayLike<number>,
  ldb: number,
  pack: (sc: Scratch, aAt: number, i0: number, rows: number) => void,
  out: Float64Array,
): void {
  const sc = scratch();
  const Np = up4(N);
  const blockRows = Math.min(up4(M), blockRowsFor(K));
  const bAt = 0;
  const aAt = up4(K * Np);
  const cAt = aAt + blockRows * K;
  sc.ensure(cAt + blockRows * Np);
  const f = sc.f64;
  f.fill(0, bAt, aAt);
  for (let p = 0; p < K; p++) for (let j = 0; j < N; j++) f[bAt + p * Np + j] = B[p * ldb + j];
  for (let i0 = 0; i0 < M; i0 += blockRows) {
    const rows = Math.min(blockRows, M - i0);
    const rowsP = up4(rows);
    f.fill(0, aAt, aAt + rowsP * K);
    pack(sc, aAt, i0, rows);
    f.fill(0, cAt, cAt + rowsP * Np);
    sc.gemm(aAt, bAt, Np, cAt, Np, rowsP, Np, K, false);
    for (let r = 0; r < rows; r++) out.set(f.subarray(cAt + r * Np, cAt + r * Np + N), (i0 + r) * N);
  }
  release();
}

/** Rows per block of a Gram accumulation. */
const GRAM_BLOCK = 64;

/**
 * Σ_r w_r v_r v_rᵀ (full symmetric d×d) over the vectors produced by `row(r, into)` for r < n, accumulated a block of
 * GRAM_BLOCK rows at a time (each block's product summed in row order, then added to the total). `row` writes
 * v_r (d values, already weighted on one side when `weight` is given) — see `centredGram` and `weightedGram`.
 */
function gram(n: number, d: number, fill: (r: number, f: Float64Array, at: number) => void, weight: ((r: number) => number) | null): Float64Array {
  const out = new Float64Array(d * d);
  if (n === 0 || d === 0) return out;
  const sc = scratch();
  const dp = up4(d);
  const cAt = 0;
  const bAt = dp * dp;
  const aAt = bAt + GRAM_BLOCK * dp;
  sc.ensure(aAt + GRAM_BLOCK * dp);
  let f = sc.f64;
  f.fill(0, 0, aAt + GRAM_BLOCK * dp);
  for (let i0 = 0; i0 < n; i0 += GRAM_BLOCK) {
    const rows = Math.min(GRAM_BLOCK, n - i0);
    f = sc.f64;
    for (let r = 0; r < rows; r++) fill(i0 + r, f, bAt + r * dp);
    // A = (diag(w) V)ᵀ in panels of 4 of its rows (the coordinates): element (a, r) at (a >> 2)·rows·4 + r·4 + (a & 3).
    for (let r = 0; r < rows; r++) {
      const w = weight ? weight(i0 + r) : 1;
      const src = bAt + r * dp;
      for (let a = 0; a < dp; a++) f[aAt + (a >> 2) * rows * 4 + r * 4 + (a & 3)] = weight ? w * f[src + a] : f[src + a];
    }
    sc.gemm(aAt, bAt, dp, cAt, dp, dp, dp, rows, true);
  }
  f = sc.f64;
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) out[a * d + b] = out[b * d + a] = f[cAt + a * dp + b];
  }
  release();
  return out;
}

/** Σ (x_r − μ)(x_r − μ)ᵀ over the rows rowIndex[…] of a float32 matrix: d×d, not divided by n. */
export function centredGram(x: Matrix, rowIndex: Int32Array, mean: ArrayLike<number>): Float64Array {
  const d = x.cols;
  const data = x.data;
  return gram(
    rowIndex.length,
    d,
    (r, f, at) => {
      const base = rowIndex[r] * d;
      for (let a = 0; a < d; a++) f[at + a] = data[base + a] - mean[a];
    },
    null,
  );
}

/** Σ_r w_r y_r y_rᵀ over the rows of Y (n×k row-major): k×k. */
export function weightedGram(Y: Float64Array, n: number, k: number, w: Float64Array): Float64Array {
  return gram(n, k, (r, f, at) => f.set(Y.subarray(r * k, r * k + k), at), (r) => w[r]);
}
