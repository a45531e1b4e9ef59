#!/usr/bin/env node
/**
 * `npm test`: everything, in the order a failure is cheapest to find — typecheck every layer, build the UI
 * and the Electron bundles, unit + integration tests (vitest), end-to-end tests in Chromium (playwright).
 * Ends with one line 'N passed, N failed, N skipped' summed over the runners.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const reports = join(root, 'test-results');
mkdirSync(reports, { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };

function step(title, command, args, env = {}) {
  console.log(`\n── ${title} ──`);
  const started = Date.now();
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(`── ${title}: ${run.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return run.status === 0;
}

const nodeBin = (pkgBin, ...args) => [process.execPath, [join(root, 'node_modules', pkgBin), ...args]];

let ok = true;
for (const project of ['shared', 'renderer', 'electron', 'test']) {
  ok = step(`typecheck ${project}`, ...nodeBin('typescript/bin/tsc', '-p', project)) && ok;
}
if (!ok) finish();
ok = step('build UI', ...nodeBin('vite/bin/vite.js', 'build', '--logLevel', 'warn')) && ok;
ok = step('build Electron bundles', process.execPath, [join(root, 'scripts', 'build-electron.mjs')]) && ok;
if (!ok) finish();

const vitestJson = join(reports, 'vitest.json');
ok = step('unit and integration tests', ...nodeBin('vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`)) && ok;
if (existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, 'utf8'));
  totals.passed += r.numPassedTests;
  totals.failed += r.numFailedTests;
  totals.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
}

const playwrightJson = join(reports, 'playwright.json');
ok = step('end-to-end tests (Chromium)', ...nodeBin('@playwright/test/cli.js', 'test', '--reporter=list,json'), { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson }) && ok;
if (existsSync(playwrightJson)) {
  const s = JSON.parse(readFileSync(playwrightJson, 'utf8')).stats ?? {};
  totals.passed += (s.expected ?? 0) + (s.flaky ?? 0);
  totals.failed += s.unexpected ?? 0;
  totals.skipped += s.skipped ?? 0;
}
finish();

function finish() {
  if (!ok && totals.failed === 0) totals.failed = 1; // a failed typecheck or build counts as a failure
  console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(ok ? 0 : 1);
}
