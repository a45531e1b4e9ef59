/**
 * Activation clustering (Chen et al. 2018, PCA in place of ICA) against:
 *  1. test/fixtures/activation-clustering.json: per class, numpy SVD (top-10 PCA), scikit-learn KMeans(2,
 *     n_init=10) and silhouette_score on the PCA scores; silhouette_score on two hand-made label sets;
 *  2. planted backdoors (test/support/planted.ts): recall/precision of the rule within the target class, and
 *     how often clean classes trigger it (printed on every run);
 *  3. degenerate classes: 0, 1, 2 rows, identical rows.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTIVATION_CLUSTERING_DEFAULTS, activationClusteringClass, meanSilhouette } from '../../shared/engine/detectors/activation-clustering.ts';
import { rowsByClass, type Matrix } from '../../shared/engine/matrix.ts';
import { Random } from '../../shared/engine/random.ts';
import { plant } from '../support/planted.ts';

interface FixtureClass {
  rows: number[];
  eigenvalues: number[];
  assign: number[];
  inertia: number;
  totalSumOfSquares: number;
  silhouette: number;
  relativeSize: number;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/activation-clustering.json', import.meta.url), 'utf8')) as {
  case: { rows: number; cols: number; data: string; labels: number[]; dims: number; planted: number[]; classes: FixtureClass[] };
  silhouette: { name: string; p: number; z: number[]; assign: number[]; silhouette: number }[];
};

const params = { ...ACTIVATION_CLUSTERING_DEFAULTS, seed: 3 };

describe('activationClusteringClass against numpy + scikit-learn', () => {
  const c = fixture.case;
  const x: Matrix = { data: new Float32Array(Uint8Array.from(Buffer.from(c.data, 'base64')).buffer), rows: c.rows, cols: c.cols };
  const run = (ref: FixtureClass) => activationClusteringClass(x, Int32Array.from(ref.rows), { ...params, dims: c.dims });

  c.classes.forEach((ref, k) => {
    it(`class ${k}: PCA eigenvalues and total sum of squares`, () => {
      const dg = run(ref).diagnostics;
      const eig = dg.eigenvalues as number[];
      for (let j = 0; j < c.dims; j++) expect(Math.abs(eig[j] - ref.eigenvalues[j])).toBeLessThanOrEqual(1e-7 * ref.eigenvalues[0]);
      expect(Math.abs((dg.totalSumOfSquares as number) - ref.totalSumOfSquares)).toBeLessThanOrEqual(1e-9 * ref.totalSumOfSquares);
      expect(dg.silhouetteExact).toBe(true);
    });
  });

  it('separated class (planted): same 2-means partition, inertia, silhouette and relative size as scikit-learn', () => {
    const ref = c.classes[1];
    const out = run(ref);
    const dg = out.diagnostics;
    // Both sides number the larger cluster 0, and the score is positive exactly in cluster 1.
    expect(Array.from(out.scores, (s) => (s > 0 ? 1 : 0))).toEqual(ref.assign);
    expect(Math.abs((dg.inertia as number) - ref.inertia)).toBeLessThanOrEqual(1e-9 * ref.totalSumOfSquares);
    expect(dg.silhouette as number).toBeCloseTo(ref.silhouette, 9);
    expect(dg.relativeSize).toBe(ref.relativeSize);
  });

  it('single-blob class: a 2-means optimum within 0.1% of scikit-learn\'s inertia (many near-equal local optima)', () => {
    const ref = c.classes[0];
    const inertia = run(ref).diagnostics.inertia as number;
    console.log(`clean-class 2-means inertia ${inertia.toFixed(3)} vs scikit-learn ${ref.inertia.toFixed(3)}`);
    expect(inertia).toBeLessThanOrEqual(ref.inertia * 1.001);
  });

  it('the planted class is flagged on the small cluster (29 of the 30 poisoned rows, nothing else); the clean class is not', () => {
    const [clean, poisoned] = c.classes.map((ref) => ({ ref, out: run(ref) }));
    expect(clean.out.diagnostics.flagged).toBe(false);
    expect(clean.out.ruleFlags!.every((f) => f === 0)).toBe(true);
    expect(poisoned.out.diagnostics.flagged).toBe(true);
    const flaggedRows = poisoned.ref.rows.filter((_, i) => poisoned.out.ruleFlags![i]);
    expect(flaggedRows).toEqual(poisoned.ref.rows.filter((_, i) => poisoned.ref.assign[i] === 1));
    // One poisoned row drawn toward the class sits nearer the clean centre (a trigger of 12 against spreads up to 3).
    expect(flaggedRows.filter((r) => c.planted.includes(r))).toHaveLength(29);
    expect(flaggedRows).toHaveLength(29);
    expect(poisoned.out.classTest!.pValue).toBe(1 / 40);
    expect(clean.out.classTest!.pValue).toBeGreaterThan(0.05);
  });
});

describe('meanSilhouette against scikit-learn silhouette_score', () => {
  for (const s of fixture.silhouette) {
    it(s.name, () => {
      const z = Float64Array.from(s.z);
      const n = s.assign.length;
      const got = meanSilhouette(z, n, s.p, Uint8Array.from(s.assign), 2000, new Random(1));
      expect(got.rows).toBe(n);
      expect(got.mean).toBeCloseTo(s.silhouette, 12);
    });
  }

  it('a sample of 500 of 3000 rows estimates the full mean within 3 standard errors (1/√500)', () => {
    const rng = new Random(4);
    const n = 3000;
    const z = Float64Array.from({ length: n * 2 }, (_, i) => rng.normal() + (i % 2 === 0 && i < 2 * 600 ? 3 : 0));
    const assign = Uint8Array.from({ length: n }, (_, i) => (i < 600 ? 1 : 0));
    const full = meanSilhouette(z, n, 2, assign, n, new Random(5)).mean;
    const sampled = meanSilhouette(z, n, 2, assign, 500, new Random(5));
    expect(sampled.rows).toBe(500);
    expect(Math.abs(sampled.mean - full)).toBeLessThan(3 / Math.sqrt(500));
  });
});

describe('activation clustering on planted backdoors', () => {
  // 4000×32, 5 classes (~800 rows each), trigger 7σ: observed over seeds 1–3 recall 1.000 and precision
  // 1.000 in the target class at 0.05 and 0.10, and 0 of 12 clean classes per rate triggering the rule.
  // Clean classes do have silhouette 0.15–0.17 > 0.10 (their latent directions make 2-means splits look
  // real); the relative size (0.43–0.49, never < 0.35) is what keeps them unflagged.
  for (const rate of [0.05, 0.1]) {
    it(`backdoor at ${rate}: the target's small cluster is the poison; clean classes stay quiet`, () => {
      let cleanTriggered = 0;
      let cleanClasses = 0;
      for (const seed of [1, 2, 3]) {
        const pl = plant({ rows: 4000, dims: 32, classes: 5, kind: 'backdoor', rate, seed });
        rowsByClass(pl.labels, pl.classCount).forEach((rows, c) => {
          const out = activationClusteringClass(pl.x, rows, { ...params, seed });
          const dg = out.diagnostics;
          if (c !== pl.targetClass) {
            cleanClasses++;
            if (dg.flagged) cleanTriggered++;
            return;
          }
          let tp = 0;
          let fp = 0;
          let positives = 0;
          rows.forEach((r, i) => {
            positives += pl.isPoisoned[r];
            if (out.ruleFlags![i]) pl.isPoisoned[r] ? tp++ : fp++;
          });
          const recall = tp / positives;
          const precision = tp / Math.max(1, tp + fp);
          console.log(
            `activation clustering backdoor ${rate} seed ${seed}: recall ${recall.toFixed(3)} precision ${precision.toFixed(3)} ` +
              `relative size ${(dg.relativeSize as number).toFixed(3)} silhouette ${(dg.silhouette as number).toFixed(3)} SigClust p ${out.classTest!.pValue}`,
          );
          expect(recall).toBeGreaterThanOrEqual(0.98);
          expect(precision).toBeGreaterThanOrEqual(0.98);
          expect(out.classTest!.pValue).toBeLessThanOrEqual(0.05);
          expect(out.projection!.x).toHaveLength(rows.length);
        });
      }
      console.log(`activation clustering backdoor ${rate}: ${cleanTriggered} of ${cleanClasses} clean classes triggered the rule`);
      expect(cleanTriggered).toBe(0);
    });
  }

  it('is deterministic for a seed', () => {
    const pl = plant({ rows: 1000, dims: 16, classes: 2, kind: 'backdoor', rate: 0.1, seed: 9 });
    const rows = rowsByClass(pl.labels, 2)[1];
    const a = activationClusteringClass(pl.x, rows, params);
    const b = activationClusteringClass(pl.x, rows, params);
    expect(Array.from(a.scores)).toEqual(Array.from(b.scores));
    expect(a.diagnostics).toEqual(b.diagnostics);
    expect(a.classTest).toEqual(b.classTest);
  });
});

describe('degenerate classes', () => {
  const x: Matrix = { data: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), rows: 5, cols: 2 };

  it('0 and 1 rows: nothing flagged, no class test', () => {
    for (const rows of [new Int32Array(0), Int32Array.of(3)]) {
      const out = activationClusteringClass(x, rows, params);
      expect(out.scores).toHaveLength(rows.length);
      expect(out.classTest).toBeNull();
      expect(out.diagnostics.flagged).toBe(false);
    }
  });

  it('2 rows: one per cluster, relative size 0.5, not flagged', () => {
    const out = activationClusteringClass(x, Int32Array.of(0, 4), params);
    expect(out.diagnostics.clusterSizes).toEqual([1, 1]);
    expect(out.diagnostics.relativeSize).toBe(0.5);
    expect(out.diagnostics.flagged).toBe(false);
    for (const s of out.scores) expect(Number.isFinite(s)).toBe(true);
  });

  it('identical rows: no variance, nothing flagged, no NaN', () => {
    const same: Matrix = { data: new Float32Array(60 * 4).fill(2.5), rows: 60, cols: 4 };
    const out = activationClusteringClass(same, Int32Array.from({ length: 60 }, (_, i) => i), params);
    expect(out.diagnostics.flagged).toBe(false);
    expect(out.ruleFlags!.every((f) => f === 0)).toBe(true);
    for (const s of out.scores) expect(s).toBe(0);
  });
});
