/**
 * A tiny WebAssembly binary assembler: just the module sections and instructions Assay's numeric kernels use.
 * Writing the bytes from TypeScript keeps the kernels reviewable as source, needs no toolchain at build or
 * run time, and leaves nothing generated to keep in sync. Encodings follow the WebAssembly Core
 * Specification 2.0, §5 "Binary Format" (https://webassembly.github.io/spec/core/binary/), including the
 * fixed-width SIMD instructions of §5.4.8 (prefix 0xFD, then the opcode as an unsigned LEB128).
 *
 * Instructions are nested arrays of bytes (`Code`), flattened when the module is emitted, so a function body
 * reads like WAT in folded order: operands first, then the operation.
 */

/** Bytes, or nested lists of bytes, in emission order. */
export type Code = number | readonly Code[];

/** Value types (§5.3.1). */
export const i32 = 0x7f;
export const f64 = 0x7c;
export const v128 = 0x7b;
type ValueType = typeof i32 | typeof f64 | typeof v128;

/** Unsigned LEB128 (§5.2.2). */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v ? byte | 0x80 : byte);
  } while (v);
  return out;
}

/** Signed LEB128 of a 32-bit integer (§5.2.2). */
function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A memory argument (§5.4.7): alignment as log2 of bytes, then a constant byte offset. */
const memarg = (alignLog2: number, offset: number): number[] => [...uleb(alignLog2), ...uleb(offset)];
const simd = (opcode: number, ...immediates: Code[]): Code => [0xfd, ...uleb(opcode), ...immediates];

/** Instructions, by their WAT names. A block or loop label is its relative depth, as in `br`. */
export const op = {
  block: [0x02, 0x40], // empty block type
  loop: [0x03, 0x40],
  end: 0x0b,
  br: (depth: number): Code => [0x0c, ...uleb(depth)],
  brIf: (depth: number): Code => [0x0d, ...uleb(depth)],
  localGet: (index: number): Code => [0x20, ...uleb(index)],
  localSet: (index: number): Code => [0x21, ...uleb(index)],
  localTee: (index: number): Code => [0x22, ...uleb(index)],
  i32Const: (value: number): Code => [0x41, ...sleb(value)],
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  f64Load: (offset: number): Code => [0x2b, ...memarg(3, offset)],
  f64Store: (offset: number): Code => [0x39, ...memarg(3, offset)],
  f64Add: 0xa0,
  f64Sub: 0xa1,
  v128Zero: simd(0x0c, new Array<number>(16).fill(0)),
  v128Load: (offset: number): Code => simd(0x00, memarg(4, offset)),
  v128Store: (offset: number): Code => simd(0x0b, memarg(4, offset)),
  /** Loads 8 bytes into the low lane, zeroes the high lane. */
  v128Load64Zero: (offset: number): Code => simd(0x5d, memarg(3, offset)),
  f64x2Splat: simd(0x14),
  f64x2ExtractLane: (lane: number): Code => simd(0x21, lane),
  /** Exact widening of f32 lanes 0 and 1 to f64. */
  f64x2PromoteLowF32x4: simd(0x5f),
  f64x2Add: simd(0xf0),
  f64x2Mul: simd(0xf2),
} as const;

export interface WasmFunction {
  /** Export name. */
  name: string;
  params: readonly ValueType[];
  results: readonly ValueType[];
  /** Locals after the parameters, in index order. */
  locals: readonly ValueType[];
  /** The body without its final `end`. */
  body: Code;
}

function flatten(code: Code, out: number[] = []): number[] {
  if (typeof code === 'number') out.push(code);
  else for (const c of code) flatten(c, out);
  return out;
}

const vec = (items: readonly Code[]): Code => [...uleb(items.length), ...items];
const section = (id: number, content: Code): Code => {
  const bytes = flatten(content);
  return [id, ...uleb(bytes.length), bytes];
};
const name = (text: string): Code => vec(Array.from(text, (ch) => ch.charCodeAt(0)));

/** Runs of equal local types, as the code section declares them (§5.5.13). */
function localDecls(locals: readonly ValueType[]): Code {
  const runs: [number, ValueType][] = [];
  for (const t of locals) {
    const last = runs[runs.length - 1];
    if (last && last[1] === t) last[0]++;
    else runs.push([1, t]);
  }
  return vec(runs.map(([count, t]) => [...uleb(count), t]));
}

/**
 * A module of `functions` (each exported under its name, each with its own type) and one memory of
 * `memoryPages` 64 KiB pages, exported as "memory" so the host can grow it and view it.
 * @example wasmModule({ memoryPages: 1, functions: [{ name: 'one', params: [], results: [i32], locals: [], body: op.i32Const(1) }] })
 */
export function wasmModule(spec: { memoryPages: number; functions: readonly WasmFunction[] }): Uint8Array<ArrayBuffer> {
  const fns = spec.functions;
  const bytes = flatten([
    [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    section(1, vec(fns.map((f) => [0x60, vec(f.params), vec(f.results)]))),
    section(3, vec(fns.map((_, i) => uleb(i)))),
    section(5, vec([[0x00, ...uleb(spec.memoryPages)]])), // limits: minimum only
    section(7, vec([...fns.map((f, i) => [name(f.name), 0x00, ...uleb(i)]), [name('memory'), 0x02, 0x00]])),
    section(
      10,
      vec(
        fns.map((f) => {
          const body = flatten([localDecls(f.locals), f.body, op.end]);
          return [...uleb(body.length), body];
        }),
      ),
    ),
  ]);
  return Uint8Array.from(bytes);
}
