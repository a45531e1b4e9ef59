/**
 * Sphere and slab filters (Steinhardt, Koh & Liang, NeurIPS 2017) against in-test brute force (explicit
 * distances, sorted medians, explicit nearest-mean search), on planted poison within the target class, and for
 * calibration of their class tests on clean classes.
 */
import { describe, expect, it } from 'vitest';
import { median } from '../../shared/engine/calibration.ts';
import { coordinateMedian, slabDetector, sphereClass } from '../../shared/engine/detectors/sphere-slab.ts';
import { classMean, rowsByClass, type Matrix } from '../../shared/engine/matrix.ts';
import { Random } from '../../shared/engine/random.ts';
import { plant, type PlantKind } from '../support/planted.ts';

function randomMatrix(n: number, d: number, seed: number): Matrix {
  const rng = new Random(seed);
  return { data: Float32Array.from({ length: n * d }, () => rng.normal() * 2 + 1), rows: n, cols: d };
}

const allRows = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i]), `${what} [${i}]`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[i])));
}

describe('sphereClass against brute force', () => {
  it('plain: distances to the class mean', () => {
    const x = randomMatrix(50, 7, 1);
    const rows = Int32Array.of(3, 9, 11, 20, 21, 30, 41, 42, 49);
    const mu = classMean(x, rows);
    const want = Array.from(rows, (r) => Math.hypot(...Array.from({ length: 7 }, (_, a) => x.data[r * 7 + a] - mu[a])));
    expectClose(sphereClass(x, rows, { epsilon: 0.1, robust: false }).scores, want, 1e-14, 'distance');
  });

  it('robust: distances to the coordinate-wise median (odd and even class sizes)', () => {
    const x = randomMatrix(41, 5, 2);
    for (const rows of [allRows(41), allRows(40), Int32Array.of(7), Int32Array.of(4, 2)]) {
      const centre = Array.from({ length: 5 }, (_, a) => median(Array.from(rows, (r) => x.data[r * 5 + a])));
      expectClose(coordinateMedian(x, rows), centre, 0, 'median');
      const want = Array.from(rows, (r) => Math.hypot(...centre.map((c, a) => x.data[r * 5 + a] - c)));
      expectClose(sphereClass(x, rows, { epsilon: 0.1, robust: true }).scores, want, 1e-14, 'distance');
    }
  });

  it('median selection handles ties and sorted or reversed columns', () => {
    const values = [[5, 5, 5, 1, 5], [1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1, 0], [2, 2, 1, 1]];
    for (const v of values) {
      const x: Matrix = { data: Float32Array.from(v), rows: v.length, cols: 1 };
      expect(coordinateMedian(x, allRows(v.length))[0]).toBe(median(v));
    }
  });

  it('flags ⌈1.5·ε·n⌉ rows, the farthest', () => {
    const x = randomMatrix(200, 4, 3);
    const out = sphereClass(x, allRows(200), { epsilon: 0.05, robust: true });
    expect(out.ruleFlags!.reduce((a, b) => a + b, 0)).toBe(15);
    const cut = Math.min(...Array.from(out.scores).filter((_, i) => out.ruleFlags![i]));
    for (let i = 0; i < 200; i++) if (!out.ruleFlags![i]) expect(out.scores[i]).toBeLessThanOrEqual(cut);
  });

  it('the median centroid is not pulled by a far sub-population; the mean is', () => {
    const d = 3;
    const data = new Float32Array(100 * d);
    const rng = new Random(5);
    for (let i = 0; i < 100; i++) for (let a = 0; a < d; a++) data[i * d + a] = rng.normal() + (i < 20 && a === 0 ? 50 : 0);
    const x: Matrix = { data, rows: 100, cols: d };
    const robust = sphereClass(x, allRows(100), { epsilon: 0.2, robust: true });
    const plain = sphereClass(x, allRows(100), { epsilon: 0.2, robust: false });
    expect(robust.diagnostics.meanToCentroid as number).toBeGreaterThan(9); // the mean moved by ≈ 0.2 · 50
    expect(Math.abs(coordinateMedian(x, allRows(100))[0])).toBeLessThan(0.6);
    expect(plain.diagnostics.meanToCentroid).toBe(0);
    expect(robust.ruleFlags!.slice(0, 20).every((f) => f === 1)).toBe(true);
  });

  it('edge cases and errors', () => {
    const x = randomMatrix(3, 2, 6);
    expect(sphereClass(x, new Int32Array(0), { epsilon: 0.1, robust: true }).scores.length).toBe(0);
    expect(Array.from(sphereClass(x, Int32Array.of(1), { epsilon: 0.1, robust: true }).scores)).toEqual([0]);
    expect(() => sphereClass(x, allRows(3), { epsilon: -0.1, robust: true })).toThrow(/'epsilon' passed to 'sphereClass'/);
  });
});

describe('slabDetector against brute force', () => {
  function bruteSlab(x: Matrix, labels: Int32Array, k: number): number[] {
    const d = x.cols;
    const means = rowsByClass(labels, k).map((rows) => classMean(x, rows));
    return Array.from(labels, (y, i) => {
      const row = Array.from({ length: d }, (_, a) => x.data[i * d + a]);
      let best = -1;
      let bestDist = Infinity;
      for (let c = 0; c < k; c++) {
        if (c === y) continue;
        const dist = row.reduce((s, v, a) => s + (v - means[c][a]) ** 2, 0);
        if (dist < bestDist) [best, bestDist] = [c, dist];
      }
      const dir = means[y].map((m, a) => m - means[best][a]);
      const norm = Math.hypot(...dir);
      return row.reduce((s, v, a) => s + (v - means[y][a]) * dir[a], 0) / norm;
    });
  }

  for (const k of [2, 3, 5]) {
    it(`${k} classes: |⟨x − μ_y, u⟩| with u toward the row's nearest other mean`, () => {
      const x = randomMatrix(120, 6, 10 + k);
      const rng = new Random(k);
      const labels = Int32Array.from({ length: 120 }, () => rng.int(k));
      for (let i = 0; i < 120; i++) x.data[i * 6 + (labels[i] % 6)] += 3; // separate the class means
      const out = slabDetector(x, labels, k, { epsilon: 0.1 });
      expectClose(out.scores, bruteSlab(x, labels, k).map(Math.abs), 1e-9, 'slab score');
      expect(out.perClass).toHaveLength(k);
    });
  }

  it('a class with no other class present scores 0; bad labels are named', () => {
    const x = randomMatrix(10, 3, 1);
    const out = slabDetector(x, new Int32Array(10), 2, { epsilon: 0.1 });
    expect(out.scores.every((s) => s === 0)).toBe(true);
    expect(out.perClass[1].classTest).toBeNull();
    expect(() => slabDetector(x, Int32Array.from({ length: 10 }, (_, i) => (i === 4 ? 7 : 0)), 2, { epsilon: 0.1 })).toThrow(/row 4 has label 7/);
    expect(() => slabDetector(x, new Int32Array(3), 2, { epsilon: 0.1 })).toThrow(/'labels' passed to 'slabDetector' must have one entry per row/);
  });
});

function withinClass(flags: ArrayLike<number>, rows: Int32Array, isPoisoned: Uint8Array, byPosition: boolean) {
  let tp = 0;
  let flagged = 0;
  let planted = 0;
  rows.forEach((r, i) => {
    planted += isPoisoned[r];
    if (flags[byPosition ? i : r]) {
      flagged++;
      tp += isPoisoned[r];
    }
  });
  return { recall: planted ? tp / planted : 1, precision: flagged ? tp / flagged : 1 };
}

describe('accuracy on planted poison, within the target class, at the 1.5·ε budget', () => {
  // Floors a little below the worst of the seeds measured (printed); precision is at most 1/1.5 = 0.667.
  // The slab looks only along the line between class means; a 'shifted' sub-population moves along an unrelated
  // direction, outside its threat model, so it has no floor there (measured recall 0.07–0.51).
  const floors: Record<string, { sphere: number; slab: number }> = {
    'shifted 0.01': { sphere: 0.5, slab: 0 },
    'shifted 0.05': { sphere: 0.8, slab: 0 },
    'shifted 0.1': { sphere: 0.85, slab: 0 },
    'backdoor 0.01': { sphere: 0.9, slab: 0.9 },
    'backdoor 0.05': { sphere: 0.95, slab: 0.95 },
    'backdoor 0.1': { sphere: 0.95, slab: 0.95 },
  };
  for (const kind of ['shifted', 'backdoor'] as PlantKind[]) {
    for (const rate of [0.01, 0.05, 0.1]) {
      it(`${kind} at ${rate}`, () => {
        const lines: string[] = [];
        for (const seed of [1, 2, 3]) {
          const p = plant({ rows: 6000, dims: 48, classes: 4, kind, rate, seed });
          const rows = rowsByClass(p.labels, 4)[p.targetClass];
          const robust = withinClass(sphereClass(p.x, rows, { epsilon: rate, robust: true }).ruleFlags!, rows, p.isPoisoned, true);
          const plain = withinClass(sphereClass(p.x, rows, { epsilon: rate, robust: false }).ruleFlags!, rows, p.isPoisoned, true);
          const slab = withinClass(slabDetector(p.x, p.labels, 4, { epsilon: rate }).ruleFlags!, rows, p.isPoisoned, false);
          lines.push(
            `seed ${seed}: sphere(median) recall ${robust.recall.toFixed(3)} precision ${robust.precision.toFixed(3)} | sphere(mean) recall ${plain.recall.toFixed(3)} | slab recall ${slab.recall.toFixed(3)} precision ${slab.precision.toFixed(3)}`,
          );
          const floor = floors[`${kind} ${rate}`];
          expect(robust.recall, `sphere recall seed ${seed}`).toBeGreaterThanOrEqual(floor.sphere);
          expect(robust.precision, `sphere precision seed ${seed}`).toBeGreaterThanOrEqual((floor.sphere * 2) / 3 - 0.02);
          expect(slab.recall, `slab recall seed ${seed}`).toBeGreaterThanOrEqual(floor.slab);
          // The robust centroid is never worse than the mean beyond a row.
          expect(robust.recall).toBeGreaterThanOrEqual(plain.recall - 1 / Math.max(1, rate * rows.length));
        }
        console.log(`${kind} ε = ${rate}\n  ${lines.join('\n  ')}`);
      });
    }
  }

  it('slab finds label flips toward the nearest class', () => {
    for (const kind of ['random-flip', 'boundary-flip'] as PlantKind[]) {
      const p = plant({ rows: 6000, dims: 48, classes: 4, kind, rate: 0.05, seed: 1 });
      const out = slabDetector(p.x, p.labels, 4, { epsilon: 0.05 });
      let tp = 0;
      for (const r of p.poisoned) tp += out.ruleFlags![r];
      console.log(`${kind} 0.05: slab recall ${(tp / p.poisoned.length).toFixed(3)}`);
      expect(tp / p.poisoned.length).toBeGreaterThanOrEqual(0.7);
    }
  });
});

describe('class tests on clean classes', () => {
  it('reject at 5% about 5% of the time (≤ 12% over 60 classes)', () => {
    let sphere = 0;
    let slab = 0;
    let total = 0;
    for (let seed = 1; seed <= 15; seed++) {
      const p = plant({ rows: 2400, dims: 32, classes: 4, kind: 'shifted', rate: 0, seed: 200 + seed });
      const sl = slabDetector(p.x, p.labels, 4, { epsilon: 0.05 });
      rowsByClass(p.labels, 4).forEach((rows, c) => {
        total++;
        if (sphereClass(p.x, rows, { epsilon: 0.05, robust: true }).classTest!.pValue < 0.05) sphere++;
        if (sl.perClass[c].classTest!.pValue < 0.05) slab++;
      });
    }
    console.log(`clean classes rejected at 0.05: sphere ${sphere} / ${total} = ${(sphere / total).toFixed(3)}, slab ${slab} / ${total} = ${(slab / total).toFixed(3)}`);
    expect(sphere / total).toBeLessThanOrEqual(0.12);
    expect(slab / total).toBeLessThanOrEqual(0.12);
  });
});
