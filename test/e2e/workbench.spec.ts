/**
 * The workbench end to end: the real host and served mode in this process, the built UI (dist/renderer,
 * `npm run build:renderer`) in headless Chromium. Each test gets a fresh browser context, so no cookie
 * carries over between tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import type { Host } from '../../electron/host/host.ts';
import type { ServedMode } from '../../electron/serve/server.ts';
import { root, watchPage, withServedMode, type PageWatch } from './served-fixture.ts';

interface Served {
  host: Host;
  served: ServedMode;
  /** http://127.0.0.1:PORT — without the token. */
  origin: string;
}

const test = base.extend<{ watch: PageWatch }, { app: Served }>({
  app: [async ({}, use) => withServedMode(({ host, served }) => use({ host, served, origin: `http://127.0.0.1:${served.port}` })), { scope: 'worker' }],
  watch: watchPage,
});

async function plotPoints(page: Page, testId: string): Promise<number> {
  return Number((await page.getByTestId(testId).getAttribute('data-points')) ?? '0');
}

/** Installs a watcher that remembers whether the progress bar was ever shown (it may be brief). */
async function watchForProgressBar(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __sawProgress?: boolean };
    w.__sawProgress = false;
    const seen = () => document.querySelector('[data-testid="job-progress"][role="progressbar"]') !== null;
    const observer = new MutationObserver(() => {
      if (seen()) {
        w.__sawProgress = true;
        observer.disconnect();
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
  });
}

const sawProgressBar = (page: Page) => page.evaluate(() => (window as unknown as { __sawProgress?: boolean }).__sawProgress === true);

/** Page coordinates of point `i` of trace `curve` in a plotly scatter (plotly's own axis mapping). */
async function scatterPointPosition(page: Page, curve: number, i: number) {
  return page.getByTestId('projection-scatter').evaluate(
    (el, [c, k]) => {
      type Axis = { _offset: number; l2p(v: number): number };
      const gd = el as unknown as {
        data: { x: ArrayLike<number>; y: ArrayLike<number>; customdata: ArrayLike<number> }[];
        _fullLayout: { xaxis: Axis; yaxis: Axis };
      };
      const trace = gd.data[c];
      const { xaxis, yaxis } = gd._fullLayout;
      const rect = el.getBoundingClientRect();
      return {
        x: rect.left + xaxis._offset + xaxis.l2p(trace.x[k]),
        y: rect.top + yaxis._offset + yaxis.l2p(trace.y[k]),
        row: Number(trace.customdata[k]),
        traceRows: Array.from(trace.customdata, Number),
      };
    },
    [curve, i] as const,
  );
}

/** Page coordinates of a data-space rectangle's corners in the projection scatter. */
async function scatterBox(page: Page, box: { x0: number; x1: number; y0: number; y1: number }) {
  return page.getByTestId('projection-scatter').evaluate((el, b) => {
    type Axis = { _offset: number; l2p(v: number): number };
    const { xaxis, yaxis } = (el as unknown as { _fullLayout: { xaxis: Axis; yaxis: Axis } })._fullLayout;
    const rect = el.getBoundingClientRect();
    const px = (v: number) => rect.left + xaxis._offset + xaxis.l2p(v);
    const py = (v: number) => rect.top + yaxis._offset + yaxis.l2p(v);
    return { left: px(b.x0), right: px(b.x1), top: py(b.y1), bottom: py(b.y0) };
  }, box);
}

/** Opens the sample and runs the scan with the panel's defaults (every available detector, FDR q = 0.05). */
async function scanSample(page: Page, app: Served): Promise<void> {
  await page.goto(app.served.url);
  await page.getByTestId('open-sample').click();
  await expect(page.getByTestId('dataset-summary')).toBeVisible();
  await page.getByTestId('run-scan').click();
  await expect(page.getByTestId('job-status')).toHaveText('done', { timeout: 150_000 });
}

test('opens the sample, runs the detectors, and triages a class down to a row', async ({ page, app, watch }) => {
  await page.goto(app.served.url);
  // The token moved into an HttpOnly cookie; the address bar no longer shows it.
  await expect(page).toHaveURL(`${app.origin}/`);

  await page.getByTestId('open-sample').click();
  const summary = page.getByTestId('dataset-summary');
  await expect(summary).toBeVisible();
  await expect(summary).toContainText('backdoor-embeddings.csv');
  await expect(page.getByTestId('dataset-shape')).toHaveText(/^[\d,]+ rows × [\d,]+ dims$/);
  const sha = await page.getByTestId('dataset-sha256').getAttribute('data-sha256');
  expect(sha).toMatch(/^[0-9a-f]{64}$/);

  await watchForProgressBar(page);
  await page.getByTestId('run-scan').click();
  await expect(page.getByTestId('job-status')).toHaveText('done', { timeout: 150_000 });
  expect(await sawProgressBar(page)).toBe(true);

  await expect.poll(() => plotPoints(page, 'score-histogram')).toBeGreaterThan(0);
  await expect.poll(() => plotPoints(page, 'projection-scatter')).toBeGreaterThan(0);

  // Another class: both plots redraw for it.
  const select = page.getByTestId('class-select');
  const current = await select.inputValue();
  const other = await select.locator('option').evaluateAll(
    (options, cur) => (options as HTMLOptionElement[]).map((o) => o.value).find((v) => v !== cur),
    current,
  );
  expect(other).toBeDefined();
  const before = await page.getByTestId('projection-scatter').getAttribute('data-key');
  await select.selectOption(other!);
  const after = new RegExp(`^${other}:`);
  await expect(page.getByTestId('projection-scatter')).toHaveAttribute('data-key', after);
  await expect(page.getByTestId('score-histogram')).toHaveAttribute('data-key', after);
  expect(await page.getByTestId('projection-scatter').getAttribute('data-key')).not.toBe(before);
  await expect.poll(() => plotPoints(page, 'projection-scatter')).toBeGreaterThan(0);
  await expect.poll(() => plotPoints(page, 'score-histogram')).toBeGreaterThan(0);

  // Click a point (trace 0 holds every row of the class; trace 1 rings the flagged ones) and inspect its row.
  await page.getByTestId('projection-scatter').scrollIntoViewIfNeeded();
  const point = await scatterPointPosition(page, 0, 0);
  await page.mouse.move(point.x, point.y);
  await page.mouse.click(point.x, point.y);
  const inspector = page.getByTestId('row-inspector');
  await expect(inspector.getByTestId('row-index')).toHaveText(/^\d+$/);
  const index = Number(await inspector.getByTestId('row-index').textContent());
  // Points can overlap; whichever plotly picked, it is a row of the class.
  expect(point.traceRows).toContain(index);
  const datasetId = (await app.host.listDatasets()).at(-1)!.id;
  const row = await app.host.getRow({ datasetId, index });
  await expect(inspector.getByTestId('row-id')).toHaveText(row.id);
  await expect(inspector.getByTestId('row-label')).toHaveText(row.label);
  await expect(inspector.getByTestId('row-features').locator('tbody tr')).toHaveCount(row.features.length);
  // Every detector's verdict on the row, plus the consensus.
  const runs = (await app.host.getAppInfo()).detectors.length;
  await expect(inspector.getByTestId('row-detectors').locator('tbody tr')).toHaveCount(runs + 1);

  expect(watch.problems).toEqual([]);
});

test('FDR flags the planted backdoor in horse; thresholds, box selection and quarantine export', async ({ page, app, watch }) => {
  const truth = JSON.parse(readFileSync(join(root, 'samples', 'backdoor-embeddings.truth.json'), 'utf8')) as {
    targetClass: string;
    poisonedIds: string[];
  };
  await scanSample(page, app);

  // The overview marks the target class suspicious, and triage opens on it.
  const overview = page.getByTestId('overview');
  await expect(overview.locator(`tr[data-class="${truth.targetClass}"] td[data-verdict="suspicious"]`).first()).toBeVisible();
  const select = page.getByTestId('class-select');
  await expect(select.locator('option:checked')).toHaveText(truth.targetClass);
  await page.getByTestId('view-tabs').locator('[data-view="spectral"]').click();
  await expect(page.getByTestId('class-verdict').locator('[data-verdict="suspicious"]')).toBeVisible();
  await expect(page.getByTestId('flag-note')).toContainText('Benjamini–Hochberg');
  const flagCount = page.getByTestId('flag-count');
  await expect(flagCount).toHaveText(/^[1-9]\d*$/);
  const flagged = Number(await flagCount.textContent());

  // Quarantine the class's flags and export them: the CSV holds exactly the flagged rows, mostly the poison.
  await page.getByTestId('quarantine-source').selectOption('class');
  await page.getByTestId('quarantine-create').click();
  const set = page.getByTestId('quarantine-set').first();
  await expect(set.getByTestId('quarantine-count')).toHaveText(String(flagged));
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), set.getByTestId('export-csv').click()]);
  expect(csvDownload.suggestedFilename()).toMatch(/\.csv$/);
  const lines = readFileSync((await csvDownload.path())!, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  expect(header.slice(0, 4)).toEqual(['row_index', 'id', 'label', 'flagged_by']);
  expect(header).toContain('spectral_score');
  expect(header).toContain('spectral_p');
  const records = lines.slice(1).map((l) => l.split(','));
  expect(records).toHaveLength(flagged);
  const ids = records.map((r) => r[1]);
  expect(new Set(records.map((r) => r[2]))).toEqual(new Set([truth.targetClass]));
  const poisoned = new Set(truth.poisonedIds);
  const hits = ids.filter((id) => poisoned.has(id)).length;
  expect(hits / poisoned.size).toBeGreaterThanOrEqual(0.9);
  expect(hits / ids.length).toBeGreaterThanOrEqual(0.8);
  const [jsonDownload] = await Promise.all([page.waitForEvent('download'), set.getByTestId('export-json').click()]);
  const json = JSON.parse(readFileSync((await jsonDownload.path())!, 'utf8')) as { rows: { id: string; reasons: { detector: string }[] }[] };
  expect(json.rows.map((r) => r.id)).toEqual(ids);

  // Moving the threshold re-flags live; the overview marks the hand-set cell; reset restores the scan's flags.
  await page.getByTestId('threshold-slider').fill(String(flagged + 20));
  await expect(flagCount).toHaveText(String(flagged + 20));
  await expect(overview.locator(`tr[data-class="${truth.targetClass}"] td[data-detector="spectral"]`)).toContainText('*');
  await page.getByTestId('threshold-q').fill('0.2');
  await expect(page.getByTestId('threshold-summary')).toContainText('p ≤');
  expect(Number(await flagCount.textContent())).toBeGreaterThanOrEqual(flagged);
  await page.getByTestId('threshold-reset').click();
  await expect(flagCount).toHaveText(String(flagged));

  // Box-select the flagged cluster with a real mouse drag: its rows land in the selection.
  await page.getByTestId('drag-select').click();
  await page.getByTestId('projection-scatter').scrollIntoViewIfNeeded();
  const ringed = await page.getByTestId('projection-scatter').evaluate((el) => {
    const trace = (el as unknown as { data: { x: ArrayLike<number>; y: ArrayLike<number> }[] }).data[1];
    const xs = Array.from(trace.x);
    const ys = Array.from(trace.y);
    return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys), n: xs.length };
  });
  expect(ringed.n).toBe(flagged);
  const box = await scatterBox(page, ringed);
  await page.mouse.move(box.left - 6, box.top - 6);
  await page.mouse.down();
  await page.mouse.move((box.left + box.right) / 2, (box.top + box.bottom) / 2, { steps: 5 });
  await page.mouse.move(box.right + 6, box.bottom + 6, { steps: 5 });
  // plotly throttles selection moves: let it take in the last one before the button goes up.
  await page.waitForTimeout(300);
  await page.mouse.move(box.right + 8, box.bottom + 8);
  await page.mouse.up();
  await expect(page.getByTestId('selection-count')).toHaveText(/^[\d,]+ rows · box in horse$/);
  const selected = Number((await page.getByTestId('selection-count').textContent())!.split(' ')[0].replace(/,/g, ''));
  expect(selected).toBeGreaterThanOrEqual(flagged);
  await expect(page.getByTestId('selection-list').locator('li')).toHaveCount(Math.min(selected, 200));
  await page.getByTestId('selection-list').locator('li button').first().click();
  await expect(page.getByTestId('row-detectors')).toBeVisible();
  await page.getByTestId('quarantine-selection').click();
  await expect(page.getByTestId('quarantine-set')).toHaveCount(2);
  await expect(page.getByTestId('quarantine-set').nth(1).getByTestId('quarantine-count')).toHaveText(String(selected));

  // Plots export as images.
  const [png] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('.hist-panel').getByRole('button', { name: 'PNG' }).click(),
  ]);
  expect(png.suggestedFilename()).toMatch(/\.png$/);

  expect(watch.problems).toEqual([]);
});

test('the flag rule fields: each enabled with its rule, out-of-range values marked, and a budget scan flags ⌈factor·ε·n⌉ per class', async ({ page, app, watch }) => {
  await page.goto(app.served.url);
  await page.getByTestId('open-sample').click();
  await expect(page.getByTestId('dataset-summary')).toBeVisible();
  const q = page.locator('#flag-q');
  const eps = page.locator('#flag-epsilon');
  const factor = page.locator('#flag-budget-factor');
  await expect(q).toBeEnabled();
  await expect(eps).toBeDisabled();
  await q.fill('0.9');
  await expect(q).toHaveAttribute('aria-invalid', 'true');
  await q.fill('0.05');
  await expect(q).toHaveAttribute('aria-invalid', 'false');

  await page.getByTestId('flag-mode').locator('input[value="budget"]').check();
  await expect(q).toBeDisabled();
  await expect(eps).toBeEnabled();
  await expect(factor).toBeEnabled();
  await factor.fill('20');
  await expect(factor).toHaveAttribute('aria-invalid', 'true');
  await factor.fill('1');
  await eps.fill('0.1');
  await expect(eps).toHaveAttribute('aria-invalid', 'false');
  // Only the spectral detector: with factor 1 and ε 0.1 it flags ⌈0.1 · 300⌉ = 30 rows in each of 10 classes.
  const boxes = page.getByTestId('detector-panel').locator('input[type="checkbox"][data-testid^="detector-"]');
  for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).uncheck();
  await page.getByTestId('detector-spectral').check();
  await page.getByTestId('run-scan').click();
  await expect(page.getByTestId('job-status')).toHaveText('done', { timeout: 150_000 });
  const scan = app.host.jobs.list().filter((j) => j.kind === 'scan').pop()!;
  expect(scan.params).toMatchObject({ flag: { mode: 'budget', epsilon: 0.1, budgetFactor: 1 } });
  const result = app.host.jobs.result<'scan'>(scan.id).value;
  expect(result.runs[0].flagged.reduce((s: number, f: number) => s + f, 0)).toBe(300);
  expect(watch.problems).toEqual([]);
});

test('cancels a long scan on a large synthetic dataset', async ({ page, app, watch }) => {
  await page.goto(app.served.url);
  await page.locator('#synth-rows').fill('200000');
  await page.locator('#synth-dims').fill('256');
  await page.locator('#synth-classes').fill('10');
  await page.locator('#synth-poison').fill('0.05');
  await page.locator('#synth-seed').fill('7');
  await page.getByTestId('generate-synthetic').click();
  await expect(page.getByTestId('dataset-summary')).toBeVisible({ timeout: 150_000 });
  await expect(page.getByTestId('dataset-shape')).toHaveText('200,000 rows × 256 dims');

  await page.getByTestId('run-scan').click();
  await expect(page.getByTestId('job-progress')).toBeVisible();
  await expect(page.getByTestId('job-status')).toHaveText('running', { timeout: 60_000 });
  await page.getByTestId('cancel-job').click();
  await expect(page.getByTestId('job-status')).toHaveText('cancelled', { timeout: 1_000 });
  await expect(page.getByTestId('job-progress')).toHaveCount(0);
  // The UI is still usable: the detector can be run again.
  await expect(page.getByTestId('run-scan')).toBeEnabled();

  expect(watch.problems).toEqual([]);
});

test('without the token the server shows no app and no data', async ({ page, app }) => {
  const response = await page.goto(`${app.origin}/`);
  expect([401, 403]).toContain(response?.status());
  await expect(page.locator('#root')).toHaveCount(0);
  await expect(page.getByTestId('open-sample')).toHaveCount(0);

  const asset = await page.request.get(`${app.origin}/index.html`);
  expect([401, 403]).toContain(asset.status());
  const call = await page.request.post(`${app.origin}/api/listDatasets`, {
    headers: { 'Content-Type': 'application/x-assay-wire' },
    data: Buffer.alloc(8),
  });
  expect([401, 403]).toContain(call.status());

  const wrong = await page.request.get(`${app.origin}/?token=not-the-token`);
  expect([401, 403]).toContain(wrong.status());
});
