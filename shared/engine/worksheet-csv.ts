/**
 * A worksheet's threats as CSV for spreadsheets: one row per threat with its inputs, its controls and its
 * inherent and residual risk (risk.ts). RFC 4180 quoting; text that a spreadsheet would run as a formula
 * (starting with =, +, -, @, tab or CR: OWASP "CSV Injection") is prefixed with an apostrophe.
 */
import { THREAT_KINDS, type Worksheet } from '../domain/worksheet.ts';
import { combinedEffectiveness, scorePortfolio } from './risk.ts';

export const WORKSHEET_CSV_COLUMNS = [
  'threat_id',
  'title',
  'category',
  'kind',
  'atlas',
  'probability',
  'impact',
  'weight',
  'inherent_risk',
  'controls',
  'combined_effectiveness',
  'residual_risk',
  'above_tolerance',
  'decision',
  'adversaries',
] as const;

function textField(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Full precision: the spreadsheet rounds for display, a sum over rounded cells would not match the app. */
function numberField(x: number): string {
  return Number.isFinite(x) ? String(x) : '';
}

export function worksheetCsv(worksheet: Worksheet): string {
  const scores = scorePortfolio(worksheet);
  const adversaryName = new Map(worksheet.adversaries.map((a) => [a.id, a.name]));
  const decision = new Map(worksheet.acceptances.map((a) => [a.threatId, a.decision]));
  const lines = [WORKSHEET_CSV_COLUMNS.join(',')];
  worksheet.threats.forEach((t, i) => {
    const s = scores.threats[i];
    const kind = THREAT_KINDS[t.kind];
    lines.push(
      [
        textField(t.id),
        textField(t.title),
        textField(kind.category),
        textField(t.kind),
        textField(t.atlas.join(';')),
        numberField(t.probability),
        numberField(t.impact),
        numberField(t.weight),
        numberField(s.inherent.value),
        textField(s.controls.map((c) => c.name).join(';')),
        numberField(combinedEffectiveness(s.controls).value),
        numberField(s.residual.value),
        s.residual.value > worksheet.tolerance ? 'yes' : 'no',
        textField(decision.get(t.id) ?? ''),
        textField(t.adversaries.map((a) => adversaryName.get(a) ?? a).join(';')),
      ].join(','),
    );
  });
  return lines.join('\r\n') + '\r\n';
}
