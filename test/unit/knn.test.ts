/**
 * Exact k-NN graph and the Deep k-NN / k-NN outlier detectors, against:
 *  1. fixtures from test/reference/make_knn_fixtures.py (scikit-learn NearestNeighbors, brute force, on the
 *     same float32 inputs; numpy percentiles for cleanlab's outlier rule);
 *  2. an in-test brute force (Σ(a − b)² in float64, sorted by (distance, index));
 *  3. planted label flips (test/support/planted.ts), with floors just under the recall/precision observed
 *     over seeds 1–3 (printed on every run).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  knnCandidates,
  knnCapacity,
  knnFinish,
  knnGraph,
  knnGraphRange,
  lastFinishStats,
  knnLabelDisagreement,
  knnOutlier,
  labelDisagreementFromGraph,
  outlierFromGraph,
  type KnnGraph,
} from '../../shared/engine/detectors/knn.ts';
import { quantileR7 } from '../../shared/engine/quantile.ts';
import type { Matrix } from '../../shared/engine/matrix.ts';
import { Random } from '../../shared/engine/random.ts';
import { plant, score } from '../support/planted.ts';

interface FixtureMatrix {
  rows: number;
  cols: number;
  data: string;
}
interface KnnCase extends FixtureMatrix {
  name: string;
  k: number;
  labels: number[];
  classCount: number;
  indices: number[];
  squaredDistances: number[];
  outlier: { q1: number; q3: number; threshold: number; scores: number[]; flagged: number[] };
  disagreement: { flags: number[]; scores: number[] };
}
const fixtures = JSON.parse(readFileSync(new URL('../fixtures/knn.json', import.meta.url), 'utf8')) as {
  cases: KnnCase[];
  cross: { reference: FixtureMatrix; query: FixtureMatrix; k: number; indices: number[]; squaredDistances: number[] };
};

function matrixOf(m: FixtureMatrix): Matrix {
  const data = new Float32Array(Uint8Array.from(Buffer.from(m.data, 'base64')).buffer);
  expect(data.length).toBe(m.rows * m.cols);
  return { data, rows: m.rows, cols: m.cols };
}

function gaussian(n: number, d: number, seed: number, offset = 0): Matrix {
  const rng = new Random(seed);
  return { data: Float32Array.from({ length: n * d }, () => offset + rng.normal()), rows: n, cols: d };
}

/** Reference: every distance Σ(a − b)² in float64, self excluded, sorted by (distance, index). */
function bruteForce(x: Matrix, k: number, reference?: Matrix): { indices: number[]; distances: number[] } {
  const ref = reference ?? x;
  const d = x.cols;
  const indices: number[] = [];
  const distances: number[] = [];
  for (let i = 0; i < x.rows; i++) {
    const cand: [number, number][] = [];
    for (let j = 0; j < ref.rows; j++) {
      if (!reference && j === i) continue;
      let s = 0;
      for (let t = 0; t < d; t++) s += (x.data[i * d + t] - ref.data[j * d + t]) ** 2;
      cand.push([s, j]);
    }
    cand.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (const [s, j] of cand.slice(0, k)) {
      indices.push(j);
      distances.push(s);
    }
  }
  return { indices, distances };
}

function expectGraph(g: KnnGraph, indices: number[], distances: number[], relTol: number): void {
  expect(Array.from(g.indices)).toEqual(indices);
  for (let i = 0; i < distances.length; i++) {
    expect(Math.abs(g.distances[i] - distances[i]), `distance ${i}`).toBeLessThanOrEqual(relTol * Math.max(distances[i], 1e-30));
  }
}

describe('knnGraph against scikit-learn (brute force)', () => {
  for (const c of fixtures.cases) {
    it(`${c.name}: indices equal, squared distances within float32 rounding`, () => {
      const g = knnGraph(matrixOf(c), c.k);
      expect(g.k).toBe(c.k);
      expect(g.rows).toBe(c.rows);
      expectGraph(g, c.indices, c.squaredDistances, 2 ** -23);
    });

    it(`${c.name}: cleanlab outlier rule (Q3 + 1.7·IQR) and Deep k-NN flags`, () => {
      const labels = Int32Array.from(c.labels);
      const g = knnGraph(matrixOf(c), c.k);
      const out = outlierFromGraph(g, labels, c.classCount);
      expect(out.diagnostics.q1).toBeCloseTo(c.outlier.q1, 5);
      expect(out.diagnostics.q3).toBeCloseTo(c.outlier.q3, 5);
      expect(out.diagnostics.threshold).toBeCloseTo(c.outlier.threshold, 5);
      for (let i = 0; i < c.rows; i++) expect(Math.abs(out.scores[i] - c.outlier.scores[i])).toBeLessThanOrEqual(1e-6 * c.outlier.scores[i]);
      expect(Array.from(out.ruleFlags!).flatMap((f, i) => (f ? [i] : []))).toEqual(c.outlier.flagged);
      for (const p of out.pValues!) expect(p >= 0 && p <= 1).toBe(true);

      const dis = labelDisagreementFromGraph(g, labels, c.classCount);
      expect(Array.from(dis.ruleFlags!)).toEqual(c.disagreement.flags);
      expect(Array.from(dis.scores)).toEqual(c.disagreement.scores);
    });
  }

  it('cross search (reference matrix): no row excluded, indices and distances equal', () => {
    const { reference, query, k, indices, squaredDistances } = fixtures.cross;
    const g = knnGraph(matrixOf(query), k, { reference: matrixOf(reference) });
    expectGraph(g, indices, squaredDistances, 2 ** -23);
  });
});

describe('knnGraph against an in-test brute force', () => {
  it('random 517×37 far from the origin (tile edges, cancellation in ‖a‖² + ‖b‖² − 2a·b): exact indices', () => {
    // 517 and 37 are not multiples of the 64/256 tiles or the 4×2 kernel; offset 50 makes ‖a‖² ≈ 1e5 ≫ ‖a − b‖².
    const x = gaussian(517, 37, 1, 50);
    const ref = bruteForce(x, 7);
    expectGraph(knnGraph(x, 7), ref.indices, ref.distances, 2 ** -23);
  });

  it('ranges concatenate to the whole graph (what parallel workers do)', () => {
    const x = gaussian(300, 9, 2);
    const whole = knnGraph(x, 5);
    const parts = [knnGraphRange(x, 5, 0, 70), knnGraphRange(x, 5, 70, 211), knnGraphRange(x, 5, 211, 300)];
    expect(parts.map((p) => p.rows)).toEqual([70, 141, 89]);
    expect(Array.from(whole.indices)).toEqual(parts.flatMap((p) => Array.from(p.indices)));
    expect(Array.from(whole.distances)).toEqual(parts.flatMap((p) => Array.from(p.distances)));
  });

  it('exact copies: distance exactly 0, ties in index order, self never its own neighbour', () => {
    const x = gaussian(40, 6, 3, 1000);
    for (const r of [5, 17, 30]) x.data.copyWithin(r * 6, 2 * 6, 3 * 6); // rows 5, 17, 30 copy row 2
    const g = knnGraph(x, 3);
    expect(Array.from(g.indices.subarray(2 * 3, 3 * 3))).toEqual([5, 17, 30]);
    expect(Array.from(g.indices.subarray(17 * 3, 18 * 3))).toEqual([2, 5, 30]);
    expect(Array.from(g.distances.subarray(17 * 3, 18 * 3))).toEqual([0, 0, 0]);
    for (let i = 0; i < 40; i++) for (let j = 0; j < 3; j++) expect(g.indices[i * 3 + j]).not.toBe(i);
  });

  it('the JSDoc example; degenerate sizes', () => {
    const g = knnGraph({ data: Float32Array.of(0, 1, 3), rows: 3, cols: 1 }, 1);
    expect(Array.from(g.indices)).toEqual([1, 0, 1]);
    expect(Array.from(g.distances)).toEqual([1, 1, 4]);
    // k larger than n − 1 is clamped; one row has no neighbours; no rows, nothing.
    const small = knnGraph({ data: Float32Array.of(0, 2, 5), rows: 3, cols: 1 }, 10);
    expect(small.k).toBe(2);
    expect(Array.from(small.indices)).toEqual([1, 2, 0, 2, 1, 0]);
    expect(knnGraph({ data: Float32Array.of(1, 2), rows: 1, cols: 2 }, 5)).toMatchObject({ k: 0, rows: 1 });
    expect(knnGraph({ data: new Float32Array(0), rows: 0, cols: 4 }, 5)).toMatchObject({ k: 0, rows: 0 });
    expect(() => knnGraph(gaussian(3, 2, 1), 1, { reference: gaussian(3, 3, 1) })).toThrow(/columns/);
  });
});

describe('symmetric tiles, parts, kernels and the certificate', () => {
  it('the symmetric self-search, the one-sided range search and both kernels agree with brute force (n > block sizes, d = 37)', () => {
    // 1100 rows: more than one 512-row query block and several 256-row reference blocks, none full.
    const x = gaussian(1100, 37, 11, 3);
    const ref = bruteForce(x, 10);
    expectGraph(knnGraph(x, 10), ref.indices, ref.distances, 2 ** -23);
    expectGraph(knnGraph(x, 10, { kernel: 'scalar' }), ref.indices, ref.distances, 2 ** -23);
    expectGraph(knnGraphRange(x, 10, 0, 1100), ref.indices, ref.distances, 2 ** -23);
    expectGraph(knnGraphRange(x, 10, 0, 1100, { kernel: 'scalar' }), ref.indices, ref.distances, 2 ** -23);
  });

  it('tile pairs split into parts (what parallel workers do) merge to the same graph', () => {
    const x = gaussian(700, 13, 12);
    const whole = knnGraph(x, 6);
    const capacity = knnCapacity(6, 699);
    const parts = [0, 1, 2].map((p) => knnCandidates(x, capacity, p, 3, { shared: true }));
    expect(parts[0].distances.buffer).toBeInstanceOf(SharedArrayBuffer);
    const pieces = [knnFinish(x, 6, parts, 0, 333), knnFinish(x, 6, parts, 333, 700)];
    expect(pieces.flatMap((p) => Array.from(p.indices))).toEqual(Array.from(whole.indices));
    expect(pieces.flatMap((p) => Array.from(p.distances))).toEqual(Array.from(whole.distances));
  });

  it('k ≥ n − 1 and n below the micro-tile: every other row, in order', () => {
    const x = gaussian(5, 3, 13);
    const ref = bruteForce(x, 4);
    const g = knnGraph(x, 10);
    expect(g.k).toBe(4);
    expectGraph(g, ref.indices, ref.distances, 2 ** -23);
  });

  it('a cluster of exact copies larger than the candidate margin fails the certificate and is re-searched exactly', () => {
    const d = 9;
    const x = gaussian(400, d, 14, 20);
    for (let r = 100; r < 130; r++) x.data.copyWithin(r * d, 7 * d, 8 * d); // rows 100–129 copy row 7: 31 copies
    const ref = bruteForce(x, 10);
    const g = knnGraph(x, 10);
    expect(lastFinishStats.researched).toBeGreaterThanOrEqual(31);
    expectGraph(g, ref.indices, ref.distances, 2 ** -23);
    expect(Array.from(g.indices.subarray(7 * 10, 8 * 10))).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
  });

  it('well-separated random rows pass the certificate (nothing re-searched)', () => {
    knnGraph(gaussian(600, 32, 15), 10);
    expect(lastFinishStats.researched).toBe(0);
  });

  it('a row with a huge norm neither breaks the others’ certificates nor loses its own neighbours', () => {
    const d = 8;
    const x = gaussian(300, d, 16);
    for (let t = 0; t < d; t++) x.data[5 * d + t] = 1e17; // ‖·‖² = 8e34: finite in float32, only just
    for (let t = 0; t < d; t++) x.data[6 * d + t] = 1e17 + 1e10 * t;
    const ref = bruteForce(x, 4);
    const g = knnGraph(x, 4);
    expect(lastFinishStats.researched).toBeLessThanOrEqual(2); // rows 5 and 6 (their bound is past float32)
    expect(Array.from(g.indices)).toEqual(ref.indices);
  });

  it('a row with a NaN is nobody’s neighbour and has none', () => {
    const d = 8;
    const x = gaussian(300, d, 17);
    const far = { ...x, data: x.data.slice() };
    for (let t = 0; t < d; t++) {
      x.data[9 * d + t] = NaN;
      far.data[9 * d + t] = 1e6; // the same graph for every other row
    }
    const ref = bruteForce(far, 4);
    const g = knnGraph(x, 4);
    for (let i = 0; i < 300; i++) {
      if (i !== 9) expect(Array.from(g.indices.subarray(i * 4, i * 4 + 4)), `row ${i}`).toEqual(ref.indices.slice(i * 4, i * 4 + 4));
    }
    expect(Array.from(g.indices.subarray(9 * 4, 10 * 4))).toEqual([-1, -1, -1, -1]);
  });
});

describe('Deep k-NN label disagreement on planted flips', () => {
  // Observed (seeds 1–3, 3000×32, 5 classes, k = 10): random flips recall 1.000, precision 1.000 at every
  // rate; boundary flips recall 1.000/0.860–0.907/0.643–0.683 and precision 1.000/0.977–1.000/0.949–0.961 at
  // 0.01/0.05/0.10 (the most plausible flips sit among the other class's rows, the hard case; seed 4 gave
  // 0.520/0.891 at 0.10).
  const floors = {
    'random-flip': { 0.01: [1, 1], 0.05: [1, 1], 0.1: [1, 1] },
    'boundary-flip': { 0.01: [0.97, 0.97], 0.05: [0.84, 0.96], 0.1: [0.6, 0.93] },
  } as const;
  for (const kind of ['random-flip', 'boundary-flip'] as const) {
    for (const rate of [0.01, 0.05, 0.1] as const) {
      it(`${kind} at ${rate}: recall ≥ ${floors[kind][rate][0]}, precision ≥ ${floors[kind][rate][1]}`, () => {
        for (const seed of [1, 2, 3]) {
          const pl = plant({ rows: 3000, dims: 32, classes: 5, kind, rate, seed });
          const out = knnLabelDisagreement(pl.x, pl.labels, pl.classCount, { k: 10 });
          const s = score(out.ruleFlags!, pl);
          console.log(`deep k-NN ${kind} rate ${rate} seed ${seed}: recall ${s.recall.toFixed(3)} precision ${s.precision.toFixed(3)} (${s.flagged} flagged)`);
          expect(s.recall).toBeGreaterThanOrEqual(floors[kind][rate][0]);
          expect(s.precision).toBeGreaterThanOrEqual(floors[kind][rate][1]);
          expect(out.perClass).toHaveLength(5);
          expect(out.perClass.reduce((a, c) => a + (c.diagnostics.flagged as number), 0)).toBe(s.flagged);
        }
      });
    }
  }

  it('ties for the plurality keep the row; the score is the fraction of other labels', () => {
    // Row 0 at 0 with neighbours (k = 4) labelled 0, 0, 1, 1: tie → kept, score 0.5. Row 5 far right, label 2,
    // neighbours all label 1 → flagged, score 1.
    const x: Matrix = { data: Float32Array.of(0, 1, 2, 3, 4, 5), rows: 6, cols: 1 };
    const labels = Int32Array.of(0, 0, 1, 0, 1, 2);
    const g = knnGraph(x, 4);
    const out = labelDisagreementFromGraph(g, labels, 3);
    expect(Array.from(g.indices.subarray(0, 4))).toEqual([1, 2, 3, 4]);
    expect(out.scores[0]).toBe(0.5);
    expect(out.ruleFlags![0]).toBe(0);
    expect(out.ruleFlags![5]).toBe(1);
    expect(out.scores[5]).toBe(1);
    expect(out.diagnostics.tiesKept).toBeGreaterThanOrEqual(1);
  });
});

describe('k-NN outlier detector', () => {
  it('isolated planted points are flagged with small p-values; clean rows rarely are', () => {
    const n = 1500;
    const d = 16;
    const x = gaussian(n, d, 9);
    const rng = new Random(10);
    const planted = [3, 300, 777, 1200, 1499];
    for (const r of planted) for (let t = 0; t < d; t++) x.data[r * d + t] = 12 * rng.normal();
    const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
    const out = knnOutlier(x, labels, 3, { k: 10 });
    for (const r of planted) {
      expect(out.ruleFlags![r], `row ${r}`).toBe(1);
      expect(out.pValues![r]).toBeLessThan(1e-6);
    }
    const falseFlags = Array.from(out.ruleFlags!).filter((f, i) => f && !planted.includes(i)).length;
    console.log(`k-NN outlier: ${falseFlags} clean rows of ${n - planted.length} flagged`);
    expect(falseFlags / n).toBeLessThan(0.02);
  });

  it('exact copies (zero score) give finite p-values', () => {
    const x = gaussian(50, 3, 4);
    for (let r = 1; r < 12; r++) x.data.copyWithin(r * 3, 0, 3); // rows 0–11 identical: their 10-NN distances are 0
    const out = knnOutlier(x, new Int32Array(50), 1, { k: 10 });
    expect(out.scores[0]).toBe(0);
    for (const p of out.pValues!) expect(Number.isFinite(p)).toBe(true);
  });

  it('quantileR7 matches numpy.percentile (linear)', () => {
    const v = [7, 1, 3, 10, 4];
    expect(quantileR7(v, 0.25)).toBe(3);
    expect(quantileR7(v, 0.75)).toBe(7);
    expect(quantileR7([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 15);
    expect(quantileR7([5], 0.75)).toBe(5);
    expect(quantileR7([], 0.5)).toBeNaN();
  });
});
