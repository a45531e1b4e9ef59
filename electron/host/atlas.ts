/**
 * Importing MITRE's published ATLAS.yaml. The YAML is parsed with `yaml` (eemeli/yaml: YAML 1.2, exact error
 * positions) and turned into Assay's catalog shape by the pure `catalogFromAtlasData`. Parsing the 450 kB file
 * takes 0.1–0.2 s, so the host runs it in the worker pool (atlas.worker.ts), never on the main thread.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { AtlasFormatError, catalogFromAtlasData, type AtlasCatalog } from '../../shared/domain/atlas-catalog.ts';
import { HostError } from './errors.ts';
import type { WorkerPool } from './pool.ts';

/** The catalog in ATLAS YAML text; a syntax error names the file, line and column, a wrong shape the path. */
export function parseAtlasYaml(text: string, file: string): AtlasCatalog {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false, lineCounter: lines });
  const error = doc.errors[0];
  if (error) {
    const at = lines.linePos(error.pos[0]);
    throw new HostError('bad-request', `${file}, line ${at.line}, column ${at.col}: this is not valid YAML (${error.message.split('\n')[0]})`);
  }
  try {
    return catalogFromAtlasData(doc.toJS({ maxAliasCount: 1000 }), file);
  } catch (err) {
    if (err instanceof AtlasFormatError) throw new HostError('bad-request', `${err.message} — is this MITRE's ATLAS.yaml?`);
    throw err;
  }
}

export async function readAtlasFile(path: string): Promise<AtlasCatalog> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new HostError('bad-request', `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseAtlasYaml(text, path);
}

/** Reads the file in a worker thread; a worker's error reaches the caller with its message intact. */
export async function importAtlas(pool: WorkerPool, path: string): Promise<AtlasCatalog> {
  const file = resolve(path);
  try {
    return await pool.run<AtlasCatalog>('atlas', 'importAtlas', { path: file });
  } catch (err) {
    // Errors cross the thread as plain Errors: a bad file is the caller's to fix, not a host failure.
    const message = err instanceof Error ? err.message : String(err);
    throw new HostError('bad-request', message);
  }
}
