/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, as scipy.stats.ks_2samp(method='auto') computes it
 * (scipy 1.10, scipy/stats/_stats_py.py and _ksstats.py), so its p-values can be checked against scipy:
 * - D = sup_x |F₁(x) − F₂(x)| over the pooled values (Smirnov 1939);
 * - 'exact' when max(n₁, n₂) ≤ 10 000: D is rounded to h/lcm(n₁, n₂) and P(D ≥ d) counts the lattice paths
 *   from (0,0) to (n₁,n₂) that leave the band |x/n₁ − y/n₂| < d (Hodges 1958, "The significance probability
 *   of the Smirnov two-sample test", Ark. Mat. 3; for n₁ = n₂ the closed alternating sum of binomials);
 * - 'asymp' otherwise: the one-sample Kolmogorov distribution at n = round(n₁n₂/(n₁+n₂)), P(D_n ≥ d), by
 *   Simard & L'Ecuyer's 2011 choice of methods (J. Stat. Softw. 39(11)): Ruben–Gambino's closed forms at the
 *   ends, Smirnov's one-sided exact sum doubled in the upper tail, the Durbin matrix (Marsaglia, Tsang & Wang
 *   2003) and the Pelz–Good (1976) expansion in between. Where scipy uses Pomeranz's recursion (n ≤ 140,
 *   0.754693 < n·d² ≤ 4) the Durbin matrix is used here: both are exact.
 */
import { logGamma } from '../special.ts';

export interface KsResult {
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymp';
}

/** The exact/asymptotic switch of scipy's method='auto'. */
const MAX_EXACT_N = 10_000;

/**
 * The two-sided two-sample KS test on two ascending samples (non-empty, finite).
 * @example ks2Sorted(Float64Array.of(1, 2, 3), Float64Array.of(4, 5, 6)) // → { statistic: 1, pValue: 0.1, method: 'exact' }
 */
export function ks2Sorted(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  if (a.length === 0 || b.length === 0) throw new Error('ks2Sorted: both samples must be non-empty');
  return ksTest(a.length, b.length, ksStatisticSorted(a, b));
}

/**
 * The test from its statistic D = sup |F₁ − F₂| and the sample sizes (for callers that computed D in a merge
 * pass of their own).
 */
export function ksTest(n1: number, n2: number, statistic: number): KsResult {
  let d = statistic;
  if (Math.max(n1, n2) <= MAX_EXACT_N) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = Math.round(d * lcm);
    d = h / lcm;
    if (h === 0) return { statistic: d, pValue: 1, method: 'exact' };
    const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
    if (p >= 0 && p <= 1) return { statistic: d, pValue: p, method: 'exact' };
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  return { statistic: d, pValue: clip(kolmogorovSf(roundHalfEven(en), d)), method: 'asymp' };
}

/** numpy's np.round: halves go to the even neighbour (5000.5 → 5000), where Math.round would go up. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** sup |F₁ − F₂| over the pooled values of two ascending samples (ties advance both sides together). */
export function ksStatisticSorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n1 && j < n2) {
    const v = a[i] <= b[j] ? a[i] : b[j];
    while (i < n1 && a[i] === v) i++;
    while (j < n2 && b[j] === v) j++;
    const diff = Math.abs(i / n1 - j / n2);
    if (diff > d) d = diff;
  }
  return d;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function clip(p: number): number {
  return Math.min(1, Math.max(0, p));
}

/**
 * P(D_{n,n} ≥ h/n) = 2·Σ_{k≥1} (−1)^{k−1} C(2n, n−kh)/C(2n, n), evaluated Horner-like from the innermost
 * term so the alternating sum does not cancel (scipy's _compute_prob_outside_square).
 */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/**
 * 1 − P(every prefix of the merged sample stays inside |ng·x − mg·y| < h), for x of m and y of n draws.
 * A(x, y) is the share of all paths to (x, y) that stayed inside, A(x,y) = (x·A(x−1,y) + y·A(x,y−1))/(x+y)
 * (the path counts divided by C(x+y, y), so nothing overflows); one sliding column is kept.
 */
function probOutsideBand(n1: number, n2: number, g: number, h: number): number {
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const mg = m / g;
  const ng = n / g;
  // Column x holds y in [lo, hi): the y with |ng·x − mg·y| < h.
  const col = new Float64Array(n + 2);
  const next = new Float64Array(n + 2);
  let lo = 0;
  let hi = Math.min(Math.ceil(h / mg), n + 1);
  for (let y = lo; y < hi; y++) col[y] = 1;
  for (let x = 1; x <= m; x++) {
    const newLo = Math.min(Math.max(Math.floor((ng * x - h) / mg) + 1, 0), n);
    const newHi = Math.min(Math.ceil((ng * x + h) / mg), n + 1);
    if (newHi <= newLo) return 1;
    let val = 0;
    for (let y = newLo; y < newHi; y++) {
      const left = y >= lo && y < hi ? col[y] : 0;
      val = y === 0 ? (x * left) / x : (x * left + y * val) / (x + y);
      next[y] = val;
    }
    for (let y = lo; y < hi; y++) col[y] = 0;
    for (let y = newLo; y < newHi; y++) col[y] = next[y];
    lo = newLo;
    hi = newHi;
  }
  return 1 - (n >= lo && n < hi ? col[n] : 0);
}

/**
 * P(D_n ≥ x) for the two-sided one-sample Kolmogorov statistic (Simard & L'Ecuyer 2011's method choice as in
 * scipy's _kolmogn with cdf=False).
 * @example kolmogorovSf(100, 0.1) // → 0.2606 (scipy.stats.kstwo.sf(0.1, 100))
 */
export function kolmogorovSf(n: number, x: number): number {
  if (!(n >= 1) || Number.isNaN(x)) return NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    // Ruben & Gambino 1982: P(D_n ≤ x) = n!/nⁿ·(2t − 1)ⁿ for 1/2n ≤ x ≤ 1/n.
    const cdf = n <= 140 ? productCdf(n, t) : Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    return clip(1 - cdf);
  }
  if (t >= n - 1) return clip(2 * Math.pow(1 - x, n));
  if (x >= 0.5) return clip(2 * smirnovSf(n, x));
  const nxx = t * x;
  if (n <= 140) {
    if (nxx <= 4) return clip(1 - durbinMatrixCdf(n, x));
    return clip(2 * smirnovSf(n, x));
  }
  if (nxx >= 370) return 0;
  if (nxx >= 2.2) return clip(2 * smirnovSf(n, x));
  const cdf = n <= 100_000 && n * Math.pow(x, 1.5) <= 1.4 ? durbinMatrixCdf(n, x) : pelzGoodCdf(n, x);
  return clip(1 - cdf);
}

function productCdf(n: number, t: number): number {
  let p = 1;
  for (let i = 1; i <= n; i++) p *= (i / n) * (2 * t - 1);
  return p;
}

/** ln(n!/nⁿ) by Stirling's series (scipy's _log_nfactorial_div_n_pow_n). */
function logFactorialOverPower(n: number): number {
  const coeffs = [
    -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
    -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
  ];
  const rn = 1 / n;
  let poly = 0;
  for (const c of coeffs) poly = poly * (rn / n) + c;
  return Math.log(n) / 2 - n + Math.log(2 * Math.PI) / 2 + rn * poly;
}

/**
 * One-sided exact upper tail P(D⁺_n ≥ d) by the Smirnov–Birnbaum–Tingey sum
 * d·Σ_{j=0}^{⌊n(1−d)⌋} C(n,j)(1 − d − j/n)^{n−j}(d + j/n)^{j−1} (Birnbaum & Tingey 1951, eq. 3), in logs.
 * The terms are unimodal in j: the sum starts at the largest term (found by a ternary search on the
 * log-term) and walks outwards until the terms fall below e⁻⁴⁵ of it, so a million-row sample costs a few
 * thousand terms, not a million.
 */
export function smirnovSf(n: number, d: number): number {
  if (d <= 0) return 1;
  if (d >= 1) return 0;
  const last = Math.floor(n * (1 - d) + 1e-9);
  const lgN = logGamma(n + 1);
  const logTerm = (j: number) => lgN - logGamma(j + 1) - logGamma(n - j + 1) + (n - j) * Math.log(1 - d - j / n) + (j - 1) * Math.log(d + j / n);
  const valid = (j: number) => j >= 0 && j <= last && 1 - d - j / n > 0;
  let lo = 0;
  let hi = last;
  while (!valid(hi) && hi > 0) hi--;
  while (hi - lo > 2) {
    const m1 = lo + Math.floor((hi - lo) / 3);
    const m2 = hi - Math.floor((hi - lo) / 3);
    if (logTerm(m1) < logTerm(m2)) lo = m1 + 1;
    else hi = m2 - 1;
  }
  let top = lo;
  for (let j = lo + 1; j <= hi; j++) if (logTerm(j) > logTerm(top)) top = j;
  const peak = logTerm(top);
  const logBinomTop = lgN - logGamma(top + 1) - logGamma(n - top + 1);
  // Outwards from the peak, ln C(n, j) by C(n, j±1) = C(n, j)·(n − j)/(j + 1) or ·j/(n − j + 1).
  const rest = (j: number, logBinom: number) => logBinom + (n - j) * Math.log(1 - d - j / n) + (j - 1) * Math.log(d + j / n) - peak;
  let total = 0;
  for (let j = top, lb = logBinomTop; valid(j); lb += Math.log((n - j) / (j + 1)), j++) {
    const t = rest(j, lb);
    total += Math.exp(t);
    if (t < -45) break;
  }
  for (let j = top - 1, lb = logBinomTop + Math.log(top / (n - top + 1)); valid(j); lb += Math.log(j / (n - j + 1)), j--) {
    const t = rest(j, lb);
    total += Math.exp(t);
    if (t < -45) break;
  }
  return d * total * Math.exp(peak);
}

/**
 * P(D_n < d) by the Durbin matrix method (Durbin 1973, §2.4; Marsaglia, Tsang & Wang 2003, J. Stat. Softw.
 * 8(18)): the (k,k) entry of Hⁿ times n!/nⁿ, k = ⌈nd⌉, with H of order 2k − 1. Powers are rescaled by 2¹²⁸
 * and the exponent kept apart, so nothing overflows.
 */
function durbinMatrixCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const H = new Float64Array(m * m);
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - Math.pow(h, j)) * fac;
  }
  const tt = Math.pow(Math.max(2 * h - 1, 0), m) - 2 * Math.pow(h, m);
  v[m - 1] = (1 + tt) * fac;
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1];
  for (let r = 0; r < m; r++) H[r * m] = v[r];
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c];

  const E128 = 128;
  const EP128 = 2 ** 128;
  let power: Float64Array = identity(m);
  let base: Float64Array = H;
  let expnt = 0;
  let baseExpnt = 0;
  let nn = n;
  while (nn > 0) {
    if (nn % 2) {
      power = matmul(power, base, m);
      expnt += baseExpnt;
    }
    base = matmul(base, base, m);
    baseExpnt *= 2;
    if (Math.abs(base[(k - 1) * m + (k - 1)]) > EP128) {
      for (let i = 0; i < base.length; i++) base[i] /= EP128;
      baseExpnt += E128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = power[(k - 1) * m + (k - 1)];
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < 2 ** -128) {
      p *= EP128;
      expnt -= E128;
    }
  }
  return clip(ldexp(p, expnt));
}

/** p·2^e without overflowing 2^e on the way. */
function ldexp(p: number, e: number): number {
  while (e > 1000) {
    p *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    p *= 2 ** -1000;
    e += 1000;
  }
  return p * 2 ** e;
}

function identity(m: number): Float64Array {
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++) a[i * m + i] = 1;
  return a;
}

function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const ail = a[i * m + l];
      if (ail === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] += ail * b[l * m + j];
    }
  }
  return out;
}

/**
 * Pelz & Good's (1976, J. R. Stat. Soc. B 38) expansion P(D_n ≤ x) ≈ K₀(z) + K₁(z)/√n + K₂(z)/n + K₃(z)/n^{3/2},
 * z = x√n, with the terms in their small-z (Jacobi theta) form, as scipy's _kolmogn_PelzGood.
 */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const PI2 = Math.PI ** 2;
  const PI4 = Math.PI ** 4;
  const PI6 = Math.PI ** 6;
  const SQRT2PI = Math.sqrt(2 * Math.PI);
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qp = Math.pow(q, 8 * k);
    const coeffs = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) K[i] = K[i] * qp + coeffs[i];
  }
  const div = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i] * q * SQRT2PI) / div[i];
  q = Math.exp(-PI2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let k = maxk; k > 0; k--) {
    const kk = k * k;
    const qp = Math.pow(q, kk);
    k2extra += kk * qp;
    const kpi = Math.PI * k;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * kk * qp;
  }
  K[2] += (k2extra * PI2 * SQRT2PI) / (-36 * z3);
  K[3] += (k3extra * PI2 * SQRT2PI) / (216 * z6);
  let total = 0;
  for (let i = 0; i < 4; i++) total += K[i] / Math.pow(n, i / 2);
  return total;
}
