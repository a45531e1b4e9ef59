/**
 * The Drift tab end to end: the bundled sample and a copy with 18 of its 32 columns shifted, opened through
 * the UI; the shifted copy compared with the sample as baseline (verdict, sortable table, hover texts, overlay
 * plot, label and embedding cards), then both monitored as snapshots (control charts and the PSI alert). Then
 * two small files with categorical columns that were not loaded, chosen in the Drift tab and read back.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import type { Host } from '../../electron/host/host.ts';
import type { ServedMode } from '../../electron/serve/server.ts';
import { root, watchPage, withServedMode, type PageWatch } from './served-fixture.ts';

const SHIFTED = Array.from({ length: 18 }, (_, i) => `f${String(i).padStart(2, '0')}`);

function writeShiftedSample(path: string): void {
  const [header, ...lines] = readFileSync(join(root, 'samples', 'backdoor-embeddings.csv'), 'utf8').trimEnd().split('\n');
  const names = header.split(',');
  const shift = new Set(SHIFTED.map((n) => names.indexOf(n)));
  const out = lines.map((line) => line.split(',').map((v, j) => (shift.has(j) ? (Number(v) + 2.5).toFixed(5) : v)).join(','));
  writeFileSync(path, [header, ...out].join('\n') + '\n');
}

/** 200 rows; 'region' north/south/east, 'device' phone for `phones` rows; 'batch' only when `extra`. */
function writeCategorical(path: string, region: (i: number) => string, phones: number, extra: boolean): void {
  const lines = [`id,label,x1,x2,region,device${extra ? ',batch' : ''}`];
  for (let i = 0; i < 200; i++) {
    const device = (i * 7) % 200 < phones ? 'phone' : 'desktop';
    lines.push(`r${i},${i % 2 ? 'a' : 'b'},${((i * 0.37) % 5).toFixed(3)},${((i * 1.3) % 7).toFixed(3)},${region(i)},${device}${extra ? ',b1' : ''}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

const test = base.extend<{ watch: PageWatch }, { app: { host: Host; served: ServedMode; dir: string } }>({
  app: [
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'assay-drift-e2e-'));
      writeShiftedSample(join(dir, 'shifted.csv'));
      writeCategorical(join(dir, 'cat-before.csv'), (i) => (i < 100 ? 'north' : i < 160 ? 'south' : 'east'), 120, true);
      writeCategorical(join(dir, 'cat-after.csv'), (i) => (i < 50 ? 'north' : i < 110 ? 'south' : 'east'), 118, false);
      await withServedMode(({ host, served }) => use({ host, served, dir }));
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  watch: watchPage,
});

test('compares a shifted copy with the sample, then monitors both as snapshots', async ({ page, app, watch }) => {
  await page.goto(app.served.url);
  await page.getByTestId('open-sample').click();
  await expect(page.getByTestId('workspace')).toBeVisible();

  // The shifted copy becomes the open (current) dataset; the sample stays loaded as the baseline.
  await page.getByTestId('go-start').click();
  await page.getByTestId('browse-files').click();
  const chooser = page.getByTestId('file-chooser');
  await chooser.getByTestId('chooser-path').fill(app.dir);
  await chooser.getByTestId('chooser-go').click();
  await chooser.locator('tr[data-name="shifted.csv"]').click();
  await chooser.getByTestId('chooser-open').click();
  await page.getByTestId('import-dialog').getByTestId('import-load').click();
  await expect(page.getByTestId('workspace')).toBeVisible();

  await page.getByTestId('tab-drift').click();
  await expect(page.getByTestId('drift-view')).toBeVisible();
  await expect(page.getByTestId('drift-run')).toBeDisabled();
  const baseline = page.getByTestId('drift-baseline');
  const sampleOption = baseline.locator('option', { hasText: 'backdoor-embeddings.csv' });
  await baseline.selectOption((await sampleOption.getAttribute('value'))!);
  await page.getByTestId('drift-run').click();

  const verdict = page.getByTestId('drift-verdict');
  await expect(verdict).toContainText('Dataset drift');
  await expect(verdict).toContainText('18 of 33 columns drifted');
  const rows = page.getByTestId('drift-row');
  await expect(rows).toHaveCount(32);
  // Sorted by PSI, largest first: the shifted columns lead, the unchanged ones (PSI 0) trail.
  expect(SHIFTED).toContain(await rows.first().getAttribute('data-column'));
  expect(SHIFTED).not.toContain(await rows.last().getAttribute('data-column'));
  await expect(rows.last().locator('td').first()).toHaveAttribute('title', /Population Stability Index.*reads as no shift/);
  await page.getByTestId('drift-sort-name').click();
  await expect(rows.first()).toHaveAttribute('data-column', 'f00');
  await expect(page.getByTestId('drift-table').locator('th[aria-sort="ascending"]')).toContainText('Column');
  await expect(rows.first().locator('.badge')).toHaveText('drift');
  await expect(page.getByTestId('drift-label')).toContainText('no drift');
  await expect(page.getByTestId('drift-embedding')).toContainText('drifted');

  await rows.nth(20).click();
  await expect(page.getByTestId('drift-overlay')).toHaveAttribute('data-key', 'f20');

  // A stricter column test: every shifted column still drifts under KS.
  await page.getByTestId('drift-thresholds').locator('summary').click();
  await page.getByTestId('drift-column-test').selectOption('ks');
  await expect(verdict).toContainText('Thresholds changed');

  // Monitoring: the sample, then the shifted copy.
  const monitor = page.getByTestId('drift-monitor');
  const datasets = await app.host.listDatasets();
  const sample = datasets.find((d) => d.name === 'backdoor-embeddings.csv')!;
  const shifted = datasets.find((d) => d.name === 'shifted.csv')!;
  await monitor.getByTestId(`monitor-snapshot-${sample.id}`).check();
  await monitor.getByTestId(`monitor-snapshot-${shifted.id}`).check();
  await monitor.getByTestId('monitor-columns').selectOption(['f00', 'f20']);
  await monitor.getByTestId('monitor-run').click();
  const alerts = monitor.getByTestId('monitor-alerts');
  await expect(alerts).toContainText('18 columns with PSI above 0.2');
  await expect(alerts).toContainText('mean of f00 out of control: rule 1');
  await expect(monitor.getByTestId('spc-anomaly')).toHaveAttribute('data-points', '2');
  await expect(monitor.getByTestId('spc-mean-f00')).toHaveAttribute('data-points', '2');
  await expect(monitor.getByTestId('spc-psi')).toBeVisible();

  expect(watch.problems).toEqual([]);
});

test('compares categorical columns that were not loaded, chosen among both files’ columns', async ({ page, app, watch }) => {
  await page.goto(app.served.url);
  const open = async (name: string) => {
    if (await page.getByTestId('go-start').isVisible()) await page.getByTestId('go-start').click();
    await page.getByTestId('browse-files').click();
    const chooser = page.getByTestId('file-chooser');
    await chooser.getByTestId('chooser-path').fill(app.dir);
    await chooser.getByTestId('chooser-go').click();
    await chooser.locator(`tr[data-name="${name}"]`).click();
    await chooser.getByTestId('chooser-open').click();
    await page.getByTestId('import-dialog').getByTestId('import-load').click();
    await expect(page.getByTestId('workspace')).toBeVisible();
  };
  await open('cat-before.csv');
  await open('cat-after.csv');
  await page.getByTestId('tab-drift').click();
  const baseline = page.getByTestId('drift-baseline');
  await baseline.selectOption((await baseline.locator('option', { hasText: 'cat-before.csv' }).getAttribute('value'))!);

  const columns = page.getByTestId('drift-categorical-columns');
  await columns.locator('summary').click();
  // Loaded columns (features, label, id) are not offered; 'batch' is only in the baseline.
  await expect(columns.getByTestId('drift-categorical-pick-x1')).toHaveCount(0);
  await expect(columns.getByTestId('drift-categorical-pick-label')).toHaveCount(0);
  await expect(columns).toContainText("Only in the baseline 'cat-before.csv': batch");
  await columns.getByTestId('drift-categorical-pick-region').check();
  await columns.getByTestId('drift-categorical-pick-device').check();
  await expect(columns.locator('summary')).toContainText('2 chosen');
  await page.getByTestId('drift-run').click();

  // region: X² of [[100,60,40],[50,60,90]] is 35.897 on 2 df (scipy chi2_contingency); device barely moves.
  const region = page.getByTestId('drift-categorical-region');
  await expect(region).toContainText("Column 'region': drifted");
  await expect(region).toContainText(/χ² 35\.9\d* on 2 df/);
  await expect(page.getByTestId('drift-categorical-device')).toContainText("Column 'device': no drift");
  await expect(page.getByTestId('drift-verdict')).toContainText('1 of 5 columns drifted');

  expect(watch.problems).toEqual([]);
});
