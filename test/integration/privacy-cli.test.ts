/**
 * `assay privacy` end to end, and the host's privacy job underneath: text columns read back from the source
 * file stay aligned with the dataset's rows when bad rows were skipped at load, PII is counted per type and
 * column and never written raw, leakage finds the copied rows of an evaluation file, a missing column is
 * named, and a PII job can be cancelled.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readColumns } from '../../electron/host/columns.ts';
import { createHost, type Host } from '../../electron/host/host.ts';
import { assay } from './run-assay.ts';

const EMAIL_EVERY = 10;
const CARD = '4111 1111 1111 1111';

/** Rows r0…r399; row 5 has a bad feature (skipped with --skip-bad-rows); notes hold e-mails and cards. */
function writeTrain(path: string): void {
  const lines = ['id,label,f1,f2,age,zip,sex,notes'];
  for (let i = 0; i < 400; i++) {
    const note = i % EMAIL_EVERY === 0 ? `contact person${i}@example.org` : i % 17 === 0 ? `card ${CARD}` : 'nothing here';
    lines.push(`r${i},${i % 3 === 0 ? 'a' : 'b'},${Math.sin(i).toFixed(6)},${i === 5 ? 'oops' : Math.cos(i * 1.3).toFixed(6)},${20 + (i % 50)},${10000 + (i % 7)},${i % 2 ? 'F' : 'M'},"${note}"`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

/** An evaluation file: 10 exact copies of training rows r100…r109 and 40 new rows. */
function writeEval(path: string): void {
  const lines = ['id,label,f1,f2'];
  for (let i = 100; i < 110; i++) lines.push(`e${i},${i % 3 === 0 ? 'a' : 'b'},${Math.sin(i).toFixed(6)},${Math.cos(i * 1.3).toFixed(6)}`);
  for (let i = 0; i < 40; i++) lines.push(`n${i},b,${(3 + i / 7).toFixed(6)},${(-3 - i / 11).toFixed(6)}`);
  writeFileSync(path, lines.join('\n') + '\n');
}

describe('assay privacy', () => {
  let dir: string;
  let train: string;
  let evalPath: string;
  let host: Host;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'assay-privacy-'));
    train = join(dir, 'train.csv');
    evalPath = join(dir, 'eval.csv');
    writeTrain(train);
    writeEval(evalPath);
    host = createHost({ transport: 'cli', samplePath: '', threads: 2 });
  });
  afterAll(() => host.close());

  it('writes PII per type and column (masked, with row indices and ids), k-anonymity, leakage and membership', async () => {
    const out = join(dir, 'privacy.json');
    const run = await assay([
      'privacy', train, '--label', 'label', '--id', 'id', '--features', 'f1,f2', '--skip-bad-rows',
      '--text', 'notes', '--qi', 'age:10', '--qi', 'zip', '--k', '6', '--eval', evalPath, '--membership', '--json', out, '--quiet',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    const doc = JSON.parse(text);
    expect(doc.format).toBe('assay-privacy/1');
    expect(doc.dataset.rows).toBe(399);

    const email = doc.pii.findings.find((f: { type: string }) => f.type === 'email');
    const card = doc.pii.findings.find((f: { type: string }) => f.type === 'credit-card');
    const emailIds = Array.from({ length: 40 }, (_, k) => `r${k * EMAIL_EVERY}`);
    expect(email.column).toBe('notes');
    expect(email.ids).toEqual(emailIds);
    // Row r5 was skipped, so every row after it moved up by one.
    expect(email.rows).toEqual(emailIds.map((id) => Number(id.slice(1))).map((i) => (i > 5 ? i - 1 : i)));
    const cardIds = Array.from({ length: 400 }, (_, i) => i).filter((i) => i % 17 === 0 && i % EMAIL_EVERY !== 0).map((i) => `r${i}`);
    expect(card.ids).toEqual(cardIds);
    expect(card.examples[0].masked).toBe('•••• •••• •••• 1111');
    expect(text).not.toContain('@example.org');
    expect(text).not.toContain(CARD);

    // age in decades × 7 zips: 5 × 7 = 35 classes; each (decade, zip) pair holds 10 or 11 rows (one row skipped).
    expect(doc.anonymity.classes).toBe(35);
    expect(doc.anonymity.k).toBeGreaterThanOrEqual(9);
    expect(doc.anonymity.smallest[0].ids.length).toBeGreaterThan(0);

    expect(doc.leakage.exactEvalRows).toBe(10);
    expect(doc.leakage.pairs.filter((p: { exact: boolean }) => p.exact).map((p: { trainId: string }) => p.trainId).sort()).toEqual(
      Array.from({ length: 10 }, (_, k) => `r${100 + k}`).sort(),
    );
    expect(doc.membership.nonMembers.source).toBe('dataset');
    expect(doc.membership.auc).toBeGreaterThanOrEqual(0);
    expect(doc.membership.roc.fpr.length).toBe(doc.membership.roc.tpr.length);
  });

  it('compares groups of a protected attribute with flag rates from a scan', async () => {
    const out = join(dir, 'bias.json');
    const run = await assay(['privacy', train, '--label', 'label', '--id', 'id', '--features', 'f1,f2', '--skip-bad-rows', '--protected', 'sex', '--detector', 'spectral', '--json', out, '--quiet']);
    expect(run.code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.bias.groups.map((g: { name: string; rows: number }) => [g.name, g.rows])).toEqual([['M', 200], ['F', 199]]);
    expect(doc.bias.detectors).toEqual(['spectral']);
    expect(doc.bias.tests[0].table).toBe('group × class');
  });

  it('names a missing column and rejects bad arguments', async () => {
    const missing = await assay(['privacy', train, '--label', 'label', '--features', 'f1,f2', '--skip-bad-rows', '--text', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no column 'nope' in 'train\.csv'; its columns are 'id', 'label', 'f1', 'f2', 'age', 'zip', 'sex', 'notes'/);
    const usage = await assay(['privacy', train, '--k', '3']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--k goes with --qi/);
    const nothing = await assay(['privacy', train]);
    expect(nothing.code).toBe(2);
  });

  it('readColumns lines file columns up with the rows and refuses a file changed since the load', async () => {
    const path = join(dir, 'changing.csv');
    writeTrain(path);
    const open = await host.openDataset({ path, roles: { label: 'label', id: 'id', features: ['f1', 'f2'], text: [], group: null }, badRows: 'skip' });
    await host.jobs.settled(open.id);
    const loaded = host.datasets.get(host.jobs.result<'load'>(open.id).value.id);
    const [sex, notes, f1] = await readColumns(host.pool, loaded, ['sex', 'notes', 'f1']);
    expect(sex.values.length).toBe(399);
    expect(sex.kind === 'text' && sex.values[5]).toBe('M'); // row r6
    expect(notes.kind === 'text' && notes.values[9]).toBe('contact person10@example.org');
    expect(f1.kind).toBe('numeric');
    writeFileSync(path, readFileSync(path, 'utf8').replace('nothing here', 'something here'));
    await expect(readColumns(host.pool, loaded, ['notes'])).rejects.toThrow(/has changed since it was loaded/);
  });

  it('a PII job reports progress and can be cancelled', async () => {
    const path = join(dir, 'big.csv');
    const lines = ['id,label,f1,notes'];
    for (let i = 0; i < 200_000; i++) lines.push(`${i},${i % 2},${i % 13},"order ${i} for jane${i}@example.org, call +44 20 7946 ${String(i % 10000).padStart(4, '0')}"`);
    writeFileSync(path, lines.join('\n') + '\n');
    const open = await host.openDataset({ path, roles: { label: 'label', id: 'id', features: ['f1'], text: [], group: null }, badRows: 'stop' });
    await host.jobs.settled(open.id);
    const datasetId = host.jobs.result<'load'>(open.id).value.id;
    const job = await host.runPrivacy({ datasetId, pii: { columns: ['notes'] }, anonymity: null, leakage: null, membership: null, bias: null });
    await new Promise((r) => setTimeout(r, 300));
    host.cancelJob({ jobId: job.id });
    expect((await host.jobs.settled(job.id)).status).toBe('cancelled');
    const fractions: number[] = [];
    const off = host.on('jobUpdate', (j) => j.status === 'running' && fractions.push(j.progress.fraction));
    const again = await host.runPrivacy({ datasetId, pii: { columns: ['notes'] }, anonymity: null, leakage: null, membership: null, bias: null });
    const done = await host.jobs.settled(again.id);
    off();
    expect(fractions.some((f) => f > 0 && f < 1)).toBe(true);
    expect(done.status).toBe('done');
    const report = host.jobs.result<'privacy'>(again.id).value.pii!;
    expect(report.findings.find((f) => f.type === 'email')!.rows.length).toBe(200_000);
    expect(report.findings.find((f) => f.type === 'phone')!.rows.length).toBe(200_000);
  }, 120_000);
});
