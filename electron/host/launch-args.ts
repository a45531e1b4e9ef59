import type { AppInfo } from '../../shared/contract/api.ts';

export interface LaunchArgs {
  /** Dataset to open at start: `[file] [--label col] [--id col]`. */
  initialDataset: AppInfo['initialDataset'];
  /** Served mode: port to bind (0 = any free one). */
  port: number;
  /** Served mode: open a browser on the URL. */
  open: boolean;
}

export const LAUNCH_USAGE = 'usage: assay-app [dataset.csv] [--label COLUMN] [--id COLUMN] [--port N] [--no-open]';

/** Parses the app's command line (Electron and served mode alike); throws with a one-line message on bad input. */
export function parseLaunchArgs(argv: string[]): LaunchArgs {
  let file: string | null = null;
  let label: string | null = null;
  let id: string | null = null;
  let port = 0;
  let open = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${arg} needs a value\n${LAUNCH_USAGE}`);
      return v;
    };
    if (arg === '--label') label = value();
    else if (arg === '--id') id = value();
    else if (arg === '--port') {
      port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a whole number from 0 to 65535\n${LAUNCH_USAGE}`);
    } else if (arg === '--no-open') open = false;
    else if (arg === '--served') continue;
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}\n${LAUNCH_USAGE}`);
    else if (file === null) file = arg;
    else throw new Error(`only one dataset file can be given (got '${file}' and '${arg}')\n${LAUNCH_USAGE}`);
  }
  if (file === null && (label !== null || id !== null)) throw new Error(`--label and --id need a dataset file\n${LAUNCH_USAGE}`);
  return { initialDataset: file === null ? null : { path: file, labelColumn: label, idColumn: id }, port, open };
}
