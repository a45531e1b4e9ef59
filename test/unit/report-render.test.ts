import Ajv2020 from 'ajv/dist/2020.js';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { REPORT_SECTIONS } from '../../shared/domain/report.ts';
import { renderHtml } from '../../shared/engine/report/html.ts';
import { REPORT_JSON_SCHEMA } from '../../shared/engine/report/schema.ts';
import { CSV_COLUMNS, renderCsv, renderJson, renderSarif } from '../../shared/engine/report/tabular.ts';
import { fullReportInput } from './report-fixture.ts';

// ajv is an independent JSON Schema implementation: the schema is generated from zod, checked by ajv.
const ajv = new Ajv2020({ strict: false, allErrors: true });
const validate = ajv.compile(REPORT_JSON_SCHEMA);

describe('JSON report', () => {
  it('validates against its published JSON Schema and names it', () => {
    const json = JSON.parse(renderJson(fullReportInput()));
    expect(json.$schema).toBe('urn:assay:schema:report:v1');
    expect(json.reportVersion).toBe(1);
    expect(validate(json), ajv.errorsText(validate.errors)).toBe(true);
  });

  it('is rejected by the schema when a field is wrong, missing or unknown', () => {
    const good = JSON.parse(renderJson(fullReportInput()));
    const cases: [string, (r: Record<string, any>) => void][] = [
      ['bad hash', (r) => (r.evidence[0].sha256 = 'xyz')],
      ['missing verdict', (r) => delete r.verdict],
      ['unknown section', (r) => r.sections.push('appendix')],
      ['extra field', (r) => (r.custody.note = 'hi')],
      ['p-value above 1', (r) => (r.findings[0].flaggedRows[0].pValue = 2)],
      ['bad ATLAS id', (r) => (r.atlas[0].id = 'T0020')],
      ['heat map not 5x5', (r) => r.threats[0].heat.pop()],
      ['wrong version', (r) => (r.reportVersion = 2)],
    ];
    for (const [what, edit] of cases) {
      const copy = structuredClone(good);
      edit(copy);
      expect(validate(copy), what).toBe(false);
    }
  });
});

describe('SARIF report', () => {
  const sarif = JSON.parse(renderSarif(fullReportInput()));
  const run = sarif.runs[0];

  it('has the 2.1.0 shape: tool driver with rules, results, artifacts', () => {
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(run.tool.driver.name).toBe('Assay');
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['spectral']);
    expect(run.results).toHaveLength(2);
    for (const result of run.results) {
      expect(result.ruleId).toBe('spectral');
      expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
      expect(['none', 'note', 'warning', 'error']).toContain(result.level);
      expect(typeof result.message.text).toBe('string');
    }
  });

  it('maps a row to region.startLine of the CSV (header on line 1), scores to properties', () => {
    const [first] = run.results;
    expect(first.locations[0].physicalLocation.region.startLine).toBe(7 + 2);
    expect(first.locations[0].physicalLocation.artifactLocation.uri).toBe('file:///data/train.csv');
    expect(run.artifacts[first.locations[0].physicalLocation.artifactLocation.index].hashes['sha-256']).toBe('a'.repeat(64));
    expect(first.properties).toMatchObject({ row: 7, score: 9.5, pValue: 1e-9, className: 'horse' });
  });

  it('carries ATLAS as a taxonomy the rules and results point into', () => {
    const taxonomy = run.taxonomies[0];
    expect(taxonomy.name).toBe('MITRE ATLAS');
    expect(taxonomy.taxa.map((t: { id: string }) => t.id)).toEqual(['AML.T0020']);
    const taxon = run.results[0].taxa[0];
    expect(taxonomy.taxa[taxon.index].id).toBe(taxon.id);
    expect(run.tool.driver.rules[0].relationships[0].target.id).toBe('AML.T0020');
    expect(run.properties.auditHead).toBe('c'.repeat(64));
  });
});

describe('CSV of findings and quarantined rows', () => {
  const text = renderCsv(fullReportInput());
  const parsed = Papa.parse<string[]>(text.trim(), { delimiter: ',' });

  it('has one line per flagged row and per quarantined row, under a fixed header', () => {
    expect(parsed.errors).toEqual([]);
    expect(parsed.data[0]).toEqual([...CSV_COLUMNS]);
    expect(parsed.data.slice(1).map((r) => [r[0], r[3]])).toEqual([
      ['finding', '7'],
      ['finding', '12'],
      ['quarantined', '7'],
    ]);
    expect(parsed.data[2][8]).toBe('8.25');
    expect(parsed.data[3][7]).toBe('Backdoor rows');
  });

  it('defuses spreadsheet formulas in text taken from the data', () => {
    expect(parsed.data[1][4]).toBe('\'=HYPERLINK("http://evil")');
  });
});

describe('HTML report', () => {
  const html = renderHtml(fullReportInput());

  it('holds every section, in order, with its plots as inline SVG', () => {
    const order = [...html.matchAll(/data-section="([a-z]+)"/g)].map((m) => m[1]);
    expect(order).toEqual([...REPORT_SECTIONS]);
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(5); // histogram, bars, 2 blocks, heat map
  });

  it('escapes text from the case and the data', () => {
    expect(html).toContain('Horse &lt;backdoor&gt; &amp; friends');
    expect(html).not.toContain('<backdoor>');
  });

  it('loads nothing from outside and runs no script', () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|url\(/i);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain(`<meta name="assay-audit-head" content="${'c'.repeat(64)}">`);
  });

  it('leaves out the sections not chosen', () => {
    const some = renderHtml({ ...fullReportInput(), sections: ['summary', 'methods'] });
    expect([...some.matchAll(/data-section="([a-z]+)"/g)].map((m) => m[1])).toEqual(['summary', 'methods']);
  });
});
