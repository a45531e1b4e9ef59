/**
 * The workbench end to end: the real host and served mode in this process, the built UI (dist/renderer,
 * `npm run build:renderer`) in headless Chromium. Each test gets a fresh browser context, so no cookie
 * carries over between tests.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type Page } from '@playwright/test';
import { createHost, type Host } from '../../electron/host/host.ts';
import { startServedMode, type ServedMode } from '../../electron/serve/server.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Served {
  host: Host;
  served: ServedMode;
  /** http://127.0.0.1:PORT — without the token. */
  origin: string;
}

interface PageWatch {
  /** Console errors and uncaught exceptions seen so far on the page. */
  problems: string[];
}

const test = base.extend<{ watch: PageWatch }, { app: Served }>({
  app: [
    async ({}, use) => {
      const host = createHost({
        transport: 'served',
        samplePath: join(root, 'samples', 'backdoor-embeddings.csv'),
        threads: 2,
      });
      const served = await startServedMode({ host, staticDir: join(root, 'dist', 'renderer'), port: 0 });
      await use({ host, served, origin: `http://127.0.0.1:${served.port}` });
      // Bounded teardown: a stuck worker must not hang the run.
      await Promise.race([
        served.close().then(() => host.close()),
        new Promise((resolve) => setTimeout(resolve, 10_000)),
      ]);
    },
    { scope: 'worker' },
  ],
  watch: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await use({ problems });
  },
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

test('opens the sample, runs spectral signatures, and triages a class down to a row', async ({ page, app, watch }) => {
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
  await page.getByTestId('run-spectral').click();
  await expect(page.getByTestId('job-status')).toHaveText('done', { timeout: 120_000 });
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

  // Click a point (a flagged one when the class has any: they sit apart) and inspect its row.
  const flaggedCount = await page.getByTestId('projection-scatter').evaluate(
    (el) => (el as unknown as { data: { x: ArrayLike<number> }[] }).data[1]?.x.length ?? 0,
  );
  const point = await scatterPointPosition(page, flaggedCount > 0 ? 1 : 0, 0);
  await page.mouse.move(point.x, point.y);
  await page.mouse.click(point.x, point.y);
  const inspector = page.getByTestId('row-inspector');
  await expect(inspector.getByTestId('row-index')).toHaveText(/^\d+$/);
  const index = Number(await inspector.getByTestId('row-index').textContent());
  // Points can overlap; whichever plotly picked, it is one of that trace's rows.
  expect(point.traceRows).toContain(index);
  const datasetId = (await app.host.listDatasets()).at(-1)!.id;
  const row = await app.host.getRow({ datasetId, index });
  await expect(inspector.getByTestId('row-id')).toHaveText(row.id);
  await expect(inspector.getByTestId('row-label')).toHaveText(row.label);
  await expect(inspector.getByTestId('row-features').locator('tbody tr')).toHaveCount(row.features.length);

  expect(watch.problems).toEqual([]);
});

test('cancels a long spectral run on a large synthetic dataset', async ({ page, app, watch }) => {
  await page.goto(app.served.url);
  await page.locator('#synth-rows').fill('200000');
  await page.locator('#synth-dims').fill('256');
  await page.locator('#synth-classes').fill('10');
  await page.locator('#synth-poison').fill('0.05');
  await page.locator('#synth-seed').fill('7');
  await page.getByTestId('generate-synthetic').click();
  await expect(page.getByTestId('dataset-summary')).toBeVisible({ timeout: 150_000 });
  await expect(page.getByTestId('dataset-shape')).toHaveText('200,000 rows × 256 dims');

  await page.getByTestId('run-spectral').click();
  await expect(page.getByTestId('job-progress')).toBeVisible();
  await expect(page.getByTestId('job-status')).toHaveText('running', { timeout: 60_000 });
  await page.getByTestId('cancel-job').click();
  await expect(page.getByTestId('job-status')).toHaveText('cancelled', { timeout: 1_000 });
  await expect(page.getByTestId('job-progress')).toHaveCount(0);
  // The UI is still usable: the detector can be run again.
  await expect(page.getByTestId('run-spectral')).toBeEnabled();

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
