import { COLUMN_UNROLL, DISTANCE_KERNELS_WASM } from './distance-kernels-module.ts';

/**
 * Approximate squared Euclidean distances between a block of query rows and a block of reference rows, the
 * inner loop of the exact k-NN search (detectors/knn.ts). Two implementations with one contract:
 * WebAssembly SIMD in float32 (`wasmDistanceTiles`, ~10× faster) and scalar JS in float64
 * (`scalarDistanceTiles`, the fallback where WebAssembly SIMD is unavailable).
 *
 * A tile's entry (i, j) is D̃ᵢⱼ = fl(fl(Nᵢ + Nⱼ) − 2·fl(aᵢ·bⱼ)), with the squared norms N computed in float64
 * and rounded to float32. With u = 2⁻²⁴ and the products summed one rounding at a time (no FMA; any
 * summation order), the standard bounds (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed.,
 * §3.1, eq. 3.5) give |fl(a·b) − a·b| ≤ γ_d Σ|aₜbₜ| ≤ γ_d (‖a‖² + ‖b‖²)/2 with γ_d = du/(1 − du), hence
 *
 *     |D̃ − ‖a − b‖²| ≤ (γ_d + 4u)(1 + u) · (‖a‖² + ‖b‖²)   (+ underflow: ≤ (d + 8)·2⁻¹²⁶ absolute)
 *
 * (norm roundings 2u, the sum u, the final subtraction u·|D̃| ≤ 2u·(‖a‖² + ‖b‖²) — D ≤ 2(‖a‖² + ‖b‖²)).
 * `distanceErrorBound` returns this factor with a 25 % margin; the float64 scalar path is far inside it (its
 * only float32 rounding is the store of D̃). Padding columns are zero and add exact zeros.
 *
 * Each tile also flags the 8 × 4 micro-tiles holding some entry below its query row's or its reference row's
 * threshold (qThr, rThr: the current k-th candidate distances), so the caller inspects only those.
 */
export interface DistanceTiles {
  readonly backend: 'wasm-simd' | 'scalar';
  /** Columns d, and the packed column count dp (d rounded up to even, padding zero). */
  readonly cols: number;
  readonly paddedCols: number;
  /** Capacity of the query block (a multiple of 8) and of the reference block (a multiple of 4). */
  readonly queryCapacity: number;
  readonly referenceCapacity: number;
  /** Per packed query row: threshold (caller writes entries < the block's row count; padding stays −∞). */
  readonly qThr: Float32Array;
  /** Per packed reference row: threshold, as qThr. */
  readonly rThr: Float32Array;
  /** After `run`: distances, entry of query row i, reference row j at tileIndex(i, j). */
  readonly out: Float32Array;
  /** After `run`: one flag per micro-tile (p, s) at p·referencePanels + s, p = ⌊i/8⌋, s = ⌊j/4⌋. */
  readonly flags: Int32Array;
  /** Reference panels of the current reference block (⌈rows/4⌉). */
  readonly referencePanels: number;
  /**
   * Packs rows [start, start + count) of the row-major `data` (cols wide) as the query block, with their
   * squared norms norms[start + i] (float64, rounded to float32 here); count ≤ queryCapacity.
   */
  setQuery(data: Float32Array, start: number, count: number, norms: Float64Array): void;
  /** The same for the reference block; count ≤ referenceCapacity. */
  setReference(data: Float32Array, start: number, count: number, norms: Float64Array): void;
  /** Computes out and flags for the current blocks and thresholds. */
  run(): void;
}

/** Index in `out` of (query row i, reference row j) of the tile, given the tile's reference panel count. */
export function tileIndex(i: number, j: number, referencePanels: number): number {
  return (((i >> 3) * referencePanels + (j >> 2)) << 5) + ((j & 3) << 3) + (i & 7);
}

/**
 * The relative error factor c such that |D̃ − ‖a − b‖²| ≤ c·(‖a‖² + ‖b‖²) + distanceAbsoluteError(d) for
 * every tile entry, both backends (see the interface's comment; 25 % margin).
 * @example distanceErrorBound(128) // ≈ 1.0e-5
 */
export function distanceErrorBound(d: number): number {
  const u = 2 ** -24;
  const dp = paddedColumns(d);
  return 1.25 * ((dp * u) / (1 - dp * u) + 4 * u) * (1 + u);
}

/** Absolute part of the bound: at most one 2⁻¹²⁶ error per operation in the underflow range (even if flushed). */
export function distanceAbsoluteError(d: number): number {
  return 4 * (d + 8) * 2 ** -126;
}

/** Block sizes: ~128 KiB of packed rows per block (256 rows at d = 128), at least 8 rows and at most 256. */
export function blockRows(d: number): number {
  const dp = paddedColumns(d);
  return Math.max(8, Math.min(256, Math.floor(131072 / (dp * 4) / 8) * 8));
}

interface Views {
  q: Float32Array;
  r: Float32Array;
  qNorm: Float32Array;
  qThr: Float32Array;
  rNorm: Float32Array;
  rThr: Float32Array;
  out: Float32Array;
  flags: Int32Array;
}

/** Byte offsets of the layout (all 16-byte aligned): q, r, qNorm, qThr, rNorm, rThr, out, flags, end. */
function layout(dp: number, qCap: number, rCap: number) {
  const q = 0;
  const r = q + qCap * dp * 4;
  const qNorm = r + rCap * dp * 4;
  const qThr = qNorm + qCap * 4;
  const rNorm = qThr + qCap * 4;
  const rThr = rNorm + rCap * 4;
  const out = rThr + rCap * 4;
  const flags = out + qCap * rCap * 4;
  const end = flags + (qCap / 8) * (rCap / 4) * 4;
  return { q, r, qNorm, qThr, rNorm, rThr, out, flags, end };
}

function viewsOn(buffer: ArrayBuffer, at: ReturnType<typeof layout>, dp: number, qCap: number, rCap: number): Views {
  return {
    q: new Float32Array(buffer, at.q, qCap * dp),
    r: new Float32Array(buffer, at.r, rCap * dp),
    qNorm: new Float32Array(buffer, at.qNorm, qCap),
    qThr: new Float32Array(buffer, at.qThr, qCap),
    rNorm: new Float32Array(buffer, at.rNorm, rCap),
    rThr: new Float32Array(buffer, at.rThr, rCap),
    out: new Float32Array(buffer, at.out, qCap * rCap),
    flags: new Int32Array(buffer, at.flags, (qCap / 8) * (rCap / 4)),
  };
}

/** The packing and bookkeeping both backends share; `run` is the backend. */
abstract class PackedTiles implements DistanceTiles {
  abstract readonly backend: 'wasm-simd' | 'scalar';
  readonly paddedCols: number;
  readonly queryCapacity: number;
  readonly referenceCapacity: number;
  readonly qThr: Float32Array;
  readonly rThr: Float32Array;
  readonly out: Float32Array;
  readonly flags: Int32Array;
  protected queryRows = 0;
  protected referenceRows = 0;

  constructor(
    readonly cols: number,
    queryRows: number,
    referenceRows: number,
    protected readonly v: Views,
  ) {
    this.paddedCols = paddedColumns(cols);
    this.queryCapacity = roundUp(queryRows, 8);
    this.referenceCapacity = roundUp(referenceRows, 8);
    this.qThr = v.qThr;
    this.rThr = v.rThr;
    this.out = v.out;
    this.flags = v.flags;
  }

  get referencePanels(): number {
    return Math.ceil(this.referenceRows / 4);
  }

  setQuery(data: Float32Array, start: number, count: number, norms: Float64Array): void {
    if (count > this.queryCapacity) throw new Error(`DistanceTiles: ${count} query rows, capacity ${this.queryCapacity}`);
    pack(this.v.q, 8, data, this.cols, this.paddedCols, start, count, this.queryRows);
    fillNorms(this.v.qNorm, this.v.qThr, norms, start, count);
    this.queryRows = count;
  }

  setReference(data: Float32Array, start: number, count: number, norms: Float64Array): void {
    if (count > this.referenceCapacity) throw new Error(`DistanceTiles: ${count} reference rows, capacity ${this.referenceCapacity}`);
    pack(this.v.r, 4, data, this.cols, this.paddedCols, start, count, this.referenceRows);
    fillNorms(this.v.rNorm, this.v.rThr, norms, start, count);
    this.referenceRows = count;
  }

  abstract run(): void;
}

const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;
/** d rounded up to the kernel's column unroll (at least one unroll). */
function paddedColumns(d: number): number {
  return Math.max(COLUMN_UNROLL, roundUp(d, COLUMN_UNROLL));
}

/**
 * Rows [start, start + count) of data into panels of `width` rows, column-major inside a panel; rows from
 * count up to the previous block's count are zeroed (padding must be zero: it multiplies real values).
 */
function pack(dst: Float32Array, width: number, data: Float32Array, d: number, dp: number, start: number, count: number, previous: number): void {
  const panel = width * dp;
  for (let i = 0; i < count; i++) {
    let at = (i / width | 0) * panel + (i % width);
    const base = (start + i) * d;
    for (let t = 0; t < d; t++, at += width) dst[at] = data[base + t];
  }
  for (let i = count; i < roundUp(previous, width); i++) {
    let at = (i / width | 0) * panel + (i % width);
    for (let t = 0; t < dp; t++, at += width) dst[at] = 0;
  }
}

/** Norms of the block's rows (rounded to float32); norm +∞ and threshold −∞ on the padding rows of the last panel. */
function fillNorms(norm: Float32Array, thr: Float32Array, norms: Float64Array, start: number, count: number): void {
  for (let i = 0; i < count; i++) norm[i] = norms[start + i];
  for (let i = count; i < roundUp(count, 8); i++) {
    norm[i] = Infinity;
    thr[i] = -Infinity;
  }
}

/**
 * The float64 reference backend: each entry accumulated in float64 over the packed (float32) values, in
 * column order, then stored to float32. Four query rows × two reference rows at a time.
 */
class ScalarTiles extends PackedTiles {
  readonly backend = 'scalar';

  constructor(cols: number, queryRows: number, referenceRows: number) {
    const dp = paddedColumns(cols);
    const qCap = roundUp(queryRows, 8);
    const rCap = roundUp(referenceRows, 8);
    const at = layout(dp, qCap, rCap);
    super(cols, queryRows, referenceRows, viewsOn(new ArrayBuffer(at.end), at, dp, qCap, rCap));
  }

  run(): void {
    const { q, r, qNorm, qThr, rNorm, rThr, out, flags } = this.v;
    const dp = this.paddedCols;
    const qPanels = Math.ceil(this.queryRows / 8);
    const rPanels = this.referencePanels;
    for (let p = 0; p < qPanels; p++) {
      for (let s = 0; s < rPanels; s++) {
        const o = (p * rPanels + s) * 32;
        let hit = 0;
        for (let h = 0; h < 8; h += 4) {
          for (let j = 0; j < 4; j += 2) {
            let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
            let qa = p * 8 * dp + h;
            let rb = s * 4 * dp + j;
            for (let t = 0; t < dp; t++, qa += 8, rb += 4) {
              const y0 = r[rb];
              const y1 = r[rb + 1];
              let x = q[qa];
              s00 += x * y0;
              s01 += x * y1;
              x = q[qa + 1];
              s10 += x * y0;
              s11 += x * y1;
              x = q[qa + 2];
              s20 += x * y0;
              s21 += x * y1;
              x = q[qa + 3];
              s30 += x * y0;
              s31 += x * y1;
            }
            const dots = [s00, s10, s20, s30, s01, s11, s21, s31];
            for (let e = 0; e < 8; e++) {
              const i = p * 8 + h + (e & 3);
              const jj = s * 4 + j + (e >> 2);
              const dist = qNorm[i] + rNorm[jj] - 2 * dots[e];
              const at = o + (j + (e >> 2)) * 8 + h + (e & 3);
              out[at] = dist;
              // Compare what is stored (float32), as the SIMD kernel does.
              if (out[at] < qThr[i] || out[at] < rThr[jj]) hit = 1;
            }
          }
        }
        flags[p * rPanels + s] = hit;
      }
    }
  }
}

/** The part of the WebAssembly JS API used here, typed locally: shared/ compiles without DOM or Node types. */
interface WasmApi {
  validate(bytes: Uint8Array<ArrayBuffer>): boolean;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (module: object) => { readonly exports: object };
}
interface DistanceExports {
  memory: { readonly buffer: ArrayBuffer; grow(deltaPages: number): number };
  tile(q: number, qPanels: number, r: number, rPanels: number, dp: number, qNorm: number, qThr: number, rNorm: number, rThr: number, out: number, flags: number): void;
}

class WasmTiles extends PackedTiles {
  readonly backend = 'wasm-simd';
  private readonly at: ReturnType<typeof layout>;

  constructor(
    private readonly wasm: DistanceExports,
    cols: number,
    queryRows: number,
    referenceRows: number,
  ) {
    const dp = paddedColumns(cols);
    const qCap = roundUp(queryRows, 8);
    const rCap = roundUp(referenceRows, 8);
    const at = layout(dp, qCap, rCap);
    const have = wasm.memory.buffer.byteLength;
    if (at.end > have) wasm.memory.grow(Math.ceil((at.end - have) / 65536));
    // Views made after the grow (growing detaches the old buffer); fresh memory is zero.
    super(cols, queryRows, referenceRows, viewsOn(wasm.memory.buffer, at, dp, qCap, rCap));
    this.at = at;
  }

  run(): void {
    const a = this.at;
    this.wasm.tile(a.q, Math.ceil(this.queryRows / 8), a.r, this.referencePanels, this.paddedCols, a.qNorm, a.qThr, a.rNorm, a.rThr, a.out, a.flags);
  }
}

let wasmModuleCache: { api: WasmApi; module: object } | null | undefined;

/**
 * Tiles on WebAssembly SIMD (float32), or null where WebAssembly or its fixed-width SIMD is unavailable.
 * The module is compiled once per thread (synchronously: it is well under 4 KiB) and each call makes a new
 * instance with its own memory (~0.5 MiB at d = 128), so concurrent searches never share scratch space.
 */
export function wasmDistanceTiles(cols: number, queryRows: number, referenceRows: number): DistanceTiles | null {
  if (wasmModuleCache === undefined) {
    const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    // The module is itself the SIMD feature probe: an engine without SIMD rejects it in validate().
    wasmModuleCache = api?.validate(DISTANCE_KERNELS_WASM) ? { api, module: new api.Module(DISTANCE_KERNELS_WASM) } : null;
  }
  if (!wasmModuleCache) return null;
  const { api, module } = wasmModuleCache;
  return new WasmTiles(new api.Instance(module).exports as DistanceExports, cols, queryRows, referenceRows);
}

/** Tiles in scalar float64 JS (same contract). */
export function scalarDistanceTiles(cols: number, queryRows: number, referenceRows: number): DistanceTiles {
  return new ScalarTiles(cols, queryRows, referenceRows);
}

/** The fastest tiles this thread can run. */
export function distanceTiles(cols: number, queryRows: number, referenceRows: number): DistanceTiles {
  return wasmDistanceTiles(cols, queryRows, referenceRows) ?? scalarDistanceTiles(cols, queryRows, referenceRows);
}
