/**
 * Datasets with planted poison at known rows, for detector accuracy tests. Every kind starts from clean
 * embedding-like classes (class mean + a few latent directions + isotropic noise, like shared/engine/synthetic.ts)
 * and then plants one kind of poison at a chosen rate:
 * - 'shifted':  rate·n_t rows of the target class replaced by a sub-population shifted along one direction
 *               (clean-label style outliers inside the class);
 * - 'backdoor': rate·n_t rows of the target class replaced by rows of a source class plus a trigger shift,
 *               labelled as the target (Tran et al. 2018's threat model);
 * - 'random-flip':   rate·n rows of any class given a uniformly random other label;
 * - 'boundary-flip': the rate·n rows nearest to another class's mean relabelled as that class (the flips a
 *               model finds most plausible, the hardest for label-noise detectors).
 */
import type { Matrix } from '../../shared/engine/matrix.ts';
import { Random } from '../../shared/engine/random.ts';

export type PlantKind = 'shifted' | 'backdoor' | 'random-flip' | 'boundary-flip';

export interface PlantSpec {
  rows: number;
  dims: number;
  classes: number;
  kind: PlantKind;
  /** 'shifted'/'backdoor': fraction of the target class; flips: fraction of all rows. */
  rate: number;
  seed: number;
  /** Length of the shift or trigger, in units of the noise σ (default 8 for 'shifted', 7 for 'backdoor'). */
  shift?: number;
  /** Distance between class means in units of σ·√2 per dimension (default 4, as in generateSynthetic). */
  separation?: number;
}

export interface Planted {
  x: Matrix;
  /** The labels as given to the detector (after flips). */
  labels: Int32Array;
  /** The labels before poisoning. */
  trueLabels: Int32Array;
  classCount: number;
  /** Class that received the sub-population ('shifted', 'backdoor'); -1 for flips. */
  targetClass: number;
  /** Planted rows, ascending. */
  poisoned: Int32Array;
  isPoisoned: Uint8Array;
}

export function plant(spec: PlantSpec): Planted {
  const { rows: n, dims: d, classes: k, kind, rate, seed } = spec;
  const rng = new Random(seed);
  const latentScales = [2.2, 1.7, 1.3, 1.0];
  const sep = spec.separation ?? 4;
  const means = Float64Array.from({ length: k * d }, () => rng.normal() * (sep / Math.SQRT2));
  const factors = new Float64Array(k * 4 * d);
  for (let f = 0; f < k * 4; f++) {
    let norm = 0;
    for (let j = 0; j < d; j++) norm += (factors[f * d + j] = rng.normal()) ** 2;
    const s = latentScales[f % 4] / Math.sqrt(norm);
    for (let j = 0; j < d; j++) factors[f * d + j] *= s;
  }
  const direction = unit(Float64Array.from({ length: d }, () => rng.normal()));

  const trueLabels = new Int32Array(n);
  for (let i = 0; i < n; i++) trueLabels[i] = Math.floor((i * k) / n);
  shuffle(trueLabels, rng);
  const labels = Int32Array.from(trueLabels);
  const data = new Float32Array(n * d);
  const drawRow = (row: number, c: number, offset: number) => {
    const z = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    for (let j = 0; j < d; j++) {
      let v = means[c * d + j] + rng.normal();
      for (let l = 0; l < 4; l++) v += factors[(c * 4 + l) * d + j] * z[l];
      data[row * d + j] = v + offset * direction[j];
    }
  };

  const isPoisoned = new Uint8Array(n);
  const targetClass = kind === 'shifted' || kind === 'backdoor' ? Math.min(k - 1, 1) : -1;
  if (targetClass >= 0) {
    const members: number[] = [];
    for (let i = 0; i < n; i++) if (trueLabels[i] === targetClass) members.push(i);
    const count = Math.round(rate * members.length);
    const chosen = new Set(Array.from(rng.permutation(members.length).subarray(0, count), (p) => members[p]));
    const source = (targetClass + 1) % k;
    for (let i = 0; i < n; i++) {
      if (!chosen.has(i)) drawRow(i, trueLabels[i], 0);
      else if (kind === 'shifted') drawRow(i, targetClass, spec.shift ?? 8);
      else drawRow(i, source, spec.shift ?? 7);
      if (chosen.has(i)) isPoisoned[i] = 1;
    }
  } else {
    for (let i = 0; i < n; i++) drawRow(i, trueLabels[i], 0);
    const count = Math.round(rate * n);
    if (kind === 'random-flip') {
      for (const i of rng.permutation(n).subarray(0, count)) {
        labels[i] = (trueLabels[i] + 1 + rng.int(k - 1)) % k;
        isPoisoned[i] = 1;
      }
    } else {
      // Margin of each row: distance to its own mean minus distance to the nearest other mean.
      const margin = new Float64Array(n);
      const nearest = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        let own = 0;
        let best = Infinity;
        for (let c = 0; c < k; c++) {
          let dist = 0;
          for (let j = 0; j < d; j++) dist += (data[i * d + j] - means[c * d + j]) ** 2;
          if (c === trueLabels[i]) own = dist;
          else if (dist < best) {
            best = dist;
            nearest[i] = c;
          }
        }
        margin[i] = own - best;
      }
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => margin[b] - margin[a]);
      for (const i of order.slice(0, count)) {
        labels[i] = nearest[i];
        isPoisoned[i] = 1;
      }
    }
  }
  const poisoned = Int32Array.from(Array.from(isPoisoned).flatMap((p, i) => (p ? [i] : [])));
  return { x: { data, rows: n, cols: d }, labels, trueLabels, classCount: k, targetClass, poisoned, isPoisoned };
}

/** Recall, precision and false-discovery proportion of a flag vector against the planted rows. */
export function score(flagged: ArrayLike<number>, planted: Planted): { recall: number; precision: number; fdp: number; flagged: number } {
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < flagged.length; i++) {
    if (!flagged[i]) continue;
    if (planted.isPoisoned[i]) tp++;
    else fp++;
  }
  const total = planted.poisoned.length;
  return { recall: total ? tp / total : 1, precision: tp + fp ? tp / (tp + fp) : 1, fdp: tp + fp ? fp / (tp + fp) : 0, flagged: tp + fp };
}

function unit(v: Float64Array): Float64Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  return v.map((x) => x / norm);
}

function shuffle(a: Int32Array, rng: Random): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
