/**
 * Influence, drift and privacy results as report blocks: the figures an analyst reads first (verdict, the
 * columns or groups that stand out, the estimated effect), a table and bars. A result of a shape this version
 * does not know (a newer Assay) falls back to its top-level figures.
 */
import type { StoredResult } from '../../../shared/domain/case.ts';
import type { DriftResult, MonitorResult } from '../../../shared/domain/drift.ts';
import type { CertifyResult, InfluenceRanking, SelfInfluenceResult, TrainedModel, WhatIfResult } from '../../../shared/domain/influence.ts';
import type { PrivacyReport } from '../../../shared/domain/privacy.ts';
import type { ResultBlock } from '../../../shared/domain/report.ts';

type Content = Pick<ResultBlock, 'summary' | 'table' | 'bars'>;

const n4 = (x: number) => Number(x.toPrecision(4));
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function resultContent(entry: StoredResult, value: unknown): Content {
  try {
    switch (entry.kind) {
      case 'drift':
        return drift(value as DriftResult);
      case 'monitor':
        return monitor(value as MonitorResult);
      case 'privacy':
        return privacy(value as PrivacyReport);
      case 'train':
        return train(value as TrainedModel);
      case 'influence':
        return influence(value as InfluenceRanking);
      case 'selfInfluence':
        return selfInfluence(value as SelfInfluenceResult);
      case 'whatIf':
        return whatIf(value as WhatIfResult);
      case 'certify':
        return certify(value as CertifyResult);
    }
  } catch {
    // A shape this version does not know: the generic figures below.
  }
  return { summary: scalarLines(value), table: null, bars: null };
}

function drift(r: DriftResult): Content {
  const top = [...r.columns].sort((a, b) => b.psi - a.psi).slice(0, 20);
  return {
    summary: [
      r.verdict.text,
      `${r.baseline.name} (baseline, ${r.baseline.rows} rows) → ${r.current.name} (${r.current.rows} rows)`,
      ...(r.label ? [`labels: ${r.label.drifted ? 'drifted' : 'stable'}`] : []),
      ...(r.embedding ? [`embedding set: MMD² ${n4(r.embedding.mmd2)} (p = ${n4(r.embedding.mmdPValue)}), domain-classifier AUC ${n4(r.embedding.domainAuc)}; ${r.embedding.drifted ? 'drifted' : 'stable'}`] : []),
    ],
    table: {
      columns: ['Column', 'PSI', 'KS p', 'Wasserstein (normed)', 'Drifted'],
      rows: top.map((c) => [c.name, n4(c.psi), n4(c.ks.pValue), c.wassersteinNormed === null ? null : n4(c.wassersteinNormed), c.drifted ? 'yes' : 'no']),
    },
    bars: top.map((c) => ({ label: `${c.name} (PSI)`, value: c.psi })),
  };
}

function monitor(r: MonitorResult): Content {
  return {
    summary: [`${r.snapshots.length} snapshots (${r.snapshots.map((s) => s.name).join(', ')}), the first ${r.baselinePeriod} setting the control limits; ${r.alerts.length} alert(s)`],
    table: r.alerts.length ? { columns: ['Snapshot', 'Kind', 'Metric', 'Value', 'Threshold', 'Alert'], rows: r.alerts.slice(0, 50).map((a) => [a.snapshot, a.kind, a.metric, n4(a.value), n4(a.threshold), a.message]) } : null,
    bars: r.snapshots.map((s, i) => ({ label: `${s.name} (max PSI)`, value: r.psi.max[i] ?? 0 })),
  };
}

function privacy(r: PrivacyReport): Content {
  const summary: string[] = [];
  if (r.pii) summary.push(`PII: ${r.pii.rowsWithPii} row(s) with a match in ${r.pii.texts} text(s) of ${r.pii.columns.join(', ')}`);
  if (r.anonymity) summary.push(`k-anonymity: k = ${r.anonymity.k} (target ${r.anonymity.kTarget}), ${r.anonymity.rowsBelowK} row(s) in classes below k, ${r.anonymity.uniqueRows} unique; l-diversity ${r.anonymity.distinctL} (distinct) on ${r.anonymity.sensitive}`);
  if (r.leakage) summary.push(`train/test leakage against ${r.leakage.evalName}: ${r.leakage.exactEvalRows} exact and ${r.leakage.nearEvalRows} near duplicate(s) (${pct(r.leakage.leakedFraction)} of ${r.leakage.evalRows} rows), ${r.leakage.conflicts} with conflicting labels`);
  if (r.membership) summary.push(`membership inference: AUC ${n4(r.membership.auc)}, advantage ${n4(r.membership.advantage)} (${r.membership.level}); ${r.membership.reading}`);
  if (r.bias) {
    const failing = r.bias.disparities.filter((d) => d.fails);
    summary.push(`bias by ${r.bias.column}: ${failing.length} disparit${failing.length === 1 ? 'y' : 'ies'} below the four-fifths ratio`);
  }
  return {
    summary,
    table: r.pii && r.pii.findings.length ? { columns: ['PII type', 'Column', 'Matches', 'Rows'], rows: r.pii.findings.map((f) => [f.type, f.column, f.matches, f.rows.length]) } : null,
    bars: r.bias ? r.bias.disparities.slice(0, 20).map((d) => ({ label: `${d.group} (${d.metric} ratio)`, value: d.ratio })) : null,
  };
}

function train(r: TrainedModel): Content {
  return { summary: [`softmax regression, l2 ${r.l2}, ${r.parameterCount} parameters, split ${r.splitNote}`, `${r.trainRows.length} training rows`, ...scalarLines(r)], table: null, bars: null };
}

function influence(r: InfluenceRanking): Content {
  let harmful = 0;
  let worst = 0;
  for (let i = 0; i < r.predictedChange.length; i++) {
    if (!r.helpful[i]) harmful++;
    worst = Math.min(worst, r.predictedChange[i]);
  }
  return {
    summary: [`${r.method === 'cg' ? 'conjugate-gradient' : 'exact'} influence on ${r.testRows.length} test point(s), mean test loss ${n4(r.testLoss)}`, `${harmful} harmful training row(s) of ${r.predictedChange.length}; strongest predicted change ${n4(worst)}`, r.signConvention],
    table: null,
    bars: null,
  };
}

function selfInfluence(r: SelfInfluenceResult): Content {
  const sorted = Float64Array.from(r.values).sort();
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  return { summary: [`self-influence (${r.method}${r.method === 'low-rank' ? `, rank ${r.rank}` : ''}) of ${r.values.length} training rows: median ${n4(q(0.5))}, 99th percentile ${n4(q(0.99))}, max ${n4(q(1))}`], table: null, bars: null };
}

function whatIf(r: WhatIfResult): Content {
  return {
    summary: [
      `retrained without ${r.removed} row(s): test loss ${n4(r.testLossBefore)} → ${n4(r.testLossAfter)} (actual change ${n4(r.actualChange)}, predicted by influence ${n4(r.predictedChange)})`,
      `accuracy ${pct(r.accuracyBefore)} → ${pct(r.accuracyAfter)} on ${r.testRows} test row(s)`,
    ],
    table: null,
    bars: [
      { label: 'actual loss change', value: r.actualChange },
      { label: 'predicted loss change', value: r.predictedChange },
    ],
  };
}

function certify(r: CertifyResult): Content {
  const at = [0, 1, 2, 5, 10, 20, 50].filter((k) => k < r.curve.length);
  return {
    summary: [`Deep Partition Aggregation: ${r.buckets} buckets, ${r.prediction.length} test rows, ${r.excluded} quarantined row(s) left out`],
    table: null,
    bars: at.map((k) => ({ label: `certified accuracy at ${k}`, value: r.curve[k] })),
  };
}

/** Top-level figures of any result. */
function scalarLines(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [];
  const lines: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'number' && Number.isFinite(v)) lines.push(`${k}: ${n4(v)}`);
    else if (typeof v === 'string' && v.length <= 200 && !/^[0-9a-f]{64}$/.test(v) && !/Id$/.test(k)) lines.push(`${k}: ${v}`);
    else if (typeof v === 'boolean') lines.push(`${k}: ${v ? 'yes' : 'no'}`);
    if (lines.length >= 12) break;
  }
  return lines;
}
