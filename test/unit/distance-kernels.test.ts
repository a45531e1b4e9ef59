/**
 * The k-NN distance tiles (shared/engine/kernels/distance-kernels.ts): WebAssembly SIMD (float32) and scalar
 * (float64) against direct float64 Σ(a − b)², within the documented error bound, on awkward sizes (d not a
 * multiple of the unroll, blocks not multiples of the 8 × 4 micro-tile, a block shrinking after a larger
 * one); the flags against the stored distances and thresholds.
 */
import { describe, expect, it } from 'vitest';
import {
  distanceAbsoluteError,
  distanceErrorBound,
  scalarDistanceTiles,
  tileIndex,
  wasmDistanceTiles,
  type DistanceTiles,
} from '../../shared/engine/kernels/distance-kernels.ts';
import { Random } from '../../shared/engine/random.ts';

function data(n: number, d: number, seed: number, offset: number): { x: Float32Array; norms: Float64Array } {
  const rng = new Random(seed);
  const x = Float32Array.from({ length: n * d }, () => offset + rng.normal());
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) norms[i] += x[i * d + t] ** 2;
  return { x, norms };
}

const backends: [string, (d: number, q: number, r: number) => DistanceTiles | null][] = [
  ['wasm-simd', wasmDistanceTiles],
  ['scalar', scalarDistanceTiles],
];

describe('distance tiles', () => {
  it('WebAssembly SIMD is available in this Node (else only the fallback is tested)', () => {
    expect(wasmDistanceTiles(4, 8, 8)?.backend).toBe('wasm-simd');
  });

  for (const [name, make] of backends) {
    for (const [d, qCap, rCap, blocks] of [
      [1, 8, 8, [[5, 3]]],
      [3, 16, 8, [[16, 8], [9, 5]]],
      [37, 64, 40, [[64, 40], [13, 7], [64, 40]]],
      [130, 24, 16, [[1, 1], [24, 16], [17, 2]]],
    ] as const) {
      it(`${name}: d = ${d}, blocks ${blocks.map(([a, b]) => `${a}×${b}`).join(', ')} within the error bound; flags`, () => {
        const tiles = make(d, qCap, rCap)!;
        expect(tiles.backend).toBe(name);
        const { x, norms } = data(200, d, d, 3);
        const c = distanceErrorBound(d);
        const abs = distanceAbsoluteError(d);
        const rng = new Random(99);
        for (const [qn, rn] of blocks) {
          const q0 = rng.int(200 - qn);
          const r0 = rng.int(200 - rn);
          tiles.setQuery(x, q0, qn, norms);
          tiles.setReference(x, r0, rn, norms);
          // Thresholds around the typical distance, so that some micro-tiles are flagged and some not.
          const typical = 2 * d;
          for (let i = 0; i < qn; i++) tiles.qThr[i] = rng.uniform() < 0.5 ? -Infinity : typical * (0.5 + rng.uniform());
          for (let j = 0; j < rn; j++) tiles.rThr[j] = rng.uniform() < 0.5 ? -Infinity : typical * (0.5 + rng.uniform());
          tiles.run();
          const P = tiles.referencePanels;
          expect(P).toBe(Math.ceil(rn / 4));
          const hit = new Int32Array(Math.ceil(qn / 8) * P);
          for (let i = 0; i < qn; i++) {
            for (let j = 0; j < rn; j++) {
              let exact = 0;
              for (let t = 0; t < d; t++) exact += (x[(q0 + i) * d + t] - x[(r0 + j) * d + t]) ** 2;
              const got = tiles.out[tileIndex(i, j, P)];
              expect(Math.abs(got - exact), `(${i}, ${j})`).toBeLessThanOrEqual(c * (norms[q0 + i] + norms[r0 + j]) + abs);
              if (got < tiles.qThr[i] || got < tiles.rThr[j]) hit[(i >> 3) * P + (j >> 2)] = 1;
            }
          }
          expect(Array.from(tiles.flags.subarray(0, hit.length))).toEqual(Array.from(hit));
        }
      });
    }
  }

  it('the bound is about (d + 4)·2⁻²⁴ with its margin', () => {
    expect(distanceErrorBound(128)).toBeGreaterThan(132 * 2 ** -24);
    expect(distanceErrorBound(128)).toBeLessThan(1.3 * 133 * 2 ** -24);
  });
});
