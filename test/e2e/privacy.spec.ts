/**
 * The "Privacy & bias" tab end to end, in served mode: PII in a text column found, masked and linked to the
 * row inspector; k-anonymity over chosen quasi-identifiers with a binned age; leakage into an evaluation set
 * opened beside the training set; membership inference with its ROC curve; and an accuracy disparity planted
 * in one group of a protected attribute, highlighted. Leaked and PII rows are quarantined without a scan in the
 * window (labels from the host, the leakage distance as the reason), and again after one (detector verdicts too).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import type { Host } from '../../electron/host/host.ts';
import type { ServedMode } from '../../electron/serve/server.ts';
import { Random } from '../../shared/engine/random.ts';
import { watchPage, withServedMode, type PageWatch } from './served-fixture.ts';

const test = base.extend<{ watch: PageWatch }, { app: { host: Host; served: ServedMode } }>({
  app: [async ({}, use) => withServedMode(use), { scope: 'worker' }],
  watch: watchPage,
});

const WORDS = 'the parcel arrived late and the box was damaged but support replied quickly with a refund offer'.split(' ');

/**
 * 600 rows: for sex M the label follows f0 (learnable), for sex F it is random (the model cannot be right
 * more than about half the time); every 12th note holds an e-mail, every 35th a card number. The evaluation
 * set holds exact copies of training rows t100…t109 and 40 new rows.
 */
function writeFiles(): { train: string; evalPath: string } {
  const dir = mkdtempSync(join(tmpdir(), 'assay-e2e-privacy-'));
  const rng = new Random(5);
  const header = 'id,label,f0,f1,f2,f3,age,zip,sex,notes';
  const rows: string[][] = [];
  for (let i = 0; i < 600; i++) {
    const f = Array.from({ length: 4 }, () => rng.normal());
    const sex = i % 2 ? 'F' : 'M';
    const label = sex === 'M' ? (f[0] > 0 ? 'yes' : 'no') : rng.uniform() < 0.5 ? 'yes' : 'no';
    const words = Array.from({ length: 8 }, () => WORDS[rng.int(WORDS.length)]);
    if (i % 12 === 0) words.push(`reach me at customer${i}@example.org`);
    else if (i % 35 === 0) words.push('card 4111 1111 1111 1111');
    rows.push([`t${i}`, label, ...f.map((v) => v.toFixed(5)), String(18 + rng.int(60)), String(90210 + rng.int(4)), sex, `"${words.join(' ')}"`]);
  }
  const train = join(dir, 'train.csv');
  writeFileSync(train, [header, ...rows.map((r) => r.join(','))].join('\n') + '\n');
  const evalRows = ['id,label,f0,f1,f2,f3'];
  for (let i = 100; i < 110; i++) evalRows.push([`e${i}`, rows[i][1], ...rows[i].slice(2, 6)].join(','));
  for (let i = 0; i < 40; i++) evalRows.push([`n${i}`, i % 2 ? 'yes' : 'no', ...Array.from({ length: 4 }, () => (5 + rng.normal()).toFixed(5))].join(','));
  const evalPath = join(dir, 'eval.csv');
  writeFileSync(evalPath, evalRows.join('\n') + '\n');
  return { train, evalPath };
}

test('PII, k-anonymity, leakage, membership inference and bias on a loaded dataset', async ({ page, app, watch }) => {
  const { train, evalPath } = writeFiles();
  const roles = { label: 'label', id: 'id', features: ['f0', 'f1', 'f2', 'f3'], text: ['notes'], group: null };
  const evalJob = await app.host.openDataset({ path: evalPath, roles: { ...roles, text: [] }, badRows: 'stop' });
  expect((await app.host.jobs.settled(evalJob.id)).status).toBe('done');
  const trainJob = await app.host.openDataset({ path: train, roles, badRows: 'stop' });
  expect((await app.host.jobs.settled(trainJob.id)).status).toBe('done');
  const datasetId = app.host.jobs.result<'load'>(trainJob.id).value.id;
  const scan = await app.host.runScan({ datasetId, detectors: [{ name: 'spectral', params: {} }], flag: { mode: 'fdr', q: 0.05 }, referenceDatasetId: null });
  expect((await app.host.jobs.settled(scan.id)).status).toBe('done');

  await page.goto(app.served.url);
  await page.getByTestId('opened-datasets').getByText('train.csv').click();
  await page.getByTestId('tab-privacy').click();
  await expect(page.getByTestId('privacy-view')).toBeVisible();

  // PII: the text column is proposed, the findings are per type and column, masked, and open their rows.
  const pii = page.getByTestId('pii-panel');
  await expect(pii.locator('input[data-column="notes"]')).toBeChecked();
  await pii.getByTestId('pii-run').click();
  const email = pii.locator('tr[data-type="email"][data-column="notes"]');
  await expect(email).toBeVisible();
  await expect(email.locator('td').nth(2)).toHaveText('50');
  await expect(pii.locator('tr[data-type="credit-card"] td').nth(2)).toHaveText(String(Array.from({ length: 600 }, (_, i) => i).filter((i) => i % 35 === 0 && i % 12 !== 0).length));
  await expect(pii.getByTestId('pii-summary')).toContainText('rows hold personal data');
  await expect(email.getByTestId('pii-example').first()).toHaveText(/^c•+@•+\.org$/);
  await expect(pii.locator('tr[data-type="credit-card"]').getByTestId('pii-example').first()).toHaveText('•••• •••• •••• 1111');
  await expect(page.locator('body')).not.toContainText('@example.org');
  await expect(page.locator('body')).not.toContainText('4111 1111 1111 1111');
  await email.getByTestId('pii-example').nth(1).click();
  await expect(page.getByTestId('row-id')).toHaveText('t12');
  await email.getByTestId('pii-rows-toggle').click();
  await expect(pii.locator('.pii-detail button[data-row]')).toHaveCount(50);
  // No scan in this window: the rows still go into a quarantine set, with no reasons but their labels.
  await expect(page.getByTestId('quarantine-no-scan')).toBeVisible();
  await pii.getByTestId('pii-quarantine').click();
  const piiSet = page.getByTestId('quarantine-set').filter({ hasText: 'in notes' });
  await expect(piiSet.getByTestId('quarantine-count')).toHaveText('50');

  // k-anonymity over age in decades and ZIP code.
  const anon = page.getByTestId('anonymity-panel');
  await anon.locator('tr[data-column="age"]').getByTestId('qi-check').check();
  await anon.locator('tr[data-column="age"]').getByTestId('qi-width').fill('10');
  await anon.locator('tr[data-column="zip"]').getByTestId('qi-check').check();
  await anon.getByTestId('anonymity-k').fill('30');
  await anon.getByTestId('anonymity-run').click();
  await expect(anon.getByTestId('anonymity-verdict')).toContainText('Not 30-anonymous');
  const smallest = anon.getByTestId('class-row');
  await expect(smallest.first()).toBeVisible();
  const k = Number(await anon.getByTestId('anonymity-k-value').textContent());
  await expect(smallest.first()).toHaveAttribute('data-size', String(k));
  await expect(smallest.first().locator('td').first()).toHaveText(/^\[\d+, \d+\)$/);

  // Leakage: the evaluation set opened beside it; ten exact copies.
  const leak = page.getByTestId('leakage-panel');
  await expect(leak.getByTestId('leakage-eval')).toContainText('eval.csv');
  await leak.getByTestId('leakage-run').click();
  await expect(leak.getByTestId('leakage-summary')).toContainText('10 of 50 rows');
  await expect(leak.getByTestId('leakage-pair')).toHaveCount(10);
  await leak.getByTestId('leakage-pair').first().locator('button[data-row]').click();
  await expect(page.getByTestId('row-id')).toHaveText(/^t10\d$/);
  // Leaked rows are quarantined without a scan: labels from the host, the distance to the copy as the reason.
  await leak.getByTestId('leakage-quarantine').click();
  const leakedSet = page.getByTestId('quarantine-set').filter({ hasText: 'Leaked into eval.csv' });
  await expect(leakedSet.getByTestId('quarantine-count')).toHaveText('10');
  await leakedSet.locator('summary', { hasText: 'Rows' }).click();
  await expect(leakedSet.locator('.row-list li')).toHaveCount(10);
  await expect(leakedSet.locator('.row-list li').first()).toContainText('#100');
  await expect(leakedSet.locator('.row-list li').first()).toContainText('Train/test leakage');
  const [leakJson] = await Promise.all([page.waitForEvent('download'), leakedSet.getByTestId('export-json').click()]);
  const exported = JSON.parse(readFileSync((await leakJson.path())!, 'utf8')) as {
    detectors: { detector: string }[];
    rows: { index: number; id: string; label: string; reasons: { detector: string; score: number; flagged: boolean }[] }[];
  };
  expect(exported.detectors.map((d) => d.detector)).toEqual(['leakage']);
  expect(exported.rows.map((r) => r.id)).toEqual(Array.from({ length: 10 }, (_, i) => `t${100 + i}`));
  // The labels the host gave: the file's label column of those rows.
  const trainLabels = readFileSync(train, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[1]);
  expect(exported.rows.map((r) => r.label)).toEqual(exported.rows.map((r) => trainLabels[r.index]));
  for (const r of exported.rows) expect(r.reasons).toEqual([{ detector: 'leakage', score: 0, pValue: null, flagged: true }]);
  const [leakCsv] = await Promise.all([page.waitForEvent('download'), leakedSet.getByTestId('export-csv').click()]);
  const csvLines = readFileSync((await leakCsv.path())!, 'utf8').trim().split(/\r?\n/);
  expect(csvLines[0]).toBe('row_index,id,label,flagged_by,leakage_score,leakage_flagged');
  expect(csvLines[1]).toBe(`100,t100,${trainLabels[100]},leakage,0,1`);

  // Membership inference on a held-out half: AUC, advantage, reading and the ROC curve.
  const member = page.getByTestId('membership-panel');
  await member.getByTestId('membership-run').click();
  await expect(member.getByTestId('membership-reading')).toContainText('exposure');
  const auc = Number(await member.getByTestId('membership-auc').textContent());
  expect(auc).toBeGreaterThan(0.3);
  expect(auc).toBeLessThan(0.8);
  await expect(member.getByTestId('membership-roc')).toHaveAttribute('data-points', /^\d+$/);
  expect(Number(await member.getByTestId('membership-roc').getAttribute('data-points'))).toBeGreaterThan(10);

  // Bias by sex: the group with random labels falls below four fifths of the other's accuracy.
  const bias = page.getByTestId('bias-panel');
  await bias.getByTestId('bias-column').selectOption('sex');
  await expect(bias.getByTestId('bias-use-scan')).toBeChecked();
  await bias.getByTestId('bias-run').click();
  await expect(bias.getByTestId('bias-group')).toHaveCount(2);
  await expect(bias.locator('tr[data-group="F"] td[data-fails="true"]')).toHaveCount(1);
  await expect(bias.locator('tr[data-group="M"] td[data-fails="true"]')).toHaveCount(0);
  await expect(bias.getByTestId('bias-summary')).toContainText("'F' accuracy");
  await expect(bias.getByTestId('bias-tests')).toContainText('correctly classified');

  // After a scan in the app, a new set of the leaked rows keeps every detector's verdict beside the leakage.
  await page.getByTestId('run-scan').click();
  await expect(page.getByTestId('tab-triage')).toHaveAttribute('aria-selected', 'true');
  await page.getByTestId('tab-privacy').click();
  await page.getByTestId('leakage-quarantine').click();
  const sets = page.getByTestId('quarantine-set').filter({ hasText: 'Leaked into eval.csv' });
  await expect(sets).toHaveCount(2);
  await expect(sets.nth(1).getByTestId('quarantine-count')).toHaveText('10');
  const [scannedJson] = await Promise.all([page.waitForEvent('download'), sets.nth(1).getByTestId('export-json').click()]);
  const withScan = JSON.parse(readFileSync((await scannedJson.path())!, 'utf8')) as { detectors: { detector: string }[] };
  const detectors = withScan.detectors.map((d) => d.detector);
  expect(detectors).toContain('consensus');
  expect(detectors.indexOf('consensus')).toBe(detectors.length - 2);
  expect(detectors.at(-1)).toBe('leakage');

  expect(watch.problems).toEqual([]);
});
