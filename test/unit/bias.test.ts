/**
 * Bias validation: Pearson's chi-square against scipy.stats.chi2_contingency(correction=False) (values
 * printed by SciPy 1.17.1 under /usr/bin/python3 and pasted below), disparities under the four-fifths rule
 * on constructed groups, and out-of-fold predictions against folds refitted by hand.
 */
import { describe, expect, it } from 'vitest';
import type { Matrix } from '../../shared/engine/matrix.ts';
import { biasReport, chiSquareIndependence, groupCodes, outOfFoldPredictions } from '../../shared/engine/privacy/bias.ts';
import { Random } from '../../shared/engine/random.ts';
import { predictProba, trainSoftmax } from '../../shared/engine/softmax.ts';

describe('chi-square test of independence', () => {
  it('matches SciPy on 2×2 and 2×3 tables', () => {
    const cases: [number[][], number, number, number, number][] = [
      [[[20, 30], [30, 20]], 4.0, 0.04550026389635857, 1, 0.2],
      [[[12, 5, 9], [3, 14, 8]], 9.706105263157893, 0.007804516834222103, 2, 0.43625197933497584],
      [[[10, 0], [0, 10]], 20.0, 7.744216431044088e-6, 1, 1.0],
    ];
    for (const [table, chi, p, dof, v] of cases) {
      const t = chiSquareIndependence(table);
      expect(t.chiSquare).toBeCloseTo(chi, 10);
      expect(t.dof).toBe(dof);
      expect(Math.abs(t.pValue - p) / p).toBeLessThan(1e-7);
      expect(t.cramersV).toBeCloseTo(v, 10);
    }
  });

  it('drops empty rows and columns; a single row is no test', () => {
    expect(chiSquareIndependence([[20, 0, 30], [0, 0, 0], [30, 0, 20]]).chiSquare).toBeCloseTo(4, 12);
    expect(chiSquareIndependence([[5, 5]])).toMatchObject({ chiSquare: 0, dof: 0, pValue: 1 });
  });
});

describe('disparities', () => {
  // Groups A and B of 100 rows, C of 5. A: 2 flagged, all correct. B: 20 flagged, half correct.
  const n = 205;
  const groups = Int32Array.from({ length: n }, (_, i) => (i < 100 ? 0 : i < 200 ? 1 : 2));
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
  const flagged = Uint8Array.from({ length: n }, (_, i) => (i < 2 || (i >= 100 && i < 120) ? 1 : 0));
  const predicted = Int32Array.from(labels, (y, i) => (i >= 100 && i < 200 && i % 4 < 2 ? 1 - y : y));
  const report = biasReport({ column: 'group', groups, groupNames: ['A', 'B', 'C'], labels, classNames: ['no', 'yes'], flags: [{ detector: 'spectral', flagged }], predicted, folds: 5 });

  it('per-group rows, class counts, flag rates and accuracy', () => {
    expect(report.groups.map((g) => [g.name, g.rows, g.classCounts, g.flagRates, g.accuracy])).toEqual([
      ['A', 100, [50, 50], [0.02], 1],
      ['B', 100, [50, 50], [0.2], 0.5],
      ['C', 5, [3, 2], [0], 1],
    ]);
    expect(report.overallAccuracy).toBeCloseTo(155 / 205, 12);
  });

  it('four-fifths rule on accuracy and on flag rates; small groups are not compared', () => {
    const byKey = new Map(report.disparities.map((d) => [`${d.metric}/${d.group}`, d]));
    expect(byKey.get('accuracy/B')).toMatchObject({ ratio: 0.5, fails: true, bestGroup: 'A' });
    expect(byKey.get('accuracy/A')).toMatchObject({ ratio: 1, fails: false });
    expect(byKey.get('flagged by spectral/B')!.ratio).toBeCloseTo(0.1, 12);
    expect(byKey.get('flagged by spectral/B')!.fails).toBe(true);
    expect(byKey.get('flagged by spectral/A')!.fails).toBe(false);
    expect([...byKey.keys()].some((k) => k.endsWith('/C'))).toBe(false);
  });

  it('tests: class balance independent of group, flags and correctness not', () => {
    const [balance, flags, correct] = report.tests;
    expect(balance.table).toBe('group × class');
    expect(balance.pValue).toBeGreaterThan(0.5);
    expect(flags.pValue).toBeLessThan(1e-3);
    expect(correct.pValue).toBeLessThan(1e-10);
  });

  it('group codes in order of appearance, blanks as (missing)', () => {
    expect(groupCodes(['f', 'm', ' ', 'f'])).toEqual({ codes: Int32Array.of(0, 1, 2, 0), names: ['f', 'm', '(missing)'] });
  });
});

describe('out-of-fold predictions', () => {
  it('equal the predictions of models refitted without each fold', () => {
    const rng = new Random(9);
    const rows = 90;
    const cols = 3;
    const data = new Float32Array(rows * cols).map(() => rng.normal());
    const labels = Int32Array.from({ length: rows }, (_, i) => (data[i * cols] + 0.3 * rng.normal() > 0 ? 1 : 0));
    const x: Matrix = { data, rows, cols };
    const oof = outOfFoldPredictions(x, labels, 2, 3, 1e-2, 42);
    const order = new Random(42).permutation(rows);
    for (let f = 0; f < 3; f++) {
      const test = Int32Array.from(order.filter((_, i) => i % 3 === f)).sort();
      const train = Int32Array.from(order.filter((_, i) => i % 3 !== f)).sort();
      const model = trainSoftmax(x, labels, 2, { l2: 1e-2, rowIndex: train });
      const p = predictProba(model, x, test);
      test.forEach((row, t) => expect(oof[row], `row ${row}`).toBe(p[2 * t + 1] > p[2 * t] ? 1 : 0));
    }
    const accuracy = oof.reduce((s, y, i) => s + (y === labels[i] ? 1 : 0), 0) / rows;
    expect(accuracy).toBeGreaterThan(0.8);
  });
});
