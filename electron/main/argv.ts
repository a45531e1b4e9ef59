/**
 * The Electron shell's command line: `assay [file] [--label col] [--id col]`. Plain TypeScript (no Electron
 * import) so that it is unit-tested in Node.
 *
 * Electron's argv carries more than ours: the executable, in development the entry script (or `.`), and
 * switches for Chromium/Node that Playwright and users may add (`--inspect=0`, `--no-sandbox`,
 * `--remote-debugging-port=0`). Unknown `--switches` are skipped; they never take our positional file.
 */
import path from 'node:path';
import type { AppInfo } from '../../shared/contract/api.ts';

export type InitialDataset = NonNullable<AppInfo['initialDataset']>;

export interface ShellArgs {
  initialDataset: InitialDataset | null;
  /** Problems worth telling the user (an option without its value, a second file); the app still starts. */
  warnings: string[];
}

export interface ParseShellArgsOptions {
  /** Directory relative file paths are resolved against (the launching shell's working directory). */
  cwd: string;
  /** Paths that are Electron's own entry (the app folder, dist-electron/main.mjs) rather than a dataset. */
  entryPaths?: string[];
}

/**
 * Parses the arguments after the executable.
 * @example parseShellArgs(['data.csv', '--label', 'y'], { cwd: '/home/a' })
 *   // → { initialDataset: { path: '/home/a/data.csv', labelColumn: 'y', idColumn: null }, warnings: [] }
 */
export function parseShellArgs(args: readonly string[], options: ParseShellArgsOptions): ShellArgs {
  const entries = new Set((options.entryPaths ?? []).map((p) => path.resolve(options.cwd, p)));
  const warnings: string[] = [];
  let file: string | null = null;
  let labelColumn: string | null = null;
  let idColumn: string | null = null;

  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const option = /^--(label|id)(?:=(.*))?$/.exec(arg);
    if (option) {
      let value = option[2];
      if (value === undefined) {
        const next = args[i + 1];
        if (next === undefined || next.startsWith('--')) {
          warnings.push(`'--${option[1]}' needs a column name (e.g. --${option[1]} label); ignored.`);
          continue;
        }
        value = next;
        i++;
      }
      if (option[1] === 'label') labelColumn = value;
      else idColumn = value;
      continue;
    }
    if (arg === '--port') {
      i++; // served-mode option (bin/start.mjs passes the same arguments to either mode): not ours
      continue;
    }
    if (arg === '--') continue;
    if (arg.startsWith('-')) continue; // Chromium / Node / Electron switches
    const resolved = path.resolve(options.cwd, arg);
    if (entries.has(resolved)) continue;
    if (file === null) file = resolved;
    else warnings.push(`Only one dataset can be opened from the command line; ignored '${arg}'.`);
  }

  if (file === null) {
    if (labelColumn !== null || idColumn !== null) warnings.push('--label/--id given without a dataset file; ignored.');
    return { initialDataset: null, warnings };
  }
  return { initialDataset: { path: file, labelColumn, idColumn }, warnings };
}
