/**
 * Exact k-nearest-neighbour graph and the two detectors built on it: Deep k-NN label disagreement
 * (Peri et al., "Deep k-NN Defense against Clean-label Data Poisoning Attacks", ECCV Workshops 2020) and the
 * k-NN distance outlier score with cleanlab Datalab's outlier rule (REFERENCE.md, "Near duplicates").
 *
 * The search is brute force in two phases.
 *
 * 1. Candidates. Approximate squared distances D̃ = ‖a‖² + ‖b‖² − 2a·b for a block of query rows against a
 *    block of reference rows come from a register-blocked WebAssembly SIMD kernel in float32
 *    (kernels/distance-kernels.ts; a float64 scalar kernel where SIMD is unavailable). Each row keeps its
 *    C = k + CANDIDATE_MARGIN smallest D̃ in a sorted buffer whose last entry is the row's threshold; the
 *    kernel flags the 8 × 4 micro-tiles holding some entry below a threshold, so after the first blocks JS
 *    looks at almost nothing. For a self-search the distance is symmetric, so each unordered pair of rows is
 *    computed once and offered to both rows (`knnCandidates`): n²d/2 multiply–adds instead of n²d. The pairs
 *    of tiles can be split between workers (`part`), each keeping its own lists; the lists merge exactly.
 * 2. Finish (`knnFinish`). Per row, merge the lists, recompute the C kept distances directly as Σ(a − b)² in
 *    float64 (exact for exact copies, accurate for near ones where the expansion cancels), sort by
 *    (distance, index), and *certify* the result: with ε = c·(‖a‖² + ‖b‖²) + abs the kernel's error bound
 *    (distance-kernels.ts), every row not kept has D̃ ≥ D̃_C (the largest kept D̃: a rejected or evicted
 *    candidate was never below a threshold that only decreases, and merging keeps the C smallest), so its
 *    true distance is ≥ D̃_C − ε. A reference row b with ‖b‖ > ‖a‖ + √D_k is farther than D_k anyway
 *    (‖a − b‖ ≥ ‖b‖ − ‖a‖), so only norms ‖b‖² ≤ R = min(max‖b‖², (‖a‖ + √D_k)²) matter, and when
 *        D̃_C − D_k > c·(‖a‖² + R) + abs,
 *    every row not kept is strictly farther than the k-th kept one (D_k, float64), and the k best kept rows
 *    are the exact k nearest neighbours, ties included. A row that fails the test (more than C − k
 *    candidates within ~ε of its k-th distance: clusters of exact or near copies, or non-finite values) is
 *    searched again directly in float64 over all rows (`exactRow`). Its cost, O(n·d), is paid by few rows.
 *
 * Cost: n²d/2 float32 multiply–adds (self-search; n·m·d with a reference) at ~8 GMAC/s per core with SIMD,
 * plus O(n·C·d) for the finish. Memory: 8·C bytes per row per part, plus ~1 MiB of tiles per search.
 *
 * Results: indices are exact (by the float64 direct distances; ties to the lower index); distances are the
 * float64 direct distances stored as float32. A row whose distance to every candidate is NaN gets index −1.
 */
import { median, robustNormalPValues } from '../calibration.ts';
import {
  blockRows,
  distanceAbsoluteError,
  distanceErrorBound,
  distanceTiles,
  scalarDistanceTiles,
  tileIndex,
  type DistanceTiles,
} from '../kernels/distance-kernels.ts';
import { rowsByClass, type Matrix } from '../matrix.ts';
import { quantileR7 } from '../quantile.ts';
import type { GlobalDetection, GlobalDetector, Progress } from './types.ts';

/** The k nearest neighbours of each query row, nearest first; ties in distance go to the lower index. */
export interface KnnGraph {
  /** Neighbours per row: min(requested k, candidates), the candidates being n − 1 for a self-search. */
  k: number;
  /** Query rows covered (rows of the range or of the query matrix). */
  rows: number;
  /** rows × k reference-row indices. */
  indices: Int32Array;
  /** rows × k squared Euclidean distances, recomputed directly in float64 and stored as float32. */
  distances: Float32Array;
}

export interface KnnOptions {
  /** Search these rows instead of `x` itself (e.g. train rows for test queries); no row is then excluded as "self". */
  reference?: Matrix;
  onProgress?: Progress;
  /** The tile kernel: the fastest available (default) or the float64 scalar one (tests, comparisons). */
  kernel?: 'auto' | 'scalar';
}

/**
 * Per-row candidate lists of the first phase: rows [start, start + rows) of the query, `capacity` entries
 * each, ascending approximate distance (float32) with their reference-row indices; unused entries are
 * (+∞, −1). On SharedArrayBuffers when asked, so the finish can read several parts from any thread.
 */
export interface KnnCandidates {
  start: number;
  rows: number;
  capacity: number;
  distances: Float32Array;
  indices: Int32Array;
}

/** Candidates kept beyond k: a row is re-searched only if more than this many lie within ~ε of its k-th. */
const CANDIDATE_MARGIN = 8;

/** Candidate list length for k neighbours among `candidates` rows. */
export function knnCapacity(k: number, candidates: number): number {
  const kk = Math.max(0, Math.min(Math.floor(k), candidates));
  return kk === 0 ? 0 : Math.min(candidates, kk + CANDIDATE_MARGIN);
}

/**
 * Exact k nearest neighbours of every row of `x` among the rows of `x` (itself excluded) or of
 * `options.reference`.
 * @example knnGraph({ data: Float32Array.of(0, 1, 3), rows: 3, cols: 1 }, 1) // → indices [1, 0, 1], distances [1, 1, 4]
 */
export function knnGraph(x: Matrix, k: number, options: KnnOptions = {}): KnnGraph {
  if (options.reference) return knnGraphRange(x, k, 0, x.rows, options);
  const capacity = knnCapacity(k, x.rows - 1);
  const onProgress = options.onProgress;
  const candidates = knnCandidates(x, capacity, 0, 1, { kernel: options.kernel, onProgress: onProgress && ((f) => onProgress(0.95 * f)) });
  const graph = knnFinish(x, k, [candidates], 0, x.rows);
  onProgress?.(1);
  return graph;
}

/**
 * The rows [start, end) of `knnGraph(x, k, options)`, searched one-sidedly (each query row against every
 * reference row; twice the work of the symmetric self-search, but a range needs no other rows' lists).
 */
export function knnGraphRange(x: Matrix, k: number, start: number, end: number, options: KnnOptions = {}): KnnGraph {
  const ref = options.reference ?? x;
  if (ref.cols !== x.cols) throw new Error(`knnGraph: query has ${x.cols} columns, reference ${ref.cols}`);
  start = Math.max(0, Math.min(start, x.rows));
  end = Math.max(start, Math.min(end, x.rows));
  const capacity = knnCapacity(k, options.reference ? ref.rows : ref.rows - 1);
  const onProgress = options.onProgress;
  const candidates = knnCandidatesRange(x, capacity, start, end, { ...options, onProgress: onProgress && ((f) => onProgress(0.95 * f)) });
  const graph = knnFinish(x, k, [candidates], start, end, { reference: options.reference });
  onProgress?.(1);
  return graph;
}

function emptyCandidates(start: number, rows: number, capacity: number, shared: boolean): KnnCandidates {
  const bytes = rows * capacity * 4;
  const distances = new Float32Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes)).fill(Infinity);
  const indices = new Int32Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes)).fill(-1);
  return { start, rows, capacity, distances, indices };
}

/** Squared norms in float64. */
function squaredNorms(x: Matrix): Float64Array {
  const d = x.cols;
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let s = 0;
    for (let t = 0; t < d; t++) s += x.data[i * d + t] * x.data[i * d + t];
    out[i] = s;
  }
  return out;
}

/** Query blocks are QUERY_BLOCKS reference blocks tall: the query block is packed once per row of tiles. */
const QUERY_BLOCKS = 2;

/** The tiles of a self-search: query block a (rows a·Q …), reference block b (rows b·B …), b·B ≥ a·Q. */
function tilePairs(n: number, d: number): { B: number; Q: number; count: number; at(t: number): [number, number] } {
  const B = blockRows(d);
  const Q = B * QUERY_BLOCKS;
  const qBlocks = Math.ceil(n / Q);
  const rBlocks = Math.ceil(n / B);
  // Row a of the triangle has rBlocks − a·QUERY_BLOCKS tiles; firsts[a] is the index of its first tile.
  const firsts = new Float64Array(qBlocks + 1);
  for (let a = 0; a < qBlocks; a++) firsts[a + 1] = firsts[a] + (rBlocks - a * QUERY_BLOCKS);
  return {
    B,
    Q,
    count: firsts[qBlocks],
    at(t) {
      let a = 0;
      while (firsts[a + 1] <= t) a++;
      return [a, a * QUERY_BLOCKS + (t - firsts[a])];
    },
  };
}

/** Sorted insertion of (dist, index) into the ascending list at off, dropping its last entry. */
function insert(dist: Float32Array, idx: Int32Array, off: number, c: number, v: number, j: number): void {
  let p = off + c - 1;
  while (p > off && dist[p - 1] > v) {
    dist[p] = dist[p - 1];
    idx[p] = idx[p - 1];
    p--;
  }
  dist[p] = v;
  idx[p] = j;
}

/**
 * First phase of a self-search, for part `part` of `parts` (the tile pairs split evenly, in order): each
 * row's `capacity` best candidates by approximate distance among the pairs of this part. Lists of all rows.
 */
export function knnCandidates(
  x: Matrix,
  capacity: number,
  part: number,
  parts: number,
  options: { kernel?: 'auto' | 'scalar'; onProgress?: Progress; shared?: boolean } = {},
): KnnCandidates {
  const n = x.rows;
  const d = x.cols;
  const C = capacity;
  const cand = emptyCandidates(0, n, C, options.shared ?? false);
  if (n < 2 || C === 0) return cand;
  const { B, Q, count, at } = tilePairs(n, d);
  const first = Math.floor((count * part) / parts);
  const last = Math.floor((count * (part + 1)) / parts);
  if (first >= last) return cand;
  const norms = squaredNorms(x);
  const tiles = makeTiles(options.kernel, d, Q, B);
  const { distances: dist, indices: idx } = cand;
  let packed = -1;
  for (let t = first; t < last; t++) {
    const [a, b] = at(t);
    const q0 = a * Q;
    const qn = Math.min(Q, n - q0);
    const r0 = b * B;
    const rn = Math.min(B, n - r0);
    if (a !== packed) {
      tiles.setQuery(x.data, q0, qn, norms);
      packed = a;
    }
    tiles.setReference(x.data, r0, rn, norms);
    // Inside the query block the tile is searched one-sidedly (each ordered pair is in some tile of this
    // query block); beyond it, each unordered pair is in this tile only, and updates both rows.
    const both = r0 >= q0 + qn;
    for (let i = 0; i < qn; i++) tiles.qThr[i] = dist[(q0 + i) * C + C - 1];
    for (let j = 0; j < rn; j++) tiles.rThr[j] = both ? dist[(r0 + j) * C + C - 1] : -Infinity;
    tiles.run();
    collect(tiles, dist, idx, C, q0, qn, r0, rn, both, true);
    options.onProgress?.((t - first + 1) / (last - first));
  }
  return cand;
}

/**
 * First phase for query rows [start, end) against every row of `options.reference` (or of x, itself
 * excluded), one-sided.
 */
export function knnCandidatesRange(
  x: Matrix,
  capacity: number,
  start: number,
  end: number,
  options: { reference?: Matrix; kernel?: 'auto' | 'scalar'; onProgress?: Progress; shared?: boolean } = {},
): KnnCandidates {
  const ref = options.reference ?? x;
  const self = options.reference === undefined;
  const d = x.cols;
  const C = capacity;
  const rows = Math.max(0, end - start);
  const cand = emptyCandidates(start, rows, C, options.shared ?? false);
  if (rows === 0 || C === 0 || ref.rows === 0) return cand;
  const B = blockRows(d);
  const Q = B * QUERY_BLOCKS;
  const qNorms = squaredNorms(x);
  const rNorms = self ? qNorms : squaredNorms(ref);
  const tiles = makeTiles(options.kernel, d, Q, B);
  const { distances: dist, indices: idx } = cand;
  const total = Math.ceil(rows / Q) * Math.ceil(ref.rows / B);
  let done = 0;
  for (let q0 = start; q0 < end; q0 += Q) {
    const qn = Math.min(Q, end - q0);
    tiles.setQuery(x.data, q0, qn, qNorms);
    for (let r0 = 0; r0 < ref.rows; r0 += B) {
      const rn = Math.min(B, ref.rows - r0);
      tiles.setReference(ref.data, r0, rn, rNorms);
      for (let i = 0; i < qn; i++) tiles.qThr[i] = dist[(q0 - start + i) * C + C - 1];
      tiles.rThr.fill(-Infinity, 0, rn);
      tiles.run();
      collect(tiles, dist, idx, C, q0 - start, qn, r0, rn, false, self, q0);
      options.onProgress?.(++done / total);
    }
  }
  return cand;
}

function makeTiles(kernel: 'auto' | 'scalar' | undefined, d: number, q: number, r: number): DistanceTiles {
  return kernel === 'scalar' ? scalarDistanceTiles(d, q, r) : distanceTiles(d, q, r);
}

/**
 * Offers the flagged micro-tiles' entries to the lists: entry (i, j) to list row qBase + i (reference index
 * r0 + j) and, when `both`, to list r0 + j (index qGlobal + i). `skipSelf` drops entries with equal global
 * indices (qGlobal + i = r0 + j). A list takes an entry strictly below its last one.
 */
function collect(
  tiles: DistanceTiles,
  dist: Float32Array,
  idx: Int32Array,
  C: number,
  qBase: number,
  qn: number,
  r0: number,
  rn: number,
  both: boolean,
  skipSelf: boolean,
  qGlobal = qBase,
): void {
  const { flags, out } = tiles;
  const rPanels = tiles.referencePanels;
  const qPanels = Math.ceil(qn / 8);
  for (let p = 0; p < qPanels; p++) {
    for (let s = 0; s < rPanels; s++) {
      if (flags[p * rPanels + s] === 0) continue;
      const iEnd = Math.min(8, qn - p * 8);
      const jEnd = Math.min(4, rn - s * 4);
      for (let jj = 0; jj < jEnd; jj++) {
        const j = s * 4 + jj;
        const gj = r0 + j;
        for (let ii = 0; ii < iEnd; ii++) {
          const i = p * 8 + ii;
          const gi = qGlobal + i;
          if (skipSelf && gi === gj) continue;
          const v = out[tileIndex(i, j, rPanels)];
          const qOff = (qBase + i) * C;
          if (v < dist[qOff + C - 1]) insert(dist, idx, qOff, C, v, gj);
          if (both && v < dist[gj * C + C - 1]) insert(dist, idx, gj * C, C, v, gi);
        }
      }
    }
  }
}

/**
 * Second phase: rows [start, end) of the graph from first-phase lists covering them (several parts of a
 * split self-search, or one range), merged, refined in float64, certified, and re-searched directly where
 * the certificate fails (see the file comment).
 */
export function knnFinish(x: Matrix, k: number, parts: readonly KnnCandidates[], start: number, end: number, options: { reference?: Matrix } = {}): KnnGraph {
  const ref = options.reference ?? x;
  const self = options.reference === undefined;
  const d = x.cols;
  const m = ref.rows;
  const total = self ? m - 1 : m;
  start = Math.max(0, start);
  const rows = Math.max(0, Math.min(end, x.rows) - start);
  const kk = Math.max(0, Math.min(Math.floor(k), total));
  const indices = new Int32Array(rows * kk).fill(-1);
  const distances = new Float32Array(rows * kk);
  if (rows === 0 || kk === 0) return { k: kk, rows, indices, distances };

  let maxRefNorm = 0;
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let t = 0; t < d; t++) s += ref.data[j * d + t] * ref.data[j * d + t];
    if (s > maxRefNorm) maxRefNorm = s; // a NaN row is nobody's neighbour (NaN never enters a list)
  }
  const c = distanceErrorBound(d);
  const abs = distanceAbsoluteError(d);
  const C = Math.max(...parts.map((p) => p.capacity));
  // Merge buffers: all parts' entries of one row, then the C smallest.
  const allD = new Float64Array(C * parts.length);
  const allI = new Int32Array(C * parts.length);
  const order = new Int32Array(C * parts.length);
  const keptD = new Float64Array(C);
  const keptI = new Int32Array(C);
  const rank = new Int32Array(C);
  let researched = 0;

  for (let row = 0; row < rows; row++) {
    const i = start + row;
    let nAll = 0;
    for (const part of parts) {
      const r = i - part.start;
      if (r < 0 || r >= part.rows) continue;
      for (let e = 0; e < part.capacity; e++) {
        const j = part.indices[r * part.capacity + e];
        if (j < 0) break;
        allD[nAll] = part.distances[r * part.capacity + e];
        allI[nAll] = j;
        order[nAll] = nAll;
        nAll++;
      }
    }
    const sub = order.subarray(0, nAll).sort((p, q) => allD[p] - allD[q] || allI[p] - allI[q]);
    const kept = Math.min(nAll, C);
    const approxC = kept > 0 ? allD[sub[kept - 1]] : Infinity;
    const a = i * d;
    let qNorm = 0;
    for (let t = 0; t < d; t++) qNorm += x.data[a + t] * x.data[a + t];
    for (let e = 0; e < kept; e++) {
      const j = allI[sub[e]];
      const b = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = x.data[a + t] - ref.data[b + t];
        s += diff * diff;
      }
      keptD[e] = s;
      keptI[e] = j;
      rank[e] = e;
    }
    const ranked = rank.subarray(0, kept).sort((p, q) => keptD[p] - keptD[q] || keptI[p] - keptI[q]);

    let certified = kept === total; // every candidate was kept
    if (!certified && kept === C && kept >= kk) {
      const dk = keptD[ranked[kk - 1]];
      const reach = (Math.sqrt(qNorm) + Math.sqrt(dk)) ** 2 * (1 + 1e-9);
      const bound = qNorm + Math.min(maxRefNorm, reach);
      // Finite and far from float32 overflow, or the bound means nothing.
      certified = bound < 1e37 && approxC - dk > c * bound + abs;
    }
    const off = row * kk;
    if (certified) {
      for (let e = 0; e < kk; e++) {
        indices[off + e] = keptI[ranked[e]];
        distances[off + e] = keptD[ranked[e]];
      }
    } else {
      researched++;
      exactRow(x, ref, i, self, kk, indices, distances, off);
    }
  }
  lastFinishStats.researched = researched;
  return { k: kk, rows, indices, distances };
}

/** Rows of the most recent `knnFinish` in this thread that failed the certificate (tests, benchmarks). */
export const lastFinishStats = { researched: 0 };

/**
 * Row i's k nearest neighbours by direct float64 distances to every reference row (self excluded), ties to
 * the lower index; NaN distances never enter. Written into indices/distances at off.
 */
function exactRow(x: Matrix, ref: Matrix, i: number, self: boolean, k: number, indices: Int32Array, distances: Float32Array, off: number): void {
  const d = x.cols;
  const best = new Float64Array(k).fill(Infinity);
  const idx = new Int32Array(k).fill(-1);
  const a = i * d;
  for (let j = 0; j < ref.rows; j++) {
    if (self && j === i) continue;
    const b = j * d;
    let s = 0;
    for (let t = 0; t < d; t++) {
      const diff = x.data[a + t] - ref.data[b + t];
      s += diff * diff;
    }
    if (s < best[k - 1]) {
      let p = k - 1;
      while (p > 0 && best[p - 1] > s) {
        best[p] = best[p - 1];
        idx[p] = idx[p - 1];
        p--;
      }
      best[p] = s;
      idx[p] = j;
    }
  }
  for (let e = 0; e < k; e++) {
    indices[off + e] = idx[e];
    distances[off + e] = idx[e] < 0 ? 0 : best[e];
  }
}

/**
 * Deep k-NN (Peri et al. 2020, §3, Algorithm 1): a row is flagged when its label is not the plurality label of
 * its k nearest neighbours in feature space. The paper's rule is silent on ties; here a row whose label ties for
 * the plurality is kept (flagged only when strictly fewer neighbours share its label than carry the commonest
 * other label), because breaking the tie toward the smallest label index, as a `mode` function would, makes
 * the decision depend on how classes happen to be numbered. The score is the fraction of neighbours with
 * another label (the paper's quantity before thresholding). No p-values and no class test: neighbour-label
 * agreement has no clean null without a model of how much the classes overlap.
 */
export function labelDisagreementFromGraph(graph: KnnGraph, labels: Int32Array, classCount: number): GlobalDetection {
  const { k, rows } = graph;
  const scores = new Float64Array(rows);
  const ruleFlags = new Uint8Array(rows);
  const counts = new Int32Array(classCount);
  let ties = 0;
  for (let i = 0; i < rows; i++) {
    const off = i * k;
    for (let j = 0; j < k; j++) counts[labels[graph.indices[off + j]]]++;
    const own = labels[i];
    let other = 0;
    for (let j = 0; j < k; j++) {
      const c = labels[graph.indices[off + j]];
      if (c !== own && counts[c] > other) other = counts[c];
    }
    scores[i] = k > 0 ? (k - counts[own]) / k : 0;
    if (counts[own] < other) ruleFlags[i] = 1;
    else if (k > 0 && counts[own] === other) ties++;
    for (let j = 0; j < k; j++) counts[labels[graph.indices[off + j]]] = 0;
  }
  const perClass = rowsByClass(labels, classCount).map((members) => {
    let flagged = 0;
    let sum = 0;
    for (const i of members) {
      flagged += ruleFlags[i];
      sum += scores[i];
    }
    const n = members.length;
    return { classTest: null, diagnostics: { rows: n, flagged, meanDisagreement: n ? sum / n : 0 } };
  });
  return {
    scores,
    pValues: null,
    ruleFlags,
    perClass,
    diagnostics: { k, rows, flagged: count(ruleFlags), tiesKept: ties, tieRule: 'own label tied for the plurality: kept' },
  };
}

/**
 * k-NN distance outlier score (cleanlab Datalab's outlier issue, REFERENCE.md): score = mean Euclidean distance
 * to the k nearest neighbours. Rule: score > Q3 + (1/0.37037 − 1)·IQR over all rows (quartiles by linear
 * interpolation, R-7, numpy's default, as cleanlab uses). cleanlab takes cosine distance for d > 3; Euclidean
 * is used here so the score agrees with the duplicate and clustering detectors on the same embeddings.
 * p-values: a robust normal null (median, 1.4826·MAD) fitted per class to log scores, upper tail; the log
 * because a mean of distances is right-skewed and roughly log-normal for a clean class. A zero score (all k
 * neighbours exact copies) is floored at the class's smallest positive score before the log.
 */
export function outlierFromGraph(graph: KnnGraph, labels: Int32Array, classCount: number): GlobalDetection {
  const { k, rows } = graph;
  const scores = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += Math.sqrt(graph.distances[i * k + j]);
    scores[i] = k > 0 ? s / k : 0;
  }
  const q1 = quantileR7(scores, 0.25);
  const q3 = quantileR7(scores, 0.75);
  const threshold = q3 + (1 / CLEANLAB_OUTLIER_THRESHOLD - 1) * (q3 - q1);
  const ruleFlags = Uint8Array.from(scores, (s) => (s > threshold ? 1 : 0));

  const pValues = new Float64Array(rows).fill(1);
  const perClass = rowsByClass(labels, classCount).map((members) => {
    let floor = Infinity;
    for (const i of members) if (scores[i] > 0 && scores[i] < floor) floor = scores[i];
    if (floor === Infinity) floor = 1;
    const p = robustNormalPValues(Array.from(members, (i) => Math.log(Math.max(scores[i], floor))), 'upper');
    let flagged = 0;
    members.forEach((i, m) => {
      pValues[i] = p[m];
      flagged += ruleFlags[i];
    });
    const medianScore = members.length ? median(Array.from(members, (i) => scores[i])) : 0;
    return { classTest: null, diagnostics: { rows: members.length, flagged, medianScore } };
  });
  return {
    scores,
    pValues,
    ruleFlags,
    perClass,
    diagnostics: { k, rows, flagged: count(ruleFlags), q1, q3, threshold, iqrFactor: 1 / CLEANLAB_OUTLIER_THRESHOLD - 1 },
  };
}

/** cleanlab Datalab's default outlier threshold; the IQR multiplier is 1/0.37037 − 1 = 1.7. */
const CLEANLAB_OUTLIER_THRESHOLD = 0.37037;

/** Deep k-NN label disagreement over the exact k-NN graph of all rows (see `labelDisagreementFromGraph`). */
export const knnLabelDisagreement: GlobalDetector<{ k: number }> = (x, labels, classCount, params, onProgress) => {
  const out = labelDisagreementFromGraph(knnGraph(x, params.k, { onProgress: (f) => onProgress?.(0.98 * f) }), labels, classCount);
  onProgress?.(1);
  return out;
};

/** k-NN distance outliers over the exact k-NN graph of all rows (see `outlierFromGraph`). */
export const knnOutlier: GlobalDetector<{ k: number }> = (x, labels, classCount, params, onProgress) => {
  const out = outlierFromGraph(knnGraph(x, params.k, { onProgress: (f) => onProgress?.(0.98 * f) }), labels, classCount);
  onProgress?.(1);
  return out;
};

function count(flags: Uint8Array): number {
  let s = 0;
  for (const f of flags) s += f;
  return s;
}
