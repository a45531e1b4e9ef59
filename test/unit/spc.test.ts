/**
 * Control charts (shared/engine/spc.ts): limits from a baseline period, and each Western Electric rule on a
 * series built to trip exactly that rule (and, one point short, not to).
 */
import { describe, expect, it } from 'vitest';
import { baselineLimits, controlChart, meanChartSigma, proportionChartSigma } from '../../shared/engine/spc.ts';

const rulesAt = (values: number[], index: number, we = true) =>
  controlChart(values, 0, 1, { westernElectric: we }).outOfControl.find((p) => p.index === index)?.rules ?? [];

describe('limits', () => {
  it('centre and sample σ (n − 1) of the baseline period; limits at ±kσ', () => {
    const values = [9, 11, 10, 12, 8, 30];
    const { centre, sigma } = baselineLimits(values, 5);
    expect(centre).toBe(10);
    expect(sigma).toBeCloseTo(Math.sqrt(10 / 4), 12);
    const chart = controlChart(values, centre, sigma);
    expect(chart.upper[0]).toBeCloseTo(10 + 3 * sigma, 12);
    expect(chart.lower[0]).toBeCloseTo(10 - 3 * sigma, 12);
    expect(chart.outOfControl).toEqual([{ index: 5, rules: [1] }]);
    expect(controlChart(values, centre, sigma, { k: 20 }).outOfControl).toEqual([]);
    expect(() => baselineLimits(values, 1)).toThrow(/at least 2/);
  });

  it('x̄ and p charts: σ shrinks with the snapshot size', () => {
    expect(meanChartSigma(2, [4, 100])).toEqual([1, 0.2]);
    const s = proportionChartSigma(0.1, [100, 400]);
    expect(s[0]).toBeCloseTo(0.03, 12);
    expect(s[1]).toBeCloseTo(0.015, 12);
    // Same rate, bigger snapshot: out of control only where σ is small.
    const chart = controlChart([0.19, 0.19], 0.1, s);
    expect(chart.outOfControl.map((p) => p.index)).toEqual([1]);
  });

  it('a p chart’s lower limit stops at 0', () => {
    const chart = controlChart([0.01, 0.02], 0.02, [0.01, 0.01], { lowerBound: 0 });
    expect(chart.lower).toEqual([0, 0]);
    expect(chart.outOfControl).toEqual([]);
  });

  it('a point without a scale (σ = 0) is never flagged', () => {
    expect(controlChart([5], 0, 0, { westernElectric: true }).outOfControl).toEqual([]);
  });
});

describe('Western Electric rules', () => {
  it('rule 1: one point beyond 3σ, either side', () => {
    expect(rulesAt([0, 0, 3.1], 2, false)).toEqual([1]);
    expect(rulesAt([0, 0, -3.1], 2, false)).toEqual([1]);
    expect(rulesAt([0, 0, 2.9], 2, false)).toEqual([]);
  });

  it('rule 2: two of three beyond 2σ on the same side', () => {
    expect(rulesAt([2.5, 0, 2.5], 2)).toEqual([2]);
    expect(rulesAt([2.5, 0, -2.5], 2)).toEqual([]);
    expect(rulesAt([2.5, 0, 0, 2.5], 3)).toEqual([]);
  });

  it('rule 3: four of five beyond 1σ on the same side', () => {
    expect(rulesAt([1.5, 1.5, 0, 1.5, 1.5], 4)).toEqual([3]);
    expect(rulesAt([1.5, 1.5, 0, 0, 1.5], 4)).toEqual([]);
    expect(rulesAt([-1.5, -1.5, -1.5, 0, -1.5], 4)).toEqual([3]);
  });

  it('rule 4: eight in a row on one side of the centre', () => {
    const eight = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    expect(rulesAt(eight, 7)).toEqual([4]);
    expect(rulesAt([...eight.slice(0, 7), -0.5], 7)).toEqual([]);
    expect(rulesAt(eight.slice(0, 7), 6)).toEqual([]);
  });

  it('rules 2–4 only when asked; a point can fire several rules', () => {
    expect(rulesAt([2.5, 0, 2.5], 2, false)).toEqual([]);
    expect(rulesAt([1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 2.5, 3.5], 7)).toEqual([1, 2, 3, 4]);
  });
});
