/**
 * Membership-inference exposure by the loss-threshold attack of Yeom, Giacomelli, Fredrikson, Jha, "Privacy
 * Risk in Machine Learning: Analyzing the Connection to Overfitting", IEEE CSF 2018. The attacker, given a
 * row and its label, guesses "member" when the model's loss on it is below a threshold τ. Its membership
 * advantage is TPR − FPR (Def. 4; Yeom's Alg. 1 takes τ = the mean training loss, Theorem 2 ties the advantage
 * to the generalisation gap); over all τ the best advantage is max(TPR − FPR) on the ROC curve, and the AUC
 * is the probability that a random member has a lower loss than a random non-member (ties count ½) — the
 * Mann–Whitney U statistic divided by n₁·n₀.
 *
 * The model is the workbench's L2-regularised softmax regression (softmax.ts), trained on the members only.
 */
import type { MembershipReport } from '../../domain/privacy.ts';
import type { Matrix } from '../matrix.ts';
import { predictProba, trainSoftmax } from '../softmax.ts';

/**
 * AUC of separating `positive` from `negative` where lower values mean positive (losses of members vs
 * non-members): P(pos < neg) + ½·P(pos = neg), by ranking both together with average ranks for ties.
 * @example lowerIsPositiveAuc(Float64Array.of(0.1, 0.2), Float64Array.of(0.3)) // → 1
 */
export function lowerIsPositiveAuc(positive: Float64Array, negative: Float64Array): number {
  const n1 = positive.length;
  const n0 = negative.length;
  if (n1 === 0 || n0 === 0) return NaN;
  const all = new Float64Array(n1 + n0);
  all.set(positive);
  all.set(negative, n1);
  const order = Uint32Array.from({ length: n1 + n0 }, (_, i) => i).sort((a, b) => all[a] - all[b]);
  // Rank sum of the negatives in ascending order (ties get their average rank): U₀ counts pairs where the
  // negative is larger, which is what "positive has the lower value" means.
  let rankSumNeg = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && all[order[j + 1]] === all[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) if (order[t] >= n1) rankSumNeg += rank;
    i = j + 1;
  }
  const u = rankSumNeg - (n0 * (n0 + 1)) / 2;
  return u / (n1 * n0);
}

/** ROC of "member when loss ≤ τ" over every distinct τ, plus the best TPR − FPR and its τ. */
export function lossRoc(members: Float64Array, nonMembers: Float64Array): { fpr: Float64Array; tpr: Float64Array; advantage: number; threshold: number } {
  const n1 = members.length;
  const n0 = nonMembers.length;
  const values = new Float64Array(n1 + n0);
  values.set(members);
  values.set(nonMembers, n1);
  const order = Uint32Array.from({ length: n1 + n0 }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const fpr = [0];
  const tpr = [0];
  let tp = 0;
  let fp = 0;
  let advantage = 0;
  let threshold = -Infinity;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]] === values[order[i]]) j++;
    for (let t = i; t <= j; t++) {
      if (order[t] < n1) tp++;
      else fp++;
    }
    const a = tp / n1 - fp / n0;
    if (a > advantage) {
      advantage = a;
      threshold = values[order[i]];
    }
    fpr.push(fp / n0);
    tpr.push(tp / n1);
    i = j + 1;
  }
  return { ...thin(fpr, tpr, 500), advantage, threshold };
}

/** At most ~`max` points of a monotone curve, always keeping both ends. */
function thin(x: number[], y: number[], max: number): { fpr: Float64Array; tpr: Float64Array } {
  if (x.length <= max) return { fpr: Float64Array.from(x), tpr: Float64Array.from(y) };
  const step = (x.length - 1) / (max - 1);
  const idx = Array.from({ length: max }, (_, i) => Math.round(i * step));
  return { fpr: Float64Array.from(idx, (i) => x[i]), tpr: Float64Array.from(idx, (i) => y[i]) };
}

/** Per-row cross-entropy −log p(y_i | x_i) (probabilities floored at 1e-15) and whether the argmax is y_i. */
export function rowLosses(probabilities: Float64Array, labels: Int32Array, classCount: number): { losses: Float64Array; correct: number } {
  const n = labels.length;
  const losses = new Float64Array(n);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const base = i * classCount;
    losses[i] = -Math.log(Math.max(1e-15, probabilities[base + labels[i]]));
    let best = 0;
    for (let c = 1; c < classCount; c++) if (probabilities[base + c] > probabilities[base + best]) best = c;
    if (best === labels[i]) correct++;
  }
  return { losses, correct };
}

export interface MembershipInput {
  train: Matrix;
  trainLabels: Int32Array;
  test: Matrix;
  testLabels: Int32Array;
  classCount: number;
  l2: number;
  onProgress?: (fraction: number) => void;
}

/** Trains on `train`, attacks with the losses of train (members) and test (non-members). */
export function membershipInference(input: MembershipInput): Omit<MembershipReport, 'nonMembers'> {
  const { train, trainLabels, test, testLabels, classCount, l2 } = input;
  if (train.rows < 2 || test.rows < 1) throw new Error(`membership inference needs at least 2 training rows and 1 held-out row (got ${train.rows} and ${test.rows})`);
  const model = trainSoftmax(train, trainLabels, classCount, { l2, maxIter: 1000 }, (f) => input.onProgress?.(0.9 * f));
  const member = rowLosses(predictProba(model, train), trainLabels, classCount);
  const outsider = rowLosses(predictProba(model, test), testLabels, classCount);
  const auc = lowerIsPositiveAuc(member.losses, outsider.losses);
  const roc = lossRoc(member.losses, outsider.losses);
  const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
  const meanMemberLoss = mean(member.losses);
  const meanNonMemberLoss = mean(outsider.losses);
  // Yeom et al.'s Alg. 1: member when the loss is at most the expected training loss.
  const tprYeom = member.losses.reduce((s, v) => s + (v <= meanMemberLoss ? 1 : 0), 0) / train.rows;
  const fprYeom = outsider.losses.reduce((s, v) => s + (v <= meanMemberLoss ? 1 : 0), 0) / test.rows;
  const trainAccuracy = member.correct / train.rows;
  const testAccuracy = outsider.correct / test.rows;
  const { level, reading } = readMembership(auc, roc.advantage, trainAccuracy, testAccuracy);
  input.onProgress?.(1);
  return {
    members: train.rows,
    nonMemberCount: test.rows,
    l2,
    auc,
    advantage: roc.advantage,
    bestThreshold: roc.threshold,
    yeom: { threshold: meanMemberLoss, tpr: tprYeom, fpr: fprYeom, advantage: tprYeom - fprYeom },
    trainAccuracy,
    testAccuracy,
    meanMemberLoss,
    meanNonMemberLoss,
    roc: { fpr: roc.fpr, tpr: roc.tpr },
    lossHistogram: histograms(member.losses, outsider.losses, 40),
    level,
    reading,
  };
}

function histograms(a: Float64Array, b: Float64Array, bins: number): MembershipReport['lossHistogram'] {
  let hi = 0;
  for (const v of a) hi = Math.max(hi, v);
  for (const v of b) hi = Math.max(hi, v);
  hi = Math.min(hi, 30) || 1;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i * hi) / bins);
  const count = (x: Float64Array) => {
    const out = new Array<number>(bins).fill(0);
    for (const v of x) out[Math.min(bins - 1, Math.floor((Math.min(v, hi) / hi) * bins))]++;
    return out;
  };
  return { edges, members: count(a), nonMembers: count(b) };
}

/**
 * The plain-language reading. Bands: AUC < 0.55 and advantage < 0.1 low; AUC ≥ 0.65 or advantage ≥ 0.2
 * high; moderate between. (A random guess has AUC 0.5 and advantage 0; the bands are ours, chosen so that
 * "high" means an attacker is right noticeably more often than chance on typical rows.)
 */
export function readMembership(auc: number, advantage: number, trainAccuracy: number, testAccuracy: number): { level: MembershipReport['level']; reading: string } {
  const gap = trainAccuracy - testAccuracy;
  const gapText = `training accuracy ${(100 * trainAccuracy).toFixed(1)} % vs held-out ${(100 * testAccuracy).toFixed(1)} % (gap ${(100 * gap).toFixed(1)} points)`;
  if (auc >= 0.65 || advantage >= 0.2) {
    return {
      level: 'high',
      reading: `High exposure: from the model's loss alone an attacker tells training rows from unseen rows with AUC ${auc.toFixed(3)} and advantage ${advantage.toFixed(3)} (0 = chance). The model memorises its training rows (${gapText}); whether a given record was in the training set can be inferred. Use stronger regularisation, more data, or differentially private training before releasing the model or its scores.`,
    };
  }
  if (auc >= 0.55 || advantage >= 0.1) {
    return {
      level: 'moderate',
      reading: `Moderate exposure: the loss separates training rows from unseen rows somewhat better than chance (AUC ${auc.toFixed(3)}, advantage ${advantage.toFixed(3)}; ${gapText}). Outliers and rare rows are the most exposed; consider stronger regularisation.`,
    };
  }
  return {
    level: 'low',
    reading: `Low exposure: the loss-threshold attack does little better than a coin flip (AUC ${auc.toFixed(3)}, advantage ${advantage.toFixed(3)}; ${gapText}). This bounds only this attack on this model; stronger attacks (shadow models, per-example thresholds) can do better.`,
  };
}
