/**
 * Turns a detector's raw output for one class into decisions, the same way for every detector: p-values
 * (conformal when trusted reference rows were scored alongside), flags under the scan's rule, the
 * contamination estimate and the class verdict. Also the cross-detector consensus.
 */
import type { FlagRule } from '../../domain/detectors.ts';
import { benjaminiHochberg, conformalPValues, contaminationEstimate, percentileRanks, referenceNormalPValues } from '../calibration.ts';
import { flagTop, removalBudget } from '../spectral.ts';
import type { ClassDetection } from './types.ts';

export interface ClassOutcome {
  /** Per dataset row of the class (reference rows removed), in the class's row order. */
  scores: Float64Array;
  pValues: Float64Array | null;
  /** Budget and rule flags; in FDR mode all zero until mergeClasses runs BH over the dataset. */
  flagged: Uint8Array;
  mode: FlagRule['mode'];
  contamination: number | null;
  verdict: 'suspicious' | 'clear' | 'untested';
}

/**
 * @param isReference per entry of the detector's output, 1 for trusted reference rows (scored alongside the
 *   class so the fit is symmetric in all rows, which makes their scores exchangeable with clean rows' scores).
 */
export function finishClass(
  raw: Pick<ClassDetection, 'scores' | 'pValues' | 'nullStatistic' | 'ruleFlags' | 'classTest'>,
  isReference: Uint8Array | null,
  rule: FlagRule,
  classCount: number,
): ClassOutcome {
  const keep = (a: Float64Array) => (isReference ? a.filter((_, i) => !isReference[i]) : a);
  const onlyReference = (a: Float64Array) => a.filter((_, i) => isReference![i] === 1);
  const scores = keep(raw.scores);
  let pValues = raw.pValues ? keep(raw.pValues) : null;
  if (isReference && isReference.some((r) => r)) {
    // Trusted clean rows: fit the detector's normal null to them when it has one (resolution to any p);
    // otherwise conformal p-values, whose resolution is 1/(reference rows + 1).
    pValues = raw.nullStatistic
      ? referenceNormalPValues(keep(raw.nullStatistic.values), onlyReference(raw.nullStatistic.values), raw.nullStatistic.side)
      : conformalPValues(scores, onlyReference(raw.scores));
  }
  const ruleFlags = raw.ruleFlags ? (isReference ? raw.ruleFlags.filter((_, i) => !isReference[i]) : raw.ruleFlags) : null;

  const n = scores.length;
  let flagged: Uint8Array = new Uint8Array(n);
  let mode: FlagRule['mode'] = rule.mode;
  if (rule.mode === 'budget') {
    flagTop(scores, removalBudget(rule, n), flagged);
  } else if (rule.mode === 'fdr' && pValues) {
    // Flagged later over all classes at once (mergeClasses): one BH over the whole dataset.
  } else if (ruleFlags) {
    flagged = Uint8Array.from(ruleFlags);
    mode = 'rule';
  } else {
    // Neither p-values nor a rule: nothing principled to flag with; the scores still rank.
    mode = 'rule';
  }
  // A test that cannot reach the Bonferroni level (a Monte Carlo test with few draws) cannot clear a class.
  const alpha = 0.05 / Math.max(1, classCount);
  const test = raw.classTest;
  const verdict = !test || (test.minAttainable ?? 0) >= alpha ? 'untested' : test.pValue < alpha ? 'suspicious' : 'clear';
  return { scores, pValues, flagged, mode, contamination: pValues ? contaminationEstimate(pValues) : null, verdict };
}

/** One detector's classes merged into dataset row order, with the flags and per-class counts. */
export interface MergedRun {
  scores: Float64Array;
  pValues: Float64Array | null;
  flagged: Uint8Array;
  mode: FlagRule['mode'];
  /** Per class: rows flagged and the smallest flagged score (Infinity when none). */
  perClass: { flagged: number; threshold: number }[];
}

/**
 * Merges per-class outcomes (each in its class's row order, `byClass`) into dataset row order. In FDR mode
 * Benjamini–Hochberg runs once over the whole dataset's p-values, so the flags' false-discovery rate is
 * controlled for the dataset as a whole; per-class BH would let each clean class add up to q·(its rows)
 * false flags with probability q.
 */
export function mergeClasses(outcomes: ClassOutcome[], byClass: Int32Array[], n: number, rule: FlagRule): MergedRun {
  const scores = new Float64Array(n);
  const hasP = outcomes.every((o) => o.pValues !== null);
  const pValues = hasP ? new Float64Array(n) : null;
  let flagged: Uint8Array = new Uint8Array(n);
  outcomes.forEach((o, c) =>
    byClass[c].forEach((row, i) => {
      scores[row] = o.scores[i];
      flagged[row] = o.flagged[i];
      if (pValues) pValues[row] = o.pValues![i];
    }),
  );
  let mode: FlagRule['mode'] = outcomes.some((o) => o.mode === 'rule') ? 'rule' : rule.mode;
  if (rule.mode === 'fdr' && pValues) {
    flagged = benjaminiHochberg(pValues, rule.q).flagged;
    mode = 'fdr';
  }
  const perClass = byClass.map((rows) => {
    let count = 0;
    let threshold = Infinity;
    for (const row of rows) {
      if (!flagged[row]) continue;
      count++;
      if (scores[row] < threshold) threshold = scores[row];
    }
    return { flagged: count, threshold };
  });
  return { scores, pValues, flagged, mode, perClass };
}

/** What the flags of a run assume, in one sentence for the UI and reports. */
export function flagNote(requested: FlagRule, used: FlagRule['mode'], ruleText: string): string {
  if (used === 'budget' && requested.mode === 'budget') {
    return `Top ⌈${requested.budgetFactor}·ε·n⌉ scores of every class with ε = ${requested.epsilon}: assumes at most ε of each class is poisoned, and flags that many even in a clean class.`;
  }
  if (used === 'fdr' && requested.mode === 'fdr') {
    return `Benjamini–Hochberg at q = ${requested.q} over all rows' p-values: about ${requested.q * 100}% of flags are expected to be clean rows; needs no poison rate, assumes the bulk of each class is clean.`;
  }
  const fallback = requested.mode === 'fdr' ? 'This detector gives no p-values, so its own rule decides: ' : 'Its own rule: ';
  return fallback + ruleText;
}

/**
 * Consensus across detectors: the mean, over runs, of each row's percentile rank of its score within its
 * class (Borda-style rank aggregation; ranks make scores of different detectors comparable).
 */
export function consensusRanks(runScores: Float64Array[], labels: Int32Array, byClass: Int32Array[]): Float64Array {
  const out = new Float64Array(labels.length);
  if (runScores.length === 0) return out;
  for (const rows of byClass) {
    for (const scores of runScores) {
      const ranks = percentileRanks(Float64Array.from(rows, (r) => scores[r]));
      rows.forEach((r, i) => (out[r] += ranks[i] / runScores.length));
    }
  }
  return out;
}

/** Bit r of a row's entry is set when run r flags it. */
export function agreementBits(runFlags: Uint8Array[], n: number): Uint16Array {
  const out = new Uint16Array(n);
  runFlags.forEach((flags, r) => {
    for (let i = 0; i < n; i++) if (flags[i]) out[i] |= 1 << r;
  });
  return out;
}
