/**
 * The desktop app end to end: the real Electron binary running dist-electron/main.mjs (Electron's own guide:
 * Playwright `_electron.launch`, main-process state read with `evaluate`). Each run gets a fresh profile.
 *
 * Skipped where the Electron binary is not installed (offline machines: npm does not run electron's
 * download script there). `require('electron')` would try to download it, so the binary is located by hand.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { API_METHODS } from '../../shared/contract/api.ts';
import { findElectronBinary, root } from '../../scripts/electron-binary.mjs';

const binary = findElectronBinary();
test.skip(
  binary.path === null,
  `Electron binary not installed (offline machine): ${binary.expected} is missing; ` +
    'run "node node_modules/electron/install.js" with network access to enable this test.',
);

let app: ElectronApplication;
let page: Page;
let profile: string;

test.beforeAll(async () => {
  if (!existsSync(path.join(root, 'dist/renderer/index.html'))) {
    execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  }
  if (!existsSync(path.join(root, 'dist-electron/main.mjs'))) {
    execFileSync(process.execPath, [path.join(root, 'scripts/build-electron.mjs')], { cwd: root, stdio: 'inherit' });
  }
  profile = mkdtempSync(path.join(tmpdir(), 'assay-e2e-profile-'));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value;
  app = await electron.launch({
    executablePath: binary.path!,
    // Chromium refuses its OS sandbox as root (CI containers); the renderer sandbox flags stay on.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), path.join(root, 'dist-electron/main.mjs')],
    cwd: root,
    env: { ...env, ASSAY_USER_DATA_DIR: profile },
    timeout: 60_000,
  });
  page = await app.firstWindow();
});

test.afterAll(async () => {
  // Bounded teardown: a stuck host must not hang the run.
  await Promise.race([app?.close(), new Promise((resolve) => setTimeout(resolve, 15_000))]);
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('loads the UI from the app:// origin with a CSP header', async () => {
  await expect(page).toHaveURL(/^app:\/\/assay\//);
  const csp = await page.evaluate(() => fetch('/index.html').then((r) => r.headers.get('content-security-policy')));
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("object-src 'none'");
});

test('the window is sandboxed, isolated and without Node integration', async () => {
  const prefs = await app.evaluate(({ BrowserWindow }) => {
    const window = BrowserWindow.getAllWindows()[0];
    // Not in Electron's typings, but present (Electron's own specs read it).
    const contents = window.webContents as unknown as { getLastWebPreferences?: () => Record<string, unknown> | null };
    const p = contents.getLastWebPreferences?.() ?? null;
    return p && { contextIsolation: p.contextIsolation, sandbox: p.sandbox, nodeIntegration: p.nodeIntegration, webSecurity: p.webSecurity };
  });
  expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });

  // The same, seen from the page: no Node, and exactly the contract on window.assay.
  const seen = await page.evaluate(() => {
    const w = window as unknown as { require?: unknown; process?: unknown; assay: Record<string, unknown> };
    return { require: typeof w.require, process: typeof w.process, assay: Object.keys(w.assay).sort() };
  });
  expect(seen.require).toBe('undefined');
  expect(seen.process).toBe('undefined');
  expect(seen.assay).toEqual([...API_METHODS, 'on'].sort());
});

test('a bad argument comes back as a message, not a crash', async () => {
  const message = await page.evaluate(() =>
    (window as unknown as { assay: { getRow(a: unknown): Promise<unknown> } }).assay
      .getRow({ datasetId: '', index: -1 })
      .then(() => 'resolved', (e: Error) => e.message),
  );
  expect(message).toContain('getRow');
});

test('opens the sample and shows the dataset summary', async () => {
  await page.getByTestId('open-sample').click();
  const summary = page.getByTestId('dataset-summary');
  await expect(summary).toBeVisible({ timeout: 120_000 });
  await expect(summary).toContainText('backdoor-embeddings');
});
