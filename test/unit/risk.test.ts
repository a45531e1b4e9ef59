/**
 * Risk formulas (shared/engine/risk.ts) against sums worked by hand, including the edge cases: no controls,
 * E = 1 with full coverage, coverage 0, no threats, no sources; the trade-off's closed-form break-even against
 * its own sweep; estimate summaries against numpy's default quantiles worked by hand.
 */
import { describe, expect, it } from 'vitest';
import type { Control, DataSource, Threat } from '../../shared/domain/worksheet.ts';
import {
  attackerUtility,
  combinedEffectiveness,
  fmt,
  integrityConfidence,
  layerWaterfall,
  scorePortfolio,
  scoreThreat,
  summarizeEstimates,
  sweepTradeoff,
} from '../../shared/engine/risk.ts';

const control = (id: string, effectiveness: number, coverage: number): Control => ({
  id,
  name: id,
  layer: 'anomaly-detection',
  description: '',
  effectiveness,
  coverage,
  owner: '',
  mitigations: [],
  evidence: [],
});

const threat = (id: string, probability: number, impact: number, weight: number, controls: string[]): Threat => ({
  id,
  title: id,
  kind: 'backdoor',
  description: '',
  atlas: [],
  probability,
  impact,
  weight,
  adversaries: [],
  controls,
});

const source = (compromise: number, validation: number): DataSource => ({ id: `s${compromise}${validation}`, name: 's', description: '', trust: 'public', compromise, validation });

describe('risk of one threat', () => {
  it('without controls the residual equals the inherent risk w·P·I', () => {
    const s = scoreThreat(threat('t', 0.4, 8, 1.5, []), []);
    expect(s.inherent.value).toBeCloseTo(4.8, 12); // 1.5 · 0.4 · 8
    expect(s.residual.value).toBeCloseTo(4.8, 12);
    expect(s.passThrough.value).toBe(1);
    expect(s.residual.how).toContain('no controls');
    expect(s.inherent.how).toBe('w·P·I = 1.5 · 0.4 · 8 = 4.8');
  });

  it('multiplies the pass-through of independent controls', () => {
    // 2 · 0.5 · 6 = 6; (1 − 0.5·0.8)(1 − 0.9·0.5) = 0.6 · 0.55 = 0.33; 6 · 0.33 = 1.98
    const s = scoreThreat(threat('t', 0.5, 6, 2, ['a', 'b']), [control('a', 0.5, 0.8), control('b', 0.9, 0.5)]);
    expect(s.inherent.value).toBeCloseTo(6, 12);
    expect(s.passThrough.value).toBeCloseTo(0.33, 12);
    expect(s.residual.value).toBeCloseTo(1.98, 12);
    expect(s.residual.how).toBe('R_inh · Π(1 − E·Coverage) = 6 · 0.33 = 1.98');
  });

  it('a fully effective control with full coverage removes the risk; with coverage 0 it removes nothing', () => {
    const controls = [control('perfect', 1, 1), control('absent', 1, 0)];
    expect(scoreThreat(threat('t', 0.7, 9, 1, ['perfect']), controls).residual.value).toBe(0);
    const uncovered = scoreThreat(threat('t', 0.7, 9, 1, ['absent']), controls);
    expect(uncovered.residual.value).toBeCloseTo(6.3, 12);
    expect(uncovered.residual.value).toBe(uncovered.inherent.value);
  });

  it('ignores control ids that are not in the worksheet', () => {
    const s = scoreThreat(threat('t', 0.5, 4, 1, ['gone', 'a']), [control('a', 0.5, 1)]);
    expect(s.controls.map((c) => c.id)).toEqual(['a']);
    expect(s.residual.value).toBeCloseTo(1, 12); // 2 · 0.5
  });
});

describe('combined effectiveness', () => {
  it('is 1 − Π(1 − E·Coverage) and 0 without controls', () => {
    expect(combinedEffectiveness([]).value).toBe(0);
    expect(combinedEffectiveness([control('a', 0.5, 0.8), control('b', 0.9, 0.5)]).value).toBeCloseTo(0.67, 12);
    expect(combinedEffectiveness([control('a', 1, 1), control('b', 0.3, 0.3)]).value).toBe(1);
  });
});

describe('portfolio', () => {
  const controls = [control('a', 0.5, 0.8), control('b', 0.9, 0.5)];
  const threats = [threat('t1', 0.4, 8, 1, ['a', 'b']), threat('t2', 0.1, 10, 2, []), threat('t3', 0.2, 5, 1, ['a'])];

  it('composite R = Σ w·P·I·(1 − E) equals the sum of residuals', () => {
    // t1: 3.2 · 0.6 · 0.55 = 1.056; t2: 2 (no controls); t3: 1 · 0.6 = 0.6
    const p = scorePortfolio({ threats, controls, tolerance: 1.5, acceptances: [] });
    expect(p.inherent.value).toBeCloseTo(3.2 + 2 + 1, 12);
    expect(p.residual.value).toBeCloseTo(1.056 + 2 + 0.6, 12);
    expect(p.reduction.value).toBeCloseTo(1 - 3.656 / 6.2, 12);
    expect(p.residual.how).toBe('R = Σ w·P·I·(1 − E) = Σ R_res = 1.056 + 2 + 0.6 = 3.656');
    // Cross-check the composite form directly: E_i = 1 − Π(1 − E_c·Coverage_c).
    const composite = threats.reduce((acc, t, i) => acc + t.weight * t.probability * t.impact * (1 - combinedEffectiveness(p.threats[i].controls).value), 0);
    expect(p.residual.value).toBeCloseTo(composite, 12);
  });

  it('lists threats above the tolerance and sums the undecided ones', () => {
    const p = scorePortfolio({ threats, controls, tolerance: 0.8, acceptances: [] });
    expect(p.aboveTolerance.map((s) => s.threatId)).toEqual(['t2', 't1']);
    expect(p.undecided.value).toBeCloseTo(3.056, 12);
    const decided = scorePortfolio({
      threats,
      controls,
      tolerance: 0.8,
      acceptances: [{ id: 'a1', threatId: 't2', decision: 'accept', by: 'x', at: null, rationale: '', reviewBy: null }],
    });
    expect(decided.undecided.value).toBeCloseTo(1.056, 12);
  });

  it('is zero with no threats', () => {
    const p = scorePortfolio({ threats: [], controls: [], tolerance: 1, acceptances: [] });
    expect(p.inherent.value).toBe(0);
    expect(p.residual.value).toBe(0);
    expect(p.reduction.value).toBe(0);
    expect(p.aboveTolerance).toEqual([]);
  });
});

describe('defence-in-depth waterfall', () => {
  it('credits each layer, outermost first, with what it removes; the steps add up to inherent − residual', () => {
    const controls = [{ ...control('p', 0.5, 1), layer: 'provenance' as const }, control('d', 0.5, 0.5), { ...control('g', 1, 0), layer: 'governance' as const }];
    // t1: 4 → provenance removes 2 → anomaly detection removes 2·0.25 = 0.5 → 1.5 left; t2: 2, no controls.
    const w = layerWaterfall({ controls, threats: [threat('t1', 0.5, 8, 1, ['d', 'p', 'g']), threat('t2', 0.2, 10, 1, [])] });
    expect(w.inherent).toBeCloseTo(6, 12);
    expect(w.residual).toBeCloseTo(3.5, 12);
    const by = Object.fromEntries(w.steps.map((s) => [s.layer, s.reduction.value]));
    expect(by).toEqual({ provenance: 2, 'anomaly-detection': 0.5, 'robust-training': 0, privacy: 0, governance: 0 });
    expect(w.steps.reduce((a, s) => a + s.reduction.value, 0)).toBeCloseTo(w.inherent - w.residual, 12);
    expect(w.residual).toBeCloseTo(scorePortfolio({ controls, threats: [threat('t1', 0.5, 8, 1, ['d', 'p', 'g']), threat('t2', 0.2, 10, 1, [])], tolerance: 1, acceptances: [] }).residual.value, 12);
  });
});

describe('integrity confidence', () => {
  it('is Π(1 − p·(1 − V)) over sources', () => {
    // (1 − 0.05·0.2)(1 − 0.2·0.5)(1 − 0.4·1) = 0.99 · 0.9 · 0.6 = 0.5346
    const c = integrityConfidence([source(0.05, 0.8), source(0.2, 0.5), source(0.4, 0)]);
    expect(c.value).toBeCloseTo(0.5346, 12);
    expect(c.how).toContain('= 0.535');
  });

  it('is 1 with no sources, with fully validated sources, or with sources that cannot be compromised', () => {
    expect(integrityConfidence([]).value).toBe(1);
    expect(integrityConfidence([source(0.9, 1), source(0, 0)]).value).toBe(1);
  });

  it('is 0 when a source is surely compromised and not validated at all', () => {
    expect(integrityConfidence([source(1, 0), source(0.1, 0.9)]).value).toBe(0);
  });
});

describe('detection–evasion trade-off', () => {
  const t = { alpha: 2, beta: 1.5, gamma: 0.5, success: 0.6, detection: 0.2, cost: 0.4 };

  it('U = α·S − β·P_det − γ·C', () => {
    // 2·0.6 − 1.5·0.2 − 0.5·0.4 = 1.2 − 0.3 − 0.2 = 0.7
    const u = attackerUtility(t);
    expect(u.value).toBeCloseTo(0.7, 12);
    expect(u.how).toBe('U = α·S − β·P_det − γ·C = 2·0.6 − 1.5·0.2 − 0.5·0.4 = 0.7');
  });

  it('the sweep over P_det is linear with slope −β and crosses 0 at (α·S − γ·C)/β', () => {
    const s = sweepTradeoff(t, 'detection', 11);
    expect(s.x).toHaveLength(11);
    expect(s.utility[0]).toBeCloseTo(1.0, 12); // 1.2 − 0.2
    expect(s.utility[10]).toBeCloseTo(-0.5, 12); // 1.2 − 1.5 − 0.2
    for (let i = 1; i < 11; i++) expect(s.utility[i] - s.utility[i - 1]).toBeCloseTo(-0.15, 12);
    expect(s.breakEven.value).toBeCloseTo(1 / 1.5, 12);
    expect(s.breakEven.inRange).toBe(true);
    // The break-even really zeroes the utility.
    expect(attackerUtility({ ...t, detection: s.breakEven.value }).value).toBeCloseTo(0, 12);
  });

  it('the sweep over cost says when the attack pays even at the maximum', () => {
    const s = sweepTradeoff(t, 'cost');
    expect(s.slope).toBe(-0.5);
    expect(s.breakEven.value).toBeCloseTo((1.2 - 0.3) / 0.5, 12); // 1.8 > 1
    expect(s.breakEven.inRange).toBe(false);
    expect(s.breakEven.how).toContain('pays even at the maximum');
  });

  it('with β = 0 detection does not change the utility', () => {
    const s = sweepTradeoff({ ...t, beta: 0 }, 'detection');
    expect(Number.isNaN(s.breakEven.value)).toBe(true);
    expect(new Set(s.utility.map((u) => u.toFixed(12))).size).toBe(1);
  });
});

describe('workshop estimates', () => {
  it('median and interquartile range follow R-7 (numpy default)', () => {
    // sorted 0.2 0.3 0.5 0.9: median 0.4; q25 at h = 0.75 → 0.275; q75 at h = 2.25 → 0.6; IQR 0.325
    const s = summarizeEstimates([0.9, 0.2, 0.5, 0.3])!;
    expect(s.n).toBe(4);
    expect(s.median).toBeCloseTo(0.4, 12);
    expect(s.iqr).toBeCloseTo(0.325, 12);
    expect([s.min, s.max]).toEqual([0.2, 0.9]);
    expect(summarizeEstimates([7])).toEqual({ n: 1, median: 7, iqr: 0, min: 7, max: 7 });
    expect(summarizeEstimates([])).toBeNull();
  });
});

describe('fmt', () => {
  it('rounds to 3 decimals without trailing zeros', () => {
    expect(fmt(1.23456)).toBe('1.235');
    expect(fmt(2)).toBe('2');
    expect(fmt(-0.0001)).toBe('0');
  });
});
