import { i32, op, uleb, v128, wasmModule, type Code } from './wasm-assembler.ts';

/**
 * The WebAssembly SIMD kernel behind `distance-kernels.ts`: approximate squared Euclidean distances
 * ‖a‖² + ‖b‖² − 2a·b between a block of query rows and a block of reference rows, in float32, plus a per-
 * micro-tile flag saying whether any of its distances beats a row's current k-NN threshold. The distances
 * only *rank* candidates; knn.ts recomputes the kept ones in float64 and certifies the ranking with the error
 * bound documented in distance-kernels.ts.
 *
 * Layout contract (kept by the host side, distance-kernels.ts):
 * - query rows are packed in panels of 8 rows, column-major inside a panel: panel p holds
 *   q[p·8 + l][t] at float (p·dp + t)·8 + l, where dp is the padded column count (a multiple of 2, the
 *   padding zero); reference rows likewise in panels of 4: r[s·4 + l][t] at float (s·dp + t)·4 + l;
 * - qNorm, qThr (one float32 per packed query row) and rNorm, rThr (per packed reference row); padding rows
 *   carry norm +∞ and threshold −∞, so they are never flagged;
 * - out receives, for micro-tile (p, s), 32 floats at (p·rPanels + s)·32: entry j·8 + l is the distance of
 *   query row p·8 + l to reference row s·4 + j; flags receives one i32 per micro-tile, 1 if some entry is
 *   < its query row's threshold or < its reference row's threshold, else 0.
 *
 * The micro-kernel is an 8 × 4 outer-product update, GEMM-style: per column t it loads two f32x4 of query
 * values (8 rows), splats four reference values, and does 8 multiply–adds into 8 accumulators, so 12 of the
 * 16 vector registers hold live values and nothing spills. Each accumulator lane sums its d products in
 * column order, one rounding per multiply and per add (no fused multiply–add), which is the model the error
 * bound assumes. The column loop is unrolled twice (hence dp even; measured at d = 128: ×2 ≥ ×4 > ×8).
 */

/** SIMD instructions the assembler does not define (WebAssembly Core 2.0, §5.4.8; opcodes < 128 are one byte). */
const simd = (opcode: number, ...immediates: Code[]): Code => [0xfd, ...(opcode < 128 ? [opcode] : [(opcode & 0x7f) | 0x80, opcode >> 7]), ...immediates];
const memarg = (alignLog2: number, offset: number): Code => [alignLog2, ...uleb(offset)];
const v = {
  load32Splat: (offset: number): Code => simd(0x09, memarg(2, offset)),
  f32x4Splat: simd(0x13),
  f32x4Lt: simd(0x43),
  or: simd(0x50),
  anyTrue: simd(0x53),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  i32Load: (offset: number): Code => [0x28, memarg(2, offset)],
  i32Store: (offset: number): Code => [0x36, memarg(2, offset)],
  f32Load: (offset: number): Code => [0x2a, memarg(2, offset)],
};

/**
 * tile(q, qPanels, r, rPanels, dp, qNorm, qThr, rNorm, rThr, out, flags): see the layout contract above.
 * Loops: query panel p (outer; its 8·dp floats stay in L1), reference panel s, column t.
 */
function tile(): Code {
  // Parameters.
  const [q, qPanels, r, rPanels, dp, qNorm, qThr, rNorm, rThr, out, flags] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  // i32 locals.
  const [qEnd, rp, rpEnd, rEnd, qp, s, outP, flagP, rNormP, rThrP, qBytes, rBytes] = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22];
  // v128 locals: 8 accumulators acc[a][j] (a: query half, j: reference row), then scratch.
  const acc = [0, 1].map((a) => [0, 1, 2, 3].map((j) => 23 + a * 4 + j));
  const [qa, qb, sp, qn0, qn1, qt0, qt1, dist, mask, rnS, rtS] = [31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41];

  /** Accumulates column at byte offset `col` of the current panels (query +32·col… , reference +16·col…). */
  const column = (col: number): Code => [
    [op.localGet(qp), op.v128Load(32 * col), op.localSet(qa)],
    [op.localGet(qp), op.v128Load(32 * col + 16), op.localSet(qb)],
    [0, 1, 2, 3].map((j) => [
      [op.localGet(rp), v.load32Splat(16 * col + 4 * j), op.localSet(sp)],
      [op.localGet(acc[0][j]), op.localGet(qa), op.localGet(sp), v.f32x4Mul, v.f32x4Add, op.localSet(acc[0][j])],
      [op.localGet(acc[1][j]), op.localGet(qb), op.localGet(sp), v.f32x4Mul, v.f32x4Add, op.localSet(acc[1][j])],
    ]),
  ];

  /** dist = (qn + rn) − (acc + acc), stored; mask |= dist < qThr | dist < rThr. */
  const epilogue = [0, 1, 2, 3].map((j) => [
    [op.localGet(rNormP), v.load32Splat(4 * j), op.localSet(rnS)],
    [op.localGet(rThrP), v.load32Splat(4 * j), op.localSet(rtS)],
    [0, 1].map((a) => [
      [op.localGet(a ? qn1 : qn0), op.localGet(rnS), v.f32x4Add, op.localGet(acc[a][j]), op.localGet(acc[a][j]), v.f32x4Add, v.f32x4Sub, op.localSet(dist)],
      [op.localGet(outP), op.localGet(dist), op.v128Store(32 * j + 16 * a)],
      [op.localGet(mask), op.localGet(dist), op.localGet(a ? qt1 : qt0), v.f32x4Lt, v.or, op.localGet(dist), op.localGet(rtS), v.f32x4Lt, v.or, op.localSet(mask)],
    ]),
  ]);

  return [
    op.block,
    [op.localGet(qPanels), op.i32Eqz, op.brIf(0)],
    [op.localGet(rPanels), op.i32Eqz, op.brIf(0)],
    // Panel sizes in bytes: 8·dp·4 and 4·dp·4.
    [op.localGet(dp), op.i32Const(32), op.i32Mul, op.localSet(qBytes)],
    [op.localGet(dp), op.i32Const(16), op.i32Mul, op.localSet(rBytes)],
    [op.localGet(q), op.localGet(qPanels), op.localGet(qBytes), op.i32Mul, op.i32Add, op.localSet(qEnd)],
    [op.localGet(r), op.localGet(rPanels), op.localGet(rBytes), op.i32Mul, op.i32Add, op.localSet(rEnd)],
    [op.localGet(out), op.localSet(outP)],
    [op.localGet(flags), op.localSet(flagP)],
    op.loop, // query panels
    [op.localGet(qNorm), op.v128Load(0), op.localSet(qn0), op.localGet(qNorm), op.v128Load(16), op.localSet(qn1)],
    [op.localGet(qThr), op.v128Load(0), op.localSet(qt0), op.localGet(qThr), op.v128Load(16), op.localSet(qt1)],
    [op.localGet(r), op.localSet(s)],
    [op.localGet(rNorm), op.localSet(rNormP)],
    [op.localGet(rThr), op.localSet(rThrP)],
    op.loop, // reference panels
    acc.flat().map((a) => [op.v128Zero, op.localSet(a)]),
    [op.localGet(q), op.localSet(qp)],
    [op.localGet(s), op.localSet(rp)],
    [op.localGet(s), op.localGet(rBytes), op.i32Add, op.localSet(rpEnd)],
    op.loop, // columns, two at a time
    Array.from({ length: COLUMN_UNROLL }, (_, col) => column(col)),
    [op.localGet(qp), op.i32Const(32 * COLUMN_UNROLL), op.i32Add, op.localSet(qp)],
    [op.localGet(rp), op.i32Const(16 * COLUMN_UNROLL), op.i32Add, op.localTee(rp), op.localGet(rpEnd), op.i32LtU, op.brIf(0)],
    op.end,
    [op.v128Zero, op.localSet(mask)],
    epilogue,
    [op.localGet(flagP), op.localGet(mask), v.anyTrue, v.i32Store(0)],
    [op.localGet(outP), op.i32Const(128), op.i32Add, op.localSet(outP)],
    [op.localGet(flagP), op.i32Const(4), op.i32Add, op.localSet(flagP)],
    [op.localGet(rNormP), op.i32Const(16), op.i32Add, op.localSet(rNormP)],
    [op.localGet(rThrP), op.i32Const(16), op.i32Add, op.localSet(rThrP)],
    [op.localGet(s), op.localGet(rBytes), op.i32Add, op.localTee(s), op.localGet(rEnd), op.i32LtU, op.brIf(0)],
    op.end,
    [op.localGet(qNorm), op.i32Const(32), op.i32Add, op.localSet(qNorm)],
    [op.localGet(qThr), op.i32Const(32), op.i32Add, op.localSet(qThr)],
    [op.localGet(q), op.localGet(qBytes), op.i32Add, op.localTee(q), op.localGet(qEnd), op.i32LtU, op.brIf(0)],
    op.end,
    op.end,
  ];
}

/** Columns per iteration of the inner loop; the packed column count is a multiple of it (padding zero). */
export const COLUMN_UNROLL = 2;

const I32_LOCALS = 12;
const V128_LOCALS = 19;

/** The module's bytes: exports `tile` and `memory` (one page to start; the host grows it). */
export const DISTANCE_KERNELS_WASM = wasmModule({
  memoryPages: 1,
  functions: [
    {
      name: 'tile',
      params: new Array<typeof i32>(11).fill(i32),
      results: [],
      locals: [...new Array<typeof i32>(I32_LOCALS).fill(i32), ...new Array<typeof v128>(V128_LOCALS).fill(v128)],
      body: tile(),
    },
  ],
});
