/**
 * Quantified risk for a threat-modeling worksheet. Every number comes back with the sum that produced it
 * (`how`), so the UI can show its working next to the figure.
 *
 * Formulas (the seed framework's; see e.g. NIST AI RMF 1.0, MANAGE 1.4, for residual risk):
 *  - inherent risk of threat i:        R_inh,i = w_i · P_i · I_i
 *  - residual risk of threat i:        R_res,i = R_inh,i · Π_c (1 − E_c · Coverage_c)  (controls independent)
 *  - composite (portfolio) risk:       R = Σ_i w_i · P_i · I_i · (1 − E_i), where E_i = 1 − Π_c (1 − E_c·Coverage_c)
 *    is the combined effectiveness of threat i's controls, so R = Σ_i R_res,i and the two views agree;
 *  - integrity confidence over sources j:  Π_j (1 − p_j · (1 − V_j))
 *    (p_j: prior probability that source j is compromised, V_j: its provenance validation score);
 *  - detection–evasion utility of an adversary: U = α·S − β·P_det − γ·C  (S: success, P_det: probability
 *    of detection, C: cost of the attack), the attacker's payoff in the game-theoretic view of poisoning
 *    defences (cf. Steinhardt, Koh & Liang, "Certified Defenses for Data Poisoning Attacks", NeurIPS 2017).
 */
import { quantileSorted } from './quantile.ts';
import { CONTROL_LAYERS, type Adversary, type Control, type ControlLayer, type DataSource, type Threat, type Worksheet } from '../domain/worksheet.ts';

/** A number and how it was computed, for the "show how" of every figure. */
export interface Explained {
  value: number;
  how: string;
}

/**
 * An Explained whose working is written only when read: a worksheet is rescored on every keystroke, and most
 * workings are never looked at (a 1,000-threat portfolio spent most of its time building them).
 */
export function lazyExplained(value: number, how: () => string): Explained {
  let text: string | null = null;
  return {
    value,
    get how() {
      return (text ??= how());
    },
  };
}

/** Numbers as the worksheet shows them: up to 3 decimals, no trailing zeros. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const r = Math.round(x * 1000) / 1000;
  return Object.is(r, -0) ? '0' : String(r);
}

/** Combined effectiveness of independent controls: 1 − Π_c (1 − E_c · Coverage_c); 0 without controls. */
export function combinedEffectiveness(controls: readonly Pick<Control, 'name' | 'effectiveness' | 'coverage'>[]): Explained {
  if (controls.length === 0) return { value: 0, how: 'no controls: E = 0' };
  let pass = 1;
  for (const c of controls) pass *= 1 - c.effectiveness * c.coverage;
  const factors = controls.map((c) => `(1 − ${fmt(c.effectiveness)}·${fmt(c.coverage)})`).join(' · ');
  return { value: 1 - pass, how: `E = 1 − ${factors} = 1 − ${fmt(pass)} = ${fmt(1 - pass)}` };
}

export interface ThreatScore {
  threatId: string;
  title: string;
  inherent: Explained;
  /** Fraction of the inherent risk that gets through the controls: Π_c (1 − E_c · Coverage_c). */
  passThrough: Explained;
  residual: Explained;
  /** Controls linked to the threat, in the worksheet's order (unknown ids are left out). */
  controls: Control[];
}

/** Inherent and residual risk of one threat under the controls given. */
export function scoreThreat(threat: Threat, controls: readonly Control[] | ReadonlyMap<string, Control>): ThreatScore {
  const byId = controls instanceof Map ? controls : new Map((controls as readonly Control[]).map((c) => [c.id, c]));
  const linked: Control[] = [];
  for (const id of threat.controls) {
    const c = byId.get(id);
    if (c) linked.push(c);
  }
  const inherent = threat.weight * threat.probability * threat.impact;
  let pass = 1;
  for (const c of linked) pass *= 1 - c.effectiveness * c.coverage;
  const factors = () => linked.map((c) => `(1 − ${fmt(c.effectiveness)}·${fmt(c.coverage)} ${c.name})`).join(' · ');
  const residual = inherent * pass;
  return {
    threatId: threat.id,
    title: threat.title,
    inherent: lazyExplained(inherent, () => `w·P·I = ${fmt(threat.weight)} · ${fmt(threat.probability)} · ${fmt(threat.impact)} = ${fmt(inherent)}`),
    passThrough: linked.length
      ? lazyExplained(pass, () => `Π(1 − E·Coverage) = ${factors()} = ${fmt(pass)}`)
      : { value: 1, how: 'no controls: nothing is stopped, Π = 1' },
    residual: lazyExplained(residual, () =>
      linked.length ? `R_inh · Π(1 − E·Coverage) = ${fmt(inherent)} · ${fmt(pass)} = ${fmt(residual)}` : `no controls: R_res = R_inh = ${fmt(inherent)}`,
    ),
    controls: linked,
  };
}

export interface PortfolioScore {
  threats: ThreatScore[];
  /** Σ_i w_i·P_i·I_i. */
  inherent: Explained;
  /** Composite risk R = Σ_i w_i·P_i·I_i·(1 − E_i) = Σ_i R_res,i. */
  residual: Explained;
  /** 1 − R / R_inh: how much of the inherent risk the controls remove. */
  reduction: Explained;
  /** Threats whose residual risk exceeds the tolerance, highest first. */
  aboveTolerance: ThreatScore[];
  /** Threats above the tolerance without a recorded decision: NIST AI RMF MANAGE 1.4's unmitigated residual risk. */
  undecided: Explained;
}

/** Every threat's scores and the portfolio's totals. */
export function scorePortfolio(worksheet: Pick<Worksheet, 'threats' | 'controls' | 'tolerance' | 'acceptances'>): PortfolioScore {
  const byId = new Map(worksheet.controls.map((c) => [c.id, c]));
  const threats = worksheet.threats.map((t) => scoreThreat(t, byId));
  const sum = (pick: (s: ThreatScore) => number) => threats.reduce((acc, s) => acc + pick(s), 0);
  const terms = (pick: (s: ThreatScore) => number) => (threats.length ? threats.map((s) => fmt(pick(s))).join(' + ') : '0 (no threats)');
  const inherent = sum((s) => s.inherent.value);
  const residual = sum((s) => s.residual.value);
  const reduction = inherent > 0 ? 1 - residual / inherent : 0;
  const aboveTolerance = threats.filter((s) => s.residual.value > worksheet.tolerance).sort((a, b) => b.residual.value - a.residual.value);
  const decided = new Set(worksheet.acceptances.map((a) => a.threatId));
  const open = aboveTolerance.filter((s) => !decided.has(s.threatId));
  const undecided = open.reduce((acc, s) => acc + s.residual.value, 0);
  return {
    threats,
    inherent: lazyExplained(inherent, () => `Σ w·P·I = ${terms((s) => s.inherent.value)} = ${fmt(inherent)}`),
    residual: lazyExplained(residual, () => `R = Σ w·P·I·(1 − E) = Σ R_res = ${terms((s) => s.residual.value)} = ${fmt(residual)}`),
    reduction: {
      value: reduction,
      how: inherent > 0 ? `1 − R / R_inh = 1 − ${fmt(residual)} / ${fmt(inherent)} = ${fmt(reduction)}` : 'no inherent risk: nothing to reduce',
    },
    aboveTolerance,
    undecided: lazyExplained(undecided, () =>
      open.length
        ? `Σ R_res over ${open.length} threat(s) above the tolerance ${fmt(worksheet.tolerance)} without a decision = ${open.map((s) => fmt(s.residual.value)).join(' + ')} = ${fmt(undecided)}`
        : `no threat above the tolerance ${fmt(worksheet.tolerance)} lacks a decision`,
    ),
  };
}

export interface LayerStep {
  layer: ControlLayer;
  label: string;
  /** Risk removed by this layer's controls (≥ 0), after the outer layers have acted. */
  reduction: Explained;
}

/**
 * Inherent → residual risk as a waterfall over the defence-in-depth layers, outermost first. Each threat's
 * risk passes through its controls layer by layer; a layer is credited with what it removes from the risk that
 * reached it. With multiplicative controls the split depends on the order (the total does not): taking the
 * layers in defence-in-depth order credits each layer with what gets past the layers before it.
 */
export function layerWaterfall(worksheet: Pick<Worksheet, 'threats' | 'controls'>): { inherent: number; steps: LayerStep[]; residual: number } {
  const byId = new Map(worksheet.controls.map((c) => [c.id, c]));
  const layers = Object.keys(CONTROL_LAYERS) as ControlLayer[];
  const removed = new Map<ControlLayer, number[]>(layers.map((l) => [l, []]));
  let inherent = 0;
  let residual = 0;
  for (const t of worksheet.threats) {
    let risk = t.weight * t.probability * t.impact;
    inherent += risk;
    const linked = t.controls.map((id) => byId.get(id)).filter((c): c is Control => c !== undefined);
    for (const layer of layers) {
      let pass = 1;
      for (const c of linked) if (c.layer === layer) pass *= 1 - c.effectiveness * c.coverage;
      const after = risk * pass;
      if (after < risk) removed.get(layer)!.push(risk - after);
      risk = after;
    }
    residual += risk;
  }
  const steps = layers.map((layer): LayerStep => {
    const parts = removed.get(layer)!;
    const value = parts.reduce((a, b) => a + b, 0);
    return {
      layer,
      label: CONTROL_LAYERS[layer],
      reduction: {
        value,
        how: parts.length ? `Σ over ${parts.length} threat(s) of the risk reaching this layer × (1 − Π(1 − E·Coverage)) = ${parts.map(fmt).join(' + ')} = ${fmt(value)}` : 'no control in this layer: 0',
      },
    };
  });
  return { inherent, steps, residual };
}

/** Confidence that no source is compromised: Π_j (1 − p_j · (1 − V_j)); 1 when there are no sources. */
export function integrityConfidence(sources: readonly DataSource[]): Explained {
  if (sources.length === 0) return { value: 1, how: 'no data sources: Π over nothing = 1' };
  let value = 1;
  for (const s of sources) value *= 1 - s.compromise * (1 - s.validation);
  const factors = sources.map((s) => `(1 − ${fmt(s.compromise)}·(1 − ${fmt(s.validation)}))`).join(' · ');
  return { value, how: `Π (1 − p·(1 − V)) = ${factors} = ${fmt(value)}` };
}

type Tradeoff = Adversary['tradeoff'];

/** The adversary's utility U = α·S − β·P_det − γ·C. */
export function attackerUtility(t: Tradeoff): Explained {
  const value = t.alpha * t.success - t.beta * t.detection - t.gamma * t.cost;
  return {
    value,
    how: `U = α·S − β·P_det − γ·C = ${fmt(t.alpha)}·${fmt(t.success)} − ${fmt(t.beta)}·${fmt(t.detection)} − ${fmt(t.gamma)}·${fmt(t.cost)} = ${fmt(value)}`,
  };
}

export interface TradeoffSweep {
  /** The values swept (P_det or C), evenly from 0 to 1. */
  x: number[];
  /** U at each x with the other inputs held. */
  utility: number[];
  /** The x where U crosses 0 (the attack stops paying), or null when it does not within [0, 1]. */
  breakEven: Explained & { inRange: boolean };
  /** dU/dx: −β for detection, −γ for cost. */
  slope: number;
}

/**
 * U as the defender raises P_det (or the attack's cost C) from 0 to 1, everything else held. U is linear in
 * both, so the break-even point is closed-form: P_det* = (α·S − γ·C)/β, C* = (α·S − β·P_det)/γ.
 */
export function sweepTradeoff(t: Tradeoff, along: 'detection' | 'cost', steps = 21): TradeoffSweep {
  const n = Math.max(2, Math.floor(steps));
  const x = Array.from({ length: n }, (_, i) => i / (n - 1));
  const utility = x.map((v) => attackerUtility({ ...t, [along]: v }).value);
  const slope = along === 'detection' ? -t.beta : -t.gamma;
  const rest = along === 'detection' ? t.alpha * t.success - t.gamma * t.cost : t.alpha * t.success - t.beta * t.detection;
  const name = along === 'detection' ? 'P_det*' : 'C*';
  const formula = along === 'detection' ? '(α·S − γ·C) / β' : '(α·S − β·P_det) / γ';
  let breakEven: TradeoffSweep['breakEven'];
  if (slope === 0) {
    breakEven = { value: Number.NaN, inRange: false, how: `${along === 'detection' ? 'β' : 'γ'} = 0: U does not depend on ${along === 'detection' ? 'P_det' : 'C'}` };
  } else {
    const value = rest / -slope;
    breakEven = {
      value,
      inRange: value >= 0 && value <= 1,
      how: `${name} = ${formula} = ${fmt(rest)} / ${fmt(-slope)} = ${fmt(value)}${value < 0 ? ' (< 0: the attack does not pay even undetected)' : value > 1 ? ' (> 1: the attack pays even at the maximum)' : ''}`,
    };
  }
  return { x, utility, breakEven, slope };
}

/** Median (mean of the two middle values for an even count) and spread of workshop estimates. */
export interface EstimateSummary {
  n: number;
  median: number;
  /** Interquartile range (R-7 quantiles, as d3-array and numpy's default). */
  iqr: number;
  min: number;
  max: number;
}

/** Summary of the participants' estimates; null when there are none. */
export function summarizeEstimates(values: readonly number[]): EstimateSummary | null {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  return {
    n: sorted.length,
    median: quantileSorted(sorted, 0.5),
    iqr: quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25),
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}
