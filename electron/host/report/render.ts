/** A ReportInput in the format asked, as the bytes of the file to write (PDF aside: see pdf in export.ts). */
import type { ReportFormat, ReportInput } from '../../../shared/domain/report.ts';
import { renderHtml } from '../../../shared/engine/report/html.ts';
import { renderCsv, renderJson, renderSarif } from '../../../shared/engine/report/tabular.ts';

export function renderReport(input: ReportInput, format: Exclude<ReportFormat, 'pdf'>): string {
  switch (format) {
    case 'html':
      return renderHtml(input);
    case 'json':
      return renderJson(input);
    case 'csv':
      return renderCsv(input);
    case 'sarif':
      return renderSarif(input);
  }
}

/** The audit-log head a rendered report carries (HTML meta tag, JSON custody, SARIF run property), or null (CSV). */
export function auditHeadIn(text: string): string | null {
  const meta = /<meta name="assay-audit-head" content="([0-9a-f]{64})">/.exec(text);
  if (meta) return meta[1];
  try {
    const json = JSON.parse(text) as { custody?: { auditHead?: unknown }; runs?: { properties?: { auditHead?: unknown } }[] };
    const head = json.custody?.auditHead ?? json.runs?.[0]?.properties?.auditHead;
    return typeof head === 'string' ? head : null;
  } catch {
    return null;
  }
}
