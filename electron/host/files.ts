import { readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { DirectoryListing } from '../../shared/domain/dataset.ts';
import { HostError } from './errors.ts';

/**
 * One folder of the host's disk, for the served mode's file chooser (a browser cannot hand the host a path).
 * Folders first, then files, each by name; hidden entries are left out. Only names and sizes are sent.
 */
export function listDirectory(path: string | null): DirectoryListing {
  const folder = resolve(path ?? homedir());
  let names: string[];
  try {
    if (!statSync(folder).isDirectory()) throw new HostError('bad-request', `${folder} is not a folder`);
    names = readdirSync(folder);
  } catch (error) {
    if (error instanceof HostError) throw error;
    throw new HostError('bad-request', `${folder} cannot be listed (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const entries: DirectoryListing['entries'] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    try {
      const info = statSync(join(folder, name));
      entries.push({ name, kind: info.isDirectory() ? 'dir' : 'file', sizeBytes: info.isDirectory() ? 0 : info.size });
    } catch {
      // A broken link or a file removed meanwhile: not something the analyst can open anyway.
    }
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
  const parent = dirname(folder);
  return { path: folder, parent: parent === folder ? null : parent, entries };
}
