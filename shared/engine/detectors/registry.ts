/** The detector kernels by name; the worker runs them, the catalog (shared/domain) describes them. */
import type { DetectorName } from '../../domain/detectors.ts';
import { activationClusteringClass } from './activation-clustering.ts';
import { confidentLearning } from './confident-learning.ts';
import { duplicateDetector, duplicatesFromGraph, NEAR_K } from './duplicates.ts';
import { knnLabelDisagreement, knnOutlier, labelDisagreementFromGraph, outlierFromGraph, type KnnGraph } from './knn.ts';
import { spectralDetector } from './spectral-detector.ts';
import { spectreClass } from './spectre.ts';
import { slabDetector, sphereClass } from './sphere-slab.ts';
import type { Matrix } from '../matrix.ts';
import type { ClassDetector, GlobalDetection, GlobalDetector } from './types.ts';

// Parameters arrive validated against the catalog (resolveParams), hence the loose kernel parameter types.
export const CLASS_DETECTORS: Partial<Record<DetectorName, ClassDetector<never>>> = {
  spectral: spectralDetector as ClassDetector<never>,
  spectre: spectreClass as ClassDetector<never>,
  'activation-clustering': activationClusteringClass as ClassDetector<never>,
  sphere: sphereClass as ClassDetector<never>,
};

export const GLOBAL_DETECTORS: Partial<Record<DetectorName, GlobalDetector<never>>> = {
  'knn-label': knnLabelDisagreement as GlobalDetector<never>,
  'knn-outlier': knnOutlier as GlobalDetector<never>,
  duplicates: duplicateDetector as GlobalDetector<never>,
  'label-issues': confidentLearning as GlobalDetector<never>,
  slab: slabDetector as GlobalDetector<never>,
};

/**
 * Whole-dataset detectors that only need the k-NN graph: the host builds one graph (the largest k asked for,
 * rows split across workers) and every one of these reads it, instead of each searching on its own.
 */
export const GRAPH_DETECTORS: Partial<
  Record<DetectorName, { k(params: Record<string, unknown>): number; fromGraph(graph: KnnGraph, x: Matrix, labels: Int32Array, classCount: number, params: never): GlobalDetection }>
> = {
  'knn-label': { k: (p) => p.k as number, fromGraph: (g, _x, labels, classCount) => labelDisagreementFromGraph(g, labels, classCount) },
  'knn-outlier': { k: (p) => p.k as number, fromGraph: (g, _x, labels, classCount) => outlierFromGraph(g, labels, classCount) },
  duplicates: { k: () => NEAR_K, fromGraph: duplicatesFromGraph as never },
};

/** The first k neighbours of each row of a graph built with a larger k (neighbours are sorted, nearest first). */
export function truncateGraph(graph: KnnGraph, k: number): KnnGraph {
  if (k >= graph.k) return graph;
  const indices = new Int32Array(graph.rows * k);
  const distances = new Float32Array(graph.rows * k);
  for (let i = 0; i < graph.rows; i++) {
    indices.set(graph.indices.subarray(i * graph.k, i * graph.k + k), i * k);
    distances.set(graph.distances.subarray(i * graph.k, i * graph.k + k), i * k);
  }
  return { k, rows: graph.rows, indices, distances };
}

/** Detectors whose kernels are built in this version. */
export function availableDetectors(): DetectorName[] {
  return [...Object.keys(CLASS_DETECTORS), ...Object.keys(GLOBAL_DETECTORS)] as DetectorName[];
}

/** Short description of each detector's own flag rule, for flag notes. */
export const RULE_TEXT: Record<DetectorName, string> = {
  spectral: 'the ⌈1.5·ε·n_c⌉ highest scores of each class (Tran et al. 2018).',
  spectre: 'the ⌈1.5·ε·n_c⌉ highest QUE scores of each class (Hayase et al. 2021).',
  'activation-clustering': 'the smaller of two clusters when it holds under 35% of the class and its silhouette exceeds 0.10 (Chen et al. 2018, as IBM ART applies it).',
  'knn-label': 'rows whose label differs from the plurality of their k nearest neighbours (Peri et al. 2020).',
  'knn-outlier': 'mean k-NN distance above Q3 + 1.7·IQR (cleanlab Datalab).',
  'label-issues': 'label issues found by pruning the confident joint by noise rate (Northcutt et al. 2021).',
  duplicates: 'rows in an exact or near-duplicate group.',
  sphere: 'the ⌈1.5·ε·n_c⌉ rows farthest from the class centroid.',
  slab: 'the ⌈1.5·ε·n_c⌉ rows with the largest projection on the centroid-difference direction.',
};
