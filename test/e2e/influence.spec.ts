/**
 * The Influence tab end to end, in served mode: a small dataset with mislabelled rows, a model trained as a
 * job, a misclassified test point picked by clicking it, the ranking with helpful/harmful verdicts, a row
 * opened in the inspector, self-influence, a what-if refit, the top harmful rows quarantined with no scan (their
 * influence as the reason) and two DPA curves (all rows, and without the quarantine set); then a detector scan,
 * whose flags the ranking shows and whose verdicts a new quarantine set keeps beside the influence.
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

/** Three overlapping Gaussian classes in 8 dimensions; every 25th row carries the next class's label. */
function noisyCsv(): string {
  const dir = mkdtempSync(join(tmpdir(), 'assay-e2e-influence-'));
  const path = join(dir, 'noisy.csv');
  const rng = new Random(11);
  const lines = ['id,label,' + Array.from({ length: 8 }, (_, j) => `f${j}`).join(',')];
  const names = ['ant', 'bee', 'cow'];
  for (let i = 0; i < 600; i++) {
    const c = i % 3;
    const f = Array.from({ length: 8 }, (_, j) => (j === c ? 1.6 : 0) + rng.normal());
    lines.push(`n${i},${names[i % 25 === 0 ? (c + 1) % 3 : c]},${f.map((v) => v.toFixed(4)).join(',')}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

test('train, pick a misclassified test point, rank training rows, what-if, quarantine and DPA', async ({ page, app, watch }) => {
  const path = noisyCsv();
  const job = await app.host.openDataset({ path, roles: { label: 'label', id: 'id', features: null, text: [], group: null }, badRows: 'stop' });
  expect((await app.host.jobs.settled(job.id)).status).toBe('done');

  await page.goto(app.served.url);
  await page.getByTestId('opened-datasets').getByText('noisy.csv').click();
  // No scan: influence needs none, and neither does quarantining the rows it finds harmful.
  await page.getByTestId('tab-influence').click();

  // Train: metrics, gradient norm and the confusion matrix.
  await page.getByTestId('influence-train').click();
  await expect(page.getByTestId('model-metrics')).toBeVisible();
  await expect(page.getByTestId('grad-norm')).toContainText('L-BFGS iterations');
  await expect(page.getByTestId('grad-norm')).not.toContainText('not converged');
  await expect(page.getByTestId('confusion-heatmap')).toHaveAttribute('data-points', '9');
  const testAccuracy = await page.getByTestId('test-accuracy').textContent();
  expect(Number(testAccuracy?.replace('%', ''))).toBeGreaterThan(50);

  // Pick a misclassified test point by clicking it, and rank the training rows.
  const wrong = page.getByTestId('misclassified-row');
  expect(await wrong.count()).toBeGreaterThan(0);
  await wrong.first().click();
  await expect(wrong.first().locator('input[type=checkbox]')).toBeChecked();
  await page.getByTestId('influence-explain').click();
  const rows = page.getByTestId('ranking-row');
  await expect(rows).toHaveCount(50);
  await expect(page.getByTestId('ranking-summary')).toContainText('test row');
  // Most harmful first: the first row is harmful, stated in words.
  await expect(rows.first()).toHaveAttribute('data-verdict', 'harmful');
  await expect(rows.first().getByTestId('verdict')).toHaveText('harmful');
  await page.getByTestId('ranking-order').selectOption('helpful');
  await expect(rows.first()).toHaveAttribute('data-verdict', 'helpful');
  await expect(rows.first().getByTestId('verdict')).toHaveText('helpful');
  // Filter by class: every listed row has that label.
  await page.getByTestId('ranking-class').selectOption({ label: 'bee' });
  for (const label of await rows.locator('td:nth-child(4)').allTextContents()) expect(label).toBe('bee');
  await page.getByTestId('ranking-class').selectOption({ label: 'all' });
  await page.getByTestId('ranking-order').selectOption('harmful');

  // Clicking a ranked row opens it in the row inspector.
  const firstRow = Number(await rows.first().getAttribute('data-row'));
  await rows.first().locator('td:nth-child(3)').click();
  await expect(page.getByTestId('row-id')).toHaveText(`n${firstRow}`);

  // Self-influence: histogram over every training row, top rows marked.
  await page.getByTestId('compute-self-influence').click();
  await expect(page.getByTestId('self-influence-histogram')).toHaveAttribute('data-points', '480');
  await expect(page.getByTestId('self-influence-summary')).toContainText('exact');
  await expect(page.getByTestId('self-influence-top').locator('li')).toHaveCount(10);

  // What if the 20 most harmful rows were removed: actual next to predicted.
  await page.getByTestId('whatif-n').fill('20');
  await page.getByTestId('whatif-run').click();
  await expect(page.getByTestId('whatif-result')).toHaveCount(1);
  await expect(page.getByTestId('whatif-result').first()).toContainText('top 20 harmful');
  const actual = Number(await page.getByTestId('whatif-actual').first().textContent());
  expect(actual).toBeLessThan(0);

  // DPA: all rows, then without the 20 most harmful rows.
  await page.getByTestId('certify-k').fill('12');
  await page.getByTestId('certify-run').click();
  await expect(page.getByTestId('certified-curve')).toBeVisible();
  await expect(page.getByTestId('certify-results').locator('tbody tr')).toHaveCount(1);
  await page.getByTestId('pick-top-n').fill('20');
  await page.getByTestId('pick-top-harmful').click();
  await expect(page.getByTestId('picked-count')).toHaveText('20 picked');
  for (const cell of await rows.locator('td:nth-child(9)').allTextContents()) expect(cell).toBe('no scan');
  // Quarantine the picked rows without a scan: labels from the host, each row's Δ test loss as its reason.
  const pickedRows = (await rows.evaluateAll((trs) => trs.slice(0, 20).map((tr) => Number(tr.getAttribute('data-row'))))).sort((a, b) => a - b);
  await page.getByTestId('quarantine-name').fill('harmful 20');
  await page.getByTestId('quarantine-picked').click();
  const harmfulSet = page.locator('[data-testid="quarantine-set"][data-name="harmful 20"]');
  await expect(harmfulSet.getByTestId('quarantine-count')).toHaveText('20');
  const [json] = await Promise.all([page.waitForEvent('download'), harmfulSet.getByTestId('export-json').click()]);
  const exported = JSON.parse(readFileSync((await json.path())!, 'utf8')) as {
    detectors: { detector: string; flagNote: string }[];
    rows: { index: number; id: string; label: string; reasons: { detector: string; score: number; flagged: boolean }[] }[];
  };
  expect(exported.detectors.map((d) => d.detector)).toEqual(['influence']);
  expect(exported.detectors[0].flagNote).toContain('Koh & Liang');
  expect(exported.rows.map((r) => r.index)).toEqual(pickedRows);
  expect(exported.rows.map((r) => r.id)).toEqual(pickedRows.map((r) => `n${r}`));
  // The labels the host gave are the file's: every 25th row carries the next class's name.
  const names = ['ant', 'bee', 'cow'];
  expect(exported.rows.map((r) => r.label)).toEqual(pickedRows.map((i) => names[i % 25 === 0 ? ((i % 3) + 1) % 3 : i % 3]));
  // The 20 most harmful rows: each lowers the test loss if removed.
  for (const r of exported.rows) {
    expect(r.reasons).toHaveLength(1);
    expect(r.reasons[0].flagged).toBe(true);
    expect(r.reasons[0].score).toBeLessThan(0);
  }
  await page.getByTestId('certify-exclude').selectOption({ label: 'quarantine set “harmful 20” (20 rows)' });
  await page.getByTestId('certify-run').click();
  await expect(page.getByTestId('certify-results').locator('tbody tr')).toHaveCount(2);
  await expect(page.getByTestId('certify-results')).toContainText('without quarantine set “harmful 20”');
  // Two curves of R + 1 = 7 points each.
  await expect(page.getByTestId('certified-curve')).toHaveAttribute('data-points', '14');

  // A scan: the ranking now names the detectors flagging each row, and a new set keeps their verdicts too.
  await page.getByTestId('run-scan').click();
  await expect(page.getByTestId('tab-triage')).toHaveAttribute('aria-selected', 'true', { timeout: 150_000 });
  await page.getByTestId('tab-influence').click();
  await expect(rows.first()).toBeVisible();
  for (const cell of await rows.locator('td:nth-child(9)').allTextContents()) expect(cell).not.toBe('no scan');
  await expect(page.getByTestId('picked-count')).toHaveText('20 picked');
  await page.getByTestId('quarantine-name').fill('harmful 20 scanned');
  await page.getByTestId('quarantine-picked').click();
  const scannedSet = page.locator('[data-testid="quarantine-set"][data-name="harmful 20 scanned"]');
  await expect(scannedSet.getByTestId('quarantine-count')).toHaveText('20');
  const [scannedJson] = await Promise.all([page.waitForEvent('download'), scannedSet.getByTestId('export-json').click()]);
  const detectors = (JSON.parse(readFileSync((await scannedJson.path())!, 'utf8')) as { detectors: { detector: string }[] }).detectors.map((d) => d.detector);
  expect(detectors.length).toBeGreaterThan(2);
  expect(detectors.slice(-2)).toEqual(['consensus', 'influence']);

  expect(watch.problems).toEqual([]);
});

test('splits by a file column that was not loaded, chosen from the file’s columns', async ({ page, app, watch }) => {
  // noisy.csv plus a categorical 'batch' column, loaded with no role: the host reads it back from the file.
  const source = readFileSync(noisyCsv(), 'utf8').trimEnd().split('\n');
  const batchOf = (i: number) => (i % 5 === 2 ? 'b2' : i % 2 ? 'b1' : 'b3');
  const path = join(mkdtempSync(join(tmpdir(), 'assay-e2e-influence-')), 'batched.csv');
  writeFileSync(path, [source[0] + ',batch', ...source.slice(1).map((line, i) => `${line},${batchOf(i)}`)].join('\n') + '\n');
  const job = await app.host.openDataset({ path, roles: { label: 'label', id: 'id', features: null, text: [], group: null }, badRows: 'stop' });
  expect((await app.host.jobs.settled(job.id)).status).toBe('done');
  const testCount = Array.from({ length: 600 }, (_, i) => batchOf(i)).filter((b) => b === 'b2').length;

  await page.goto(app.served.url);
  await page.getByTestId('opened-datasets').getByText('batched.csv').click();
  await page.getByTestId('tab-influence').click();
  await page.getByTestId('influence-split').selectOption('group');
  const chooser = page.getByTestId('influence-split-column');
  await expect(chooser.locator('option')).toContainText(['batch (not loaded)', 'f0 (feature)']);
  await chooser.selectOption('batch');
  await page.getByTestId('influence-split-value').fill('b2');
  await page.getByTestId('influence-train').click();
  await expect(page.getByTestId('model-metrics')).toContainText(`test = rows whose 'batch' is 'b2': ${600 - testCount} training, ${testCount} test rows`);

  expect(watch.problems).toEqual([]);
});
