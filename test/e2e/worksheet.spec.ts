/**
 * Threat-modeling worksheets end to end in Chromium (served mode, the built UI): build a small worksheet, see the
 * threats on the heat map, see the residual risk drop when a control is linked, run a workshop round of
 * estimates (median, settle, keyboard navigation), export the worksheet as JSON and import it back.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import type { Host } from '../../electron/host/host.ts';
import type { ServedMode } from '../../electron/serve/server.ts';
import { root, watchPage, withServedMode, type PageWatch } from './served-fixture.ts';

const test = base.extend<{ watch: PageWatch }, { app: { host: Host; served: ServedMode } }>({
  app: [async ({}, use) => withServedMode(use), { scope: 'worker' }],
  watch: watchPage,
});

/** MITRE's ATLAS 5.6.0 (Apache-2.0), a copy of the handbook's ../shared/data/ATLAS.yaml. */
const ATLAS_FILE = join(root, 'test', 'fixtures', 'atlas', 'ATLAS.yaml');

const value = async (page: Page, testId: string) => Number(await page.getByTestId(testId).first().getAttribute('data-value'));

async function setNumber(page: Page, testId: string, n: number, nth = 0): Promise<void> {
  const input = page.getByTestId(testId).nth(nth);
  await input.fill(String(n));
  await input.blur();
}

test('builds a worksheet, places threats on the heat map, and shows residual risk fall when a control is added', async ({ page, app, watch }) => {
  await page.goto(app.served.url);
  await page.getByTestId('go-threat-model').click();
  await expect(page.getByTestId('threat-model')).toBeVisible();
  await page.getByTestId('ws-new').click();
  await page.getByTestId('ws-name').fill('Vendor labels');

  // Two threats: P 0.5, I 8 and P 0.2, I 5.
  await page.getByTestId('ws-tab-threats').click();
  await page.getByTestId('ws-add-threat').click();
  await setNumber(page, 'ws-threat-p', 0.5);
  await setNumber(page, 'ws-threat-i', 8);
  await page.getByTestId('ws-threat-title').first().fill('Rogue annotator flips labels');
  await page.getByTestId('ws-new-threat-kind').selectOption('backdoor');
  await page.getByTestId('ws-add-threat').click();
  await setNumber(page, 'ws-threat-p', 0.2, 1);
  await setNumber(page, 'ws-threat-i', 5, 1);
  await expect(page.getByTestId('ws-threat-residual').nth(0)).toHaveAttribute('data-value', '4');
  await expect(page.getByTestId('ws-threat-residual').nth(1)).toHaveAttribute('data-value', '1');

  // The technique picker searches the built-in catalog.
  const detail = page.getByTestId('ws-threat-detail');
  await detail.getByTestId('ws-technique-picker-search').fill('erode dataset');
  await detail.getByTestId('atlas-hit').first().click();
  await expect(detail.getByTestId('ws-threat-atlas')).toContainText('AML.T0059');

  await page.getByTestId('ws-tab-risk').click();
  await expect(page.getByTestId('ws-heatmap')).toHaveAttribute('data-points', '2');
  await expect(page.getByTestId('ws-heatmap').locator('.scatterlayer .point')).toHaveCount(4); // inherent + after controls
  expect(await value(page, 'ws-residual')).toBeCloseTo(5, 10);
  const keyBefore = await page.getByTestId('ws-heatmap').getAttribute('data-key');

  // A control with E 0.5 and coverage 0.8 on the first threat: 4 · (1 − 0.4) = 2.4; total 3.4.
  await page.getByTestId('ws-tab-controls').click();
  await page.getByTestId('ws-add-control').click();
  await page.getByTestId('ws-control-name').fill('Gold questions per batch');
  await setNumber(page, 'ws-control-e', 0.5);
  await setNumber(page, 'ws-control-coverage', 0.8);
  await page.getByTestId('ws-control-detail').getByRole('checkbox', { name: /Rogue annotator/ }).check();

  await page.getByTestId('ws-tab-risk').click();
  await expect.poll(() => value(page, 'ws-residual')).toBeCloseTo(3.4, 10);
  expect(await value(page, 'ws-inherent')).toBeCloseTo(5, 10);
  await page.getByTestId('ws-residual').locator('xpath=..').getByText('how computed').click();
  await expect(page.getByTestId('ws-residual-how')).toHaveText('R = Σ w·P·I·(1 − E) = Σ R_res = 2.4 + 1 = 3.4');
  await expect(page.getByTestId('ws-heatmap')).not.toHaveAttribute('data-key', keyBefore ?? '');
  await expect(page.getByTestId('ws-waterfall')).toHaveAttribute('data-points', '3'); // inherent, anomaly detection, residual
  await expect(page.getByTestId('ws-bars')).toHaveAttribute('data-points', '2');

  // RACI validation speaks up when an activity gets a second Accountable.
  await page.getByTestId('ws-tab-raci').click();
  await expect(page.getByTestId('ws-raci-ok')).toBeVisible();
  await page.getByTestId('ws-raci-row').first().getByTestId('ws-raci-cell').nth(1).selectOption('A');
  await expect(page.getByTestId('ws-raci-problems')).toContainText('has 2 Accountable roles (Data owner, ML engineer)');

  // Nothing is lost on a reload: the worksheet comes back from the browser's storage.
  await expect.poll(() => page.evaluate(() => localStorage.getItem('assay.worksheets.v1') ?? '')).toContain('Gold questions per batch');
  await page.reload();
  await page.getByTestId('go-threat-model').click();
  await expect(page.getByTestId('ws-name')).toHaveValue('Vendor labels');
  await expect.poll(() => value(page, 'ws-residual')).toBeCloseTo(3.4, 10);

  expect(watch.problems).toEqual([]);
});

test('workshop mode collects estimates in turn, shows median and spread, and settles P and I', async ({ page, app, watch }) => {
  await page.goto(app.served.url);
  await page.getByTestId('go-threat-model').click();
  await page.getByTestId('ws-template-outsourced-labeling').click();
  await page.getByTestId('ws-workshop-enter').click();
  const room = page.getByTestId('ws-workshop');
  await expect(room).toBeVisible();
  await expect(page.getByTestId('ws-workshop-position')).toHaveText('1 / 5');
  const firstTitle = await page.getByTestId('ws-workshop-title').textContent();

  for (const name of ['Ana', 'Ben', 'Chen']) {
    await page.getByTestId('ws-participant-name').fill(name);
    await page.getByTestId('ws-participant-add').click();
  }
  const estimates: [string, number, number][] = [
    ['Ana', 0.2, 6],
    ['Ben', 0.4, 8],
    ['Chen', 0.9, 7],
  ];
  for (const [name, p, i] of estimates) {
    await expect(page.getByTestId('ws-turn-name')).toHaveText(name);
    await page.getByTestId('ws-estimate-p').fill(String(p));
    await page.getByTestId('ws-estimate-i').fill(String(i));
    await page.getByTestId('ws-estimate-add').click();
    // Hidden until everyone has estimated.
    if (name !== 'Chen') await expect(page.getByTestId('ws-estimate-summary')).toHaveCount(0);
  }
  await expect(page.getByTestId('ws-summary-p-median')).toHaveText('median 0.4');
  await expect(page.getByTestId('ws-summary-i-median')).toHaveText('median 7');
  await expect(page.getByTestId('ws-summary-p')).toContainText('IQR 0.35 · range 0.2–0.9 · n = 3');
  await page.getByTestId('ws-settle').click();
  await expect(page.getByTestId('ws-workshop-p')).toHaveText('0.4');
  await expect(page.getByTestId('ws-workshop-i')).toHaveText('7');

  await page.getByTestId('ws-workshop-notes').fill('Vendor rotates annotators weekly');

  // Keyboard navigation once focus is out of the fields.
  await page.getByTestId('ws-workshop-title').click();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('ws-workshop-position')).toHaveText('2 / 5');
  await expect(page.getByTestId('ws-workshop-title')).not.toHaveText(firstTitle ?? '');
  await page.keyboard.press('n');
  await expect(page.getByTestId('ws-workshop-position')).toHaveText('3 / 5');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('ws-workshop-position')).toHaveText('1 / 5');
  await expect(page.getByTestId('ws-workshop-notes')).toHaveValue('Vendor rotates annotators weekly');
  await page.getByTestId('ws-timer-toggle').click();
  await expect(page.getByTestId('ws-timer')).not.toHaveText('5:00', { timeout: 5000 });
  await page.keyboard.press('Escape');
  await expect(room).toHaveCount(0);

  // The settled values are the threat's now.
  await page.getByTestId('ws-tab-threats').click();
  await expect(page.getByTestId('ws-threat-p').first()).toHaveValue('0.4');
  await expect(page.getByTestId('ws-threat-i').first()).toHaveValue('7');
  expect(watch.problems).toEqual([]);
});

test('exports a worksheet as JSON and CSV on the host and imports the JSON back', async ({ page, app, watch }) => {
  const dir = mkdtempSync(join(tmpdir(), 'assay-ws-e2e-'));
  try {
    await page.goto(app.served.url);
    await page.getByTestId('go-threat-model').click();
    await page.getByTestId('ws-template-web-scraped').click();
    await page.getByTestId('ws-name').fill('Crawl 2026');

    const json = join(dir, 'crawl.worksheet.json');
    await page.getByTestId('ws-export-json').click();
    await page.getByTestId('ws-export-path').fill(json);
    await page.getByTestId('ws-export-write').click();
    await expect(page.getByTestId('ws-export-done')).toContainText('crawl.worksheet.json');
    const saved = JSON.parse(readFileSync(json, 'utf8')) as { version: number; name: string; threats: unknown[] };
    expect([saved.version, saved.name, saved.threats.length]).toEqual([2, 'Crawl 2026', 6]);
    // Writing again asks before replacing.
    await page.getByTestId('ws-export-write').click();
    await expect(page.getByTestId('ws-export-error')).toContainText('already exists');
    await page.getByTestId('ws-export-overwrite').click();
    await expect(page.getByTestId('ws-export-done')).toBeVisible();
    await page.getByTestId('ws-export-dialog').getByRole('button', { name: 'Close', exact: true }).first().click();

    const csv = join(dir, 'crawl.worksheet.csv');
    await page.getByTestId('ws-export-csv').click();
    await page.getByTestId('ws-export-path').fill(csv);
    await page.getByTestId('ws-export-write').click();
    await expect(page.getByTestId('ws-export-done')).toBeVisible();
    expect(existsSync(csv)).toBe(true);
    expect(readFileSync(csv, 'utf8').split('\r\n')[0]).toMatch(/^threat_id,title,category,kind,atlas,probability,impact,weight,inherent_risk/);
    await page.keyboard.press('Escape');

    await page.getByTestId('ws-import').click();
    await page.getByTestId('chooser-path').fill(json);
    await page.getByTestId('chooser-go').click();
    await expect(page.getByTestId('ws-list').getByRole('button', { name: /Crawl 2026/ })).toHaveCount(2);

    // MITRE's full matrix, imported through the chooser, feeds the technique picker.
    await page.getByTestId('ws-import-atlas').click();
    await page.getByTestId('chooser-path').fill(ATLAS_FILE);
    await page.getByTestId('chooser-go').click();
    await expect(page.getByTestId('ws-catalog').first()).toContainText('Imported 5.6.0 16 tactics · 170 techniques · 35 mitigations · 57 case studies');
    await page.getByTestId('ws-tab-threats').click();
    await page.getByTestId('ws-threat-expand').first().click();
    await page.getByTestId('ws-technique-picker-search').fill('prompt injection');
    await expect(page.getByTestId('atlas-hit').first()).toContainText('AML.T0051');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Three refusals were expected, and the browser logs each as a failed request: the export onto an existing
  // file, and the chooser's listing of each typed file path (not a folder, so it is taken as the choice).
  const refusals = watch.problems.filter((p) => /status of 400 \(Bad Request\)/.test(p));
  expect(refusals).toHaveLength(3);
  expect(watch.problems.filter((p) => !refusals.includes(p))).toEqual([]);
});
