/**
 * Exact and near duplicates (cleanlab Datalab's rule) and train/test leakage, against:
 *  1. test/fixtures/duplicates.json (scikit-learn NearestNeighbors: median nearest-neighbour distance, the
 *     0.13 × median threshold, the near pairs among the 10 nearest neighbours, and conflicting-label pairs);
 *  2. planted exact copies, near copies (tiny noise) and a conflicting-label copy in embedding-like data;
 *  3. hand-made cases: a forced hash bucket with unequal rows, ±0, more than k copies of one row.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crossDuplicates, duplicateDetector, exactCopies, findDuplicates } from '../../shared/engine/detectors/duplicates.ts';
import type { Matrix } from '../../shared/engine/matrix.ts';
import { Random } from '../../shared/engine/random.ts';
import { plant } from '../support/planted.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/duplicates.json', import.meta.url), 'utf8')) as {
  rows: number;
  cols: number;
  data: string;
  labels: number[];
  nearFactor: number;
  medianNnDistance: number;
  threshold: number;
  nnDistance: number[];
  pairs: [number, number][];
  conflictPairs: [number, number][];
};

function fixtureMatrix(): Matrix {
  const data = new Float32Array(Uint8Array.from(Buffer.from(fixture.data, 'base64')).buffer);
  return { data, rows: fixture.rows, cols: fixture.cols };
}

function copyRow(x: Matrix, from: number, to: number, noise = 0, rng?: Random): void {
  for (let t = 0; t < x.cols; t++) x.data[to * x.cols + t] = x.data[from * x.cols + t] + (noise && rng ? noise * rng.normal() : 0);
}

describe('findDuplicates against scikit-learn', () => {
  const x = fixtureMatrix();
  const labels = Int32Array.from(fixture.labels);
  const report = findDuplicates(x, labels, { nearFactor: fixture.nearFactor });

  it('median nearest-neighbour distance, threshold and per-row nn distances', () => {
    expect(report.medianNnDistance).toBeCloseTo(fixture.medianNnDistance, 5);
    expect(report.threshold).toBeCloseTo(fixture.threshold, 6);
    for (let i = 0; i < x.rows; i++) expect(Math.abs(report.nnDistance[i] - fixture.nnDistance[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, fixture.nnDistance[i]));
  });

  it('pairs: exact copies as a star on the lowest row, near pairs from the k-NN graph', () => {
    // The fixture lists every pair under the threshold; for an exact set {3, 10, 200, 399} the engine keeps the
    // star (3, ·), so compare the groups they induce and check every engine pair is a fixture pair.
    const fixturePairs = new Set(fixture.pairs.map(([a, b]) => `${a},${b}`));
    for (const p of report.pairs) expect(fixturePairs.has(`${p.a},${p.b}`), `${p.a},${p.b}`).toBe(true);
    expect(report.groups.map((g) => Array.from(g.rows))).toEqual([[3, 10, 200, 399], [7, 50], [60, 120], [250, 300]]);
    expect(report.groups.map((g) => g.exact)).toEqual([true, true, false, false]);
    expect(report.pairs.filter((p) => p.exact).map((p) => [p.a, p.b])).toEqual([[3, 10], [3, 200], [3, 399], [7, 50]]);
    for (const p of report.pairs) if (p.exact) expect(p.distance).toBe(0);
  });

  it('conflicting-label pairs are called out', () => {
    expect(report.conflicts.map((p) => [p.a, p.b])).toEqual(fixture.conflictPairs);
    expect(report.groups.find((g) => g.rows[0] === 7)!.labels).toHaveLength(2);
    expect(report.groups.find((g) => g.rows[0] === 3)!.labels).toHaveLength(1);
  });
});

describe('duplicateDetector on planted copies', () => {
  it('finds exact copies, near copies and a conflicting-label copy; nothing else', () => {
    const pl = plant({ rows: 3000, dims: 32, classes: 5, kind: 'random-flip', rate: 0, seed: 5 });
    const { x } = pl;
    const labels = Int32Array.from(pl.labels);
    const rng = new Random(6);
    const exact = [[10, 2000], [11, 2001], [12, 2002]];
    const near = [[20, 2100], [21, 2101], [22, 2102]];
    for (const [from, to] of exact) copyRow(x, from, to);
    for (const [from, to] of near) copyRow(x, from, to, 1e-3, rng); // noise σ·1e-3 per dim
    for (const [from, to] of [...exact, ...near]) labels[to] = labels[from];
    copyRow(x, 30, 2200);
    labels[2200] = (labels[30] + 1) % 5; // the same input with another label

    const out = duplicateDetector(x, labels, 5, { nearFactor: 0.13 });
    const expected = [...exact, ...near, [30, 2200]].flat().sort((a, b) => a - b);
    const flagged = Array.from(out.ruleFlags!).flatMap((f, i) => (f ? [i] : []));
    expect(flagged).toEqual(expected);
    expect(out.pValues).toBeNull();
    expect(out.diagnostics).toMatchObject({ groups: 7, exactGroups: 4, rowsInGroups: 14, conflictPairs: 1 });
    // Copies score highest (closest to 0 = −distance / median); every flagged row outranks every other.
    const minFlagged = Math.min(...expected.map((r) => out.scores[r]));
    const maxOther = Math.max(...Array.from(out.scores).filter((_, i) => !expected.includes(i)));
    expect(minFlagged).toBeGreaterThan(maxOther);
    expect(out.scores[2000]).toBe(-0);
    const conflicting = out.perClass.reduce((a, c) => a + (c.diagnostics.conflicting as number), 0);
    expect(conflicting).toBe(2);

    const report = findDuplicates(x, labels, { nearFactor: 0.13 });
    expect(report.conflicts).toEqual([{ a: 30, b: 2200, distance: 0, exact: true, conflict: true }]);
  });

  it('more copies than k: one group, g − 1 star pairs', () => {
    const rng = new Random(7);
    const x: Matrix = { data: Float32Array.from({ length: 200 * 4 }, () => rng.normal()), rows: 200, cols: 4 };
    const copies = Array.from({ length: 25 }, (_, i) => 100 + i);
    for (const r of copies) copyRow(x, 5, r);
    const report = findDuplicates(x, null, { nearFactor: 0.13 });
    expect(report.groups).toHaveLength(1);
    expect(Array.from(report.groups[0].rows)).toEqual([5, ...copies]);
    expect(report.pairs).toHaveLength(25);
    expect(report.conflicts).toHaveLength(0);
  });
});

describe('exactCopies', () => {
  it('bitwise: +0 and −0 differ, equal NaN bits match', () => {
    const x: Matrix = { data: Float32Array.of(0, 1, -0, 1, 0, 1, NaN, 2, NaN, 2), rows: 5, cols: 2 };
    expect(exactCopies(x).map((g) => Array.from(g))).toEqual([[0, 2], [3, 4]]);
  });

  it('no false matches among 20 000 distinct rows; works on a view with a byte offset', () => {
    const rng = new Random(8);
    const backing = new Float32Array(1 + 20000 * 3);
    for (let i = 1; i < backing.length; i++) backing[i] = rng.int(50); // small integers: many near-identical rows
    const data = backing.subarray(1);
    const x: Matrix = { data, rows: 20000, cols: 3 };
    const truth: number[][] = [];
    const firstOf = new Map<string, number[]>();
    for (let r = 0; r < x.rows; r++) {
      const key = Array.from(data.subarray(r * 3, r * 3 + 3)).join(',');
      const list = firstOf.get(key);
      if (list) list.push(r);
      else firstOf.set(key, [r]);
    }
    for (const list of firstOf.values()) if (list.length > 1) truth.push(list);
    truth.sort((a, b) => a[0] - b[0]);
    expect(exactCopies(x).map((g) => Array.from(g))).toEqual(truth);
  });
});

describe('crossDuplicates (train/test leakage)', () => {
  it('finds exact and near leaks, a relabelled leak, and nothing else', () => {
    const train = plant({ rows: 2000, dims: 24, classes: 4, kind: 'random-flip', rate: 0, seed: 11 });
    const test = plant({ rows: 500, dims: 24, classes: 4, kind: 'random-flip', rate: 0, seed: 11 + 100 });
    const testLabels = Int32Array.from(test.labels);
    const rng = new Random(12);
    const d = 24;
    const leaks: [number, number, boolean][] = [[5, 0, true], [6, 1, true], [7, 2, false], [8, 3, false], [9, 4, true]];
    for (const [tr, te, isExact] of leaks) {
      for (let t = 0; t < d; t++) test.x.data[te * d + t] = train.x.data[tr * d + t] + (isExact ? 0 : 1e-3 * rng.normal());
      testLabels[te] = train.labels[tr];
    }
    testLabels[4] = (train.labels[9] + 1) % 4;

    const out = crossDuplicates(train.x, test.x, { nearFactor: 0.13 }, { train: train.labels, test: testLabels });
    expect(out.pairs.map((p) => [p.a, p.b, p.exact])).toEqual([[5, 0, true], [6, 1, true], [9, 4, true], [7, 2, false], [8, 3, false]]);
    expect(out.conflicts.map((p) => [p.a, p.b])).toEqual([[9, 4]]);
    expect(Array.from(out.testFlags).flatMap((f, i) => (f ? [i] : []))).toEqual([0, 1, 2, 3, 4]);
    expect(out.leakedFraction).toBe(5 / 500);
    expect(out.threshold).toBeCloseTo(0.13 * out.medianNnDistance, 12);
  });

  it('the "near" scale stays put when most of the test set is leaked', () => {
    const train = plant({ rows: 1500, dims: 16, classes: 3, kind: 'random-flip', rate: 0, seed: 21 });
    const rng = new Random(22);
    const test: Matrix = { data: new Float32Array(300 * 16), rows: 300, cols: 16 };
    for (let r = 0; r < 300; r++) for (let t = 0; t < 16; t++) test.data[r * 16 + t] = train.x.data[(r * 4) * 16 + t] + 1e-3 * rng.normal();
    const out = crossDuplicates(train.x, test, { nearFactor: 0.13 });
    expect(out.leakedFraction).toBe(1);
    expect(out.medianNnDistance).toBeGreaterThan(1);
  });
});
