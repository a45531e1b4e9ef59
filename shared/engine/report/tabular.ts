/**
 * The machine-readable renderings of a report: JSON (the ReportInput, versioned, naming its schema), CSV of
 * findings and quarantined rows, and SARIF 2.1.0 (OASIS, sarif-v2.1.0-os) for tools that collect findings.
 */
import { REPORT_SCHEMA_ID, type ReportInput } from '../../domain/report.ts';

export function renderJson(input: ReportInput): string {
  return JSON.stringify({ $schema: REPORT_SCHEMA_ID, ...input }, null, 2) + '\n';
}

export const CSV_COLUMNS = ['record', 'dataset', 'dataset_sha256', 'row', 'id', 'class', 'detector', 'set', 'score', 'p_value', 'note'] as const;

/**
 * One line per flagged row and detector (record = finding) and per quarantined row (record = quarantined).
 * Rows are zero-based data rows, as in the app. Text that a spreadsheet would run as a formula (starting with
 * = + - @ or a tab/CR) gets a leading apostrophe (OWASP "CSV injection"); ids come from untrusted data.
 */
export function renderCsv(input: ReportInput): string {
  const lines: string[] = [CSV_COLUMNS.join(',')];
  const push = (values: (string | number | null)[]) => lines.push(values.map(csvField).join(','));
  for (const f of input.findings) {
    for (const r of f.flaggedRows) push(['finding', f.datasetName, f.datasetSha256, r.row, r.id, r.className, f.detector, null, r.score, r.pValue, f.flagNote]);
  }
  for (const q of input.quarantine) {
    for (const r of q.rows) push(['quarantined', q.datasetName, q.datasetSha256, r.row, null, r.label, r.detectors.join(' '), q.name, null, null, q.origin]);
  }
  return lines.join('\r\n') + '\r\n';
}

function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const ATLAS = 'MITRE ATLAS';

/**
 * SARIF 2.1.0: one rule per detector, one result per flagged row. A row becomes region.startLine of the
 * dataset file (data row r of a CSV/TSV with one header line is line r + 2; of a JSON Lines file, line r + 1;
 * other formats have no lines and carry the row in properties only), ATLAS techniques are a taxonomy the
 * rules relate to, evidence hashes are artifacts[].hashes, and scores and p-values are result properties.
 */
export function renderSarif(input: ReportInput): string {
  const artifacts = input.evidence.map((e) => ({
    location: { uri: fileUri(e.path ?? e.item) },
    ...(e.sizeBytes !== null ? { length: e.sizeBytes } : {}),
    hashes: { 'sha-256': e.sha256 },
    roles: [e.kind === 'dataset' ? 'analysisTarget' : 'attachment'],
    description: { text: `${e.kind}: ${e.item}` },
  }));
  const artifactIndex = new Map(input.evidence.map((e, i) => [e.sha256, i]));
  const taxa = [...new Map(input.atlas.map((a) => [a.id, a])).values()];
  const taxonIndex = new Map(taxa.map((t, i) => [t.id, i]));
  const detectors = [...new Map(input.findings.map((f) => [f.detector, f])).values()];
  const ruleIndex = new Map(detectors.map((d, i) => [d.detector, i]));
  const rules = detectors.map((d) => ({
    id: d.detector,
    name: d.title,
    shortDescription: { text: `${d.title}: a row this detector flags as likely poisoned or mislabeled` },
    defaultConfiguration: { level: 'warning' },
    relationships: d.atlas
      .filter((id) => taxonIndex.has(id))
      .map((id) => ({ target: { id, index: taxonIndex.get(id), toolComponent: { name: ATLAS } }, kinds: ['relevant'] })),
  }));
  const results = input.findings.flatMap((f) => {
    const index = artifactIndex.get(f.datasetSha256);
    const artifact = index === undefined ? null : input.evidence[index];
    const lineOffset = lineOffsetOf(artifact?.path ?? null);
    return f.flaggedRows.map((r) => ({
      ruleId: f.detector,
      ruleIndex: ruleIndex.get(f.detector),
      level: 'warning',
      message: { text: `Row ${r.row}${r.id !== null ? ` (id ${r.id})` : ''} of class '${r.className}' flagged by ${f.title}: score ${r.score}${r.pValue !== null ? `, p = ${r.pValue}` : ''}. ${f.flagNote}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: fileUri(artifact?.path ?? f.datasetName), ...(index !== undefined ? { index } : {}) },
            ...(lineOffset !== null ? { region: { startLine: r.row + lineOffset } } : {}),
          },
          logicalLocations: [{ name: r.id ?? `row ${r.row}`, kind: 'element' }],
        },
      ],
      taxa: f.atlas.filter((id) => taxonIndex.has(id)).map((id) => ({ id, index: taxonIndex.get(id), toolComponent: { name: ATLAS } })),
      properties: { row: r.row, id: r.id, className: r.className, score: r.score, pValue: r.pValue, flagMode: f.flagMode, datasetSha256: f.datasetSha256 },
    }));
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Assay', semanticVersion: input.tool.version, version: input.tool.version, rules } },
        taxonomies: [{ name: ATLAS, version: '5.6.0', organization: 'MITRE', shortDescription: { text: 'Adversarial Threat Landscape for AI Systems' }, taxa: taxa.map((t) => ({ id: t.id, name: t.name, shortDescription: { text: t.name } })) }],
        artifacts,
        results,
        automationDetails: { id: `assay/${input.case.id}/${input.generatedAt}` },
        properties: { caseName: input.case.name, auditHead: input.custody.auditHead, auditVerified: input.custody.verified, verdict: input.verdict.level },
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

/** Lines before data row 0, by file kind; null for formats without lines. */
function lineOffsetOf(path: string | null): number | null {
  if (!path) return null;
  const p = path.toLowerCase();
  if (p.endsWith('.csv') || p.endsWith('.tsv') || p.endsWith('.tab')) return 2;
  if (p.endsWith('.jsonl') || p.endsWith('.ndjson')) return 1;
  return null;
}

/** A file path as a URI reference (RFC 3986): absolute paths become file:// URIs, others stay relative. */
function fileUri(path: string): string {
  const encoded = path.split(/[\\/]/).map(encodeURIComponent).join('/');
  if (/^[A-Za-z]:[\\/]/.test(path)) return `file:///${encoded.replace(/^([A-Za-z])%3A/, '$1:')}`;
  return path.startsWith('/') ? `file://${encoded}` : encoded;
}
