import type { SyntheticSpec } from '../domain/dataset.ts';
import { Random } from './random.ts';

export interface SyntheticData {
  /** Row-major rows × dims. */
  features: Float32Array;
  labels: Int32Array;
  ids: string[];
  classNames: string[];
  featureNames: string[];
  /** Class whose rows were partly replaced by the backdoor sub-population. */
  targetClass: number;
  /** Row positions of the planted rows, ascending. */
  poisonedRows: Int32Array;
}

const CIFAR10 = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/**
 * Embedding-like data with a planted backdoor, for the bundled sample, tests and benchmarks.
 *
 * Each class c is μ_c + L_c·z + σ·e: a class mean, four latent directions with decaying scales (so even
 * clean classes have a dominant direction, as real penultimate-layer features do), and isotropic noise.
 * In the target class a fraction of the rows is replaced by a backdoor sub-population: rows of another
 * class relabelled as the target and moved along one trigger direction, the way a patch trigger moves
 * representations (Tran et al. 2018, §4; Chen et al. 2018, §3). Rows are shuffled so classes interleave.
 *
 * @param alloc allocates the feature array, e.g. on a SharedArrayBuffer.
 */
export function generateSynthetic(
  spec: SyntheticSpec,
  alloc: (length: number) => Float32Array = (n) => new Float32Array(n),
  onProgress?: (fraction: number) => void,
): SyntheticData {
  const { rows, dims: d, classes: k, poisonFraction, seed } = spec;
  const rng = new Random(seed);
  const latent = 4;
  const latentScales = [2.2, 1.7, 1.3, 1.0];
  const noise = 1;
  const separation = 4;
  const triggerShift = 7;

  const means = new Float64Array(k * d);
  for (let i = 0; i < means.length; i++) means[i] = rng.normal() * (separation / Math.sqrt(2));
  const factors = new Float64Array(k * latent * d);
  for (let c = 0; c < k; c++) {
    for (let l = 0; l < latent; l++) {
      const off = (c * latent + l) * d;
      let nrm = 0;
      for (let j = 0; j < d; j++) nrm += (factors[off + j] = rng.normal()) ** 2;
      const s = latentScales[l] / Math.sqrt(nrm);
      for (let j = 0; j < d; j++) factors[off + j] *= s;
    }
  }
  const trigger = new Float64Array(d);
  let tn = 0;
  for (let j = 0; j < d; j++) tn += (trigger[j] = rng.normal()) ** 2;
  for (let j = 0; j < d; j++) trigger[j] *= triggerShift / Math.sqrt(tn);

  const targetClass = k > 7 ? 7 : k - 1;
  const sourceClass = (targetClass + 1) % k;
  // Class of each row before shuffling: equal shares, the remainder to the first classes.
  const labelsInOrder = new Int32Array(rows);
  for (let i = 0; i < rows; i++) labelsInOrder[i] = Math.floor((i * k) / rows);
  const targetCount = labelsInOrder.filter((c) => c === targetClass).length;
  const planted = Math.round(poisonFraction * targetCount);

  const order = rng.permutation(rows);
  const features = alloc(rows * d);
  const labels = new Int32Array(rows);
  const poisoned: number[] = [];
  let plantedSoFar = 0;
  const z = new Float64Array(latent);
  for (let i = 0; i < rows; i++) {
    const c = labelsInOrder[i];
    const isPoison = c === targetClass && plantedSoFar < planted;
    if (isPoison) plantedSoFar++;
    const base = isPoison ? sourceClass : c;
    const row = order[i];
    labels[row] = c;
    if (isPoison) poisoned.push(row);
    for (let l = 0; l < latent; l++) z[l] = rng.normal();
    const out = row * d;
    for (let j = 0; j < d; j++) {
      let v = means[base * d + j] + noise * rng.normal();
      for (let l = 0; l < latent; l++) v += factors[(base * latent + l) * d + j] * z[l];
      if (isPoison) v += trigger[j];
      features[out + j] = v;
    }
    if (onProgress && (i & 0xffff) === 0) onProgress(i / rows);
  }
  poisoned.sort((a, b) => a - b);

  const width = String(rows).length;
  return {
    features,
    labels,
    ids: Array.from({ length: rows }, (_, i) => `row-${String(i + 1).padStart(width, '0')}`),
    classNames: k <= CIFAR10.length ? CIFAR10.slice(0, k) : Array.from({ length: k }, (_, c) => `class-${c}`),
    featureNames: Array.from({ length: d }, (_, j) => `f${String(j).padStart(String(d - 1).length, '0')}`),
    targetClass,
    poisonedRows: Int32Array.from(poisoned),
  };
}

/** The bundled sample: 3,000 rows of 32-dim embeddings, 10 classes, a backdoor in 15% of "horse". */
export const SAMPLE_SPEC: SyntheticSpec = { rows: 3000, dims: 32, classes: 10, poisonFraction: 0.15, seed: 20181203 };
