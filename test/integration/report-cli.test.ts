import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePath } from '../../electron/host/app-root.ts';
import { createHost, type Host } from '../../electron/host/host.ts';
import { REPORT_SECTIONS, type ReportInput } from '../../shared/domain/report.ts';
import { REPORT_JSON_SCHEMA } from '../../shared/engine/report/schema.ts';
import { assay } from './run-assay.ts';

const truth = JSON.parse(readFileSync(samplePath().replace('.csv', '.truth.json'), 'utf8')) as { poisonedIds: string[]; targetClass: string };

/** A case holding the sample dataset and a scan at FDR 0.05, made through the host as the app makes it. */
async function makeCase(host: Host, folder: string): Promise<void> {
  await host.createCase({ folder, name: 'Horse backdoor', analyst: 'A. Analyst' });
  const open = await host.openSample();
  await host.jobs.settled(open.id);
  const dataset = host.jobs.result<'load'>(open.id).value;
  const scan = await host.runScan({ datasetId: dataset.id, detectors: [{ name: 'spectral', params: {} }, { name: 'knn-label', params: {} }], flag: { mode: 'fdr', q: 0.05 }, referenceDatasetId: null });
  expect((await host.jobs.settled(scan.id)).status).toBe('done');
  await host.cases.idle();
}

describe('reports of a case', () => {
  let dir: string;
  let folder: string;
  let host: Host;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'assay-report-'));
    folder = join(dir, 'case');
    host = createHost({ transport: 'cli', samplePath: samplePath(), threads: 1, configDir: join(dir, 'config') });
    await makeCase(host, folder);
    expect((await assay(['keygen', '--out', 'signer'], dir)).code).toBe(0);
    expect((await assay(['keygen', '--out', 'other'], dir)).code).toBe(0);
  }, 120_000);
  afterAll(() => host.close());

  it('writes a JSON report that validates against its schema, verdict first, with the planted rows', async () => {
    const run = await assay(['report', 'build', folder, '--out', 'r.json'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as ReportInput;
    // Against the schema as the command line publishes it.
    expect((await assay(['report', 'schema', '--out', 'schema.json'], dir)).code).toBe(0);
    const published = JSON.parse(readFileSync(join(dir, 'schema.json'), 'utf8'));
    expect(published).toEqual(JSON.parse(JSON.stringify(REPORT_JSON_SCHEMA)));
    const validate = new Ajv2020({ strict: false }).compile(published);
    expect(validate(report)).toBe(true);
    expect(report.sections).toEqual([...REPORT_SECTIONS]);
    expect(report.verdict.level).toBe('evidence');
    expect(report.verdict.where[0].className).toBe(truth.targetClass);
    expect(report.custody.verified).toBe(true);
    expect(report.custody.auditHead).toBe(host.cases.view()!.audit.head);
    const spectral = report.findings.find((f) => f.detector === 'spectral')!;
    const ids = spectral.flaggedRows.map((r) => r.id);
    // Ids are read back from the source file (the dataset is not loaded by the command line).
    const planted = new Set(truth.poisonedIds);
    expect(ids.filter((id) => id !== null && planted.has(id)).length).toBeGreaterThanOrEqual(0.9 * ids.length);
    expect(spectral.flaggedTotal).toBe(ids.length);
    expect(report.atlas.map((a) => a.id)).toContain('AML.T0020');
    expect(report.evidence.find((e) => e.kind === 'dataset')?.sha256).toBe(report.findings[0].datasetSha256);
    expect(report.methods.length).toBeGreaterThan(0);
  });

  it('includes only the sections asked for', async () => {
    const run = await assay(['report', 'build', folder, '--out', 'some.html', '--sections', 'summary,custody'], dir);
    expect(run.code).toBe(0);
    const html = readFileSync(join(dir, 'some.html'), 'utf8');
    expect([...html.matchAll(/data-section="([a-z]+)"/g)].map((m) => m[1])).toEqual(['summary', 'custody']);
    const bad = await assay(['report', 'build', folder, '--out', 'x.html', '--omit', 'appendix'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown section 'appendix'/);
  });

  it('signs a report and verifies it against the key, its bytes and the case audit log', async () => {
    expect((await assay(['report', 'build', folder, '--out', 'r.html', '--key', 'signer.pem'], dir)).code).toBe(0);
    const ok = await assay(['report', 'verify', 'r.html', '--pub', 'signer.pub', '--case', folder], dir);
    expect(ok.stdout).toMatch(/signature: valid/);
    expect(ok.stdout).toMatch(/bound to entry \d+ of \d+ of the case's verified audit log/);
    expect(ok.code).toBe(0);

    const wrongKey = await assay(['report', 'verify', 'r.html', '--pub', 'other.pub'], dir);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toMatch(/signature: INVALID/);

    const bytes = readFileSync(join(dir, 'r.html'));
    const at = bytes.indexOf('Executive summary') + 3;
    bytes[at] ^= 0x20; // one letter's case
    writeFileSync(join(dir, 'tampered.html'), bytes);
    writeFileSync(join(dir, 'tampered.html.dsse.json'), readFileSync(join(dir, 'r.html.dsse.json')));
    const tampered = await assay(['report', 'verify', 'tampered.html', '--pub', 'signer.pub'], dir);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(/is not the one signed/);

    const unsigned = await assay(['report', 'verify', 'some.html'], dir);
    expect(unsigned.code).toBe(1);
    expect(unsigned.stdout).toMatch(/not signed/);
  });

  it('refuses a report whose audit head is not in the case given', async () => {
    const other = join(dir, 'other-case');
    const second = createHost({ transport: 'cli', samplePath: samplePath(), threads: 1, configDir: join(dir, 'config2') });
    await second.createCase({ folder: other, name: 'Other', analyst: 'B' });
    await second.cases.idle();
    await second.close();
    const run = await assay(['report', 'verify', 'r.html', '--pub', 'signer.pub', '--case', other], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/is not an entry of the case's audit log/);
  });

  it('SARIF and CSV carry the same flagged rows as the JSON', async () => {
    expect((await assay(['report', 'build', folder, '--out', 'r.sarif'], dir)).code).toBe(0);
    expect((await assay(['report', 'build', folder, '--out', 'r.csv'], dir)).code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as ReportInput;
    const flagged = json.findings.reduce((s, f) => s + f.flaggedRows.length, 0);
    const sarif = JSON.parse(readFileSync(join(dir, 'r.sarif'), 'utf8'));
    expect(sarif.runs[0].results).toHaveLength(flagged);
    const first = json.findings[0].flaggedRows[0];
    const match = sarif.runs[0].results.find((r: { properties: { row: number } }) => r.properties.row === first.row);
    // Row r of a CSV with a header and no multi-line fields is on line r + 2.
    const line = readFileSync(samplePath(), 'utf8').split('\n')[match.locations[0].physicalLocation.region.startLine - 1];
    expect(line.startsWith(`${first.id},`)).toBe(true);
    const csv = readFileSync(join(dir, 'r.csv'), 'utf8').trim().split('\r\n');
    expect(csv).toHaveLength(1 + flagged);
  });

  it('previews and exports through the contract as a job; PDF is refused outside the desktop app with a hint', async () => {
    const preview = await host.previewReport({ sections: ['cover', 'summary', 'findings'] });
    expect(preview.html).toContain('data-section="findings"');
    expect(preview.verdict.level).toBe('evidence');
    const target = join(folder, 'reports', 'exported.html');
    const job = await host.exportReport({ sections: [...REPORT_SECTIONS], path: target, format: 'html', keyPath: join(dir, 'signer.pem'), overwrite: false });
    const done = await host.jobs.settled(job.id);
    expect(done.error).toBeNull();
    const result = host.jobs.result<'report'>(job.id).value;
    expect(result.signaturePath).toBe(`${target}.dsse.json`);
    expect(existsSync(result.signaturePath!)).toBe(true);
    const verify = await assay(['report', 'verify', target, '--pub', 'signer.pub'], dir);
    expect(verify.code).toBe(0);
    // Row ids come from the open dataset.
    expect(readFileSync(target, 'utf8')).toMatch(/row-\d{4}/);
    await expect(host.exportReport({ sections: ['summary'], path: target, format: 'html', keyPath: null, overwrite: false })).rejects.toThrow(/already exists/);
    await expect(host.exportReport({ sections: ['summary'], path: join(dir, 'r.pdf'), format: 'pdf', keyPath: null, overwrite: false })).rejects.toThrow(/browser's Print/);
  });

  it('leaves an altered stored result out and says so under chain of custody', async () => {
    const results = join(folder, 'results');
    const file = readdirSync(results).find((f) => f.includes('-scan-'))!;
    appendFileSync(join(results, file), 'x');
    const run = await assay(['report', 'build', folder, '--out', 'altered.json'], dir);
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'altered.json'), 'utf8')) as ReportInput;
    expect(report.findings).toHaveLength(0);
    expect(report.custody.caseProblems.join('\n')).toMatch(/was altered after it was stored/);
    expect(report.verdict.level).toBe('inconclusive');
  });
});
