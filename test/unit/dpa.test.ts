/**
 * Deep Partition Aggregation (shared/engine/dpa.ts) against:
 *  1. hand-worked votes, including ties (to the smaller class) in the prediction and in the certificate;
 *  2. brute force on tiny ensembles: enumerate every assignment of the bucket votes and check that the smallest
 *     number of changed buckets that flips the plurality is exactly radius + 1 (no flip within the radius, a
 *     flip at radius + 1), each poisoned row being able to change one bucket's vote arbitrarily;
 *  3. the partition: a hash of the row (independent of order; one inserted row changes one bucket), FNV-1a
 *     values from Python's struct + the published FNV constants;
 *  4. end to end: inserting `radius` poisoned rows aimed at the runner-up never changes a certified prediction.
 */
import { describe, expect, it } from 'vitest';
import { addVotes, certifiedAccuracyCurve, certify, hashPartition, rowHash, runDpa, trainBucket } from '../../shared/engine/dpa.ts';
import type { Matrix } from '../../shared/engine/matrix.ts';
import { Random } from '../../shared/engine/random.ts';

/** Plurality with ties to the smaller class, on per-bucket votes. */
function plurality(bucketVotes: number[], classes: number): number {
  const n = new Array<number>(classes).fill(0);
  for (const v of bucketVotes) n[v]++;
  let c = 0;
  for (let q = 1; q < classes; q++) if (n[q] > n[c]) c = q;
  return c;
}

/** Smallest number of buckets whose votes must change to change the plurality (exhaustive). */
function minFlips(bucketVotes: number[], classes: number): number {
  const k = bucketVotes.length;
  const base = plurality(bucketVotes, classes);
  let best = Infinity;
  const cur = new Array<number>(k).fill(0);
  const total = classes ** k;
  for (let code = 0; code < total; code++) {
    let c = code;
    let dist = 0;
    for (let b = 0; b < k; b++) {
      cur[b] = c % classes;
      c = Math.floor(c / classes);
      if (cur[b] !== bucketVotes[b]) dist++;
    }
    if (dist < best && plurality(cur, classes) !== base) best = dist;
  }
  return best;
}

function countVotes(bucketVotes: number[], classes: number): Int32Array {
  const v = new Int32Array(classes);
  for (const b of bucketVotes) v[b]++;
  return v;
}

describe('dpa: certify', () => {
  it('hand-worked votes, ties to the smaller class', () => {
    // [3,3,0]: tie → class 0; rival class 1 (larger index, no tie term) → ⌊(3 − 3)/2⌋ = 0.
    // [2,3]: class 1; rival class 0 wins ties → ⌊(3 − (2 + 1))/2⌋ = 0.
    // [1,4]: class 1; ⌊(4 − 2)/2⌋ = 1. [4,1]: class 0; ⌊(4 − 1)/2⌋ = 1. [5,0,0]: ⌊5/2⌋ = 2. [0,0,5]: ⌊(5 − 1)/2⌋ = 2.
    const votes = Int32Array.of(3, 3, 0, 2, 3, 0, 1, 4, 0, 4, 1, 0, 5, 0, 0, 0, 0, 5);
    const { prediction, radius } = certify(votes, 3);
    expect(Array.from(prediction)).toEqual([0, 1, 1, 0, 0, 2]);
    expect(Array.from(radius)).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('equals brute force (radius = min flips − 1) on every vote pattern of up to 6 buckets × 3 classes and 4 buckets × 4 classes', () => {
    let checked = 0;
    for (const [k, classes] of [
      [1, 2],
      [2, 3],
      [3, 3],
      [5, 2],
      [6, 3],
      [4, 4],
    ]) {
      const total = classes ** k;
      for (let code = 0; code < total; code++) {
        const bv: number[] = [];
        let c = code;
        for (let b = 0; b < k; b++) {
          bv.push(c % classes);
          c = Math.floor(c / classes);
        }
        const { prediction, radius } = certify(countVotes(bv, classes), classes);
        expect(prediction[0]).toBe(plurality(bv, classes));
        // No flip with ≤ radius changed buckets, a flip with radius + 1 (also when the vote is unanimous).
        expect(radius[0], `votes ${bv.join(',')}`).toBe(minFlips(bv, classes) - 1);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('rejects bad sizes naming the argument', () => {
    expect(() => certify(Int32Array.of(1, 2, 3), 2)).toThrow(/'votes'/);
    expect(() => certify(Int32Array.of(1), 1)).toThrow(/'classCount'/);
  });
});

describe('dpa: certified accuracy curve', () => {
  it('counts correct predictions certified at ≥ r', () => {
    expect(Array.from(certifiedAccuracyCurve(Int32Array.of(0, 1), Int32Array.of(2, 0), Int32Array.of(0, 1), 2))).toEqual([1, 0.5, 0.5]);
    // Wrong predictions never count; radii beyond R still count at R.
    expect(Array.from(certifiedAccuracyCurve(Int32Array.of(0, 1, 2, 0), Int32Array.of(9, 3, 1, 0), Int32Array.of(0, 0, 2, 0), 3))).toEqual([0.75, 0.5, 0.25, 0.25]);
  });
});

describe('dpa: hash partition', () => {
  it('FNV-1a values match an independent computation', () => {
    expect(rowHash({ data: Float32Array.of(0), rows: 1, cols: 1 }, Int32Array.of(0), 0)).toBe(0x9be17165);
    expect(rowHash({ data: Float32Array.of(9, 9, 1.5, -2), rows: 2, cols: 2 }, Int32Array.of(0, 3), 1)).toBe(0x5320fa4b);
  });

  it('depends on the row, not its position; one inserted row changes exactly one bucket', () => {
    const rng = new Random(3);
    const n = 200;
    const d = 5;
    const data = new Float32Array(n * d).map(() => rng.normal());
    const labels = Int32Array.from({ length: n }, () => rng.int(3));
    const x: Matrix = { data, rows: n, cols: d };
    const part = hashPartition(x, labels, 7);
    const perm = rng.permutation(n);
    const pdata = new Float32Array(n * d);
    const plabels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      pdata.set(data.subarray(perm[i] * d, (perm[i] + 1) * d), i * d);
      plabels[i] = labels[perm[i]];
    }
    const ppart = hashPartition({ data: pdata, rows: n, cols: d }, plabels, 7);
    for (let i = 0; i < n; i++) expect(ppart.bucketOf[i]).toBe(part.bucketOf[perm[i]]);
    // Append one row: only its bucket gains a member.
    const more = new Float32Array((n + 1) * d);
    more.set(data);
    more.set([1, 2, 3, 4, 5], n * d);
    const mlabels = Int32Array.from([...labels, 1]);
    const mpart = hashPartition({ data: more, rows: n + 1, cols: d }, mlabels, 7);
    let changed = 0;
    for (let b = 0; b < 7; b++) if (mpart.buckets[b].length !== part.buckets[b].length) changed++;
    expect(changed).toBe(1);
    expect(part.buckets.reduce((s, b) => s + b.length, 0)).toBe(n);
  });
});

describe('dpa: end to end on a tiny dataset', () => {
  it('inserting `radius` poisoned rows aimed at the runner-up never flips a prediction; votes add up', () => {
    const rng = new Random(8);
    const n = 240;
    const d = 3;
    const classes = 3;
    const centres = [
      [0, 0, 0],
      [2.5, 0, 0],
      [0, 2.5, 0],
    ];
    const data = new Float32Array(n * d);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % classes;
      for (let j = 0; j < d; j++) data[i * d + j] = centres[labels[i]][j] + rng.normal();
    }
    const x: Matrix = { data, rows: n, cols: d };
    const testX: Matrix = { data: Float32Array.of(0.3, 0.2, 0, 1.3, 0.1, 0, 2.4, 0.2, 0.1, 0.1, 1.6, 0), rows: 4, cols: d };
    const k = 9;
    const opts = { l2: 1e-2, tol: 1e-6 };
    const clean = runDpa(x, labels, classes, k, opts, { x: testX });
    for (let t = 0; t < 4; t++) {
      let total = 0;
      for (let c = 0; c < classes; c++) total += clean.votes[t * classes + c];
      expect(total).toBe(k);
    }
    // Serial addVotes over trainBucket equals runDpa.
    const votes = new Int32Array(4 * classes);
    for (const b of hashPartition(x, labels, k).buckets) addVotes(trainBucket(x, labels, classes, b, opts), testX, votes);
    expect(Array.from(votes)).toEqual(Array.from(clean.votes));
    let attacked = 0;
    for (let t = 0; t < 4; t++) {
      const rho = clean.radius[t];
      if (rho <= 0) continue;
      // Runner-up by the certificate's ordering.
      const c = clean.prediction[t];
      let rival = -1;
      for (let q = 0; q < classes; q++) if (q !== c && (rival < 0 || clean.votes[t * classes + q] + (q < c ? 1 : 0) > clean.votes[t * classes + rival] + (rival < c ? 1 : 0))) rival = q;
      // ρ inserted rows: the test point, jittered so they hash apart, labelled with the runner-up.
      const pd = new Float32Array((n + rho) * d);
      pd.set(data);
      const pl = new Int32Array(n + rho);
      pl.set(labels);
      for (let r = 0; r < rho; r++) {
        for (let j = 0; j < d; j++) pd[(n + r) * d + j] = testX.data[t * d + j] + 1e-3 * (r + 1);
        pl[n + r] = rival;
      }
      const poisoned = runDpa({ data: pd, rows: n + rho, cols: d }, pl, classes, k, opts, { x: testX, rows: Int32Array.of(t) });
      expect(poisoned.prediction[0], `test point ${t}, radius ${rho}`).toBe(c);
      attacked++;
    }
    expect(attacked).toBeGreaterThan(0);
  });
});
