#!/usr/bin/env node
/**
 * Bundles everything that runs in Node/Electron into dist-electron/ (esbuild):
 *   electron/main/main.ts          → dist-electron/main.mjs      ESM, Electron main process
 *   electron/main/preload.ts       → dist-electron/preload.cjs   CJS (sandboxed preloads cannot be ESM)
 *   electron/workers/*.worker.ts   → dist-electron/workers/<name>.worker.js  } one build, shared chunks:
 *   piscina's own thread bootstrap → dist-electron/worker.js                } one piscina per thread
 *   electron/serve/main.ts         → dist-electron/serve.mjs     served mode (skipped while absent)
 *   dist-electron/package.json     {"type":"module"}, so worker.js is ESM even outside the app's package
 *
 * Dependencies are bundled in, so the packaged app needs no node_modules. ESM bundles get a banner that
 * defines `require`, `__filename` and `__dirname`, which bundled CommonJS dependencies (piscina, papaparse)
 * expect. Usage: node scripts/build-electron.mjs [--quiet]
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist-electron');
const quiet = process.argv.includes('--quiet');
const require = createRequire(import.meta.url);

// Electron 45 runs Node 22 and Chromium 140; the served mode runs on the system Node (>= 20.19).
const NODE_TARGET = 'node20.19';
const CHROME_TARGET = 'chrome140';

const esmBanner = [
  "import { createRequire as __assayCreateRequire } from 'node:module';",
  "import { fileURLToPath as __assayFileURLToPath } from 'node:url';",
  "import { dirname as __assayDirname } from 'node:path';",
  'const require = __assayCreateRequire(import.meta.url);',
  'const __filename = __assayFileURLToPath(import.meta.url);',
  'const __dirname = __assayDirname(__filename);',
].join('\n');

/** @type {import('esbuild').BuildOptions} */
const nodeEsm = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: NODE_TARGET,
  sourcemap: true,
  legalComments: 'eof',
  banner: { js: esmBanner },
  // piscina's optional thread-priority helper (native); piscina imports it in a try/catch.
  external: ['electron', '@napi-rs/nice'],
  logLevel: 'warning',
  absWorkingDir: root,
};

const rel = (p) => path.relative(root, p);
const jobs = [];

rmSync(out, { recursive: true, force: true });

jobs.push({ label: 'main', options: { ...nodeEsm, entryPoints: ['electron/main/main.ts'], outfile: 'dist-electron/main.mjs' } });

jobs.push({
  label: 'preload',
  options: {
    bundle: true,
    // A sandboxed preload has no Node: browser platform makes any Node built-in import fail at build time.
    platform: 'browser',
    format: 'cjs',
    target: CHROME_TARGET,
    sourcemap: true,
    external: ['electron'],
    entryPoints: ['electron/main/preload.ts'],
    outfile: 'dist-electron/preload.cjs',
    logLevel: 'warning',
    absWorkingDir: root,
  },
});

// piscina spawns `${__dirname}/worker.js` (its thread bootstrap); bundled into main.mjs/serve.mjs, __dirname is
// dist-electron. The bootstrap and our worker modules are built in ONE build with code splitting, so both
// load the same copy of piscina in a thread: piscina recognises `Piscina.move()` results by a private symbol,
// and with two bundled copies a worker's moved result would not be recognised (the host got the wrapper).
// dist-electron/package.json has "type": "module", so these .js files load as ESM.
const workerDir = path.join(root, 'electron/workers');
const workerEntries = existsSync(workerDir)
  ? readdirSync(workerDir)
      .filter((f) => f.endsWith('.worker.ts'))
      .map((f) => ({ in: `electron/workers/${f}`, out: `workers/${f.replace(/\.ts$/, '')}` }))
  : [];
jobs.push({
  label: `piscina thread bootstrap + workers (${workerEntries.map((w) => w.out.slice(8)).join(', ')})`,
  options: {
    ...nodeEsm,
    entryPoints: [{ in: path.join(path.dirname(require.resolve('piscina')), 'worker.js'), out: 'worker' }, ...workerEntries],
    outdir: 'dist-electron',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
  },
});

if (existsSync(path.join(root, 'electron/serve/main.ts'))) {
  jobs.push({ label: 'served mode', options: { ...nodeEsm, entryPoints: ['electron/serve/main.ts'], outfile: 'dist-electron/serve.mjs' } });
} else if (!quiet) {
  console.log('build-electron: electron/serve/main.ts does not exist yet; skipped the served-mode bundle.');
}

const started = performance.now();
try {
  await Promise.all(jobs.map((job) => build(job.options)));
} catch (err) {
  // esbuild has already printed the located errors.
  console.error(`build-electron: failed (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  process.exit(1);
}
// piscina's worker.js is a .js file: pin its module type here, so that it loads as ESM wherever it sits —
// in the repo, inside app.asar, or unpacked beside it in app.asar.unpacked (no package.json above there).
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, 'package.json'), JSON.stringify({ type: 'module', private: true }, null, 2) + '\n');
if (!quiet) {
  console.log(`build-electron: ${jobs.map((j) => j.label).join('; ')} → ${rel(out)}/ in ${Math.round(performance.now() - started)} ms`);
}
