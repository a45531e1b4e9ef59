/**
 * Drift between a baseline and a current dataset, and monitoring over a series of snapshots: requests,
 * thresholds and results as plain JSON (no typed arrays), so the UI can keep them in its store and a case can
 * save them as they are. The numerics live in shared/engine/drift and shared/engine/spc.ts.
 */
import type { DetectorName, DetectorParams, FlagRule } from './detectors.ts';

/** Which statistic decides whether one numeric column drifted. */
export type ColumnTest = 'psi' | 'ks' | 'wasserstein' | 'js' | 'kl';

export const COLUMN_TESTS: readonly ColumnTest[] = ['psi', 'ks', 'wasserstein', 'js', 'kl'];

/** Every threshold of a drift run; defaults in DEFAULT_DRIFT_THRESHOLDS, each can be changed per run. */
export interface DriftThresholds {
  /** Quantile bins of the baseline for PSI, KL and JS (deciles by default). */
  bins: number;
  /** Proportion given to an empty bin in PSI/KL/JS (Evidently's 0.0001): ln(0) would be infinite. */
  emptyBinFloor: number;
  /** PSI reading bands: below `psiModerate` none, up to `psiSignificant` moderate, above significant. */
  psiModerate: number;
  psiSignificant: number;
  /** The seed's monitoring alert: PSI above this is a drifted column. */
  psiAlert: number;
  /** Level of the tests (KS, chi-square, MMD permutation, domain classifier). */
  pValue: number;
  /** Wasserstein-1 divided by the baseline's standard deviation (Evidently's rule, 0.1). */
  wassersteinNormed: number;
  /** Jensen–Shannon distance (natural log), Evidently's 0.1. */
  jsDistance: number;
  /** KL(baseline ‖ current) over the PSI bins, Evidently's 0.1. */
  klDivergence: number;
  /** Which statistic decides a numeric column; categorical columns use PSI for 'psi', else chi-square. */
  columnTest: ColumnTest;
  /** The dataset drifted when at least this share of its columns drifted (Evidently: 0.5). */
  driftShare: number;
  /** A domain classifier's AUC above this (and significant) means the embedding sets can be told apart. */
  domainAuc: number;
}

export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = {
  bins: 10,
  emptyBinFloor: 1e-4,
  psiModerate: 0.1,
  psiSignificant: 0.25,
  psiAlert: 0.2,
  pValue: 0.05,
  wassersteinNormed: 0.1,
  jsDistance: 0.1,
  klDivergence: 0.1,
  columnTest: 'psi',
  driftShare: 0.5,
  domainAuc: 0.55,
};

/** The whole-set tests on the feature matrix (embeddings): MMD and a domain classifier. */
export interface EmbeddingDriftOptions {
  enabled: boolean;
  /** Rows drawn from each set for MMD (its cost grows with the square). */
  mmdSample: number;
  /** Permutations for MMD's p-value. */
  permutations: number;
  /** Rows drawn from each set for the domain classifier. */
  classifierSample: number;
  /** Cross-fitting folds of the domain classifier. */
  folds: number;
  seed: number;
}

export const DEFAULT_EMBEDDING_OPTIONS: EmbeddingDriftOptions = {
  enabled: true,
  mmdSample: 1000,
  permutations: 200,
  classifierSample: 5000,
  folds: 5,
  seed: 1,
};

/** Dataset handles end in `DatasetId` so a case records them by SHA-256 (electron/host/case/results.ts). */
export interface DriftRequest {
  baselineDatasetId: string;
  currentDatasetId: string;
  thresholds: DriftThresholds;
  embedding: EmbeddingDriftOptions;
  /**
   * Columns of both source files that were not loaded (role 'ignore' or 'text'), read back from the files and
   * tested like the group column (chi-square and PSI over categories); none when absent.
   */
  categoricalColumns?: string[];
}

/** Short texts for hover: what the number is and how to read it, with the values of this run. */
export type Explanations = Record<string, string>;

export type PsiBand = 'none' | 'moderate' | 'significant';

export interface NumericColumnDrift {
  kind: 'numeric';
  name: string;
  /** Position among the current dataset's features. */
  index: number;
  baselineCount: number;
  currentCount: number;
  /** Non-finite values left out (NaN, ±Infinity). */
  baselineDropped: number;
  currentDropped: number;
  baselineMean: number;
  currentMean: number;
  /** Population standard deviations (ddof 0). */
  baselineStd: number;
  currentStd: number;
  psi: number;
  psiBand: PsiBand;
  /** KL(baseline ‖ current) over the PSI bins, natural log. */
  kl: number;
  /** Jensen–Shannon distance (square root of the divergence), natural log, over the PSI bins. */
  js: number;
  wasserstein: number;
  /** Wasserstein-1 / baseline std; null when the baseline is constant. */
  wassersteinNormed: number | null;
  ks: { statistic: number; pValue: number; method: 'exact' | 'asymp' };
  /** The PSI bins: interior edges (baseline quantiles), and each set's proportions before the floor. */
  bins: { edges: number[]; baseline: number[]; current: number[] };
  /** Equal-width bins over both sets' range, for the mini-histograms and the overlay plot (counts). */
  histogram: { edges: number[]; baseline: number[]; current: number[] };
  drifted: boolean;
  /** The statistic and threshold that decided, e.g. "PSI 0.31 > 0.2". */
  decidedBy: string;
  explain: Explanations;
}

export interface CategoricalColumnDrift {
  kind: 'categorical';
  name: string;
  categories: string[];
  baseline: number[];
  current: number[];
  psi: number;
  psiBand: PsiBand;
  chiSquare: { statistic: number; dof: number; pValue: number };
  drifted: boolean;
  decidedBy: string;
  explain: Explanations;
}

export type ColumnDrift = NumericColumnDrift | CategoricalColumnDrift;

export interface EmbeddingDrift {
  /** Unbiased MMD² with an RBF kernel (Gretton et al. 2012), on `sample` rows of each set. */
  mmd2: number;
  /** The kernel width σ: the median pairwise distance of the pooled sample. */
  bandwidth: number;
  mmdPValue: number;
  permutations: number;
  mmdSample: { baseline: number; current: number };
  /** Cross-fitted AUC of a softmax classifier telling baseline rows (0) from current rows (1). */
  domainAuc: number;
  domainPValue: number;
  classifierSample: { baseline: number; current: number };
  folds: number;
  drifted: boolean;
  decidedBy: string;
  explain: Explanations;
}

export interface DatasetRef {
  datasetId: string;
  name: string;
  path: string | null;
  sha256: string;
  rows: number;
}

export interface DriftVerdict {
  drifted: boolean;
  driftedColumns: number;
  totalColumns: number;
  share: number;
  text: string;
}

export interface DriftResult {
  baseline: DatasetRef;
  current: DatasetRef;
  thresholds: DriftThresholds;
  embeddingOptions: EmbeddingDriftOptions;
  columns: NumericColumnDrift[];
  /** The label column as a categorical column; null when either set has no labels. */
  label: CategoricalColumnDrift | null;
  /** Other categorical columns both sets hold (the group/source column, when both were opened with one of the same name; then the request's `categoricalColumns`). */
  categorical: CategoricalColumnDrift[];
  embedding: EmbeddingDrift | null;
  verdict: DriftVerdict;
  seconds: number;
}

/** Monitoring over an ordered series of snapshots of one dataset; the first `baselinePeriod` set the limits. */
export interface MonitorRequest {
  snapshotIds: string[];
  baselinePeriod: number;
  /** Detectors whose flagged share is the anomaly rate; none: no anomaly-rate chart. */
  detectors: { name: DetectorName; params: DetectorParams }[];
  flag: FlagRule;
  /** Feature columns whose means get an x̄ chart. */
  columns: string[];
  thresholds: MonitorThresholds;
}

export interface MonitorThresholds {
  psiAlert: number;
  /** Alert when a snapshot's anomaly rate exceeds this multiple of the baseline rate (the seed: 2). */
  anomalyFactor: number;
  /** Control limits at centre ± sigma·σ (3). */
  sigma: number;
  westernElectric: boolean;
  bins: number;
  emptyBinFloor: number;
}

export const DEFAULT_MONITOR_THRESHOLDS: MonitorThresholds = {
  psiAlert: 0.2,
  anomalyFactor: 2,
  sigma: 3,
  westernElectric: true,
  bins: 10,
  emptyBinFloor: 1e-4,
};

/** One control chart (shared/engine/spc.ts), plain numbers per snapshot. */
export interface ControlChart {
  values: number[];
  centre: number;
  /** σ of each point (constant for an individuals chart; σ/√n for an x̄ chart; √(p(1−p)/n) for a p chart). */
  sigma: number[];
  k: number;
  upper: number[];
  lower: number[];
  /** Points out of control, with the Western Electric rules (1–4) that fired; rule 1 is the ±kσ limit. */
  outOfControl: { index: number; rules: number[] }[];
}

/** A control chart with the sentence that says how its centre and limits were set. */
export interface ControlChartData extends ControlChart {
  explain: string;
}

export interface MonitorAlert {
  snapshotIndex: number;
  snapshot: string;
  kind: 'psi' | 'anomaly-rate' | 'spc';
  metric: string;
  value: number;
  threshold: number;
  message: string;
}

export interface MonitorResult {
  snapshots: DatasetRef[];
  baselinePeriod: number;
  thresholds: MonitorThresholds;
  /** Share of rows flagged by any chosen detector, per snapshot, as a p chart; null without detectors. */
  anomalyRate: ControlChartData | null;
  /** Per snapshot: mean and max PSI over the feature columns against the first snapshot, and the columns above the alert. */
  psi: { mean: number[]; max: number[]; columnsOver: string[][]; chart: ControlChartData | null };
  columnMeans: { column: string; chart: ControlChartData }[];
  alerts: MonitorAlert[];
  seconds: number;
}

/** The job list's title of a drift or monitoring job. */
export function driftJobTitle(job: { kind: 'drift' } | { kind: 'monitor'; params: MonitorRequest }): string {
  return job.kind === 'drift' ? 'Drift against the baseline' : `Monitor ${job.params.snapshotIds.length} snapshots`;
}
