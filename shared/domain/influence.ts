/**
 * Influence rankings and certified robustness: what the analyst asks for and what the host returns.
 *
 * A model (L2-regularised softmax regression on standardised features, shared/engine/softmax.ts) is trained
 * once per request and kept on the host under a `modelId`; influence, self-influence, "what if removed" and
 * DPA certificates all refer to it, so none of them retrains the model they explain.
 *
 * Row numbers are always dataset row indices (0-based positions in the file's data rows): training rows are
 * rows of the model's dataset; test rows are rows of the test dataset (the same dataset unless the split is
 * a separate test file). Per-row results are typed arrays aligned with `trainRows` / `testRows`.
 */

/** How the rows are divided into training and test rows. */
export type SplitSpec =
  /** A seeded random `testFraction` of the rows. */
  | { kind: 'random'; testFraction: number; seed: number }
  /** A seeded random `testFraction` of every class (each class keeps its share in both parts). */
  | { kind: 'stratified'; testFraction: number; seed: number }
  /**
   * By a column: test = the rows whose `column` is `value`; with `value` null, a seeded random `testFraction`
   * of its distinct values (groups), whole. `column` absent = the dataset's group column (the role "group" at
   * load: source, annotator, crawl domain…); any other column of the file is read back from it.
   */
  | { kind: 'group'; column?: string; value: string | null; testFraction: number; seed: number }
  /** Train on every row of the dataset, test on every row of another open dataset with the same features. */
  | { kind: 'dataset'; testDatasetId: string };

/**
 * Default ridge strength. The objective is mean cross-entropy + (l2/2)·‖W‖² on standardised features, so
 * l2 = 1e-3 is a light penalty whatever the dataset size (scikit-learn's C = 1/(n·l2)).
 */
export const DEFAULT_L2 = 1e-3;

/** The one-line explanation the UI and the CLI show next to the l2 field. */
export const L2_EXPLANATION =
  'Ridge penalty (l2/2)·‖W‖² added to the mean cross-entropy on standardised features: larger = simpler model and a better-conditioned Hessian; 1e-3 is light, 1e-1 strong; influence needs l2 > 0.';

export const DEFAULT_TEST_FRACTION = 0.2;

export interface TrainRequest {
  datasetId: string;
  split: SplitSpec;
  l2: number;
  /** Stop when ‖∇f‖₂ ≤ tol; default 1e-6 (influence assumes the optimum: keep it tight). */
  tol?: number;
  /** Default 500 L-BFGS iterations. */
  maxIter?: number;
}

export interface LossAccuracy {
  /** Mean cross-entropy. */
  loss: number;
  accuracy: number;
  rows: number;
}

export interface ModelMetrics {
  train: LossAccuracy;
  test: LossAccuracy;
  /** Training objective reached: mean cross-entropy + (l2/2)·‖W‖². */
  objective: number;
  /** ‖∇f‖₂ at the returned weights. */
  gradNorm: number;
  iterations: number;
  /** gradNorm ≤ tol. */
  converged: boolean;
  tol: number;
  /** Test confusion matrix, K×K row-major: [true class · K + predicted class] = count. */
  confusion: Int32Array;
  /** Threads each L-BFGS step's pass over the rows ran on. */
  threads: number;
  seconds: number;
}

/** A trained model as the UI and the CLI see it (the weights stay on the host). */
export interface TrainedModel {
  modelId: string;
  datasetId: string;
  datasetSha256: string;
  /** The dataset the test rows belong to (the same as datasetId unless the split is 'dataset'). */
  testDatasetId: string;
  split: SplitSpec;
  /** What the split came to, e.g. "stratified 20 % (seed 1)". */
  splitNote: string;
  l2: number;
  classNames: string[];
  /** (d + 1)·K: the size of the Hessian influence works with. */
  parameterCount: number;
  trainRows: Int32Array;
  /** Label and predicted class of every training row, aligned with trainRows. */
  trainLabels: Int32Array;
  trainPredicted: Int32Array;
  testRows: Int32Array;
  testLabels: Int32Array;
  testPredicted: Int32Array;
  /** Probability the model gives the predicted class of each test row. */
  testConfidence: Float64Array;
  metrics: ModelMetrics;
}

/** Which test points the influence is computed on (their mean cross-entropy is the test loss). */
export type TestPointChoice =
  /** Test dataset row indices (each must be a test row of the model). */
  | { kind: 'rows'; rows: number[] }
  /** Every test row the model gets wrong. */
  | { kind: 'misclassified' }
  /** Every test row labelled with this class. */
  | { kind: 'class'; classIndex: number }
  | { kind: 'all' };

/** 'auto': the exact Hessian when it is already factored or cheap to form, else conjugate gradients. */
export type InfluenceMethod = 'auto' | 'exact' | 'cg';

export interface InfluenceRequest {
  modelId: string;
  test: TestPointChoice;
  method: InfluenceMethod;
}

/** Stated with every influence result, in the JSON, and in the UI. */
export const SIGN_CONVENTION =
  'predictedChange = estimated change in the mean test loss (cross-entropy over the chosen test points) if the training row is removed and the model refitted (Koh & Liang 2017, first order). > 0: removing the row raises the test loss, so the row is HELPFUL; < 0: removing it lowers the test loss, so it is HARMFUL. upweightInfluence is Koh & Liang\'s I_up,loss = −∇L_testᵀH⁻¹∇ℓ_i (positive = up-weighting the row raises the test loss = harmful).';

export interface InfluenceRanking {
  modelId: string;
  /** The test rows used (resolved from the choice), in the order asked. */
  testRows: Int32Array;
  choice: TestPointChoice;
  method: 'exact' | 'cg';
  /** Mean cross-entropy over the test points. */
  testLoss: number;
  /** Aligned with the model's trainRows. */
  predictedChange: Float64Array;
  upweightInfluence: Float64Array;
  /** 1 = helpful (predictedChange ≥ 0), 0 = harmful. */
  helpful: Uint8Array;
  signConvention: string;
  /** CG iterations per solve (empty on the exact path). */
  cgIterations: number[];
  /** Threads each CG Hessian-vector product ran on (1 on the exact path). */
  threads: number;
  seconds: number;
}

export interface SelfInfluenceRequest {
  modelId: string;
  /** Eigenpairs for the low-rank path (parameter counts above the exact limit); default 64. */
  rank?: number;
}

export interface SelfInfluenceResult {
  modelId: string;
  /** 'exact': g_iᵀH⁻¹g_i with the factored Hessian; 'low-rank': top-`rank` eigenpairs of H and l2 for the rest (an upper-biased score). */
  method: 'exact' | 'low-rank';
  rank: number;
  /** Aligned with the model's trainRows; higher = harder for the model to explain (label-error signal). */
  values: Float64Array;
  /** Worker tasks the per-row work was split into. */
  parts: number;
  seconds: number;
}

export interface WhatIfRequest {
  modelId: string;
  /** Training rows (dataset row indices) to leave out of the refit. */
  removeRows: number[];
  /** The test points whose loss is compared; 'all' = the whole test set. */
  test: TestPointChoice;
}

export interface WhatIfResult {
  modelId: string;
  removed: number;
  testRows: number;
  testLossBefore: number;
  testLossAfter: number;
  /** testLossAfter − testLossBefore, from the actual refit. */
  actualChange: number;
  /** Σ predictedChange over the removed rows (first-order influence estimate). */
  predictedChange: number;
  accuracyBefore: number;
  accuracyAfter: number;
  /** Optimiser state of the refit. */
  refitGradNorm: number;
  refitIterations: number;
  seconds: number;
}

export interface CertifyRequest {
  /** Uses this model's split, classes and l2 (the base classifiers are trained afresh per bucket). */
  modelId: string;
  /** k, the number of hash buckets (base classifiers). */
  buckets: number;
  /** Training rows left out (e.g. a quarantine set), for the before/after comparison. */
  excludeRows: number[];
}

export interface CertifyResult {
  modelId: string;
  buckets: number;
  excluded: number;
  /** Aligned with the model's testRows. */
  prediction: Int32Array;
  /** Poisoned training rows (insertions or deletions) each prediction is certified against. */
  radius: Int32Array;
  /** T×K votes. */
  votes: Int32Array;
  trueLabels: Int32Array;
  /** curve[r] = fraction of test points predicted correctly and certified at ≥ r, r = 0…R. */
  curve: Float64Array;
  bucketSizes: Int32Array;
  /** Worker tasks the buckets were trained in. */
  parts: number;
  seconds: number;
}

export function splitNote(split: SplitSpec): string {
  switch (split.kind) {
    case 'random':
      return `random ${(split.testFraction * 100).toFixed(0)} % test (seed ${split.seed})`;
    case 'stratified':
      return `stratified ${(split.testFraction * 100).toFixed(0)} % test per class (seed ${split.seed})`;
    case 'group':
      return split.value === null
        ? `whole groups${split.column === undefined ? '' : ` of '${split.column}'`}, ${(split.testFraction * 100).toFixed(0)} % of them test (seed ${split.seed})`
        : split.column === undefined
          ? `test = group '${split.value}'`
          : `test = rows whose '${split.column}' is '${split.value}'`;
    case 'dataset':
      return `separate test dataset ${split.testDatasetId}`;
  }
}

export function testChoiceNote(choice: TestPointChoice): string {
  switch (choice.kind) {
    case 'rows':
      return choice.rows.length === 1 ? `test row ${choice.rows[0]}` : `${choice.rows.length} test rows`;
    case 'misclassified':
      return 'misclassified test rows';
    case 'class':
      return `test rows of class ${choice.classIndex}`;
    case 'all':
      return 'all test rows';
  }
}

/** The title of an influence job in the job list. */
export function influenceJobTitle(
  job:
    | { kind: 'train'; params: TrainRequest }
    | { kind: 'influence'; params: InfluenceRequest }
    | { kind: 'selfInfluence'; params: SelfInfluenceRequest }
    | { kind: 'whatIf'; params: WhatIfRequest }
    | { kind: 'certify'; params: CertifyRequest },
): string {
  switch (job.kind) {
    case 'train':
      return `Train model (${splitNote(job.params.split)})`;
    case 'influence':
      return `Influence on ${testChoiceNote(job.params.test)}`;
    case 'selfInfluence':
      return 'Self-influence of every training row';
    case 'whatIf':
      return `What if ${job.params.removeRows.length} rows were removed`;
    case 'certify':
      return `DPA certificates, k = ${job.params.buckets}${job.params.excludeRows.length ? `, ${job.params.excludeRows.length} rows excluded` : ''}`;
  }
}
