/**
 * Sphere and slab filters (Steinhardt, Koh & Liang, "Certified Defenses for Data Poisoning Attacks", NeurIPS
 * 2017, §4 "Fixed defenses" and §5): the sphere defence removes points far from their class centroid,
 * ‖x − μ_y‖₂ > r_y; the slab defence removes points far along the line between the class centroids,
 * |⟨x − μ_y, μ_y − μ_ȳ⟩| > s_y. Here both rank rows (the distances are the scores), flag the ⌈1.5·ε·n_c⌉
 * largest per class like the other ε-budget detectors, and add robust p-values and a per-class normality test.
 */
import { normalityTest, robustNormalPValues } from '../calibration.ts';
import { classMean, rowsByClass, type Matrix } from '../matrix.ts';
import { flagTop, removalBudget } from '../spectral.ts';
import type { ClassDetector, ClassTest, Diagnostics, GlobalDetector } from './types.ts';

/**
 * Sphere filter for one class: score = ‖x_i − c‖₂.
 * With `robust`, c is the coordinate-wise median rather than the mean: a poisoned sub-population of fraction ε
 * shifted by δ pulls the mean by ε·δ toward itself — which shortens exactly the distances that should stand out —
 * while it moves each coordinate's median by O(ε·σ) whatever δ is (breakdown point 1/2 per coordinate). The
 * median is found by selection, O(n) per coordinate, so the detector stays O(n·d).
 * p-values: log distances fitted by a robust normal (median, MAD), upper tail — for a Gaussian class the squared
 * distance is a weighted χ², whose logarithm is close to normal when many dimensions contribute.
 * Class test: D'Agostino K² on the log distances (the same values the p-values use). The Wilson–Hilferty cube
 * root of the squared distance, exact-ish for a χ² with equal weights, was tried first: on clean planted classes
 * (a few dominant latent directions) it stayed right-skewed (skewness 0.3–0.6) and rejected 41 of 48; the log
 * was symmetric (|skewness| ≤ 0.13). A far sub-population adds a right tail or a second mode.
 * @example sphereClass(x, rowsOfClass, { epsilon: 0.05, robust: true }).scores // distances to the class median
 */
export const sphereClass: ClassDetector<{ epsilon: number; robust: boolean }> = (x, rowIndex, params, onProgress) => {
  validateEpsilon(params.epsilon, 'sphereClass');
  const n = rowIndex.length;
  const d = x.cols;
  const data = x.data;
  const mean = classMean(x, rowIndex);
  const centre = params.robust ? coordinateMedian(x, rowIndex) : mean;
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const base = rowIndex[i] * d;
    let s = 0;
    for (let a = 0; a < d; a++) {
      const t = data[base + a] - centre[a];
      s += t * t;
    }
    scores[i] = Math.sqrt(s);
  }
  const ruleFlags = new Uint8Array(n);
  flagTop(scores, removalBudget({ epsilon: params.epsilon, budgetFactor: 1.5 }, n), ruleFlags);
  const logDistances = Float64Array.from(scores, (r) => Math.log(r + 1e-300));
  const test = normalityTest(logDistances);
  let pull = 0;
  for (let a = 0; a < d; a++) pull += (mean[a] - centre[a]) ** 2;
  onProgress?.(1);
  return {
    scores,
    pValues: robustNormalPValues(logDistances, 'upper'),
    nullStatistic: { values: Float64Array.from(logDistances), side: 'upper' },
    ruleFlags,
    classTest: n ? { method: "D'Agostino K² on the log distances to the class centroid", statistic: test.statistic, pValue: test.pValue } : null,
    projection: null,
    diagnostics: {
      centroid: params.robust ? 'coordinate-wise median' : 'mean',
      medianDistance: n ? quickMedian(Float64Array.from(scores)) : null,
      meanToCentroid: Math.sqrt(pull),
      skewness: test.skewness,
      kurtosis: test.kurtosis,
    },
  };
};

/**
 * Slab filter over the whole dataset: score = |t_i|, t_i = ⟨x_i − μ_y, u⟩ with u = (μ_y − μ_c)/‖μ_y − μ_c‖, y
 * the row's label and c another class's mean (Steinhardt et al. 2017, §4; they use class means and two classes).
 * Generalisation to K > 2 classes: c is, per row, the other class whose mean is nearest to the row — the class a
 * flipped or feature-collision row was taken from or is headed for, so the slab looks along the direction in
 * which it is out of place. The direction is normalised so that scores are distances, comparable across rows with
 * different c (for two classes this rescales each class's scores by a constant and changes no ranking).
 * Cost O(n·d·K): one dot product per row and class mean.
 * p-values: per class, a robust normal fitted to the signed t, two-sided (t is normal for a Gaussian class and a
 * fixed direction; |t| is half-normal, whose logarithm is not close to normal). Class test: K² on t.
 */
export const slabDetector: GlobalDetector<{ epsilon: number }> = (x, labels, classCount, params, onProgress) => {
  validateEpsilon(params.epsilon, 'slabDetector');
  const n = x.rows;
  const d = x.cols;
  const data = x.data;
  if (labels.length !== n) throw new RangeError(`'labels' passed to 'slabDetector' must have one entry per row (${n}); got ${labels.length}.`);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!(Number.isInteger(y) && y >= 0 && y < classCount)) throw new RangeError(`'labels' passed to 'slabDetector': row ${i} has label ${y}, outside 0…${classCount - 1}.`);
  }
  const byClass = rowsByClass(labels, classCount);
  const means = byClass.map((rows) => classMean(x, rows));
  const present = byClass.map((rows) => rows.length > 0);
  // Gram matrix of the means: ⟨x − μ_y, μ_y − μ_c⟩ = x·μ_y − x·μ_c − μ_y·μ_y + μ_y·μ_c.
  const gram = new Float64Array(classCount * classCount);
  for (let a = 0; a < classCount; a++) {
    for (let b = a; b < classCount; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += means[a][j] * means[b][j];
      gram[a * classCount + b] = gram[b * classCount + a] = s;
    }
  }
  const signed = new Float64Array(n);
  const other = new Int32Array(n).fill(-1);
  const dots = new Float64Array(classCount);
  for (let i = 0; i < n; i++) {
    const base = i * d;
    const y = labels[i];
    for (let c = 0; c < classCount; c++) {
      if (!present[c]) continue;
      const m = means[c];
      let s = 0;
      for (let j = 0; j < d; j++) s += data[base + j] * m[j];
      dots[c] = s;
    }
    // Nearest other mean: ‖x − μ_c‖² = ‖x‖² − 2x·μ_c + μ_c·μ_c, and ‖x‖² is common to all c.
    let best = -1;
    let bestDist = Infinity;
    for (let c = 0; c < classCount; c++) {
      if (c === y || !present[c]) continue;
      const dist = gram[c * classCount + c] - 2 * dots[c];
      if (dist < bestDist) {
        bestDist = dist;
        best = c;
      }
    }
    if (best < 0) continue;
    const gap2 = gram[y * classCount + y] - 2 * gram[y * classCount + best] + gram[best * classCount + best];
    if (!(gap2 > 0)) continue;
    other[i] = best;
    signed[i] = (dots[y] - dots[best] - gram[y * classCount + y] + gram[y * classCount + best]) / Math.sqrt(gap2);
  }
  onProgress?.(0.8);

  const scores = Float64Array.from(signed, Math.abs);
  const pValues = new Float64Array(n);
  const ruleFlags = new Uint8Array(n);
  const perClass: { classTest: ClassTest | null; diagnostics: Diagnostics }[] = [];
  byClass.forEach((rows, c) => {
    const t = Float64Array.from(rows, (r) => signed[r]);
    const s = Float64Array.from(rows, (r) => scores[r]);
    const p = robustNormalPValues(t, 'two-sided');
    const flags = new Uint8Array(rows.length);
    flagTop(s, removalBudget({ epsilon: params.epsilon, budgetFactor: 1.5 }, rows.length), flags);
    rows.forEach((r, i) => {
      pValues[r] = p[i];
      ruleFlags[r] = flags[i];
    });
    const counts = new Array<number>(classCount).fill(0);
    for (const r of rows) if (other[r] >= 0) counts[other[r]]++;
    const test = normalityTest(t);
    perClass.push({
      classTest: rows.length ? { method: "D'Agostino K² on the signed projection on the direction to the nearest other class mean", statistic: test.statistic, pValue: test.pValue } : null,
      diagnostics: { rows: rows.length, nearestClassCounts: counts, skewness: test.skewness, kurtosis: test.kurtosis },
    });
  });
  onProgress?.(1);
  return { scores, pValues, ruleFlags, perClass, diagnostics: { classes: classCount, direction: 'per row: to the nearest other class mean' } };
};

function validateEpsilon(epsilon: number, where: string): void {
  if (!(epsilon >= 0 && epsilon <= 0.5)) throw new RangeError(`'epsilon' passed to '${where}' must be in [0, 0.5]; got ${epsilon}.`);
}

/** Coordinate-wise median of the class's rows (the mean of the two middle values for even n), O(n) per column. */
export function coordinateMedian(x: Matrix, rowIndex: Int32Array): Float64Array {
  const n = rowIndex.length;
  const d = x.cols;
  const out = new Float64Array(d);
  if (n === 0) return out;
  const column = new Float64Array(n);
  for (let a = 0; a < d; a++) {
    for (let i = 0; i < n; i++) column[i] = x.data[rowIndex[i] * d + a];
    out[a] = quickMedian(column);
  }
  return out;
}

/** Median by Hoare's selection (expected O(n)); reorders `v`. Same value as calibration's `median`. */
function quickMedian(v: Float64Array): number {
  const n = v.length;
  const hi = select(v, n >> 1);
  if (n % 2) return hi;
  // The lower middle is the largest value left of position n/2 after selection.
  let lo = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (v[i] > lo) lo = v[i];
  return 0.5 * (lo + hi);
}

/** Places the k-th smallest value at position k, smaller ones before it, larger after; returns it. */
function select(v: Float64Array, k: number): number {
  let left = 0;
  let right = v.length - 1;
  while (right > left) {
    // Median of three as the pivot keeps sorted and reversed inputs linear.
    const mid = (left + right) >> 1;
    const a = v[left];
    const b = v[mid];
    const c = v[right];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = left;
    let j = right;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) {
        const t = v[i];
        v[i] = v[j];
        v[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return v[k];
  }
  return v[k];
}
