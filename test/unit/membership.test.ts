/**
 * Loss-threshold membership inference (Yeom et al. 2018): the AUC and advantage against brute-force pairwise
 * and threshold counts, then the attack itself — near chance on a model that cannot memorise (strong L2,
 * many rows, few features) and far above it on one that does (tiny L2, few rows, many random features,
 * random labels).
 */
import { describe, expect, it } from 'vitest';
import type { Matrix } from '../../shared/engine/matrix.ts';
import { lossRoc, lowerIsPositiveAuc, membershipInference, readMembership, rowLosses } from '../../shared/engine/privacy/membership.ts';
import { Random } from '../../shared/engine/random.ts';
import { predictProba, trainSoftmax } from '../../shared/engine/softmax.ts';

function bruteAuc(pos: Float64Array, neg: Float64Array): number {
  let wins = 0;
  for (const p of pos) for (const q of neg) wins += p < q ? 1 : p === q ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

function bruteAdvantage(pos: Float64Array, neg: Float64Array): number {
  let best = 0;
  for (const t of [...pos, ...neg]) {
    const tpr = pos.filter((v) => v <= t).length / pos.length;
    const fpr = neg.filter((v) => v <= t).length / neg.length;
    best = Math.max(best, tpr - fpr);
  }
  return best;
}

/** Gaussian features; labels from a linear rule (learnable) or uniformly random (only memorisable). */
function data(rows: number, cols: number, classes: number, randomLabels: boolean, rng: Random): { x: Matrix; labels: Int32Array } {
  const x = new Float32Array(rows * cols).map(() => rng.normal());
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    if (randomLabels) labels[i] = rng.int(classes);
    else {
      const s = x[i * cols] + 0.5 * x[i * cols + 1] + 0.8 * rng.normal();
      labels[i] = s > 0.4 ? 1 : s < -0.4 ? 2 % classes : 0;
    }
  }
  return { x: { data: x, rows, cols }, labels };
}

describe('AUC and advantage', () => {
  it('Mann–Whitney AUC equals the pairwise count, ties counted ½', () => {
    const rng = new Random(3);
    for (let t = 0; t < 20; t++) {
      const pos = Float64Array.from({ length: 1 + rng.int(40) }, () => Math.round(rng.normal() * 3) / 3);
      const neg = Float64Array.from({ length: 1 + rng.int(40) }, () => Math.round((rng.normal() + 0.3) * 3) / 3);
      expect(lowerIsPositiveAuc(pos, neg)).toBeCloseTo(bruteAuc(pos, neg), 12);
    }
    expect(lowerIsPositiveAuc(Float64Array.of(1, 2), Float64Array.of(3, 4))).toBe(1);
    expect(lowerIsPositiveAuc(Float64Array.of(3, 4), Float64Array.of(1, 2))).toBe(0);
    expect(lowerIsPositiveAuc(Float64Array.of(1, 1), Float64Array.of(1))).toBe(0.5);
  });

  it('the best TPR − FPR equals the brute-force maximum over thresholds; the ROC runs from (0,0) to (1,1)', () => {
    const rng = new Random(4);
    for (let t = 0; t < 20; t++) {
      const pos = Float64Array.from({ length: 2 + rng.int(60) }, () => Math.round(rng.normal() * 4) / 4);
      const neg = Float64Array.from({ length: 2 + rng.int(60) }, () => Math.round((rng.normal() + 0.5) * 4) / 4);
      const roc = lossRoc(pos, neg);
      expect(roc.advantage).toBeCloseTo(bruteAdvantage(pos, neg), 12);
      expect([roc.fpr[0], roc.tpr[0]]).toEqual([0, 0]);
      expect([roc.fpr[roc.fpr.length - 1], roc.tpr[roc.tpr.length - 1]]).toEqual([1, 1]);
      // The trapezoid area under the ROC is the AUC (ties make diagonal steps, worth ½).
      let area = 0;
      for (let i = 1; i < roc.fpr.length; i++) area += ((roc.fpr[i] - roc.fpr[i - 1]) * (roc.tpr[i] + roc.tpr[i - 1])) / 2;
      expect(area).toBeCloseTo(lowerIsPositiveAuc(pos, neg), 12);
    }
  });

  it('row losses are −log p of the true class', () => {
    const p = Float64Array.of(0.7, 0.3, 0.2, 0.8);
    const { losses, correct } = rowLosses(p, Int32Array.of(0, 0), 2);
    expect(losses[0]).toBeCloseTo(-Math.log(0.7), 14);
    expect(losses[1]).toBeCloseTo(-Math.log(0.2), 14);
    expect(correct).toBe(1);
  });
});

describe('the attack', () => {
  it('is near chance on a model that cannot memorise (strong L2, 3000 rows, 4 features)', () => {
    const rng = new Random(21);
    const train = data(3000, 4, 3, false, rng);
    const test = data(3000, 4, 3, false, rng);
    const r = membershipInference({ train: train.x, trainLabels: train.labels, test: test.x, testLabels: test.labels, classCount: 3, l2: 1 });
    expect(Math.abs(r.auc - 0.5)).toBeLessThan(0.03);
    expect(r.advantage).toBeLessThan(0.06);
    expect(Math.abs(r.trainAccuracy - r.testAccuracy)).toBeLessThan(0.04);
    expect(r.level).toBe('low');
    // The ROC is thinned to ≤ 500 points for display; its area still agrees with the exact AUC to ~0.01.
    expect(Math.abs(r.auc - rocArea(r))).toBeLessThan(0.01);
    const model = trainSoftmax(train.x, train.labels, 3, { l2: 1, maxIter: 1000 });
    const members = rowLosses(predictProba(model, train.x), train.labels, 3).losses;
    const outsiders = rowLosses(predictProba(model, test.x), test.labels, 3).losses;
    expect(r.auc).toBeCloseTo(bruteAuc(members, outsiders), 12);
  });

  it('is far above chance on a model that memorises (tiny L2, 60 rows, 200 random features, random labels)', () => {
    const rng = new Random(22);
    const train = data(60, 200, 2, true, rng);
    const test = data(60, 200, 2, true, rng);
    const r = membershipInference({ train: train.x, trainLabels: train.labels, test: test.x, testLabels: test.labels, classCount: 2, l2: 1e-6 });
    expect(r.trainAccuracy).toBe(1);
    expect(r.auc).toBeGreaterThan(0.9);
    expect(r.advantage).toBeGreaterThan(0.6);
    expect(r.yeom.advantage).toBeGreaterThan(0.3); // the mean training loss is not the best threshold
    expect(r.meanMemberLoss).toBeLessThan(r.meanNonMemberLoss);
    expect(r.level).toBe('high');
    expect(r.reading).toMatch(/High exposure/);
    // The same fit (same data, options and optimiser) gives the same losses: the report's AUC is their
    // pairwise count.
    const model = trainSoftmax(train.x, train.labels, 2, { l2: 1e-6, maxIter: 1000 });
    const members = rowLosses(predictProba(model, train.x), train.labels, 2).losses;
    const outsiders = rowLosses(predictProba(model, test.x), test.labels, 2).losses;
    expect(r.auc).toBeCloseTo(bruteAuc(members, outsiders), 12);
    expect(r.advantage).toBeCloseTo(bruteAdvantage(members, outsiders), 12);
  });
});

/** The trapezoid area under the report's (thinned) ROC curve. */
function rocArea(r: { roc: { fpr: Float64Array; tpr: Float64Array } }): number {
  let area = 0;
  for (let i = 1; i < r.roc.fpr.length; i++) area += ((r.roc.fpr[i] - r.roc.fpr[i - 1]) * (r.roc.tpr[i] + r.roc.tpr[i - 1])) / 2;
  return area;
}

describe('reading', () => {
  it('bands', () => {
    expect(readMembership(0.5, 0.02, 0.8, 0.8).level).toBe('low');
    expect(readMembership(0.58, 0.05, 0.9, 0.8).level).toBe('moderate');
    expect(readMembership(0.52, 0.25, 1, 0.6).level).toBe('high');
    expect(readMembership(0.7, 0.1, 1, 0.6).reading).toMatch(/AUC 0\.700/);
  });
});
