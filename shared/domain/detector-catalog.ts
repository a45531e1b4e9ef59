import type { DetectorName, DetectorParams } from './detectors.ts';

export interface ParamSpec {
  key: string;
  label: string;
  kind: 'number' | 'integer' | 'choice' | 'boolean';
  default: number | string | boolean;
  min?: number;
  max?: number;
  choices?: string[];
  /** One line: what it does and where the default comes from. */
  help: string;
}

export interface DetectorInfo {
  name: DetectorName;
  title: string;
  /** Paper the implementation follows. */
  reference: string;
  /** 'class': looks at one class at a time; 'global': needs the whole dataset. */
  scope: 'class' | 'global';
  /** One line for the detector panel. */
  summary: string;
  /** What a high score means. */
  scoreMeaning: string;
  params: ParamSpec[];
}

const epsilon = (help: string): ParamSpec => ({ key: 'epsilon', label: 'ε', kind: 'number', default: 0.05, min: 0.001, max: 0.5, help });

/** The detectors, their papers and their defaults (../shared/REFERENCE.md). */
export const DETECTORS: Record<DetectorName, DetectorInfo> = {
  spectral: {
    name: 'spectral',
    title: 'Spectral signatures',
    reference: 'Tran, Li & Madry, "Spectral Signatures in Backdoor Attacks", NeurIPS 2018',
    scope: 'class',
    summary: "Squared projection on the class's top principal direction: a backdoor sub-population stretches the class along it.",
    scoreMeaning: '((r − μ)·v)², v the top right singular vector of the centred class',
    params: [epsilon("Upper bound on the poisoned fraction; its own rule removes ⌈1.5·ε·n_c⌉ rows per class.")],
  },
  spectre: {
    name: 'spectre',
    title: 'SPECTRE',
    reference: 'Hayase, Kong, Somani & Oh, "SPECTRE: Defending Against Backdoor Attacks Using Robust Statistics", ICML 2021',
    scope: 'class',
    summary: 'Robust covariance by iterative filtering, whitening, then quantum-entropy scores: finds weaker backdoors than spectral signatures.',
    scoreMeaning: 'QUE score x̃ᵀMx̃ of the whitened row',
    params: [
      epsilon('Upper bound on the poisoned fraction: the robust filter removes up to 2ε of the class.'),
      { key: 'alpha', label: 'α', kind: 'number', default: 4, min: 0, max: 64, help: 'QUE sharpness: α→0 is Mahalanobis, α→∞ spectral signatures; the paper uses 4.' },
      { key: 'maxDims', label: 'PCA dims', kind: 'integer', default: 100, min: 1, max: 512, help: 'Dimensions kept by the first PCA; the paper uses at most 100.' },
    ],
  },
  'activation-clustering': {
    name: 'activation-clustering',
    title: 'Activation clustering',
    reference: 'Chen et al., "Detecting Backdoor Attacks on Deep Neural Networks by Activation Clustering", arXiv 1811.03728, 2018',
    scope: 'class',
    summary: 'PCA to 10 dims and 2-means per class; a small, well-separated cluster is the poison.',
    scoreMeaning: 'how firmly the row sits in the smaller cluster',
    params: [
      { key: 'dims', label: 'dims', kind: 'integer', default: 10, min: 2, max: 100, help: 'Dimensions before clustering; the paper uses 10.' },
      { key: 'sizeThreshold', label: 'size <', kind: 'number', default: 0.35, min: 0.01, max: 0.5, help: 'A cluster smaller than this share of the class is suspicious (paper: 0.35).' },
      { key: 'silhouetteThreshold', label: 'silhouette >', kind: 'number', default: 0.1, min: -1, max: 1, help: 'Separation needed as well (paper: 0.10).' },
      { key: 'seed', label: 'seed', kind: 'integer', default: 0, min: 0, max: 2 ** 31 - 1, help: 'Seed of the k-means++ starts.' },
    ],
  },
  'knn-label': {
    name: 'knn-label',
    title: 'k-NN label disagreement',
    reference: 'Peri et al., "Deep k-NN Defense against Clean-label Data Poisoning Attacks", ECCV Workshops 2020',
    scope: 'global',
    summary: "Flags a row whose label differs from the plurality of its k nearest neighbours' labels.",
    scoreMeaning: 'share of the k nearest neighbours with another label',
    params: [{ key: 'k', label: 'k', kind: 'integer', default: 10, min: 1, max: 200, help: 'Neighbours consulted.' }],
  },
  'knn-outlier': {
    name: 'knn-outlier',
    title: 'k-NN outlier',
    reference: 'cleanlab Datalab outlier issue type (mean k-NN distance)',
    scope: 'global',
    summary: 'Mean distance to the k nearest neighbours: rows far from everything else.',
    scoreMeaning: 'mean distance to the k nearest neighbours',
    params: [{ key: 'k', label: 'k', kind: 'integer', default: 10, min: 1, max: 200, help: 'Neighbours averaged.' }],
  },
  'label-issues': {
    name: 'label-issues',
    title: 'Confident learning',
    reference: 'Northcutt, Jiang & Chuang, "Confident Learning: Estimating Uncertainty in Dataset Labels", JAIR 2021',
    scope: 'global',
    summary: 'Out-of-fold probabilities from a softmax regression, the confident joint, prune by noise rate.',
    scoreMeaning: '1 − predicted probability of the given label (out of fold)',
    params: [
      { key: 'folds', label: 'folds', kind: 'integer', default: 5, min: 2, max: 20, help: 'Cross-validation folds for out-of-sample probabilities.' },
      { key: 'l2', label: 'L2', kind: 'number', default: 1e-3, min: 0, max: 100, help: 'Ridge penalty on the weights (mean loss + l2/2·‖W‖²).' },
      { key: 'seed', label: 'seed', kind: 'integer', default: 0, min: 0, max: 2 ** 31 - 1, help: 'Seed of the fold assignment.' },
      { key: 'rankBy', label: 'rank by', kind: 'choice', default: 'self_confidence', choices: ['self_confidence', 'normalized_margin'], help: "cleanlab's ranking of label issues." },
    ],
  },
  duplicates: {
    name: 'duplicates',
    title: 'Duplicates',
    reference: 'cleanlab Datalab near-duplicate issue type',
    scope: 'global',
    summary: 'Exact copies and near duplicates (nearest-neighbour distance < 0.13 × the median); conflicting labels called out.',
    scoreMeaning: 'closeness to the nearest other row',
    params: [{ key: 'nearFactor', label: 'near <', kind: 'number', default: 0.13, min: 0, max: 1, help: 'Near duplicate if the NN distance is below this × the median NN distance.' }],
  },
  sphere: {
    name: 'sphere',
    title: 'Sphere filter',
    reference: 'Steinhardt, Koh & Liang, "Certified Defenses for Data Poisoning Attacks", NeurIPS 2017',
    scope: 'class',
    summary: 'Distance to the (robust) class centroid.',
    scoreMeaning: 'distance to the class centroid',
    params: [
      epsilon('Upper bound on the poisoned fraction; its own rule removes ⌈1.5·ε·n_c⌉ rows per class.'),
      { key: 'robust', label: 'robust centre', kind: 'boolean', default: true, help: 'Use a robust centroid, not pulled by the poison.' },
    ],
  },
  slab: {
    name: 'slab',
    title: 'Slab filter',
    reference: 'Steinhardt, Koh & Liang, "Certified Defenses for Data Poisoning Attacks", NeurIPS 2017',
    scope: 'global',
    summary: 'Projection on the direction between the class centroid and the nearest other centroid.',
    scoreMeaning: '|(x − μ_y)·(μ_y − μ_other)|',
    params: [epsilon("Upper bound on the poisoned fraction; its own rule removes ⌈1.5·ε·n_c⌉ rows per class.")],
  },
};

export const DETECTOR_NAMES = Object.keys(DETECTORS) as DetectorName[];

/** The catalog's defaults, overridden by `given`; throws naming the detector and parameter on a bad value. */
export function resolveParams(name: DetectorName, given: DetectorParams): DetectorParams {
  const info = DETECTORS[name];
  const out: DetectorParams = {};
  for (const key of Object.keys(given)) {
    if (!info.params.some((p) => p.key === key)) {
      throw new Error(`'${key}' is not a parameter of ${info.title}; it takes ${info.params.map((p) => p.key).join(', ') || 'none'}`);
    }
  }
  for (const spec of info.params) {
    const value = given[spec.key] ?? spec.default;
    const where = `${info.title}: '${spec.key}'`;
    if (spec.kind === 'boolean') {
      if (typeof value !== 'boolean') throw new Error(`${where} must be true or false`);
    } else if (spec.kind === 'choice') {
      if (typeof value !== 'string' || !spec.choices!.includes(value)) throw new Error(`${where} must be one of ${spec.choices!.join(', ')}`);
    } else {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${where} must be a number`);
      if (spec.kind === 'integer' && !Number.isInteger(value)) throw new Error(`${where} must be a whole number`);
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
        throw new Error(`${where} must be in [${spec.min}, ${spec.max}], got ${value}`);
      }
    }
    out[spec.key] = value;
  }
  return out;
}
