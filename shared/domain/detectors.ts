import type { ClassTest, Diagnostics } from '../engine/detectors/types.ts';

export type { ClassTest, Diagnostics };

/** Every detector Assay runs; the catalog (detector-catalog.ts) describes each one. */
export type DetectorName =
  | 'spectral'
  | 'spectre'
  | 'activation-clustering'
  | 'knn-label'
  | 'knn-outlier'
  | 'label-issues'
  | 'duplicates'
  | 'sphere'
  | 'slab';

export type DetectorParams = Record<string, number | string | boolean>;

/** Parameters of spectral signatures' own budget (Tran, Li, Madry, NeurIPS 2018). */
export interface SpectralParams {
  /** Upper bound on the poisoned fraction of each class, ε. */
  epsilon: number;
  /** Rows removed per class = ceil(budgetFactor · ε · n_c); the paper uses 1.5. */
  budgetFactor: number;
}

/**
 * How rows are flagged, the same for every detector in a scan:
 * - budget: the ⌈budgetFactor·ε·n_c⌉ highest scores of every class (what every peer tool does; needs ε);
 * - fdr: Benjamini–Hochberg at level q on each class's p-values (needs no ε; detectors without p-values
 *   fall back to their own rule, and say so);
 * - rule: each detector's own decision rule (small cluster, label disagreement, duplicate group, …).
 */
export type FlagRule =
  | { mode: 'budget'; epsilon: number; budgetFactor: number }
  | { mode: 'fdr'; q: number }
  | { mode: 'rule' };

export const DEFAULT_FLAG_RULE: FlagRule = { mode: 'fdr', q: 0.05 };

export interface ScanRequest {
  datasetId: string;
  detectors: { name: DetectorName; params: DetectorParams }[];
  flag: FlagRule;
  /** A dataset of rows known to be clean, same features and classes: p-values become conformal against it. */
  referenceDatasetId: string | null;
}

export interface DetectorClassResult {
  classIndex: number;
  className: string;
  count: number;
  flagged: number;
  /** Smallest flagged score; Infinity when nothing is flagged. */
  threshold: number;
  /** Estimated contaminated fraction (Storey's 1 − π̂₀ from the p-values); null without p-values. */
  contamination: number | null;
  classTest: ClassTest | null;
  /**
   * 'suspicious' when the class test rejects at 0.05 after Bonferroni over classes; 'untested' without a test
   * or when the test cannot reach that level (e.g. a Monte Carlo test with few draws).
   */
  verdict: 'suspicious' | 'clear' | 'untested';
  diagnostics: Diagnostics;
}

/** One detector's results; per-row arrays in dataset row order. */
export interface DetectorRun {
  detector: DetectorName;
  params: DetectorParams;
  /** Higher = more suspicious. */
  scores: Float64Array;
  pValues: Float64Array | null;
  /** 1 where the row is flagged under `flagMode`. */
  flagged: Uint8Array;
  /** The mode actually used (an fdr request falls back to 'rule' for detectors without p-values). */
  flagMode: FlagRule['mode'];
  /** One sentence: what the flags assume (shown next to them in the UI and the report). */
  flagNote: string;
  /** Class-local 2-D coordinates, interleaved x,y per row; null when the detector has no view. */
  projection: Float32Array | null;
  projectionAxes: [string, string] | null;
  classes: DetectorClassResult[];
  diagnostics: Diagnostics;
  /** Wall time of the detector, for the methods section of reports. */
  seconds: number;
}

export interface ScanResult {
  datasetId: string;
  datasetSha256: string;
  /** Class index of each row (the dataset's labels). */
  labels: Int32Array;
  classNames: string[];
  flag: FlagRule;
  reference: { datasetId: string; sha256: string; rows: number } | null;
  runs: DetectorRun[];
  /** Mean within-class percentile rank of the row's scores over all runs (Borda-style rank aggregation). */
  consensus: Float64Array;
  /** Bit r set when runs[r] flags the row. */
  agreement: Uint16Array;
}
