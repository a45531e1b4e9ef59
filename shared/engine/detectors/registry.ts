/** The detector kernels by name; the worker runs them, the catalog (shared/domain) describes them. */
import type { DetectorName } from '../../domain/detectors.ts';
import { spectralDetector } from './spectral-detector.ts';
import type { ClassDetector, GlobalDetector } from './types.ts';

// Parameters arrive validated against the catalog (resolveParams), hence the loose kernel parameter types.
export const CLASS_DETECTORS: Partial<Record<DetectorName, ClassDetector<never>>> = {
  spectral: spectralDetector as ClassDetector<never>,
};

export const GLOBAL_DETECTORS: Partial<Record<DetectorName, GlobalDetector<never>>> = {};

/** Detectors whose kernels are built in this version. */
export function availableDetectors(): DetectorName[] {
  return [...Object.keys(CLASS_DETECTORS), ...Object.keys(GLOBAL_DETECTORS)] as DetectorName[];
}

/** Short description of each detector's own flag rule, for flag notes. */
export const RULE_TEXT: Record<DetectorName, string> = {
  spectral: 'the ⌈1.5·ε·n_c⌉ highest scores of each class (Tran et al. 2018).',
  spectre: 'the ⌈1.5·ε·n_c⌉ highest QUE scores of each class (Hayase et al. 2021).',
  'activation-clustering': 'the smaller of two clusters when it holds under 35% of the class and is well separated (Chen et al. 2018).',
  'knn-label': 'rows whose label differs from the plurality of their k nearest neighbours (Peri et al. 2020).',
  'knn-outlier': 'mean k-NN distance above Q3 + 1.7·IQR (cleanlab Datalab).',
  'label-issues': 'label issues found by pruning the confident joint by noise rate (Northcutt et al. 2021).',
  duplicates: 'rows in an exact or near-duplicate group.',
  sphere: 'the ⌈1.5·ε·n_c⌉ rows farthest from the class centroid.',
  slab: 'the ⌈1.5·ε·n_c⌉ rows with the largest projection on the centroid-difference direction.',
};
