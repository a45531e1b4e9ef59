#!/usr/bin/env node
/**
 * `npm run dist [-- electron-builder args]`: checks that an Electron distribution is at hand, builds the
 * renderer and the bundles, then runs electron-builder with electron-builder.yml.
 *
 * electron-builder starts from the official Electron zip (electron-v<version>-<platform>-<arch>.zip), which it
 * downloads unless told where one is. Looked for, in order:
 *   1. ELECTRON_DIST — an unpacked Electron folder, the zip itself, or a folder holding the zip;
 *   2. node_modules/electron/dist — the installed binary of the same version;
 *   3. the Electron cache (electron_config_cache, else ~/.cache/electron, ~/Library/Caches/electron,
 *      %LOCALAPPDATA%\electron\Cache), where @electron/get keeps downloaded zips;
 *   4. otherwise a download, if the release host answers; if not, one message saying what to provide.
 * Only the host platform/arch is checked; cross-platform targets are downloaded by electron-builder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { electronPackageDir, electronVersion, findElectronBinary, platformExecutable, root } from './electron-binary.mjs';

const PROBE_TIMEOUT_MS = 10_000;
const args = process.argv.slice(2);
const version = electronVersion();
const platform = process.platform === 'win32' ? 'win32' : process.platform;
const arch = process.env.npm_config_arch || process.arch;
const zipName = `electron-v${version}-${platform}-${arch}.zip`;

function fail(message) {
  console.error(message);
  process.exit(1);
}

if (!version) fail('Assay dist: node_modules/electron is missing; run `npm ci` first.');

function isUnpackedElectron(dir) {
  return existsSync(path.join(dir, platformExecutable()));
}

/** A folder or zip to give electron-builder as `electronDist`, or null. */
function findLocalElectron() {
  const given = process.env.ELECTRON_DIST;
  if (given) {
    const dist = path.resolve(given);
    const info = existsSync(dist) ? statSync(dist) : null;
    if (info?.isFile() && dist.endsWith('.zip')) return dist;
    if (info?.isDirectory() && (existsSync(path.join(dist, zipName)) || isUnpackedElectron(dist))) return dist;
    fail(
      `Assay dist: ELECTRON_DIST=${given} is neither an unpacked Electron ${version} folder (with ${platformExecutable()}) ` +
        `nor ${zipName} nor a folder holding it.`,
    );
  }
  const installed = findElectronBinary().path;
  if (installed && !process.env.ELECTRON_OVERRIDE_DIST_PATH) return path.join(electronPackageDir, 'dist');

  const caches = [
    process.env.electron_config_cache,
    process.env.XDG_CACHE_HOME && path.join(process.env.XDG_CACHE_HOME, 'electron'),
    path.join(os.homedir(), '.cache', 'electron'),
    path.join(os.homedir(), 'Library', 'Caches', 'electron'),
    process.env.LOCALAPPDATA && path.join(process.env.LOCALAPPDATA, 'electron', 'Cache'),
  ].filter(Boolean);
  for (const cache of caches) {
    // @electron/get keeps each zip in a folder named by a hash of its URL: look two levels deep.
    const direct = path.join(cache, zipName);
    if (existsSync(direct)) return direct;
    let entries = [];
    try {
      entries = readdirSync(cache, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const nested = path.join(cache, entry.name, zipName);
      if (entry.isDirectory() && existsSync(nested)) return nested;
    }
  }
  return null;
}

/** Whether the Electron release host (or ELECTRON_MIRROR) answers for our zip. */
async function canDownload() {
  const mirror = process.env.ELECTRON_MIRROR || 'https://github.com/electron/electron/releases/download/';
  const url = `${mirror.endsWith('/') ? mirror : mirror + '/'}v${version}/${zipName}`;
  try {
    const response = await fetch(url, { method: 'HEAD', redirect: 'follow', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return response.ok;
  } catch {
    return false;
  }
}

const local = findLocalElectron();
if (local === null && !(await canDownload())) {
  fail(
    `Assay dist: electron-builder needs the Electron ${version} distribution (${zipName}), which is not on this machine ` +
      `and cannot be downloaded (offline?). Provide it and rerun: ELECTRON_DIST=/path/to/unpacked-electron-or-${zipName} npm run dist, ` +
      `or put ${zipName} in ${path.join(os.homedir(), '.cache', 'electron')}/.`,
  );
}

function run(label, command, commandArgs, env = process.env) {
  console.log(`Assay dist: ${label}…`);
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) fail(`Assay dist: ${label} failed (exit ${result.status ?? result.signal}); see above.`);
}

run('building the renderer', process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn']);
run('bundling the app', process.execPath, [path.join(root, 'scripts/build-electron.mjs')]);

const builderArgs = [path.join(root, 'node_modules/electron-builder/cli.js'), '--config', 'electron-builder.yml', '--publish', 'never'];
if (local !== null) builderArgs.push(`--config.electronDist=${local}`);
if (local !== null) console.log(`Assay dist: using the Electron distribution at ${local}`);
run('packaging with electron-builder', process.execPath, [...builderArgs, ...args], { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
console.log(`Assay dist: done; the packages are in ${path.relative(root, path.join(root, 'release'))}/.`);
