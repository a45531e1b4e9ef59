/**
 * Confident learning (Northcutt, Jiang & Chuang, "Confident Learning: Estimating Uncertainty in Dataset
 * Labels", JAIR 70, 2021, §2–3; cleanlab's `find_label_issues` with filter_by='prune_by_noise_rate').
 *
 * 1. Out-of-sample probabilities: stratified k-fold, one L2 softmax regression per fold (../softmax.ts), each
 *    predicting its held-out rows. CL needs probabilities from a model that never saw the row (§2, "out-of-sample
 *    predicted probabilities"); in-sample ones would echo the given label back.
 * 2. Per-class thresholds t_j = mean p̂_j over rows labelled j (§3.1, the expected self-confidence).
 * 3. The confident joint C[i][j] (§3.1 eq. 1): a row labelled i counts toward true class j when p̂_j ≥ t_j and
 *    j has the largest p̂ among the classes above their thresholds.
 * 4. Calibration (§3.1 eq. 2–3): C̃[i][j] = C[i][j]·n_i / Σ_j C[i][j], so each row sums to the label count
 *    n_i; Q = C̃/n estimates the joint of given and true labels.
 * 5. Prune by noise rate (§3.2, "Prune by Noise Rate"): for each off-diagonal (i, j), flag the n·Q[i][j] rows
 *    labelled i with the largest margin p̂_j − p̂_i.
 * 6. Rank the flagged rows by self-confidence p̂_label or by the normalized margin (§3.2; cleanlab `rank`).
 *
 * Where the paper leaves a detail open this follows cleanlab, and says so at the spot: the 1e-6 slack in the
 * threshold test, at least one count on each diagonal, and unflagging rows whose argmax is their label.
 * One deliberate difference: with two or more classes above threshold cleanlab takes the argmax over all
 * classes, which can be a class below its threshold; this takes it over the confident ones, as eq. 1 says.
 */
import type { Matrix } from '../matrix.ts';
import { Random } from '../random.ts';
import { predictProba, trainSoftmax } from '../softmax.ts';
import type { Diagnostics, GlobalDetection, GlobalDetector, Progress } from './types.ts';

export type RankBy = 'self_confidence' | 'normalized_margin';

export interface ConfidentLearningParams {
  folds: number;
  /** Ridge of each fold's softmax (mean cross-entropy + l2/2·‖W‖² on standardised features). */
  l2: number;
  /** Seed of the fold assignment. */
  seed: number;
  rankBy: RankBy;
}

/**
 * Optimiser settings of the fold models. CL uses only the probabilities, which settle long before the
 * weights do: against fits to ‖∇f‖₂ ≤ 1e-7 on planted data (3,000–10,000 rows, 32–128 dims, 5–10 classes),
 * stopping at 1e-4 moved no out-of-fold probability by more than 3e-3 and changed at most 2 flags, for a third
 * to a half of the iterations.
 */
export const FOLD_TRAINING = { maxIter: 300, tol: 1e-4 } as const;

/** Slack in p̂_j ≥ t_j − 1e-6 (cleanlab): a class whose rows all share one probability, whose mean may round
 * a hair above it, still counts its rows as confident. */
const THRESHOLD_SLACK = 1e-6;

/**
 * Stratified fold of every row: each class's rows in a seeded random order, dealt round-robin, each class
 * starting where the previous one stopped, so fold sizes differ by at most one and class shares match.
 * @example stratifiedFolds(Int32Array.of(0, 0, 1, 1), 2, 2, 0) // → each fold holds one row of each class
 */
export function stratifiedFolds(labels: Int32Array, classCount: number, folds: number, seed: number): Int32Array {
  if (!(Number.isInteger(folds) && folds >= 2)) throw new Error(`confident learning: 'folds' must be an integer ≥ 2, got ${folds}`);
  const rng = new Random(seed);
  const members: number[][] = Array.from({ length: classCount }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!(y >= 0 && y < classCount)) throw new Error(`confident learning: label of row ${i} is ${y}, outside 0..${classCount - 1}`);
    members[y].push(i);
  }
  const foldOf = new Int32Array(labels.length);
  let next = 0;
  for (const rows of members) {
    const order = rng.permutation(rows.length);
    for (let q = 0; q < rows.length; q++) {
      foldOf[rows[order[q]]] = next;
      next = (next + 1) % folds;
    }
  }
  return foldOf;
}

/** How one fold's model ended, and its held-out rows' probabilities. */
export interface FoldFit {
  fold: number;
  /** Held-out rows, ascending. */
  heldOut: Int32Array;
  /** heldOut.length × K, in heldOut order. */
  probabilities: Float64Array;
  iterations: number;
  gradNorm: number;
  converged: boolean;
}

/**
 * Trains on every row whose fold is not `fold` and predicts the rows whose fold is — one unit of work, so a
 * host can run the folds in parallel workers and scatter the results with `scatterFold`.
 * @example const fit = trainFold(x, labels, k, stratifiedFolds(labels, k, 5, 0), 2, { l2: 1e-3 })
 */
export function trainFold(
  x: Matrix,
  labels: Int32Array,
  classCount: number,
  foldOf: Int32Array,
  fold: number,
  options: { l2: number; maxIter?: number; tol?: number },
  onProgress?: Progress,
): FoldFit {
  let held = 0;
  for (let i = 0; i < foldOf.length; i++) if (foldOf[i] === fold) held++;
  const heldOut = new Int32Array(held);
  const train = new Int32Array(foldOf.length - held);
  for (let i = 0, h = 0, t = 0; i < foldOf.length; i++) {
    if (foldOf[i] === fold) heldOut[h++] = i;
    else train[t++] = i;
  }
  const model = trainSoftmax(
    x,
    labels,
    classCount,
    { l2: options.l2, rowIndex: train, maxIter: options.maxIter ?? FOLD_TRAINING.maxIter, tol: options.tol ?? FOLD_TRAINING.tol },
    onProgress,
  );
  return { fold, heldOut, probabilities: predictProba(model, x, heldOut), iterations: model.iterations, gradNorm: model.gradNorm, converged: model.converged };
}

/** Copies a fold's held-out probabilities into the n×K out-of-fold matrix. */
export function scatterFold(fit: FoldFit, classCount: number, into: Float64Array): void {
  const k = classCount;
  for (let r = 0; r < fit.heldOut.length; r++) into.set(fit.probabilities.subarray(r * k, r * k + k), fit.heldOut[r] * k);
}

export interface OutOfFold {
  /** n×K row-major; row i from the model that did not see row i. */
  probabilities: Float64Array;
  foldOf: Int32Array;
  /** Per fold, without the probabilities (already scattered). */
  fits: Omit<FoldFit, 'probabilities'>[];
}

/**
 * Out-of-fold predicted probabilities from stratified k-fold softmax regressions (folds run one after another;
 * a host with workers calls `trainFold` per fold instead).
 */
export function outOfFoldProbabilities(
  x: Matrix,
  labels: Int32Array,
  classCount: number,
  options: { folds: number; l2: number; seed: number; maxIter?: number; tol?: number },
  onProgress?: Progress,
): OutOfFold {
  if (labels.length !== x.rows) throw new Error(`confident learning: 'labels' has ${labels.length} entries but 'x' has ${x.rows} rows`);
  const foldOf = stratifiedFolds(labels, classCount, options.folds, options.seed);
  const probabilities = new Float64Array(x.rows * classCount);
  const fits: Omit<FoldFit, 'probabilities'>[] = [];
  for (let f = 0; f < options.folds; f++) {
    const fit = trainFold(x, labels, classCount, foldOf, f, options, onProgress && ((p) => onProgress((f + p) / options.folds)));
    scatterFold(fit, classCount, probabilities);
    fits.push({ fold: fit.fold, heldOut: fit.heldOut, iterations: fit.iterations, gradNorm: fit.gradNorm, converged: fit.converged });
  }
  return { probabilities, foldOf, fits };
}

/** Everything confident learning derives from labels and out-of-sample probabilities. */
export interface LabelIssues {
  /** t_j; Infinity for a class with no labelled rows (nothing can be confidently counted into it). */
  thresholds: Float64Array;
  /** K×K counts C[given][true], after the diagonal floor of 1. */
  confidentJoint: Int32Array;
  /** K×K estimate Q of the joint of given and true labels (eq. 3); sums to 1, row i to n_i/n. */
  calibratedJoint: Float64Array;
  /** K×K integer n·Q, rounded keeping each row's total n_i: how many rows of each (given, true) pair to prune. */
  pruneCounts: Int32Array;
  /** 1 for a label issue. */
  isIssue: Uint8Array;
  /** The issues, most suspicious first (lowest self-confidence or normalized margin; ties by row). */
  ranked: Int32Array;
  /** p̂ of the given label per row. */
  selfConfidence: Float64Array;
  /** (p̂_label − max_{k≠label} p̂_k + 1)/2 per row, in [0, 1] (cleanlab's normalized margin). */
  normalizedMargin: Float64Array;
}

/**
 * Confident learning on given out-of-sample probabilities (steps 2–6 of the file header): the part that
 * needs no training, so it is tested apart from it.
 * @example findLabelIssues(labels, outOfFold.probabilities, k, 'self_confidence').ranked
 */
export function findLabelIssues(labels: Int32Array, probabilities: Float64Array, classCount: number, rankBy: RankBy): LabelIssues {
  const k = classCount;
  const n = labels.length;
  if (probabilities.length !== n * k) throw new Error(`findLabelIssues: 'probabilities' has ${probabilities.length} entries, expected rows × classes = ${n} × ${k}`);
  const byClass: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!(y >= 0 && y < k)) throw new Error(`findLabelIssues: label of row ${i} is ${y}, outside 0..${k - 1}`);
    byClass[y].push(i);
  }

  // Thresholds t_j (§3.1): the mean self-confidence of class j.
  const thresholds = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let sum = 0;
    for (const i of byClass[j]) sum += probabilities[i * k + j];
    thresholds[j] = byClass[j].length > 0 ? sum / byClass[j].length : Infinity;
  }

  // Confident joint (eq. 1): the argmax of p̂ over the classes at or above their thresholds.
  const joint = new Int32Array(k * k);
  for (let i = 0; i < n; i++) {
    let best = -1;
    for (let j = 0; j < k; j++) {
      const p = probabilities[i * k + j];
      if (p >= thresholds[j] - THRESHOLD_SLACK && (best < 0 || p > probabilities[i * k + best])) best = j;
    }
    if (best >= 0) joint[labels[i] * k + best]++;
  }
  // cleanlab: every class keeps at least one confident correct count, so a row of C is never all zero and
  // the calibration below never divides by zero.
  for (let i = 0; i < k; i++) joint[i * k + i] = Math.max(joint[i * k + i], 1);

  // Calibration (eq. 2) and the joint Q (eq. 3); prune counts n·Q rounded with each row's total kept.
  const calibrated = new Float64Array(k * k);
  const prune = new Int32Array(k * k);
  const row = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let total = 0;
    for (let j = 0; j < k; j++) total += joint[i * k + j];
    const ni = byClass[i].length;
    for (let j = 0; j < k; j++) {
      row[j] = (joint[i * k + j] * ni) / total;
      calibrated[i * k + j] = n > 0 ? row[j] / n : 0;
    }
    prune.set(roundKeepingTotal(row, ni), i * k);
  }

  // Prune by noise rate (§3.2): rows labelled i with the largest p̂_j − p̂_i, n·Q[i][j] of them.
  const isIssue = new Uint8Array(n);
  for (let i = 0; i < k; i++) {
    const rows = byClass[i];
    for (let j = 0; j < k; j++) {
      const m = prune[i * k + j];
      if (j === i || m <= 0) continue;
      const margin = (r: number) => probabilities[r * k + j] - probabilities[r * k + i];
      const order = rows.slice().sort((a, b) => margin(b) - margin(a) || a - b);
      for (let q = 0; q < Math.min(m, order.length); q++) isIssue[order[q]] = 1;
    }
  }

  // cleanlab's last step: a row the model predicts as its own label is not an issue.
  const selfConfidence = new Float64Array(n);
  const normalizedMargin = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    const own = probabilities[i * k + y];
    let arg = 0;
    let other = -Infinity;
    for (let j = 0; j < k; j++) {
      const p = probabilities[i * k + j];
      if (p > probabilities[i * k + arg]) arg = j;
      if (j !== y && p > other) other = p;
    }
    if (arg === y) isIssue[i] = 0;
    selfConfidence[i] = own;
    // With one class there is no other label: the margin is p̂ − 0.
    normalizedMargin[i] = (own - (k > 1 ? other : 0) + 1) / 2;
  }

  const quality = rankBy === 'self_confidence' ? selfConfidence : normalizedMargin;
  const issues: number[] = [];
  for (let i = 0; i < n; i++) if (isIssue[i]) issues.push(i);
  issues.sort((a, b) => quality[a] - quality[b] || a - b);
  return { thresholds, confidentJoint: joint, calibratedJoint: calibrated, pruneCounts: prune, isIssue, ranked: Int32Array.from(issues), selfConfidence, normalizedMargin };
}

/**
 * Integers summing to `total` closest to `values` (which sum to it up to rounding): floors, then one more to
 * the largest remainders, ties to the lower index (largest-remainder rounding; cleanlab's
 * round_preserving_row_totals reaches the same counts by adjusting rounded values).
 */
function roundKeepingTotal(values: Float64Array, total: number): Int32Array {
  const out = Int32Array.from(values, Math.floor);
  let missing = total;
  for (const v of out) missing -= v;
  const order = Array.from(values.keys()).sort((a, b) => values[b] - out[b] - (values[a] - out[a]) || a - b);
  for (let q = 0; q < missing && q < order.length; q++) out[order[q]]++;
  return out;
}

/** A GlobalDetection plus what the host may show besides: the probabilities and the ranked issues. */
export interface ConfidentLearningDetection extends GlobalDetection {
  /** n×K out-of-fold probabilities. */
  probabilities: Float64Array;
  /** Label issues, most suspicious first. */
  ranked: Int32Array;
}

/**
 * The detector's result from labels and out-of-fold probabilities (for a host that trained the folds in
 * workers). scores: 1 − self-confidence, or 1 − normalized margin, so higher = more suspicious; ruleFlags:
 * the pruned label issues. pValues: null — out-of-fold probabilities of mislabelled rows are not draws from
 * any null distribution of clean rows, so a p-value would need a trusted clean reference (calibration.ts's
 * conformal p-values can supply one).
 */
export function labelIssueDetection(
  labels: Int32Array,
  probabilities: Float64Array,
  classCount: number,
  rankBy: RankBy,
  training: { folds: number; l2: number; fits: Omit<FoldFit, 'probabilities' | 'heldOut'>[] },
): ConfidentLearningDetection {
  const k = classCount;
  const n = labels.length;
  const found = findLabelIssues(labels, probabilities, k, rankBy);
  const quality = rankBy === 'self_confidence' ? found.selfConfidence : found.normalizedMargin;
  const scores = Float64Array.from(quality, (q) => 1 - q);

  let correct = 0;
  const labelled = new Int32Array(k);
  const issues = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    labelled[y]++;
    if (found.isIssue[i]) issues[y]++;
    let arg = 0;
    for (let j = 1; j < k; j++) if (probabilities[i * k + j] > probabilities[i * k + arg]) arg = j;
    if (arg === y) correct++;
  }
  let offDiagonal = 0;
  const perClass = Array.from({ length: k }, (_, i) => {
    let rowMass = 0;
    for (let j = 0; j < k; j++) rowMass += found.calibratedJoint[i * k + j];
    const wrong = rowMass - found.calibratedJoint[i * k + i];
    offDiagonal += wrong;
    const diagnostics: Diagnostics = {
      threshold: Number.isFinite(found.thresholds[i]) ? found.thresholds[i] : null,
      labelled: labelled[i],
      // P(true ≠ i | given = i) from the calibrated joint: the share of class i's rows estimated mislabelled.
      noiseRate: rowMass > 0 ? wrong / rowMass : 0,
      issues: issues[i],
    };
    return { classTest: null, diagnostics };
  });
  return {
    scores,
    pValues: null,
    ruleFlags: found.isIssue,
    perClass,
    diagnostics: {
      rankBy,
      folds: training.folds,
      l2: training.l2,
      issues: found.ranked.length,
      outOfFoldAccuracy: n > 0 ? correct / n : 0,
      estimatedNoiseRate: offDiagonal,
      // Row-major K×K Q[given][true].
      calibratedJoint: Array.from(found.calibratedJoint),
      foldIterations: training.fits.map((f) => f.iterations),
      foldGradNorms: training.fits.map((f) => f.gradNorm),
      foldsConverged: training.fits.every((f) => f.converged),
    },
    probabilities,
    ranked: found.ranked,
  };
}

/**
 * Confident learning end to end: out-of-fold softmax probabilities, then `labelIssueDetection`.
 * @example confidentLearning(x, labels, 10, { folds: 5, l2: 1e-3, seed: 0, rankBy: 'self_confidence' }).ruleFlags
 */
export const confidentLearning = ((x, labels, classCount, params, onProgress?) => {
  const oof = outOfFoldProbabilities(x, labels, classCount, params, onProgress && ((p) => onProgress(Math.min(0.99, p))));
  const detection = labelIssueDetection(labels, oof.probabilities, classCount, params.rankBy, { folds: params.folds, l2: params.l2, fits: oof.fits });
  onProgress?.(1);
  return detection;
}) satisfies GlobalDetector<ConfidentLearningParams>;
