/**
 * The recent-cases list in the user's config folder (recent-cases.json), newest first, written atomically.
 * A damaged list is treated as empty: it is a convenience, never the only record of a case.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { RecentCase } from '../../../shared/domain/case.ts';

const LIMIT = 12;

/**
 * Where Assay keeps per-user settings when the host is not told (the Electron shell passes its userData folder):
 * ASSAY_CONFIG_DIR, else the platform's config folder.
 */
export function defaultConfigDir(): string {
  if (process.env.ASSAY_CONFIG_DIR) return process.env.ASSAY_CONFIG_DIR;
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'assay');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'assay');
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'assay');
}

export class RecentCases {
  private readonly file: string;

  constructor(private readonly dir: string) {
    this.file = join(dir, 'recent-cases.json');
  }

  async list(): Promise<RecentCase[]> {
    try {
      const parsed = JSON.parse(await readFile(this.file, 'utf8')) as unknown;
      if (!Array.isArray(parsed)) return [];
      return parsed.filter(
        (r): r is RecentCase => typeof r === 'object' && r !== null && typeof r.folder === 'string' && typeof r.name === 'string' && typeof r.openedAt === 'string',
      );
    } catch {
      return [];
    }
  }

  async touch(entry: RecentCase): Promise<void> {
    const rest = (await this.list()).filter((r) => r.folder !== entry.folder);
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(this.file, JSON.stringify([entry, ...rest].slice(0, LIMIT), null, 2) + '\n');
  }
}
