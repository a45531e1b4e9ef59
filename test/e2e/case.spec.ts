/**
 * Cases end to end (served mode, real host, built UI in Chromium): create a case, open the sample, run a
 * scan, see the scan on the case timeline with its audit entry verified; then, in a fresh page, reopen the
 * case from the recent list, open its dataset again and see the stored scan in triage without a new scan job.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import type { Host } from '../../electron/host/host.ts';
import type { ServedMode } from '../../electron/serve/server.ts';
import { watchPage, withServedMode, type PageWatch } from './served-fixture.ts';
import { sha256Hex } from '../../electron/host/case/audit-log.ts';
import { verifyChain } from '../../shared/engine/audit-chain.ts';

const scratch = mkdtempSync(join(tmpdir(), 'assay-e2e-case-'));
// The recent-cases list goes to a scratch config folder, never the user's.
process.env.ASSAY_CONFIG_DIR = join(scratch, 'config');

const test = base.extend<{ watch: PageWatch }, { app: { host: Host; served: ServedMode } }>({
  app: [async ({}, use) => withServedMode((running) => use(running)), { scope: 'worker' }],
  watch: watchPage,
});

const scanJobs = (host: Host) => host.jobs.list().filter((j) => j.kind === 'scan');

async function runSpectralScan(page: Page): Promise<void> {
  const boxes = page.getByTestId('detector-panel').locator('input[type="checkbox"][data-testid^="detector-"]');
  for (const box of await boxes.all()) {
    const id = await box.getAttribute('data-testid');
    if (id === 'detector-spectral') await box.check();
    else await box.uncheck();
  }
  await page.getByTestId('run-scan').click();
  await expect(page.getByTestId('job-status')).toHaveText('done', { timeout: 150_000 });
}

test('a case records a scan on its verified timeline and gives it back on reopening without a new scan', async ({ page, app, watch, browser }) => {
  const folder = join(scratch, 'backdoor-case');
  await page.goto(app.served.url);
  await page.getByTestId('new-case').click();
  await page.getByTestId('case-name').fill('Backdoor in the sample');
  await page.getByTestId('case-analyst').fill('E2E Analyst');
  await page.getByTestId('case-folder').fill(folder);
  await page.getByTestId('create-case').click();
  await expect(page.getByTestId('case-title')).toHaveText('Backdoor in the sample');
  await expect(page.getByTestId('audit-status')).toContainText('verified · 1 entries');

  // Open the sample from the start screen and scan it.
  await page.getByTestId('go-case').click();
  await page.getByTestId('open-sample').click();
  await expect(page.getByTestId('dataset-summary')).toBeVisible();
  await runSpectralScan(page);
  expect(scanJobs(app.host)).toHaveLength(1);
  // Quarantine every flagged row: the set is saved into the case on its own.
  await page.getByTestId('quarantine-source').selectOption('all');
  await page.getByTestId('quarantine-create').click();
  await expect(page.getByTestId('quarantine-set')).toHaveCount(1);
  const quarantined = Number((await page.getByTestId('quarantine-count').textContent())?.replace(/\D/g, ''));
  expect(quarantined).toBeGreaterThan(0);

  // The case timeline shows the load and the scan, each with its audit entry verified.
  await page.getByTestId('go-case').click();
  const scanEntry = page.locator('[data-testid="timeline-entry"][data-action="job.scan"]');
  await expect(scanEntry).toHaveCount(1);
  await expect(scanEntry).toHaveAttribute('data-verified', 'yes');
  await expect(scanEntry).toContainText('flagged by at least one detector');
  await expect(page.locator('[data-testid="timeline-entry"][data-action="job.load"]')).toHaveAttribute('data-verified', 'yes');
  await expect(page.getByTestId('case-dataset')).toHaveCount(1);
  await expect(page.getByTestId('case-dataset')).toContainText('scan');
  await expect(page.locator('[data-testid="timeline-entry"][data-action="case.update.quarantine"]')).toContainText(`Quarantined ${quarantined} rows of backdoor-embeddings.csv`);

  // Incident: declare it and give the detection phase an owner; the edit is saved and audited.
  await page.getByTestId('incident-declared').check();
  await page.getByTestId('phase-detection-owner').fill('Kim');
  await page.getByTestId('phase-detection-status').selectOption('in-progress');
  await expect(page.locator('[data-testid="timeline-entry"][data-action="case.update.incident"]').first()).toContainText('Detection: in progress (owner Kim)');
  await page.getByTestId('case-notes').fill('Trigger patch suspected in class horse.');
  await expect.poll(() => JSON.parse(readFileSync(join(folder, 'case.json'), 'utf8')).notes).toBe('Trigger patch suspected in class horse.');

  // On disk: the log verifies against the head the case file recorded.
  const onDisk = JSON.parse(readFileSync(join(folder, 'case.json'), 'utf8'));
  expect(verifyChain(readFileSync(join(folder, 'audit.jsonl'), 'utf8'), sha256Hex, onDisk.audit).ok).toBe(true);

  await page.getByTestId('close-case').click();
  await expect(page.getByTestId('case-title')).toHaveCount(0);

  // A fresh page (a new session of the UI): reopen from the recent list and load the dataset again.
  const context = await browser.newContext();
  const again = await context.newPage();
  const problems: string[] = [];
  again.on('pageerror', (e) => problems.push(e.message));
  await again.goto(app.served.url);
  await again.getByTestId('recent-case').filter({ hasText: 'Backdoor in the sample' }).click();
  await expect(again.getByTestId('case-title')).toHaveText('Backdoor in the sample');
  await expect(again.getByTestId('audit-status')).toContainText('verified');
  await expect(again.getByTestId('case-dataset')).toHaveAttribute('data-status', 'ok');
  await again.getByTestId('case-dataset-open').click();
  await expect(again.getByTestId('tab-triage')).toHaveAttribute('aria-selected', 'true');
  await expect.poll(async () => Number((await again.getByTestId('score-histogram').getAttribute('data-points')) ?? '0')).toBeGreaterThan(0);
  // The quarantine set came back with the dataset.
  await expect(again.getByTestId('quarantine-set')).toHaveCount(1);
  await expect(again.getByTestId('quarantine-count')).toContainText(String(quarantined));
  // Shown from the case's results/, not recomputed.
  expect(scanJobs(app.host)).toHaveLength(1);
  expect(app.host.jobs.list().filter((j) => j.kind === 'load')).toHaveLength(2);
  expect(problems).toEqual([]);
  await context.close();
  expect(watch.problems).toEqual([]);
});
