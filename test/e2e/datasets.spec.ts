/**
 * Datasets end to end: choosing files on the host's disk, the import dialog (preview, roles, bad rows, a .npy
 * with a labels file), the dataset overview (validation report, class balance, column summaries) and the
 * virtualised row browser on a large generated dataset. The real host and served mode run in this process;
 * the built UI (dist/renderer, `npx vite build`) runs in headless Chromium.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import type { Host } from '../../electron/host/host.ts';
import type { ServedMode } from '../../electron/serve/server.ts';
import { root, watchPage, withServedMode, type PageWatch } from './served-fixture.ts';

interface Served {
  host: Host;
  served: ServedMode;
  /** A fresh folder of data files for this run. */
  dir: string;
}

/** A .npy v1.0 file of float32 rows × dims, written byte by byte (header padded to 64 bytes). */
function npyBytes(rows: number, dims: number, value: (r: number, d: number) => number): Buffer {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${dims}), }`;
  const headerLen = 64 - 10;
  const header = dict.padEnd(headerLen - 1, ' ') + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const data = new Float32Array(rows * dims);
  for (let r = 0; r < rows; r++) for (let d = 0; d < dims; d++) data[r * dims + d] = value(r, d);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(data.buffer)]);
}

function writeFixtures(dir: string): void {
  // A CSV with a byte-order mark, a text column and an extra numeric column to leave out.
  const lines = ['id,label,caption,f1,f2,f3,f4'];
  for (let i = 0; i < 40; i++) {
    const label = i % 3 === 0 ? 'cat' : 'dog';
    lines.push(`r${i + 1},${label},"a photo of a ${label}, number ${i + 1}",${(i * 0.1).toFixed(2)},${(i % 5) * 0.5},${Math.sin(i).toFixed(4)},7`);
  }
  writeFileSync(join(dir, 'animals.csv'), '\ufeff' + lines.join('\n') + '\n');

  writeFileSync(join(dir, 'embeddings.npy'), npyBytes(12, 3, (r, d) => r * 0.5 + d));
  writeFileSync(join(dir, 'embeddings-labels.csv'), 'label\n' + Array.from({ length: 12 }, (_, r) => (r < 8 ? 'clean' : 'odd')).join('\n') + '\n');
  // The same matrix with row ids beside it, and labels keyed by id in another order (join by id).
  writeFileSync(join(dir, 'keyed.npy'), npyBytes(12, 3, (r, d) => r * 0.5 + d));
  writeFileSync(join(dir, 'keyed.ids.txt'), Array.from({ length: 12 }, (_, r) => `k${r}`).join('\n') + '\n');
  writeFileSync(join(dir, 'keyed-labels.csv'), 'key,label\n' + Array.from({ length: 12 }, (_, i) => 11 - i).map((r) => `k${r},${r < 3 ? 'a' : r < 7 ? 'b' : 'c'}`).join('\n') + '\n');

  // Line 8 (data row 7) has a non-number in the feature column f1.
  const bad = ['id,label,f1,f2'];
  for (let i = 0; i < 30; i++) bad.push(`b${i + 1},${i % 2 ? 'x' : 'y'},${i === 6 ? 'oops' : i * 1.5},${i % 4}`);
  writeFileSync(join(dir, 'bad.csv'), bad.join('\n') + '\n');
  writeFileSync(join(dir, 'notes.md'), 'not data\n');
}

const test = base.extend<{ watch: PageWatch }, { app: Served }>({
  app: [
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'assay-datasets-'));
      writeFixtures(dir);
      await withServedMode(({ host, served }) => use({ host, served, dir }));
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  watch: watchPage,
});

/** Opens the chooser from the start screen, browses to `dir` and picks `file`. */
async function chooseFile(page: Page, dir: string, file: string): Promise<void> {
  await page.getByTestId('browse-files').click();
  const chooser = page.getByTestId('file-chooser');
  await expect(chooser).toBeVisible();
  await chooser.getByTestId('chooser-path').fill(dir);
  await chooser.getByTestId('chooser-go').click();
  await expect(chooser.locator(`tr[data-name="${file}"]`)).toBeVisible();
  await chooser.locator(`tr[data-name="${file}"]`).click();
  await chooser.getByTestId('chooser-open').click();
  await expect(page.getByTestId('import-dialog')).toBeVisible();
}

test('chooses a CSV and a .npy with a labels file, sets roles, and shows the overview', async ({ page, app, watch }) => {
  await page.goto(app.served.url);

  // The chooser: folders first, only data files unless "all files", the parent folder and back.
  await page.getByTestId('browse-files').click();
  const chooser = page.getByTestId('file-chooser');
  await chooser.getByTestId('chooser-path').fill(app.dir);
  await chooser.getByTestId('chooser-go').click();
  const entries = chooser.getByTestId('chooser-entries');
  await expect(entries.locator('tr[data-name="animals.csv"]')).toBeVisible();
  await expect(entries.locator('tr[data-name="embeddings.npy"]')).toBeVisible();
  await expect(entries.locator('tr[data-name="notes.md"]')).toHaveCount(0);
  await chooser.getByTestId('chooser-all-files').check();
  await expect(entries.locator('tr[data-name="notes.md"]')).toBeVisible();
  await chooser.getByTestId('chooser-up').click();
  const folderName = app.dir.split('/').pop()!;
  await entries.locator(`tr[data-name="${folderName}"]`).click();
  await entries.locator('tr[data-name="animals.csv"]').click();
  await chooser.getByTestId('chooser-open').click();

  // The preview: format, the BOM gone from the first column's name, the proposed roles.
  const dialog = page.getByTestId('import-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('import-format')).toHaveText('csv');
  await expect(dialog.getByTestId('import-rows')).toContainText('40');
  const role = (column: string) => dialog.locator(`tr[data-column="${column}"]`).getByTestId('role-select');
  await expect(role('id')).toHaveValue('id');
  await expect(role('label')).toHaveValue('label');
  await expect(role('caption')).toHaveValue('text');
  await expect(dialog.locator('tr[data-column="caption"]').getByTestId('column-kind')).toHaveText('text');
  await expect(role('f1')).toHaveValue('feature');
  await expect(dialog.getByTestId('import-first-rows').locator('tbody tr')).toHaveCount(20);

  // Two labels are refused; then f4 is left out.
  await role('f2').selectOption('label');
  await expect(dialog.getByTestId('import-check')).toContainText("'label', 'f2'");
  await expect(dialog.getByTestId('import-load')).toBeDisabled();
  await role('f2').selectOption('feature');
  await role('f4').selectOption('ignore');
  await expect(dialog.getByTestId('import-load')).toBeEnabled();
  await dialog.getByTestId('import-load').click();

  // The overview: shape, validation report, class balance, column summaries.
  await expect(page.getByTestId('dataset-overview')).toBeVisible();
  await expect(page.getByTestId('overview-format')).toHaveText('csv');
  await expect(page.getByTestId('overview-shape')).toHaveText('40 × 3');
  await expect(page.getByTestId('overview-sha256')).toHaveText(/^[0-9a-f]{64}$/);
  await expect(page.getByTestId('validation-summary')).toContainText('40 rows loaded of 40 read');
  await expect(page.getByTestId('validation-summary')).toContainText('none skipped');
  const balance = page.getByTestId('class-balance');
  await expect(balance).toHaveAttribute('data-classes', '2');
  await expect(page.getByTestId('class-balance-plot')).toHaveAttribute('data-points', '2');
  const columns = page.getByTestId('column-table');
  await expect(columns.locator('tr[data-column="f1"]')).toContainText('feature');
  await expect(columns.locator('tr[data-column="f1"] svg.sparkline')).toBeVisible();
  await expect(columns.locator('tr[data-column="f4"]')).toContainText('ignore');
  await expect(columns.locator('tr[data-column="caption"]')).toContainText('text');

  // The file is now among the recent files, with its roles.
  await page.getByTestId('go-start').click();
  await expect(page.getByTestId('recent-files')).toContainText('animals.csv');
  await expect(page.getByTestId('recent-files')).toContainText('label label');

  // A .npy: a labels file chosen with the same chooser.
  await chooseFile(page, app.dir, 'embeddings.npy');
  await expect(dialog.getByTestId('import-format')).toHaveText('npy');
  await expect(dialog.getByTestId('import-rows')).toHaveText('12');
  await expect(dialog.getByTestId('import-check')).toContainText("'(unlabelled)'");
  await dialog.getByTestId('labels-browse').click();
  const labelsChooser = page.getByTestId('file-chooser');
  await labelsChooser.locator('tr[data-name="embeddings-labels.csv"]').click();
  await labelsChooser.getByTestId('chooser-open').click();
  await expect(dialog.getByTestId('labels-path')).toHaveValue(join(app.dir, 'embeddings-labels.csv'));
  await expect(dialog.getByTestId('labels-column')).toHaveValue('label');
  await dialog.getByTestId('import-load').click();
  await expect(page.getByTestId('overview-format')).toHaveText('npy');
  await expect(page.getByTestId('overview-shape')).toHaveText('12 × 3');
  await expect(page.getByTestId('class-balance')).toHaveAttribute('data-classes', '2');
  await expect(page.getByTestId('validation-report')).toBeVisible();

  // A .npy whose labels file is keyed by id, in another order: lined up through keyed.ids.txt.
  await page.getByTestId('go-start').click();
  await chooseFile(page, app.dir, 'keyed.npy');
  await dialog.getByTestId('labels-path').fill(join(app.dir, 'keyed-labels.csv'));
  await dialog.getByTestId('labels-column').selectOption('label');
  await dialog.getByTestId('labels-join').selectOption('id');
  await dialog.getByTestId('labels-id-column').selectOption('key');
  await dialog.getByTestId('import-load').click();
  await expect(page.getByTestId('overview-shape')).toHaveText('12 × 3');
  await expect(page.getByTestId('class-balance')).toHaveAttribute('data-classes', '3');
  const keyed = (await app.host.listDatasets()).at(-1)!;
  expect(keyed.classCounts).toEqual([3, 4, 5]);
  const row = await app.host.getRow({ datasetId: keyed.id, index: 8 });
  expect([row.id, row.label]).toEqual(['k8', 'c']);

  expect(watch.problems).toEqual([]);
});

test('a bad row stops the load with file, line and column; skipping lists it', async ({ page, app, watch }) => {
  await page.goto(app.served.url);
  await chooseFile(page, app.dir, 'bad.csv');
  const dialog = page.getByTestId('import-dialog');
  await expect(dialog.locator('tr[data-column="f1"]').getByTestId('role-select')).toHaveValue('feature');
  await expect(dialog.getByTestId('bad-rows-stop')).toBeChecked();
  await dialog.getByTestId('import-load').click();
  await expect(page.getByTestId('error-message')).toContainText("bad.csv, line 8, column 'f1'");
  await expect(page.getByTestId('error-message')).toContainText("'oops'");

  // Again from the recent files, skipping bad rows this time.
  await page.getByTestId('recent-files').getByRole('button', { name: 'bad.csv', exact: true }).click();
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('bad-rows-skip').check();
  await dialog.getByTestId('import-load').click();
  await expect(page.getByTestId('overview-shape')).toHaveText('29 × 2');
  await expect(page.getByTestId('validation-summary')).toContainText('29 rows loaded of 30 read');
  await expect(page.getByTestId('skipped-lines')).toHaveText('8');
  const problem = page.getByTestId('problem-list').locator('tbody tr');
  await expect(problem).toHaveCount(1);
  await expect(problem).toHaveAttribute('data-line', '8');
  await expect(problem).toContainText('bad.csv');
  await expect(problem).toContainText('f1');
  await expect(page.getByTestId('column-table').locator('tr[data-column="f1"] td.bad')).toHaveCount(1);

  expect(watch.problems).toEqual([]);
});

test('the row browser scrolls through 200,000 rows, jumps and finds ids', async ({ page, app, watch }) => {
  const rowRequests: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/getRows')) rowRequests.push(r.url());
  });
  await page.goto(app.served.url);
  await page.locator('#synth-rows').fill('200000');
  await page.locator('#synth-dims').fill('8');
  await page.locator('#synth-classes').fill('4');
  await page.getByTestId('generate-synthetic').click();
  await expect(page.getByTestId('dataset-summary')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('validation-report')).toContainText('Generated data');

  await page.getByTestId('tab-rows').click();
  const scroller = page.getByTestId('rb-scroll');
  await expect(scroller.locator('[data-row="0"]')).toHaveAttribute('data-id', 'row-000001');
  const domRows = await scroller.getByTestId('rb-row').count();
  expect(domRows).toBeLessThan(80);

  // A fast fling to the middle: 40 scroll steps in quick succession.
  const before = rowRequests.length;
  await scroller.evaluate(async (el) => {
    const target = el.scrollHeight / 2;
    for (let i = 1; i <= 40; i++) {
      el.scrollTop = (target * i) / 40;
      await new Promise((r) => requestAnimationFrame(r));
    }
  });
  const first = Number(await scroller.getAttribute('data-first'));
  expect(first).toBeGreaterThan(95_000);
  expect(first).toBeLessThan(105_000);
  await expect(scroller.locator(`[data-row="${first + 2}"]`)).toHaveAttribute('data-id', `row-${String(first + 3).padStart(6, '0')}`);
  // Not one request per page passed over: a few while moving, then the pages where it stopped.
  expect(rowRequests.length - before).toBeLessThan(20);
  expect(await scroller.getByTestId('rb-row').count()).toBeLessThan(80);

  // Jump to a row number.
  await page.getByTestId('rb-jump').fill('150000');
  await page.getByTestId('rb-jump-go').click();
  const target = scroller.locator('[data-row="150000"]');
  await expect(target).toHaveAttribute('data-id', 'row-150001');
  await expect(target).toHaveAttribute('aria-selected', 'true');
  await expect(target).toBeInViewport();
  await expect(page.getByTestId('row-id')).toHaveText('row-150001');

  // Back to the top, then find by id.
  await scroller.evaluate((el) => (el.scrollTop = 0));
  await expect(scroller.locator('[data-row="150000"]')).toHaveCount(0);
  await page.getByTestId('rb-search').fill('row-150001');
  await page.getByTestId('rb-search-go').click();
  await expect(target).toHaveAttribute('data-id', 'row-150001');
  await expect(target).toBeInViewport();
  await expect(page.getByTestId('row-index')).toHaveText('150000');
  await page.getByTestId('rb-search').fill('row-999999');
  await page.getByTestId('rb-search-go').click();
  await expect(page.getByTestId('rb-message')).toContainText("No row has the id 'row-999999'");

  // A row picked by the keyboard moves the selection and keeps it in view.
  await target.click();
  await scroller.press('ArrowDown');
  await expect(page.getByTestId('row-index')).toHaveText('150001');

  expect(watch.problems).toEqual([]);
});
