/**
 * Exact and near duplicates within a dataset, and between two datasets (train/test leakage).
 *
 * Exact: rows whose float32 values are bitwise identical. Each row's 32-bit words are hashed by two
 * independent lanes (MurmurHash3's x86_32 block mix and an FNV-1a over words, both finished by MurmurHash3's
 * fmix32) into a 53-bit key; rows that share a key are then compared word by word, so a hash collision can
 * never produce a false match. Bitwise means +0 and −0 differ and a NaN matches only the same NaN bits.
 *
 * Near: cleanlab Datalab's near-duplicate rule (REFERENCE.md, "Near duplicates"): rows i, j are near
 * duplicates when their Euclidean distance is below nearFactor × the median nearest-neighbour distance of the
 * dataset (nearFactor = 0.13 in cleanlab). Candidate pairs come from the exact k-NN graph (k = 10), so a row
 * joins a group through any of its 10 nearest neighbours; groups are the connected components of all exact and
 * near pairs. A pair of (near-)identical feature vectors with different labels is called out as a conflict:
 * the same input cannot honestly carry two labels, which is what a label flip or a poisoned copy looks like.
 */
import { median } from '../calibration.ts';
import { rowsByClass, type Matrix } from '../matrix.ts';
import { Random } from '../random.ts';
import { knnGraph, type KnnGraph } from './knn.ts';
import type { GlobalDetection, GlobalDetector } from './types.ts';

export interface DuplicateParams {
  /** Near duplicate when the distance is below nearFactor × median nearest-neighbour distance (cleanlab: 0.13). */
  nearFactor: number;
}

export interface DuplicatePair {
  /** Lower row index (within-dataset) or the train row (cross-dataset). */
  a: number;
  /** Higher row index (within-dataset) or the test row (cross-dataset). */
  b: number;
  /** Euclidean distance, float64 (0 for exact copies). */
  distance: number;
  /** Bitwise-identical rows. */
  exact: boolean;
  /** Both rows labelled, with different labels. */
  conflict: boolean;
}

export interface DuplicateGroup {
  /** Row indices, ascending. */
  rows: Int32Array;
  /** Every member is a bitwise copy of every other. */
  exact: boolean;
  /** Distinct labels of the members, ascending (empty without labels). */
  labels: number[];
}

export interface DuplicateReport {
  /** Connected components (size ≥ 2) of exact and near pairs, ordered by their lowest row. */
  groups: DuplicateGroup[];
  /** 1 for rows in any group. */
  flags: Uint8Array;
  /**
   * Pairs behind the groups: for a set of exact copies, each copy paired with the lowest-indexed one (g − 1
   * pairs, not g(g − 1)/2, so a thousand blank rows give a thousand pairs, not half a million); then every k-NN
   * edge below the threshold that is not an exact copy. Ordered by (a, b).
   */
  pairs: DuplicatePair[];
  /** The pairs with `conflict`. */
  conflicts: DuplicatePair[];
  /** Euclidean distance from each row to its nearest other row (0 for a row with an exact copy). */
  nnDistance: Float64Array;
  medianNnDistance: number;
  /** nearFactor × medianNnDistance; pairs strictly below it are near duplicates. */
  threshold: number;
}

/** Neighbours searched for near-duplicate partners (cleanlab's default k). */
export const NEAR_K = 10;

/**
 * Exact and near duplicates within one dataset. `graph` may be a k-NN graph of `x` the host already has
 * (e.g. from the k-NN detectors); otherwise one with k = 10 is computed. `labels` null: no conflicts.
 */
export function findDuplicates(x: Matrix, labels: Int32Array | null, params: DuplicateParams, graph?: KnnGraph): DuplicateReport {
  const n = x.rows;
  const g = graph ?? knnGraph(x, NEAR_K);
  const nnDistance = new Float64Array(n);
  for (let i = 0; i < n; i++) nnDistance[i] = g.k > 0 ? Math.sqrt(g.distances[i * g.k]) : Infinity;
  const medianNnDistance = n > 1 ? median(nnDistance) : 0;
  const threshold = params.nearFactor * medianNnDistance;

  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const conflict = (a: number, b: number) => labels !== null && labels[a] !== labels[b];

  const pairs: DuplicatePair[] = [];
  const exactClass = new Int32Array(n).fill(-1);
  for (const members of exactCopies(x)) {
    for (const r of members) exactClass[r] = members[0];
    for (let m = 1; m < members.length; m++) {
      union(members[0], members[m]);
      pairs.push({ a: members[0], b: members[m], distance: 0, exact: true, conflict: conflict(members[0], members[m]) });
    }
  }
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < g.k; j++) {
      const other = g.indices[i * g.k + j];
      const distance = Math.sqrt(g.distances[i * g.k + j]);
      if (!(distance < threshold)) break;
      if (exactClass[i] >= 0 && exactClass[i] === exactClass[other]) continue;
      const a = Math.min(i, other);
      const b = Math.max(i, other);
      if (seen.has(a * n + b)) continue;
      seen.add(a * n + b);
      union(a, b);
      pairs.push({ a, b, distance, exact: false, conflict: conflict(a, b) });
    }
  }
  pairs.sort((p, q) => p.a - q.a || p.b - q.b);

  const byRoot = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    const members = byRoot.get(r);
    if (members) members.push(i);
    else byRoot.set(r, [i]);
  }
  const flags = new Uint8Array(n);
  const groups: DuplicateGroup[] = [];
  for (const members of byRoot.values()) {
    if (members.length < 2) continue;
    for (const r of members) flags[r] = 1;
    const exact = members.every((r) => exactClass[r] >= 0 && exactClass[r] === exactClass[members[0]]);
    const distinct = labels ? [...new Set(members.map((r) => labels[r]))].sort((a, b) => a - b) : [];
    groups.push({ rows: Int32Array.from(members), exact, labels: distinct });
  }
  return { groups, flags, pairs, conflicts: pairs.filter((p) => p.conflict), nnDistance, medianNnDistance, threshold };
}

/**
 * The duplicate detector: ruleFlags = in any exact or near group; score = −(nearest-neighbour distance) /
 * (median nearest-neighbour distance), so 0 is an exact copy and the closest pairs rank first (divided by 1
 * instead when the median is 0, i.e. when over half the rows have an exact copy). No p-values: nearness to
 * one other row has no per-row null worth calibrating. Per class: rows in groups and rows in conflicts.
 */
export const duplicateDetector: GlobalDetector<DuplicateParams> = (x, labels, classCount, params, onProgress) => {
  const graph = knnGraph(x, NEAR_K, { onProgress: (f) => onProgress?.(0.95 * f) });
  const out = duplicatesFromGraph(graph, x, labels, classCount, params);
  onProgress?.(1);
  return out;
};

/** The duplicate detector on a k-NN graph the host already built (shared with the k-NN detectors). */
export function duplicatesFromGraph(graph: KnnGraph, x: Matrix, labels: Int32Array, classCount: number, params: DuplicateParams): GlobalDetection {
  const report = findDuplicates(x, labels, params, graph);
  const scale = report.medianNnDistance > 0 ? report.medianNnDistance : 1;
  const scores = Float64Array.from(report.nnDistance, (d) => -d / scale);
  const inConflict = new Uint8Array(x.rows);
  for (const p of report.conflicts) inConflict[p.a] = inConflict[p.b] = 1;
  const perClass = rowsByClass(labels, classCount).map((members) => {
    let inGroups = 0;
    let conflicting = 0;
    for (const r of members) {
      inGroups += report.flags[r];
      conflicting += inConflict[r];
    }
    return { classTest: null, diagnostics: { rows: members.length, inGroups, conflicting } };
  });
  return {
    scores,
    pValues: null,
    ruleFlags: report.flags,
    perClass,
    diagnostics: {
      k: graph.k,
      nearFactor: params.nearFactor,
      medianNnDistance: report.medianNnDistance,
      threshold: report.threshold,
      groups: report.groups.length,
      exactGroups: report.groups.filter((g) => g.exact).length,
      rowsInGroups: report.groups.reduce((s, g) => s + g.rows.length, 0),
      pairs: report.pairs.length,
      conflictPairs: report.conflicts.length,
    },
  };
}

export interface LeakageReport {
  /** a = train row, b = test row; exact copies first found by hashing, near ones by the nearest train row. */
  pairs: DuplicatePair[];
  conflicts: DuplicatePair[];
  /** Test rows with an exact or near copy in train. */
  testFlags: Uint8Array;
  /** Train rows that some test row copies. */
  trainFlags: Uint8Array;
  /** Estimated median nearest-neighbour distance within train (the scale of "near"). */
  medianNnDistance: number;
  threshold: number;
  /** Fraction of test rows flagged. */
  leakedFraction: number;
}

/** Train rows sampled to estimate the within-train median nearest-neighbour distance. */
const MEDIAN_SAMPLE = 2000;

/**
 * Train/test leakage: test rows that are exact or near copies of train rows. Exact copies are found by hashing
 * (every train copy of a test row is paired); near ones by each test row's nearest train row, below
 * nearFactor × the median nearest-neighbour distance *within train*. That scale is estimated from a seeded
 * sample of up to 2000 train rows searched against all of train, rather than from the test rows' own distances
 * to train, which would shrink toward 0 exactly when much of the test set is leaked.
 */
export function crossDuplicates(train: Matrix, test: Matrix, params: DuplicateParams, labels?: { train: Int32Array; test: Int32Array }): LeakageReport {
  const conflict = (a: number, b: number) => labels !== undefined && labels.train[a] !== labels.test[b];
  const pairs: DuplicatePair[] = [];
  const testFlags = new Uint8Array(test.rows);
  const trainFlags = new Uint8Array(train.rows);

  const trainWords = wordsOf(train);
  const testWords = wordsOf(test);
  const buckets = new Map<number, number[]>();
  for (let i = 0; i < train.rows; i++) {
    const key = rowKey(trainWords, i, train.cols);
    const bucket = buckets.get(key);
    if (bucket) bucket.push(i);
    else buckets.set(key, [i]);
  }
  for (let t = 0; t < test.rows; t++) {
    for (const r of buckets.get(rowKey(testWords, t, test.cols)) ?? []) {
      if (!sameWords(trainWords, r, testWords, t, train.cols)) continue;
      pairs.push({ a: r, b: t, distance: 0, exact: true, conflict: conflict(r, t) });
      testFlags[t] = trainFlags[r] = 1;
    }
  }

  let medianNnDistance = 0;
  if (train.rows > 1) {
    const sample = Math.min(MEDIAN_SAMPLE, train.rows);
    const picks = new Random(0x1eaf).permutation(train.rows).subarray(0, sample);
    const sampled: Matrix = { data: new Float32Array(sample * train.cols), rows: sample, cols: train.cols };
    picks.forEach((r, s) => sampled.data.set(train.data.subarray(r * train.cols, (r + 1) * train.cols), s * train.cols));
    // Searching the sample against all of train finds each sampled row itself at distance 0; k = 2 and the
    // second neighbour skip it (an exact copy elsewhere in train also reads 0, as it should).
    const g = knnGraph(sampled, 2, { reference: train });
    medianNnDistance = median(Array.from({ length: sample }, (_, s) => Math.sqrt(g.distances[s * 2 + 1])));
  }
  const threshold = params.nearFactor * medianNnDistance;
  if (train.rows > 0) {
    const nn = knnGraph(test, 1, { reference: train });
    for (let t = 0; t < test.rows; t++) {
      if (testFlags[t]) continue;
      const distance = Math.sqrt(nn.distances[t]);
      if (!(distance < threshold)) continue;
      const r = nn.indices[t];
      pairs.push({ a: r, b: t, distance, exact: false, conflict: conflict(r, t) });
      testFlags[t] = trainFlags[r] = 1;
    }
  }
  let leaked = 0;
  for (const f of testFlags) leaked += f;
  return {
    pairs,
    conflicts: pairs.filter((p) => p.conflict),
    testFlags,
    trainFlags,
    medianNnDistance,
    threshold,
    leakedFraction: test.rows ? leaked / test.rows : 0,
  };
}

/** Sets of bitwise-identical rows (size ≥ 2), each ascending, ordered by their first row. */
export function exactCopies(x: Matrix): Int32Array[] {
  const words = wordsOf(x);
  const buckets = new Map<number, number[]>();
  for (let i = 0; i < x.rows; i++) {
    const key = rowKey(words, i, x.cols);
    const bucket = buckets.get(key);
    if (bucket) bucket.push(i);
    else buckets.set(key, [i]);
  }
  const out: Int32Array[] = [];
  for (const bucket of buckets.values()) {
    if (bucket.length < 2) continue;
    // Confirm word by word: split the bucket into classes of truly equal rows (a collision gives two classes).
    let rest = bucket;
    while (rest.length > 1) {
      const head = rest[0];
      const same = rest.filter((r) => r === head || sameWords(words, head, words, r, x.cols));
      if (same.length > 1) out.push(Int32Array.from(same));
      rest = rest.filter((r) => r !== head && !same.includes(r));
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}

function wordsOf(x: Matrix): Uint32Array {
  return new Uint32Array(x.data.buffer, x.data.byteOffset, x.rows * x.cols);
}

/**
 * 53-bit key of a row's words: lane 1 is MurmurHash3 x86_32's block mix (Appleby 2011), lane 2 an FNV-1a over
 * whole words (Fowler–Noll–Vo, prime 16777619); both finished by fmix32 so every input bit reaches every
 * output bit. 32 bits of lane 1 and 21 of lane 2 fit a double exactly, so Map keys are numbers, not strings.
 */
function rowKey(words: Uint32Array, row: number, d: number): number {
  let h1 = 0x9747b28c;
  let h2 = 0x811c9dc5;
  const base = row * d;
  for (let t = 0; t < d; t++) {
    const w = words[base + t];
    let k = Math.imul(w, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h1 ^= k;
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    h2 = Math.imul(h2 ^ w, 16777619);
  }
  h1 = fmix32(h1 ^ (d * 4));
  h2 = fmix32(h2);
  return (h1 >>> 0) * 2097152 + (h2 >>> 11);
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function sameWords(a: Uint32Array, ra: number, b: Uint32Array, rb: number, d: number): boolean {
  const pa = ra * d;
  const pb = rb * d;
  for (let t = 0; t < d; t++) if (a[pa + t] !== b[pb + t]) return false;
  return true;
}
