/**
 * Where the Electron binary of node_modules/electron is, without `require('electron')` — which, in this
 * Electron version, starts a download (with no timeout) when the binary is missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const electronPackageDir = path.join(root, 'node_modules', 'electron');

/** The executable inside an unpacked Electron folder, per platform (as electron/install.js names it). */
export function platformExecutable(platform = process.platform) {
  if (platform === 'darwin' || platform === 'mas') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

/** The installed Electron version (from node_modules/electron/package.json), or null when not installed. */
export function electronVersion() {
  try {
    return JSON.parse(readFileSync(path.join(electronPackageDir, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

/**
 * @returns {{ path: string | null, expected: string }} the executable's path when it exists (null otherwise),
 * and where it was looked for. Honours ELECTRON_OVERRIDE_DIST_PATH like the electron package does.
 */
export function findElectronBinary() {
  let relative = null;
  try {
    relative = readFileSync(path.join(electronPackageDir, 'path.txt'), 'utf8').trim();
  } catch {
    // not installed (path.txt is written after a successful download)
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const expected = override
    ? path.join(override, relative || platformExecutable())
    : path.join(electronPackageDir, 'dist', relative || platformExecutable());
  return { path: (override || relative) && existsSync(expected) ? expected : null, expected };
}
