import type { Matrix } from '../matrix.ts';
import { ROW_KERNELS_WASM } from './row-kernels-module.ts';

/**
 * Passes over a subset of a matrix's rows (picked by `rowIndex`, in that order), accumulated in float64:
 * the inner loops of Lanczos on a class covariance and of projections on a few directions.
 *
 * Two implementations with the same contract: WebAssembly SIMD (`wasmRowKernels`, several times faster) and
 * plain scalar JS (`scalarRowKernels`, the fallback where WebAssembly SIMD is unavailable). They agree up to
 * the order of additions inside each row's dot product (see row-kernels-module.ts), i.e. to within a few
 * float64 rounding errors of the terms' magnitudes.
 *
 * The matrix stays where the loader put it (usually a SharedArrayBuffer shared by the worker threads); the
 * WebAssembly path copies one block of rows at a time into a fixed scratch area of its own memory, so each
 * worker holds a few hundred KiB, not a copy of the class.
 */
export interface RowKernels {
  readonly backend: 'wasm-simd' | 'scalar';
  /**
   * t[r] ← x_{rowIndex[r]}·u − shift for r < rowIndex.length: projections on u, centred when shift = μ·u.
   * @example project({ data: Float32Array.of(1, 2, 3, 4), rows: 2, cols: 2 }, Int32Array.of(1, 0), Float64Array.of(1, 1), 1, t) // t → [6, 2]
   */
  project(x: Matrix, rowIndex: Int32Array, u: Float64Array, shift: number, t: Float64Array): void;
  /**
   * out ← Σ_r t_r · x_{rowIndex[r]} with t_r = x_{rowIndex[r]}·u − shift (out is overwritten); returns Σ_r t_r.
   * With shift = μ·u this is the uncorrected half of the centred covariance operator:
   * Σ_r (x_r − μ)((x_r − μ)·u) = out − μ·Σ_r t_r.
   * @example gramPass({ data: Float32Array.of(1, 2, 3, 4), rows: 2, cols: 2 }, Int32Array.of(0, 1), Float64Array.of(1, 0), 0, out) // out → [10, 14], returns 4
   */
  gramPass(x: Matrix, rowIndex: Int32Array, u: Float64Array, shift: number, out: Float64Array): number;
}

/** The reference implementation: straightforward float64 loops, one row at a time. */
export const scalarRowKernels: RowKernels = {
  backend: 'scalar',
  project(x, rowIndex, u, shift, t) {
    const d = x.cols;
    const data = x.data;
    for (let r = 0; r < rowIndex.length; r++) {
      const base = rowIndex[r] * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += data[base + k] * u[k];
      t[r] = s - shift;
    }
  },
  gramPass(x, rowIndex, u, shift, out) {
    const d = x.cols;
    const data = x.data;
    out.fill(0, 0, d);
    let sumT = 0;
    for (let r = 0; r < rowIndex.length; r++) {
      const base = rowIndex[r] * d;
      let t = 0;
      for (let k = 0; k < d; k++) t += data[base + k] * u[k];
      t -= shift;
      sumT += t;
      for (let k = 0; k < d; k++) out[k] += t * data[base + k];
    }
    return sumT;
  },
};

/** The part of the WebAssembly JS API used here, typed locally: shared/ compiles without DOM or Node types. */
interface WasmApi {
  validate(bytes: Uint8Array<ArrayBuffer>): boolean;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (module: object) => { readonly exports: object };
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}
interface RowKernelExports {
  memory: WasmMemory;
  project(x: number, rows: number, rowBytes: number, u: number, shift: number, t: number): void;
  accumulate(x: number, rows: number, rowBytes: number, t: number, out: number): void;
}

const PAGE = 65536;
/**
 * Scratch block size: 64 KiB of rows stays in L2 between a block's two sweeps (project, then accumulate) and
 * amortises the per-block calls over ≥ 32 rows for d ≤ 512. (Measured on 20 000 × 512: 16 KiB was slower,
 * 64–256 KiB indistinguishable.)
 */
const BLOCK_BYTES = 64 * 1024;
const align64 = (bytes: number) => Math.ceil(bytes / 64) * 64;

/**
 * Owns one instance of the kernel module. Memory layout, rebuilt when the column count changes:
 *   [u: stride f64][out: stride f64][t: blockRows f64][block: blockRows × stride f32]
 * stride is d rounded up to a multiple of 8 (the kernels' unroll); padding is zero, so padded lanes add 0·0.
 */
class WasmRowKernels implements RowKernels {
  readonly backend = 'wasm-simd';
  private cols = -1;
  private stride = 0;
  private blockRows = 0;
  private outAt = 0;
  private tAt = 0;
  private blockAt = 0;
  private f32 = new Float32Array(0);
  private f64 = new Float64Array(0);

  constructor(private readonly wasm: RowKernelExports) {}

  project(x: Matrix, rowIndex: Int32Array, u: Float64Array, shift: number, t: Float64Array): void {
    const n = rowIndex.length;
    if (n === 0 || x.cols === 0) return scalarRowKernels.project(x, rowIndex, u, shift, t);
    this.prepare(x.cols, u);
    const t0 = this.tAt >> 3;
    for (let start = 0; start < n; start += this.blockRows) {
      const rows = Math.min(this.blockRows, n - start);
      this.gather(x, rowIndex, start, rows);
      this.wasm.project(this.blockAt, rows, this.stride * 4, 0, shift, this.tAt);
      t.set(this.f64.subarray(t0, t0 + rows), start);
    }
  }

  gramPass(x: Matrix, rowIndex: Int32Array, u: Float64Array, shift: number, out: Float64Array): number {
    const n = rowIndex.length;
    const d = x.cols;
    if (n === 0 || d === 0) return scalarRowKernels.gramPass(x, rowIndex, u, shift, out);
    this.prepare(d, u);
    const f64 = this.f64;
    const out0 = this.outAt >> 3;
    const t0 = this.tAt >> 3;
    f64.fill(0, out0, out0 + this.stride);
    let sumT = 0;
    for (let start = 0; start < n; start += this.blockRows) {
      const rows = Math.min(this.blockRows, n - start);
      this.gather(x, rowIndex, start, rows);
      this.wasm.project(this.blockAt, rows, this.stride * 4, 0, shift, this.tAt);
      // Row order, as in the scalar loop.
      for (let i = 0; i < rows; i++) sumT += f64[t0 + i];
      this.wasm.accumulate(this.blockAt, rows, this.stride * 4, this.tAt, this.outAt);
    }
    out.set(f64.subarray(out0, out0 + d));
    return sumT;
  }

  /** Lays out memory for d columns (growing it if needed) and writes u at offset 0. */
  private prepare(d: number, u: Float64Array): void {
    if (d !== this.cols) {
      const stride = Math.ceil(d / 8) * 8;
      this.blockRows = Math.max(1, Math.floor(BLOCK_BYTES / (stride * 4)));
      this.outAt = stride * 8;
      this.tAt = this.outAt + stride * 8;
      this.blockAt = this.tAt + align64(this.blockRows * 8);
      const bytes = this.blockAt + this.blockRows * stride * 4;
      const memory = this.wasm.memory;
      if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
      // Views made after any grow (growing detaches the old buffer). Zeroing clears the previous layout's
      // rows out of what is now padding.
      this.f32 = new Float32Array(memory.buffer);
      this.f64 = new Float64Array(memory.buffer);
      this.f32.fill(0, 0, bytes >> 2);
      this.stride = stride;
      this.cols = d;
    }
    this.f64.set(u.subarray(0, d));
  }

  /** Copies rows rowIndex[start … start+rows) into the block, `stride` floats apart (a memcpy per row). */
  private gather(x: Matrix, rowIndex: Int32Array, start: number, rows: number): void {
    const { data, cols: d } = x;
    const f32 = this.f32;
    let at = this.blockAt >> 2;
    for (let i = 0; i < rows; i++) {
      const base = rowIndex[start + i] * d;
      f32.set(data.subarray(base, base + d), at);
      at += this.stride;
    }
  }
}

let wasmKernels: RowKernels | null | undefined;

/**
 * This thread's WebAssembly SIMD kernels, or null where WebAssembly or its fixed-width SIMD is unavailable.
 * Compiled synchronously on first use (the module is well under the 4 KiB that browsers allow synchronous
 * compilation of on a main thread) and reused; each worker thread has its own instance and scratch memory.
 */
export function wasmRowKernels(): RowKernels | null {
  if (wasmKernels === undefined) {
    const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    // The kernel module is itself the SIMD feature probe: an engine without SIMD rejects it in validate().
    wasmKernels = api?.validate(ROW_KERNELS_WASM) ? new WasmRowKernels(new api.Instance(new api.Module(ROW_KERNELS_WASM)).exports as RowKernelExports) : null;
  }
  return wasmKernels;
}

/** The fastest kernels this thread can run. */
export function rowKernels(): RowKernels {
  return wasmRowKernels() ?? scalarRowKernels;
}
