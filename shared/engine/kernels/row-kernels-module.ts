import { f64, i32, op, v128, wasmModule, type Code } from './wasm-assembler.ts';

/**
 * The WebAssembly SIMD kernels behind `row-kernels.ts`, on a block of rows already copied into the module's
 * memory. Layout contract (kept by the host side):
 * - a block holds `rows` float32 rows, `rowBytes` apart; `rowBytes` is a positive multiple of 32 (8 floats)
 *   and the padding after each row's d values is zero, so the loops need no scalar tail;
 * - vectors (`u`, `t`, `out`) are float64, 16-byte aligned, and padded like the rows (u's padding zero).
 *
 * Every product and sum is float64: each float32 lane is widened exactly (f64x2.promote_low_f32x4) before it
 * is multiplied, so the kernels differ from a scalar float64 loop only in the order of additions in a dot
 * product (four f64x2 accumulators, i.e. eight partial sums, combined pairwise — the usual unroll-and-
 * reassociate of BLAS ddot). The 8-float unroll keeps four independent add chains in flight to hide the
 * floating-point add latency.
 */

/** Four f64x2 partial sums per dot product: 8 floats (32 bytes of row, 64 bytes of vector) per iteration. */
const LANES = [0, 1, 2, 3] as const;

/** x ← x + 32; continue the enclosing loop while x < limit. */
const nextChunk = (x: number, limit: number): Code => [op.localGet(x), op.i32Const(32), op.i32Add, op.localTee(x), op.localGet(limit), op.i32LtU, op.brIf(0)];
/** p ← p + step. */
const advance = (p: number, step: number): Code => [op.localGet(p), op.i32Const(step), op.i32Add, op.localSet(p)];
/** Two float32 values at x + 8·lane, widened to an f64x2. */
const widened = (x: number, lane: number): Code => [op.localGet(x), op.v128Load64Zero(8 * lane), op.f64x2PromoteLowF32x4];

/**
 * project(x, rows, rowBytes, u, shift, t): t[r] = Σ_k x[r,k]·u[k] − shift for each row r of the block.
 */
function project(): Code {
  const [x, rows, rowBytes, u, shift, t] = [0, 1, 2, 3, 4, 5];
  const [end, rowEnd, q] = [6, 7, 8];
  const acc = LANES.map((j) => 9 + j);
  return [
    op.block,
    [op.localGet(rows), op.i32Eqz, op.brIf(0)],
    [op.localGet(x), op.localGet(rows), op.localGet(rowBytes), op.i32Mul, op.i32Add, op.localSet(end)],
    op.loop,
    acc.map((a) => [op.v128Zero, op.localSet(a)]),
    [op.localGet(x), op.localGet(rowBytes), op.i32Add, op.localSet(rowEnd)],
    [op.localGet(u), op.localSet(q)],
    op.loop,
    LANES.map((j) => [op.localGet(acc[j]), widened(x, j), op.localGet(q), op.v128Load(16 * j), op.f64x2Mul, op.f64x2Add, op.localSet(acc[j])]),
    advance(q, 64),
    nextChunk(x, rowEnd),
    op.end,
    // t[r] = ((acc0 + acc1) + (acc2 + acc3)) summed across its two lanes, minus the shift.
    op.localGet(t),
    [op.localGet(acc[0]), op.localGet(acc[1]), op.f64x2Add, op.localGet(acc[2]), op.localGet(acc[3]), op.f64x2Add, op.f64x2Add, op.localTee(acc[0])],
    [op.f64x2ExtractLane(0), op.localGet(acc[0]), op.f64x2ExtractLane(1), op.f64Add, op.localGet(shift), op.f64Sub],
    op.f64Store(0),
    advance(t, 8),
    [op.localGet(x), op.localGet(end), op.i32LtU, op.brIf(0)],
    op.end,
    op.end,
  ];
}

/**
 * accumulate(x, rows, rowBytes, t, out): out[k] += Σ_r t[r]·x[r,k] over the rows of the block, in row order
 * (each out[k] sees the same sequence of additions as the scalar loop).
 */
function accumulate(): Code {
  const [x, rows, rowBytes, t, out] = [0, 1, 2, 3, 4];
  const [end, rowEnd, q, s] = [5, 6, 7, 8];
  return [
    op.block,
    [op.localGet(rows), op.i32Eqz, op.brIf(0)],
    [op.localGet(x), op.localGet(rows), op.localGet(rowBytes), op.i32Mul, op.i32Add, op.localSet(end)],
    op.loop,
    [op.localGet(t), op.f64Load(0), op.f64x2Splat, op.localSet(s)],
    [op.localGet(x), op.localGet(rowBytes), op.i32Add, op.localSet(rowEnd)],
    [op.localGet(out), op.localSet(q)],
    op.loop,
    LANES.map((j) => [op.localGet(q), op.localGet(q), op.v128Load(16 * j), widened(x, j), op.localGet(s), op.f64x2Mul, op.f64x2Add, op.v128Store(16 * j)]),
    advance(q, 64),
    nextChunk(x, rowEnd),
    op.end,
    advance(t, 8),
    [op.localGet(x), op.localGet(end), op.i32LtU, op.brIf(0)],
    op.end,
    op.end,
  ];
}

/** The module's bytes: exports `project`, `accumulate` and `memory` (one page to start; the host grows it). */
export const ROW_KERNELS_WASM = wasmModule({
  memoryPages: 1,
  functions: [
    { name: 'project', params: [i32, i32, i32, i32, f64, i32], results: [], locals: [i32, i32, i32, v128, v128, v128, v128], body: project() },
    { name: 'accumulate', params: [i32, i32, i32, i32, i32], results: [], locals: [i32, i32, i32, v128], body: accumulate() },
  ],
});
