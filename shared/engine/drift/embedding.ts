/**
 * Drift of an embedding set as a whole, where per-column statistics miss a change that lives in directions
 * no single coordinate shows:
 * - the maximum mean discrepancy with a Gaussian (RBF) kernel, MMD²_u, with a permutation p-value
 *   (Gretton, Borgwardt, Rasch, Schölkopf & Smola 2012, "A kernel two-sample test", JMLR 13, Lemma 6 eq. 3;
 *   kernel width by the median heuristic, §8: σ = median distance between pooled sample points);
 * - a domain classifier (Lipton, Wang & Smola 2018 call it "classifier-based" shift detection; Rabanser,
 *   Günnemann & Lipton 2019, "Failing loudly", §3.3): a softmax regression trained to tell baseline rows from
 *   current rows, scored out of fold by K-fold cross-fitting, its ROC AUC by the Mann–Whitney statistic
 *   (Hanley & McNeil 1982) with a one-sided normal-approximation p-value (tie-corrected, no continuity
 *   correction). AUC 0.5: the sets cannot be told apart.
 * Both run on uniform samples without replacement (seeded), because their cost grows with the sample.
 */
import type { Matrix } from '../matrix.ts';
import { Random } from '../random.ts';
import { predictProba, trainSoftmax } from '../softmax.ts';
import { normalUpper } from '../special.ts';

/** Column `colMap[j]` of `x` is the j-th column compared (the two sets may order their columns differently). */
export interface ColumnView {
  x: Matrix;
  colMap: Int32Array;
}

export type Progress = (fraction: number) => void;

/** `k` distinct row indices of 0..n−1, uniform, ascending (all rows when k ≥ n). */
export function sampleRows(n: number, k: number, random: Random): Int32Array {
  if (k >= n) return Int32Array.from({ length: n }, (_, i) => i);
  // Floyd's algorithm (Bentley & Floyd 1987): k draws, no n-sized permutation.
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = random.int(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return Int32Array.from(chosen).sort();
}

/** The chosen rows of a view as a float64 row-major block, columns in compared order. */
function gather(view: ColumnView, rows: Int32Array): Float64Array {
  const d = view.colMap.length;
  const out = new Float64Array(rows.length * d);
  const { data, cols } = view.x;
  for (let r = 0; r < rows.length; r++) {
    const base = rows[r] * cols;
    for (let j = 0; j < d; j++) out[r * d + j] = data[base + view.colMap[j]];
  }
  return out;
}

export interface MmdResult {
  mmd2: number;
  bandwidth: number;
  pValue: number;
  permutations: number;
}

/**
 * MMD²_u between the rows of `a` (m of them) and `b` (n), each a float64 row-major block of d columns:
 * 1/(m(m−1))·Σ_{i≠j} k(a_i,a_j) + 1/(n(n−1))·Σ_{i≠j} k(b_i,b_j) − 2/(mn)·Σ k(a_i,b_j),
 * k(u,v) = exp(−‖u−v‖²/(2σ²)). `bandwidth` fixes σ; by default the median heuristic. The p-value is
 * (1 + #{permuted ≥ observed})/(1 + permutations) (Phipson & Smyth 2010: never 0).
 */
export function mmdTest(
  a: Float64Array,
  b: Float64Array,
  d: number,
  options: { permutations: number; seed: number; bandwidth?: number; onProgress?: Progress },
): MmdResult {
  const m = a.length / d;
  const n = b.length / d;
  const N = m + n;
  if (m < 2 || n < 2) throw new Error(`mmdTest: each set needs at least 2 rows, got ${m} and ${n}`);
  const pooled = new Float64Array(N * d);
  pooled.set(a);
  pooled.set(b, m * d);
  // Upper triangle of squared distances, row-major over i < j.
  const pairs = (N * (N - 1)) / 2;
  const k = new Float64Array(pairs);
  let p = 0;
  for (let i = 0; i < N; i++) {
    const bi = i * d;
    for (let j = i + 1; j < N; j++) {
      const bj = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = pooled[bi + t] - pooled[bj + t];
        s += diff * diff;
      }
      k[p++] = s;
    }
  }
  options.onProgress?.(0.2);
  let sigma = options.bandwidth;
  if (sigma === undefined) {
    const sorted = Float64Array.from(k).sort();
    // numpy's median: the mean of the two middle values for an even count.
    const mid = pairs >> 1;
    sigma = pairs % 2 ? Math.sqrt(sorted[mid]) : 0.5 * (Math.sqrt(sorted[mid - 1]) + Math.sqrt(sorted[mid]));
  }
  const gamma = sigma > 0 ? 1 / (2 * sigma * sigma) : 0;
  for (let q = 0; q < pairs; q++) k[q] = Math.exp(-k[q] * gamma);
  options.onProgress?.(0.3);

  const group = new Uint8Array(N);
  for (let i = m; i < N; i++) group[i] = 1;
  const statistic = (g: Uint8Array) => {
    // Buckets by g_i + g_j: 0 within a, 1 across, 2 within b (each unordered pair once).
    let saa = 0;
    let sab = 0;
    let sbb = 0;
    let q = 0;
    for (let i = 0; i < N; i++) {
      const gi = g[i];
      for (let j = i + 1; j < N; j++) {
        const v = k[q++];
        const s = gi + g[j];
        if (s === 0) saa += v;
        else if (s === 1) sab += v;
        else sbb += v;
      }
    }
    return (2 * saa) / (m * (m - 1)) + (2 * sbb) / (n * (n - 1)) - (2 * sab) / (m * n);
  };
  const observed = statistic(group);
  const random = new Random(options.seed);
  let atLeast = 0;
  for (let r = 0; r < options.permutations; r++) {
    const perm = random.permutation(N);
    const g = new Uint8Array(N);
    for (let i = m; i < N; i++) g[perm[i]] = 1;
    if (statistic(g) >= observed) atLeast++;
    options.onProgress?.(0.3 + (0.7 * (r + 1)) / options.permutations);
  }
  return { mmd2: observed, bandwidth: sigma, pValue: (1 + atLeast) / (1 + options.permutations), permutations: options.permutations };
}

export interface AucResult {
  auc: number;
  /** One-sided: P(AUC this high | scores unrelated to the labels). */
  pValue: number;
}

/**
 * ROC AUC of `scores` for `positive` rows (1) against the rest by the Mann–Whitney U with mid-ranks:
 * AUC = U/(n₁n₀), U = R₁ − n₁(n₁+1)/2; the p-value from the tie-corrected normal approximation of U.
 * @example aucMannWhitney(Float64Array.of(0.1, 0.4, 0.35, 0.8), Uint8Array.of(0, 0, 1, 1)) // → auc 0.75
 */
export function aucMannWhitney(scores: Float64Array, positive: Uint8Array): AucResult {
  const N = scores.length;
  const order = Int32Array.from({ length: N }, (_, i) => i).sort((i, j) => scores[i] - scores[j]);
  let n1 = 0;
  for (let i = 0; i < N; i++) n1 += positive[i];
  const n0 = N - n1;
  if (n1 === 0 || n0 === 0) return { auc: NaN, pValue: NaN };
  let rankSum = 0;
  let tieTerm = 0;
  for (let s = 0; s < N; ) {
    let e = s;
    while (e + 1 < N && scores[order[e + 1]] === scores[order[s]]) e++;
    const mid = (s + e) / 2 + 1;
    for (let t = s; t <= e; t++) if (positive[order[t]]) rankSum += mid;
    const ties = e - s + 1;
    tieTerm += ties ** 3 - ties;
    s = e + 1;
  }
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const sd = Math.sqrt(((n1 * n0) / 12) * (N + 1 - tieTerm / (N * (N - 1))));
  const z = sd > 0 ? (u - (n1 * n0) / 2) / sd : 0;
  return { auc: u / (n1 * n0), pValue: normalUpper(z) };
}

export interface DomainClassifierResult extends AucResult {
  folds: number;
}

/**
 * Out-of-fold probabilities that a row is a current row, from `folds` softmax regressions each trained on the
 * other folds (folds stratified by set), then their AUC. Training on one part and scoring another keeps the
 * AUC honest: a model scored on its own training rows separates any two samples a little.
 */
export function domainClassifier(
  a: Float64Array,
  b: Float64Array,
  d: number,
  options: { folds: number; seed: number; l2?: number; onProgress?: Progress },
): DomainClassifierResult {
  const m = a.length / d;
  const n = b.length / d;
  const N = m + n;
  const folds = Math.max(2, Math.min(options.folds, m, n));
  const data = new Float32Array(N * d);
  data.set(a);
  data.set(b, m * d);
  const x: Matrix = { data, rows: N, cols: d };
  const labels = new Int32Array(N);
  for (let i = m; i < N; i++) labels[i] = 1;
  const random = new Random(options.seed);
  const fold = new Int32Array(N);
  const pa = random.permutation(m);
  for (let i = 0; i < m; i++) fold[pa[i]] = i % folds;
  const pb = random.permutation(n);
  for (let i = 0; i < n; i++) fold[m + pb[i]] = i % folds;
  const scores = new Float64Array(N);
  for (let f = 0; f < folds; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < N; i++) (fold[i] === f ? test : train).push(i);
    const model = trainSoftmax(x, labels, 2, { l2: options.l2 ?? 1e-3, rowIndex: Int32Array.from(train), maxIter: 200, tol: 1e-5 });
    const testRows = Int32Array.from(test);
    const proba = predictProba(model, x, testRows);
    for (let t = 0; t < testRows.length; t++) scores[testRows[t]] = proba[2 * t + 1];
    options.onProgress?.((f + 1) / folds);
  }
  const positive = Uint8Array.from(labels);
  return { ...aucMannWhitney(scores, positive), folds };
}

export interface EmbeddingSamples {
  baseline: Float64Array;
  current: Float64Array;
  d: number;
}

/** Uniform samples (without replacement, seeded) of both sets, in compared column order. */
export function sampleBoth(base: ColumnView, cur: ColumnView, size: number, seed: number): EmbeddingSamples {
  const random = new Random(seed);
  const rb = sampleRows(base.x.rows, size, random);
  const rc = sampleRows(cur.x.rows, size, random);
  return { baseline: gather(base, rb), current: gather(cur, rc), d: base.colMap.length };
}
