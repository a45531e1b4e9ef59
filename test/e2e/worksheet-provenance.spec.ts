/**
 * A data source's provenance validation V read from a manifest check, end to end in Chromium (served mode, the
 * built UI): a manifest of a small CSV is made through the contract, one row of the CSV is edited, the manifest
 * is verified, and in the worksheet the source's V is set from that check: V = unchanged rows / rows, the
 * working names the file and the counts, the integrity confidence follows, and typing V by hand drops the link.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { isFinal, type JobInfo } from '../../shared/domain/jobs.ts';
import type { Host } from '../../electron/host/host.ts';
import type { ServedMode } from '../../electron/serve/server.ts';
import { watchPage, withServedMode, type PageWatch } from './served-fixture.ts';

const test = base.extend<{ watch: PageWatch }, { app: { host: Host; served: ServedMode } }>({
  app: [async ({}, use) => withServedMode(use), { scope: 'worker' }],
  watch: watchPage,
});

const value = async (page: Page, testId: string) => Number(await page.getByTestId(testId).first().getAttribute('data-value'));

/** Waits for a host job to finish and returns its final state. */
async function finished(host: Host, job: JobInfo): Promise<JobInfo> {
  let last = job;
  await expect
    .poll(async () => {
      last = (await host.listJobs()).find((j) => j.id === job.id) ?? last;
      return isFinal(last.status);
    }, { timeout: 30_000 })
    .toBe(true);
  return last;
}

const ROWS = ['id,x,y,label', 'r1,0.1,0.2,cat', 'r2,0.3,0.4,dog', 'r3,0.5,0.6,cat', 'r4,0.7,0.8,dog', 'r5,0.9,1.0,cat'];

test('sets a source\'s V from a manifest check: 4 of 5 rows unchanged gives V = 0.8 and raises the integrity confidence', async ({ page, app, watch }) => {
  const dir = mkdtempSync(join(tmpdir(), 'assay-ws-prov-'));
  try {
    const csv = join(dir, 'vendor.csv');
    const manifest = join(dir, 'vendor.manifest.json');
    writeFileSync(csv, `${ROWS.join('\n')}\n`);
    const created = await finished(app.host, await app.host.createManifest({ paths: [csv], out: manifest, idColumn: 'id', overwrite: false }));
    expect(created.status).toBe('done');
    // An insider relabels one row.
    writeFileSync(csv, `${ROWS.map((r) => (r.startsWith('r3,') ? 'r3,0.5,0.6,dog' : r)).join('\n')}\n`);

    await page.goto(app.served.url);
    await page.getByTestId('go-threat-model').click();
    await page.getByTestId('ws-new').click();
    await page.getByTestId('ws-name').fill('Vendor feed');
    await page.getByTestId('ws-tab-context').click();
    await page.getByTestId('ws-add-source').click();
    const p = page.getByLabel('Probability of compromise').first();
    await p.fill('0.5');
    await p.blur();
    // V starts at 0: confidence 1 − 0.5·(1 − 0) = 0.5.
    await expect.poll(() => value(page, 'ws-context-integrity')).toBeCloseTo(0.5, 12);
    // No manifest check finished yet: nothing to pick from.
    await expect(page.getByTestId('ws-source-from-manifest')).toHaveCount(0);

    // Verified while the page is open: the finished check reaches the worksheet through the job events.
    const check = await finished(app.host, await app.host.verifyManifest({ path: manifest, publicKeyPath: null, data: [] }));
    expect(check.status).toBe('done');
    const picker = page.getByTestId('ws-source-from-manifest');
    await expect(picker.locator('option', { hasText: check.id })).toHaveCount(1);
    await picker.selectOption(check.id);

    await expect(page.getByTestId('ws-source-v')).toHaveValue('0.8');
    // 1 − 0.5·(1 − 0.8) = 0.9
    await expect.poll(() => value(page, 'ws-context-integrity')).toBeCloseTo(0.9, 12);
    const how = page.getByTestId('ws-source-v-how');
    await expect(how).toHaveAttribute('data-job', check.id);
    await expect(how).toContainText('V = rows verified / rows = 4 / 5 = 0.8');
    await expect(how).toContainText('vendor.csv: 4 of 5 rows verified (1 changed, 0 added, 0 removed)');
    await expect(how).toContainText('unsigned manifest');
    await expect(how).toContainText(manifest);

    // The link is saved with the worksheet.
    await expect
      .poll(() => page.evaluate(() => localStorage.getItem('assay.worksheets.v1') ?? ''))
      .toContain(`"validationEvidence":{"kind":"manifest","id":"${check.id}"`);

    // Typed by hand, V is the analyst's again: the link and its working go.
    const v = page.getByTestId('ws-source-v');
    await v.fill('0.6');
    await v.blur();
    await expect(how).toHaveCount(0);
    await expect.poll(() => value(page, 'ws-context-integrity')).toBeCloseTo(0.8, 12);
    await expect.poll(() => page.evaluate(() => localStorage.getItem('assay.worksheets.v1') ?? '')).not.toContain('validationEvidence');

    expect(watch.problems).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
