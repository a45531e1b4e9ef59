/**
 * Deep Partition Aggregation (Levine & Feizi, "Deep Partition Aggregation: Provable Defenses against General
 * Poisoning Attacks", ICLR 2021, §3 and Theorem 1), with a softmax head as the base classifier.
 *
 * - Partition: each training row goes to bucket h(row) mod k, where h is a hash of the row itself (FNV-1a,
 *   32-bit, over the row's float32 feature bytes in little-endian order followed by its label as a
 *   little-endian int32). As in the paper, the bucket depends only on the sample, not on its position or on
 *   the other rows, so inserting or deleting one row changes exactly one bucket.
 * - Base classifiers: one softmax per bucket, trained on that bucket's rows only, with the bucket's own
 *   standardisation (a shared standardisation would let one poisoned row touch every bucket and void the
 *   certificate). An empty bucket yields the all-zero model, which votes for class 0.
 * - Vote: n_c = number of buckets whose model predicts c (argmax, ties to the smaller class);
 *   prediction c = argmax_c n_c, ties to the smaller class index.
 * - Certificate (Theorem 1): the prediction cannot change under any insertion/deletion of at most ρ rows
 *   (|T ⊖ T'| ≤ ρ; a modified row counts twice) for
 *     ρ(x) = ⌊(n_c − max_{c'≠c} (n_{c'} + 1[c' < c])) / 2⌋,
 *   because each inserted/deleted row changes one bucket, i.e. moves at most one vote, narrowing the gap by
 *   at most 2, and a runner-up with a smaller index wins a tie.
 */
import type { Matrix } from './matrix.ts';
import { predictProba, trainSoftmax } from './softmax.ts';
import type { SoftmaxModel, SoftmaxOptions } from './softmax.ts';

/**
 * FNV-1a (32-bit) of a row's float32 bytes then its label's int32 bytes, both little-endian.
 * @example rowHash({ data: Float32Array.of(0), rows: 1, cols: 1 }, Int32Array.of(0), 0) // → 0x9be17165 (FNV-1a of eight zero bytes)
 */
export function rowHash(x: Matrix, labels: Int32Array, row: number): number {
  const d = x.cols;
  const bytes = new Uint8Array(x.data.buffer, x.data.byteOffset + row * d * 4, d * 4);
  let h = 0x811c9dc5;
  const little = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
  if (little) {
    for (let q = 0; q < bytes.length; q++) h = Math.imul(h ^ bytes[q], 0x01000193) >>> 0;
  } else {
    for (let q = 0; q < bytes.length; q += 4) for (let b = 3; b >= 0; b--) h = Math.imul(h ^ bytes[q + b], 0x01000193) >>> 0;
  }
  const y = labels[row] >>> 0;
  for (let b = 0; b < 4; b++) h = Math.imul(h ^ ((y >>> (8 * b)) & 0xff), 0x01000193) >>> 0;
  return h >>> 0;
}

/**
 * Bucket of every training row (rowHash mod k) and the rows of each bucket, in row order.
 * @example hashPartition(x, labels, 50).buckets[3] // → Int32Array of the rows hashed to bucket 3
 */
export function hashPartition(x: Matrix, labels: Int32Array, k: number, rows?: Int32Array): { bucketOf: Int32Array; buckets: Int32Array[] } {
  if (!(k >= 1) || !Number.isInteger(k)) throw new Error(`hashPartition: 'k' must be a positive integer, got ${k}`);
  if (labels.length !== x.rows) throw new Error(`hashPartition: 'labels' has ${labels.length} entries but 'x' has ${x.rows} rows`);
  const n = rows ? rows.length : x.rows;
  const bucketOf = new Int32Array(n);
  const counts = new Int32Array(k);
  for (let r = 0; r < n; r++) {
    const b = rowHash(x, labels, rows ? rows[r] : r) % k;
    bucketOf[r] = b;
    counts[b]++;
  }
  const buckets = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(k);
  for (let r = 0; r < n; r++) buckets[bucketOf[r]][fill[bucketOf[r]]++] = rows ? rows[r] : r;
  return { bucketOf, buckets };
}

/**
 * One base classifier: trainSoftmax on the bucket's rows with their own standardisation (runs in a worker).
 * @example const m = trainBucket(x, labels, 10, partition.buckets[b], { l2: 1e-3 })
 */
export function trainBucket(x: Matrix, labels: Int32Array, classCount: number, bucketRows: Int32Array, options: Omit<SoftmaxOptions, 'rowIndex' | 'standardization' | 'warmStart'>): SoftmaxModel {
  return trainSoftmax(x, labels, classCount, { ...options, rowIndex: bucketRows });
}

/**
 * Adds one base model's votes on the test points: votes[t·K + argmax_c p_tc] += 1 (ties to the smaller class).
 * @example const votes = new Int32Array(T * K); for (const m of models) addVotes(m, xt, votes)
 */
export function addVotes(model: SoftmaxModel, x: Matrix, votes: Int32Array, rows?: Int32Array): void {
  const k = model.classCount;
  const p = predictProba(model, x, rows);
  const T = rows ? rows.length : x.rows;
  if (votes.length !== T * k) throw new Error(`addVotes: 'votes' has ${votes.length} entries, expected ${T}·${k}`);
  for (let t = 0; t < T; t++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[t * k + c] > p[t * k + best]) best = c;
    votes[t * k + best]++;
  }
}

/**
 * Plurality prediction and DPA certified radius (Theorem 1) for each test point, from votes T×K row-major.
 * @example certify(Int32Array.of(3, 1, 1), 3) // → prediction [0], radius [⌊(3 − 1 − 0)/2⌋] = [1]
 */
export function certify(votes: Int32Array, classCount: number): { prediction: Int32Array; radius: Int32Array } {
  const k = classCount;
  if (!(k >= 2) || !Number.isInteger(k)) throw new Error(`certify: 'classCount' must be an integer ≥ 2, got ${k}`);
  if (votes.length % k !== 0) throw new Error(`certify: 'votes' has ${votes.length} entries, not a multiple of classCount ${k}`);
  const T = votes.length / k;
  const prediction = new Int32Array(T);
  const radius = new Int32Array(T);
  for (let t = 0; t < T; t++) {
    const o = t * k;
    let c = 0;
    for (let q = 1; q < k; q++) if (votes[o + q] > votes[o + c]) c = q;
    let rival = -Infinity;
    for (let q = 0; q < k; q++) if (q !== c) rival = Math.max(rival, votes[o + q] + (q < c ? 1 : 0));
    prediction[t] = c;
    radius[t] = Math.floor((votes[o + c] - rival) / 2);
  }
  return { prediction, radius };
}

/**
 * Certified accuracy at r = 0…maxRadius: the fraction of test points whose plurality prediction is correct
 * and certified against ≥ r poisoned rows (Levine & Feizi's curve); r = 0 is the plain ensemble accuracy.
 * @example certifiedAccuracyCurve(Int32Array.of(0, 1), Int32Array.of(2, 0), Int32Array.of(0, 1), 2) // → [1, 0.5, 0.5]
 */
export function certifiedAccuracyCurve(prediction: Int32Array, radius: Int32Array, trueLabels: Int32Array, maxRadius: number): Float64Array {
  const T = prediction.length;
  if (radius.length !== T || trueLabels.length !== T) throw new Error(`certifiedAccuracyCurve: 'prediction', 'radius' and 'trueLabels' must have the same length (${T}, ${radius.length}, ${trueLabels.length})`);
  const R = Math.max(0, Math.floor(maxRadius));
  const hist = new Float64Array(R + 2);
  for (let t = 0; t < T; t++) if (prediction[t] === trueLabels[t]) hist[Math.min(radius[t], R + 1)]++;
  const curve = new Float64Array(R + 1);
  let above = hist[R + 1];
  for (let r = R; r >= 0; r--) {
    above += hist[r];
    curve[r] = T > 0 ? above / T : 0;
  }
  return curve;
}

export interface DpaResult {
  votes: Int32Array;
  prediction: Int32Array;
  radius: Int32Array;
  bucketSizes: Int32Array;
}

/**
 * The whole pipeline serially (the host runs trainBucket per bucket in workers and sums addVotes instead).
 * @example runDpa(x, labels, 10, 50, { l2: 1e-3 }, { x: xt }).radius
 */
export function runDpa(
  x: Matrix,
  labels: Int32Array,
  classCount: number,
  k: number,
  options: Omit<SoftmaxOptions, 'rowIndex' | 'standardization' | 'warmStart'>,
  test: { x: Matrix; rows?: Int32Array },
): DpaResult {
  const { buckets } = hashPartition(x, labels, k);
  const T = test.rows ? test.rows.length : test.x.rows;
  const votes = new Int32Array(T * classCount);
  for (const b of buckets) addVotes(trainBucket(x, labels, classCount, b, options), test.x, votes, test.rows);
  const { prediction, radius } = certify(votes, classCount);
  return { votes, prediction, radius, bucketSizes: Int32Array.from(buckets, (b) => b.length) };
}
