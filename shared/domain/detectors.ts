/** Parameters of the spectral-signatures detector (Tran, Li, Madry, NeurIPS 2018). */
export interface SpectralParams {
  /** Upper bound on the poisoned fraction of each class, ε. */
  epsilon: number;
  /** Rows removed per class = ceil(budgetFactor · ε · n_c); the paper uses 1.5. */
  budgetFactor: number;
}

export const SPECTRAL_DEFAULTS: SpectralParams = { epsilon: 0.05, budgetFactor: 1.5 };

export interface SpectralClassResult {
  classIndex: number;
  className: string;
  count: number;
  /** Number of rows flagged in this class. */
  flagged: number;
  /** Smallest score that is flagged; Infinity when nothing is. */
  threshold: number;
  /** Top eigenvalues of the class covariance (σ_i² / n_c), descending. */
  eigenvalues: number[];
  /** Lanczos iterations used and whether the residual test passed. */
  iterations: number;
  converged: boolean;
}

/** Per-row arrays are in dataset row order. */
export interface SpectralResult {
  detector: 'spectral';
  datasetId: string;
  datasetSha256: string;
  params: SpectralParams;
  /** ((r_i − μ_c)·v_c)², higher = more suspicious. */
  scores: Float64Array;
  /** 1 where the row is flagged. */
  flagged: Uint8Array;
  /**
   * Class index of each row (the dataset's labels, indexing `classes[k].classIndex` / the summary's classNames),
   * so the UI can split the per-row arrays by class without one call per row.
   */
  labels: Int32Array;
  /** Class-local PCA coordinates, interleaved x0,y0,x1,y1,…; x is the spectral direction v_c. */
  projection: Float32Array;
  classes: SpectralClassResult[];
}
