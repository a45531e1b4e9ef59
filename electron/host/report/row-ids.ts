/**
 * Row ids of a case's datasets without loading them: for a CSV/TSV/JSON Lines file with an id column, read
 * with bad rows stopping the load (so row i of the file is row i of the dataset), the ids come from the same
 * record splitter manifests use — and only when the file still has the recorded SHA-256.
 */
import type { CaseView } from '../../../shared/domain/case.ts';
import { hasIdColumns, hashFile } from '../provenance/hash-file.ts';

export function idsFromSources(view: CaseView): (sha256: string) => Promise<string[] | null> {
  const cache = new Map<string, Promise<string[] | null>>();
  return (sha256) => {
    if (!cache.has(sha256)) cache.set(sha256, read(view, sha256));
    return cache.get(sha256)!;
  };
}

async function read(view: CaseView, sha256: string): Promise<string[] | null> {
  const dataset = view.document.datasets.find((d) => d.sha256 === sha256);
  const check = view.datasets.find((c) => c.sha256 === sha256);
  if (!dataset || dataset.source.kind !== 'file' || check?.status !== 'ok') return null;
  const { request } = dataset.source;
  if (request.roles.id === null || request.badRows !== 'stop' || !hasIdColumns(request.path)) return null;
  try {
    const hashed = await hashFile(request.path, { idColumn: request.roles.id });
    return hashed.sha256 === sha256 ? hashed.ids : null;
  } catch {
    return null;
  }
}
