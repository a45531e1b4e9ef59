/**
 * Bias validation over a protected attribute: per group, the class balance, the detectors' flag rates and the
 * model's out-of-fold accuracy, with disparities and tests of independence.
 *
 * - Disparity ratios follow the four-fifths rule of the US Uniform Guidelines on Employee Selection Procedures
 *   (29 CFR 1607.4(D), 1978): a group whose rate of the favourable outcome is below 4/5 of the best group's
 *   shows adverse impact. Favourable outcomes here: being classified correctly (ratio = accuracy / best
 *   accuracy), and not being flagged — for flags the ratio is taken on the adverse outcome itself, lowest flag
 *   rate / this group's flag rate, because flag rates are small and 1 − rate would hide a tenfold difference
 *   (a poisoning attack aimed at one group shows up exactly as such a difference).
 * - Independence of group and class, group and flag, group and correctness: Pearson's chi-square test on the
 *   contingency table (expected counts row·column/n, dof (r−1)(c−1), rows and columns that are all zero
 *   dropped), with Cramér's V = √(χ²/(n·(min(r, c) − 1))) as the effect size (Cramér 1946, §21.9).
 */
import { FOUR_FIFTHS, type BiasReport, type Disparity, type GroupMetrics, type IndependenceTest } from '../../domain/privacy.ts';
import type { Matrix } from '../matrix.ts';
import { Random } from '../random.ts';
import { predictProba, trainSoftmax } from '../softmax.ts';
import { chiSquareUpper } from '../special.ts';

/**
 * Pearson's chi-square test of independence on a contingency table (rows × columns of counts).
 * @example chiSquareIndependence([[10, 0], [0, 10]]).chiSquare // → 20
 */
export function chiSquareIndependence(table: number[][], name = 'table'): IndependenceTest {
  const rows = table.filter((r) => r.some((v) => v > 0));
  const columns = rows.length ? rows[0].map((_, j) => j).filter((j) => rows.some((r) => r[j] > 0)) : [];
  const t = rows.map((r) => columns.map((j) => r[j]));
  const n = t.reduce((s, r) => s + r.reduce((a, b) => a + b, 0), 0);
  const r = t.length;
  const c = columns.length;
  if (r < 2 || c < 2 || n === 0) return { table: name, chiSquare: 0, dof: 0, pValue: 1, cramersV: 0 };
  const rowSums = t.map((row) => row.reduce((a, b) => a + b, 0));
  const colSums = columns.map((_, j) => t.reduce((s, row) => s + row[j], 0));
  let chi = 0;
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      const expected = (rowSums[i] * colSums[j]) / n;
      chi += (t[i][j] - expected) ** 2 / expected;
    }
  }
  const dof = (r - 1) * (c - 1);
  return { table: name, chiSquare: chi, dof, pValue: chiSquareUpper(chi, dof), cramersV: Math.sqrt(chi / (n * (Math.min(r, c) - 1))) };
}

/**
 * Out-of-fold predicted classes of the softmax model: rows split into `folds` seeded random folds, each
 * predicted by the model trained on the other folds, so every row is predicted by a model that never saw it.
 */
export function outOfFoldPredictions(x: Matrix, labels: Int32Array, classCount: number, folds: number, l2: number, seed: number, onProgress?: (fraction: number) => void): Int32Array {
  const n = x.rows;
  const k = Math.max(2, Math.min(folds, n));
  const order = new Random(seed).permutation(n);
  const fold = new Int32Array(n);
  order.forEach((row, i) => (fold[row] = i % k));
  const predicted = new Int32Array(n);
  for (let f = 0; f < k; f++) {
    const trainRows: number[] = [];
    const testRows: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? testRows : trainRows).push(i);
    const model = trainSoftmax(x, labels, classCount, { l2, rowIndex: Int32Array.from(trainRows) }, (p) => onProgress?.((f + p) / k));
    const test = Int32Array.from(testRows);
    const proba = predictProba(model, x, test);
    test.forEach((row, t) => {
      let best = 0;
      for (let c = 1; c < classCount; c++) if (proba[t * classCount + c] > proba[t * classCount + best]) best = c;
      predicted[row] = best;
    });
  }
  onProgress?.(1);
  return predicted;
}

export interface BiasInput {
  column: string;
  /** Group of each row (index into groupNames). */
  groups: Int32Array;
  groupNames: string[];
  labels: Int32Array;
  classNames: string[];
  /** Per detector run: its name and per-row flags. */
  flags: { detector: string; flagged: Uint8Array }[];
  /** Out-of-fold predicted class per row, or null (no model). */
  predicted: Int32Array | null;
  folds: number;
  /** Groups with fewer rows are listed but not compared. */
  minGroupRows?: number;
}

/**
 * Per-group metrics, disparities (four-fifths rule) and chi-square tests.
 * @example biasReport({ column: 'sex', groups, groupNames: ['f', 'm'], labels, classNames, flags: [], predicted, folds: 5 })
 */
export function biasReport(input: BiasInput): BiasReport {
  const { groups, groupNames, labels, classNames, flags, predicted } = input;
  const minGroupRows = input.minGroupRows ?? 20;
  const g = groupNames.length;
  const k = classNames.length;
  const rows = new Array<number>(g).fill(0);
  const classCounts = Array.from({ length: g }, () => new Array<number>(k).fill(0));
  const flaggedCounts = flags.map(() => new Array<number>(g).fill(0));
  const correct = new Array<number>(g).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const grp = groups[i];
    rows[grp]++;
    classCounts[grp][labels[i]]++;
    flags.forEach((f, d) => (flaggedCounts[d][grp] += f.flagged[i]));
    if (predicted && predicted[i] === labels[i]) correct[grp]++;
  }
  const metrics: GroupMetrics[] = groupNames.map((name, j) => ({
    name,
    rows: rows[j],
    classCounts: classCounts[j],
    flagRates: flags.map((_, d) => (rows[j] ? flaggedCounts[d][j] / rows[j] : 0)),
    accuracy: predicted && rows[j] ? correct[j] / rows[j] : null,
  }));
  const compared = metrics.map((m, j) => ({ m, j })).filter(({ m }) => m.rows >= minGroupRows);

  const disparities: Disparity[] = [];
  if (predicted && compared.length >= 2) {
    const best = compared.reduce((a, b) => (b.m.accuracy! > a.m.accuracy! ? b : a));
    for (const { m } of compared) {
      const ratio = best.m.accuracy! > 0 ? m.accuracy! / best.m.accuracy! : 1;
      disparities.push({ metric: 'accuracy', group: m.name, value: m.accuracy!, best: best.m.accuracy!, bestGroup: best.m.name, ratio, fails: ratio < FOUR_FIFTHS });
    }
  }
  flags.forEach((f, d) => {
    if (compared.length < 2) return;
    const lowest = compared.reduce((a, b) => (b.m.flagRates[d] < a.m.flagRates[d] ? b : a));
    for (const { m } of compared) {
      const rate = m.flagRates[d];
      const ratio = rate > 0 ? lowest.m.flagRates[d] / rate : 1;
      disparities.push({ metric: `flagged by ${f.detector}`, group: m.name, value: rate, best: lowest.m.flagRates[d], bestGroup: lowest.m.name, ratio, fails: ratio < FOUR_FIFTHS });
    }
  });

  const tests: IndependenceTest[] = [chiSquareIndependence(classCounts, 'group × class')];
  flags.forEach((f, d) => tests.push(chiSquareIndependence(rows.map((r, j) => [flaggedCounts[d][j], r - flaggedCounts[d][j]]), `group × flagged by ${f.detector}`)));
  if (predicted) tests.push(chiSquareIndependence(rows.map((r, j) => [correct[j], r - correct[j]]), 'group × correctly classified'));

  let overall: number | null = null;
  if (predicted) overall = correct.reduce((a, b) => a + b, 0) / Math.max(1, labels.length);
  return {
    column: input.column,
    classNames,
    detectors: flags.map((f) => f.detector),
    groups: metrics,
    overallAccuracy: overall,
    folds: input.folds,
    disparities,
    tests,
    minGroupRows,
  };
}

/** Text values to group codes, groups in order of first appearance; empty text is "(missing)". */
export function groupCodes(values: readonly string[]): { codes: Int32Array; names: string[] } {
  const index = new Map<string, number>();
  const names: string[] = [];
  const codes = new Int32Array(values.length);
  values.forEach((raw, i) => {
    const v = raw.trim() === '' ? '(missing)' : raw.trim();
    let c = index.get(v);
    if (c === undefined) {
      c = names.length;
      index.set(v, c);
      names.push(v);
    }
    codes[i] = c;
  });
  return { codes, names };
}
