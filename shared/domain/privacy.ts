/**
 * Privacy and bias validation of a loaded dataset (issue #8): what the analyst asks for and what comes back.
 * One request may hold any of five checks; each answers in its own section of the report. Nothing here ever
 * carries a raw PII match: only masked text leaves the worker that found it.
 */

/** The kinds of personal data and secrets the PII scan recognises (shared/engine/privacy/pii.ts says how). */
export type PiiType =
  | 'email'
  | 'phone'
  | 'credit-card'
  | 'iban'
  | 'us-ssn'
  | 'ipv4'
  | 'ipv6'
  | 'aws-access-key'
  | 'github-token'
  | 'private-key'
  | 'jwt'
  | 'api-key';

/** A numeric quasi-identifier generalised into bins of `binWidth` from `binOrigin` (e.g. age in 10-year bands). */
export interface QuasiIdentifier {
  column: string;
  /** null: the values are compared as they are (text). */
  binWidth: number | null;
  /** Start of the first bin; default 0. */
  binOrigin?: number;
}

export interface PrivacyRequest {
  datasetId: string;
  /** PII scan of these text columns. */
  pii: { columns: string[] } | null;
  /** k-anonymity and l-diversity over the quasi-identifiers; `sensitive` null = the class label. */
  anonymity: { quasiIdentifiers: QuasiIdentifier[]; k: number; sensitive: string | null } | null;
  /** Exact and near copies of the evaluation dataset's rows in this (training) dataset. */
  leakage: { evalDatasetId: string; nearFactor: number } | null;
  /**
   * Loss-threshold membership inference (Yeom et al. 2018): members are the training rows; non-members the
   * evaluation dataset's rows, or (evalDatasetId null) a seeded `holdoutFraction` of this dataset held out.
   */
  membership: { evalDatasetId: string | null; holdoutFraction: number; l2: number; seed: number } | null;
  /** Per-group class balance, detector flag rates (from a finished scan job) and out-of-fold accuracy. */
  bias: { column: string; scanJobId: string | null; folds: number; l2: number } | null;
}

// ------------------------------------------------------------------------------------------- PII

/** Findings of one PII type in one column. */
export interface PiiFinding {
  type: PiiType;
  column: string;
  /** Matches (a text can hold several). */
  matches: number;
  /** Rows with at least one match, ascending (dataset row indices). */
  rows: Int32Array;
  /** Up to 10 examples, masked: never the raw text. */
  examples: { row: number; masked: string; detail: string }[];
}

export interface PiiReport {
  columns: string[];
  /** Texts looked at (rows × columns). */
  texts: number;
  /** Rows with any finding in any column. */
  rowsWithPii: number;
  findings: PiiFinding[];
  /** What each recogniser matches, for the UI and reports. */
  rules: { type: PiiType; title: string; matches: string }[];
  seconds: number;
}

// ------------------------------------------------------------------------------------- anonymity

export interface EquivalenceClass {
  /** The generalised quasi-identifier values, in request order. */
  values: string[];
  size: number;
  /** Distinct sensitive values in the class. */
  distinct: number;
  /** exp(entropy) of the sensitive values in the class (entropy l-diversity's l). */
  entropyL: number;
  /** Up to 5 member rows. */
  rows: number[];
}

export interface AnonymityReport {
  quasiIdentifiers: QuasiIdentifier[];
  sensitive: string;
  /** The k asked for. */
  kTarget: number;
  /** Achieved k: the smallest equivalence class. */
  k: number;
  /** Achieved distinct l-diversity: the fewest distinct sensitive values in a class. */
  distinctL: number;
  /** Achieved entropy l-diversity: the smallest exp(entropy) over classes. */
  entropyL: number;
  classes: number;
  rows: number;
  /** Classes smaller than kTarget, and the rows in them (unique or nearly unique records). */
  classesBelowK: number;
  rowsBelowK: number;
  /** Rows alone in their class: re-identifiable from the quasi-identifiers alone. */
  uniqueRows: number;
  /** Prosecutor re-identification risk: the largest 1/size; the average is classes/rows. */
  maxRisk: number;
  averageRisk: number;
  /** Up to 50 smallest classes, smallest first. */
  smallest: EquivalenceClass[];
  /** Class sizes histogram: size → number of classes, for sizes 1…kTarget and "more". */
  sizeCounts: { size: string; classes: number }[];
}

// --------------------------------------------------------------------------------------- leakage

export interface LeakagePairView {
  trainRow: number;
  trainId: string;
  evalRow: number;
  evalId: string;
  distance: number;
  exact: boolean;
  /** Both labelled, with different labels. */
  conflict: boolean;
}

export interface LeakageReport {
  evalDatasetId: string;
  evalName: string;
  trainRows: number;
  evalRows: number;
  exactEvalRows: number;
  nearEvalRows: number;
  leakedFraction: number;
  medianNnDistance: number;
  threshold: number;
  nearFactor: number;
  conflicts: number;
  /** Up to 1000 pairs, exact first. */
  pairs: LeakagePairView[];
  pairsTotal: number;
}

// ------------------------------------------------------------------------------------ membership

export interface MembershipReport {
  /** How non-members were obtained. */
  nonMembers: { source: 'holdout'; fraction: number; seed: number } | { source: 'dataset'; datasetId: string; name: string };
  members: number;
  nonMemberCount: number;
  l2: number;
  /** AUC of the loss-threshold attack (score = −loss), by the Mann–Whitney U statistic. */
  auc: number;
  /** max over thresholds of TPR − FPR (Yeom et al. 2018, membership advantage). */
  advantage: number;
  /** The loss threshold achieving `advantage`. */
  bestThreshold: number;
  /** Yeom et al.'s own attack: threshold at the mean training loss. */
  yeom: { threshold: number; tpr: number; fpr: number; advantage: number };
  trainAccuracy: number;
  testAccuracy: number;
  meanMemberLoss: number;
  meanNonMemberLoss: number;
  /** ROC curve (FPR, TPR), at most ~500 points, from (0,0) to (1,1). */
  roc: { fpr: Float64Array; tpr: Float64Array };
  /** Member and non-member losses as histograms on common edges. */
  lossHistogram: { edges: number[]; members: number[]; nonMembers: number[] };
  level: 'low' | 'moderate' | 'high';
  reading: string;
}

// ------------------------------------------------------------------------------------------- bias

export interface GroupMetrics {
  name: string;
  rows: number;
  /** Rows per class, indexed like the dataset's classNames. */
  classCounts: number[];
  /** Flagged fraction per detector run of the scan, in the scan's order. */
  flagRates: number[];
  /** Out-of-fold accuracy of the softmax model on the group's rows. */
  accuracy: number | null;
}

export interface Disparity {
  /** What is compared, e.g. "accuracy", "not flagged by spectral", "share of class 'cat'". */
  metric: string;
  group: string;
  value: number;
  best: number;
  bestGroup: string;
  /** value / best; below 0.8 fails the four-fifths rule. */
  ratio: number;
  fails: boolean;
}

export interface IndependenceTest {
  /** e.g. "group × class". */
  table: string;
  chiSquare: number;
  dof: number;
  pValue: number;
  /** Cramér's V, the effect size. */
  cramersV: number;
}

export interface BiasReport {
  column: string;
  classNames: string[];
  /** Detector runs whose flag rates are compared; empty without a scan. */
  detectors: string[];
  groups: GroupMetrics[];
  overallAccuracy: number | null;
  folds: number;
  disparities: Disparity[];
  tests: IndependenceTest[];
  /** Groups smaller than this are left out of the disparities (too few rows for a rate). */
  minGroupRows: number;
}

export interface PrivacyReport {
  datasetId: string;
  datasetSha256: string;
  pii: PiiReport | null;
  anonymity: AnonymityReport | null;
  leakage: LeakageReport | null;
  membership: MembershipReport | null;
  bias: BiasReport | null;
}

export const FOUR_FIFTHS = 0.8;

/** The job list's title of a privacy job: the checks it runs. */
export function privacyJobTitle(job: { params: PrivacyRequest }): string {
  const p = job.params;
  const names = [p.pii && 'PII scan', p.anonymity && 'k-anonymity', p.leakage && 'leakage', p.membership && 'membership inference', p.bias && `bias by '${p.bias.column}'`].filter(Boolean);
  return names.length === 1 ? String(names[0]) : `Privacy: ${names.join(', ')}`;
}
