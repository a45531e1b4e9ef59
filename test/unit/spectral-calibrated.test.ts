/**
 * Spectral signatures with calibrated decisions, on planted poison with known rows: the paper's budget
 * (1.5·ε), Benjamini–Hochberg at q = 0.05 and 0.1 without knowing ε, clean data, and the class test's level.
 */
import { describe, expect, it } from 'vitest';
import type { FlagRule } from '../../shared/domain/detectors.ts';
import { finishClass, mergeClasses } from '../../shared/engine/detectors/finish.ts';
import { spectralDetector } from '../../shared/engine/detectors/spectral-detector.ts';
import { rowsByClass } from '../../shared/engine/matrix.ts';
import { plant, score, type PlantKind } from '../support/planted.ts';

function runSpectral(kind: PlantKind, rate: number, seed: number, rule: FlagRule) {
  const p = plant({ rows: 6000, dims: 32, classes: 5, kind, rate, seed });
  const byClass = rowsByClass(p.labels, p.classCount);
  const testP: number[] = [];
  const outcomes = byClass.map((rows) => {
    const raw = spectralDetector(p.x, rows, { epsilon: Math.max(rate, 0.01) });
    testP.push(raw.classTest!.pValue);
    return finishClass(raw, null, rule, p.classCount);
  });
  const { flagged } = mergeClasses(outcomes, byClass, p.x.rows, rule);
  const verdicts = outcomes.map((o) => o.verdict);
  const contamination = outcomes.map((o) => o.contamination);
  // Budget mode flags every class alike; recall and precision are judged inside the target class.
  const target = p.targetClass;
  const inTarget = Uint8Array.from(flagged, (f, i) => (p.labels[i] === target ? f : 0));
  return { p, all: score(flagged, p), target: score(inTarget, p), verdicts, contamination, testP };
}

describe('spectral signatures, calibrated', () => {
  for (const rate of [0.05, 0.1]) {
    it(`budget 1.5·ε finds a ${rate * 100}% backdoor`, () => {
      const r = runSpectral('backdoor', rate, 1, { mode: 'budget', epsilon: rate, budgetFactor: 1.5 });
      console.log(`backdoor ${rate}: budget recall ${r.target.recall.toFixed(3)} precision in class ${r.target.precision.toFixed(3)}`);
      expect(r.target.recall).toBeGreaterThanOrEqual(0.95);
      expect(r.target.precision).toBeGreaterThanOrEqual(0.6); // at most 1/1.5 can be right when all planted rows are found
    });
  }

  for (const q of [0.05, 0.1]) {
    for (const rate of [0.01, 0.05, 0.1]) {
      it(`FDR q = ${q} finds a ${rate * 100}% backdoor and keeps false discoveries near q`, () => {
        const r = runSpectral('backdoor', rate, 2, { mode: 'fdr', q });
        console.log(
          `backdoor ${rate}, q ${q}: recall ${r.all.recall.toFixed(3)}, achieved FDP ${r.all.fdp.toFixed(3)} (${r.all.flagged} flagged), target contamination ≈ ${r.contamination[r.p.targetClass]?.toFixed(3)}`,
        );
        expect(r.all.recall).toBeGreaterThanOrEqual(rate === 0.01 ? 0.8 : 0.95);
        expect(r.all.fdp).toBeLessThanOrEqual(2.5 * q);
        expect(r.verdicts[r.p.targetClass]).toBe('suspicious');
      });
    }
  }

  it('estimates the contaminated fraction of the poisoned class', () => {
    const r = runSpectral('backdoor', 0.1, 3, { mode: 'fdr', q: 0.05 });
    const est = r.contamination[r.p.targetClass]!;
    console.log(`planted 10%: estimated ${(est * 100).toFixed(1)}%`);
    expect(est).toBeGreaterThan(0.05);
    expect(est).toBeLessThan(0.2);
  });

  it('flags close to nothing on clean data in FDR mode', () => {
    let flagged = 0;
    let rows = 0;
    for (let seed = 0; seed < 4; seed++) {
      const r = runSpectral('shifted', 0, 100 + seed, { mode: 'fdr', q: 0.05 });
      flagged += r.all.flagged;
      rows += r.p.x.rows;
    }
    console.log(`clean data, FDR 0.05: ${flagged} of ${rows} rows flagged`);
    expect(flagged / rows).toBeLessThan(0.002);
  });

  it('the class test does not fire on clean classes more often than its level', () => {
    const pValues: number[] = [];
    for (let seed = 0; seed < 10; seed++) pValues.push(...runSpectral('shifted', 0, 200 + seed, { mode: 'rule' }).testP);
    const rejected = pValues.filter((p) => p < 0.05).length / pValues.length;
    console.log(`class test on ${pValues.length} clean classes: rejection rate at 0.05 = ${rejected.toFixed(3)}`);
    expect(pValues.length).toBe(50);
    expect(rejected).toBeLessThanOrEqual(0.12);
  });
});
