import { i32, op, uleb, v128, type Code, type WasmFunction } from './wasm-assembler.ts';

/**
 * A WebAssembly SIMD kernel for the ingest's moments (shared/engine/ingest/stats.ts MomentAccumulator.addRows)
 * working on the loaded matrix where it lies: the module imports its memory, and the parallel .npy path
 * (electron/host/ingest.ts) reads the file into a shared WebAssembly.Memory, so no value is copied.
 *
 * `moments(x, rows, rowBytes, quads, shift, cur, next, stride)`: for each feature j < 4·quads, over the
 * `rows` float32 rows at x (rowBytes apart), starting from the state at `cur` and writing it to `next`:
 *   sum += x − shift[j];  sumSq += (x − shift[j])²;  min ← x < min ? x : min;  max ← max < x ? x : max.
 * A state is four float64 arrays `stride` bytes apart (sum, sumSq, min, max); shift is float64 too.
 * Each float32 is widened exactly (f64x2.promote_low_f32x4) and each feature's additions run in row order,
 * one feature per f64x2 lane; f64x2.pmin/pmax are defined as `b < a ? b : a` / `a < b ? b : a`, the JS
 * comparisons of the scalar loop. So the results equal the scalar loop's bit for bit.
 */

const simd = (opcode: number, ...immediates: Code[]): Code => [0xfd, ...uleb(opcode), ...immediates];
const memarg = (alignLog2: number, offset: number): number[] => [...uleb(alignLog2), ...uleb(offset)];
const f64x2Sub = simd(0xf1);
const f64x2Pmin = simd(0xf6);
const f64x2Pmax = simd(0xf7);
/** v128.load with an alignment hint of 8 bytes (the float64 arrays are 8-byte aligned). */
const load = (offset: number): Code => simd(0x00, memarg(3, offset));
const store = (offset: number): Code => simd(0x0b, memarg(3, offset));
/** Two float32 values at [x + offset], widened to an f64x2. */
const widened = (x: number, offset: number): Code => [op.localGet(x), simd(0x5d, memarg(2, offset)), op.f64x2PromoteLowF32x4];
const add = (a: number, b: number): Code => [op.localGet(a), op.localGet(b), op.i32Add];

function moments(): Code {
  const [x, rows, rowBytes, quads, shift, cur, next, stride] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [q, qEnd, p, end, xq] = [8, 9, 10, 11, 12];
  // Two lanes (features j, j+1 and j+2, j+3): shift, sum, sumSq, min, max, value, difference.
  const lanes = [0, 1].map((h) => ({ k: 13 + 7 * h, s: 14 + 7 * h, sq: 15 + 7 * h, lo: 16 + 7 * h, hi: 17 + 7 * h, v: 18 + 7 * h, a: 19 + 7 * h }));
  const at = (base: number, field: number): Code => [add(base, q), ...(field > 0 ? [op.localGet(stride), op.i32Const(field), op.i32Mul, op.i32Add] : [])];
  return [
    op.block,
    [op.localGet(rows), op.i32Eqz, op.brIf(0)],
    [op.localGet(quads), op.i32Eqz, op.brIf(0)],
    [op.i32Const(0), op.localSet(q)],
    [op.localGet(quads), op.i32Const(32), op.i32Mul, op.localSet(qEnd)],
    [op.localGet(x), op.localSet(xq)],
    op.loop,
    lanes.map((l, h) => [
      [add(shift, q), load(16 * h), op.localSet(l.k)],
      [at(cur, 0), load(16 * h), op.localSet(l.s)],
      [at(cur, 1), load(16 * h), op.localSet(l.sq)],
      [at(cur, 2), load(16 * h), op.localSet(l.lo)],
      [at(cur, 3), load(16 * h), op.localSet(l.hi)],
    ]),
    [op.localGet(xq), op.localSet(p)],
    [op.localGet(xq), op.localGet(rows), op.localGet(rowBytes), op.i32Mul, op.i32Add, op.localSet(end)],
    op.loop,
    lanes.map((l, h) => [
      [widened(p, 8 * h), op.localTee(l.v), op.localGet(l.k), f64x2Sub, op.localSet(l.a)],
      [op.localGet(l.s), op.localGet(l.a), op.f64x2Add, op.localSet(l.s)],
      [op.localGet(l.sq), op.localGet(l.a), op.localGet(l.a), op.f64x2Mul, op.f64x2Add, op.localSet(l.sq)],
      [op.localGet(l.lo), op.localGet(l.v), f64x2Pmin, op.localSet(l.lo)],
      [op.localGet(l.hi), op.localGet(l.v), f64x2Pmax, op.localSet(l.hi)],
    ]),
    [op.localGet(p), op.localGet(rowBytes), op.i32Add, op.localTee(p), op.localGet(end), op.i32LtU, op.brIf(0)],
    op.end,
    lanes.map((l, h) => [
      [at(next, 0), op.localGet(l.s), store(16 * h)],
      [at(next, 1), op.localGet(l.sq), store(16 * h)],
      [at(next, 2), op.localGet(l.lo), store(16 * h)],
      [at(next, 3), op.localGet(l.hi), store(16 * h)],
    ]),
    [op.localGet(xq), op.i32Const(16), op.i32Add, op.localSet(xq)],
    [op.localGet(q), op.i32Const(32), op.i32Add, op.localTee(q), op.localGet(qEnd), op.i32LtU, op.brIf(0)],
    op.end,
    op.end,
  ];
}

const MOMENTS: WasmFunction = {
  name: 'moments',
  params: [i32, i32, i32, i32, i32, i32, i32, i32],
  results: [],
  locals: [i32, i32, i32, i32, i32, ...new Array<typeof v128>(14).fill(v128)],
  body: moments(),
};

const vec = (items: readonly Code[]): Code => [...uleb(items.length), ...items];
function flatten(code: Code, out: number[] = []): number[] {
  if (typeof code === 'number') out.push(code);
  else for (const c of code) flatten(c, out);
  return out;
}
const section = (id: number, content: Code): Code => {
  const bytes = flatten(content);
  return [id, ...uleb(bytes.length), bytes];
};
const name = (text: string): Code => vec(Array.from(text, (ch) => ch.charCodeAt(0)));

/**
 * The module: imports a shared memory "env"."memory" (limits `pages` … `pages`; a shared memory must give
 * its maximum) and exports `moments`. The memory is imported, unlike wasm-assembler's modules, so that the
 * kernel runs on the very buffer the file was read into.
 */
export function momentKernelsWasm(pages: number): Uint8Array<ArrayBuffer> {
  const f = MOMENTS;
  const locals: Code = (() => {
    const runs: [number, number][] = [];
    for (const t of f.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    return vec(runs.map(([count, t]) => [...uleb(count), t]));
  })();
  const code = flatten([locals, f.body, op.end]);
  return Uint8Array.from(
    flatten([
      [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
      section(1, vec([[0x60, vec(f.params), vec(f.results)]])),
      section(2, vec([[name('env'), name('memory'), 0x02, 0x03, ...uleb(pages), ...uleb(pages)]])), // shared, min = max
      section(3, vec([uleb(0)])),
      section(7, vec([[name(f.name), 0x00, 0x00]])),
      section(10, vec([[...uleb(code.length), code]])),
    ]),
  );
}

/** The part of the WebAssembly JS API used here, typed locally: shared/ compiles without DOM or Node types. */
interface WasmApi {
  validate(bytes: Uint8Array<ArrayBuffer>): boolean;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => SharedWasmMemory;
}

/** A shared WebAssembly.Memory (its buffer is a SharedArrayBuffer; it posts to workers without copying). */
export interface SharedWasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

export const WASM_PAGE = 65536;
/** The largest shared memory the kernel takes: wasm32 addresses 4 GiB; leave one page unused. */
const MAX_PAGES = 65535;

const api = (): WasmApi | undefined => (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/**
 * A shared memory of at least `bytes` bytes for the kernel, or null where that is impossible (no WebAssembly
 * SIMD or shared memory, or more than 4 GiB): the caller then uses a plain SharedArrayBuffer and scalar code.
 */
export function sharedKernelMemory(bytes: number): SharedWasmMemory | null {
  const wasm = api();
  const pages = Math.ceil(bytes / WASM_PAGE);
  if (!wasm || pages > MAX_PAGES) return null;
  try {
    if (!wasm.validate(momentKernelsWasm(Math.max(1, pages)))) return null;
    return new wasm.Memory({ initial: Math.max(1, pages), maximum: Math.max(1, pages), shared: true });
  } catch {
    return null;
  }
}

export interface MomentKernel {
  readonly buffer: ArrayBufferLike;
  moments(x: number, rows: number, rowBytes: number, quads: number, shift: number, cur: number, next: number, stride: number): void;
}

const instances = new WeakMap<object, MomentKernel>();

/** The kernel on `memory` (from sharedKernelMemory, possibly on another thread), instantiated once per thread. */
export function momentKernel(memory: SharedWasmMemory): MomentKernel {
  let kernel = instances.get(memory);
  if (kernel) return kernel;
  const wasm = api()!;
  const pages = memory.buffer.byteLength / WASM_PAGE;
  const instance = new wasm.Instance(new wasm.Module(momentKernelsWasm(pages)), { env: { memory } });
  const exports = instance.exports as { moments: MomentKernel['moments'] };
  kernel = { buffer: memory.buffer, moments: exports.moments };
  instances.set(memory, kernel);
  return kernel;
}
