/**
 * Takes the README's screenshot (docs/screenshot.png) from the real UI in served mode: the sample opened,
 * every available detector run in FDR mode, the backdoored class 'horse' selected and a flagged row inspected.
 * `node --import tsx scripts/screenshot.ts [out.png]` (needs `npm run build:renderer` and a Chromium).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { samplePath } from '../electron/host/app-root.ts';
import { createHost } from '../electron/host/host.ts';
import { startServedMode } from '../electron/serve/server.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const host = createHost({ transport: 'served', samplePath: samplePath() });
const served = await startServedMode({ host, staticDir: join(root, 'dist', 'renderer') });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1 });
  await page.goto(served.url);
  await page.getByTestId('open-sample').click();
  await page.getByTestId('dataset-summary').waitFor();
  // Every detector the host offers is ticked by default; FDR is the default flag rule.
  await page.getByTestId('run-scan').click();
  await page.getByTestId('job-status').filter({ hasText: 'done' }).waitFor({ timeout: 300_000 });
  const select = page.getByTestId('class-select');
  const horse = await select.locator('option', { hasText: 'horse' }).getAttribute('value');
  await select.selectOption(horse!);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="projection-scatter"]')?.getAttribute('data-points')) > 0);
  const topRow = page.getByTestId('top-rows').locator('tbody tr').first();
  if (await topRow.count()) await topRow.click();
  await page.getByTestId('row-detectors').waitFor();
  // Bring the triage plots into view under the overview.
  await page.getByTestId('class-verdict').evaluate((el) => el.closest('section')?.scrollIntoView({ block: 'start' }));
  await page.waitForTimeout(800);
  const out = process.argv[2] ?? join(root, 'docs', 'screenshot.png');
  await page.screenshot({ path: out, fullPage: false });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await served.close();
  await host.close();
}
