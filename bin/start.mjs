#!/usr/bin/env node
/**
 * `npm start` / `npm run serve`:
 *   node bin/start.mjs [--served] [--rebuild] [dataset.csv] [--label COL] [--id COL] [--port N] [--no-open]
 *
 * 1. Builds what is stale: the renderer (vite → dist/renderer) and the Node/Electron bundles
 *    (scripts/build-electron.mjs → dist-electron), each when missing or older than its sources.
 * 2. Without --served: runs the desktop app with the Electron binary. If the binary is missing, tries once
 *    to download it (electron's own install script, 60 s limit); if that fails too, says so in one line and
 *    opens the same UI in served mode instead.
 * 3. Served mode: `node dist-electron/serve.mjs`, which prints the URL with its token and opens a browser.
 * Dataset arguments go to whichever mode runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { findElectronBinary, root } from '../scripts/electron-binary.mjs';

const INSTALL_TIMEOUT_MS = 60_000;

const argv = process.argv.slice(2);
const served = argv.includes('--served');
const rebuild = argv.includes('--rebuild');
const passThrough = argv.filter((a) => a !== '--served' && a !== '--rebuild');

/** Newest modification time under the given files/folders (node_modules and dot-folders skipped). */
function newestMtime(paths) {
  let newest = 0;
  const visit = (p) => {
    let info;
    try {
      info = statSync(p);
    } catch {
      return;
    }
    if (info.isDirectory()) {
      for (const name of readdirSync(p)) {
        if (name === 'node_modules' || name.startsWith('.')) continue;
        visit(path.join(p, name));
      }
    } else newest = Math.max(newest, info.mtimeMs);
  };
  for (const p of paths) visit(path.join(root, p));
  return newest;
}

function isStale(outputs, inputs) {
  if (rebuild) return true;
  let oldest = Infinity;
  for (const out of outputs) {
    const file = path.join(root, out);
    if (!existsSync(file)) return true;
    oldest = Math.min(oldest, statSync(file).mtimeMs);
  }
  return newestMtime(inputs) > oldest;
}

function run(label, args) {
  console.log(`Assay: ${label}…`);
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`Assay: ${label} failed (exit ${result.status ?? result.signal}); see the messages above.`);
    process.exit(1);
  }
}

// ---- 1. build what is stale ---------------------------------------------------------------------------------
const common = ['shared', 'package.json', 'package-lock.json'];
if (isStale(['dist/renderer/index.html'], ['renderer', 'vite.config.ts', ...common])) {
  run('building the renderer', [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn']);
}
const electronOutputs = ['dist-electron/main.mjs', 'dist-electron/preload.cjs', 'dist-electron/worker.js'];
if (existsSync(path.join(root, 'electron/serve/main.ts'))) electronOutputs.push('dist-electron/serve.mjs');
if (isStale(electronOutputs, ['electron', 'scripts/build-electron.mjs', ...common])) {
  run('bundling the app', [path.join(root, 'scripts/build-electron.mjs')]);
}

// ---- 2. the desktop app, or why not ---------------------------------------------------------------------------
/** Runs a child with our stdio, forwards Ctrl+C/termination to it, and exits with its status. */
function runChild(command, args, env = process.env) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
  let escalation = null;
  const forward = (signal) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    // A child that does not finish within 10 s of being asked is stopped hard.
    escalation ??= setTimeout(() => {
      console.error(`Assay: ${path.basename(command)} did not stop within 10 s; stopping it.`);
      child.kill('SIGKILL');
    }, 10_000);
    escalation.unref();
  };
  // The terminal's Ctrl+C reaches the child too; this process only waits for it to finish.
  process.on('SIGINT', () => forward('SIGINT'));
  process.on('SIGTERM', () => forward('SIGTERM'));
  child.on('error', (err) => {
    console.error(`Assay: could not start ${path.basename(command)}: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** One attempt at electron's own download script, output captured; says so only if it takes a while. */
function tryInstallElectron() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'node_modules/electron/install.js')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const notice = setTimeout(
      () => console.log(`Assay: downloading the Electron binary (at most ${INSTALL_TIMEOUT_MS / 1000} s)…`),
      2000,
    );
    const limit = setTimeout(() => {
      output = `no answer in ${INSTALL_TIMEOUT_MS / 1000} s`;
      child.kill('SIGKILL');
    }, INSTALL_TIMEOUT_MS);
    const done = (ok) => {
      clearTimeout(notice);
      clearTimeout(limit);
      resolve({ ok, reason: output.trim().split('\n')[0] || 'no output' });
    };
    child.on('error', (err) => {
      output = err.message;
      done(false);
    });
    child.on('exit', (code) => done(code === 0));
  });
}

function startServed() {
  const entry = path.join(root, 'dist-electron/serve.mjs');
  if (!existsSync(entry)) {
    console.error('Assay: the served mode is not built (dist-electron/serve.mjs is missing: electron/serve/main.ts is absent).');
    process.exit(1);
  }
  runChild(process.execPath, ['--enable-source-maps', entry, ...passThrough]);
}

if (served) {
  startServed();
} else {
  let binary = findElectronBinary().path;
  let reason = null;
  if (!binary) {
    const install = await tryInstallElectron();
    binary = findElectronBinary().path;
    if (!binary) reason = install.ok ? 'the download finished but no binary appeared' : install.reason;
  }
  if (!binary) {
    console.log(
      'Assay: the Electron binary is not installed and could not be downloaded (offline?); opening the same UI in served mode in your browser instead.',
    );
    if (process.env.ASSAY_DEBUG) console.log(`Assay: download failure: ${reason}`);
    startServed();
  } else {
    // A stray ELECTRON_RUN_AS_NODE would turn the binary into plain Node and ignore the app.
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE;
    // Served-only options mean nothing to the window; the dataset arguments follow the app folder.
    const appArgs = [];
    for (let i = 0; i < passThrough.length; i++) {
      if (passThrough[i] === '--port') i++;
      else if (passThrough[i] !== '--no-open') appArgs.push(passThrough[i]);
    }
    runChild(binary, [root, ...appArgs], env);
  }
}
