/**
 * Manifests: creating one over files, reading one back (with a message naming the field when it is malformed),
 * and verifying files against it down to the row.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { MANIFEST_VERSION, type FileVerification, type Manifest, type ManifestFile } from '../../../shared/domain/provenance.ts';
import { MerkleBuilder, leafHash, toHex } from '../../../shared/engine/merkle.ts';
import { hashFile, hasIdColumns, sha256, type HashedFile } from './hash-file.ts';
import { diffRows } from './row-diff.ts';

export interface CreateOptions {
  /** The folder the manifest will be written to: file paths are recorded relative to it. */
  baseDir: string;
  idColumn: string | null;
  toolVersion: string;
  onProgress?: (fraction: number, file: string) => void;
  signal?: AbortSignal;
}

export async function createManifest(paths: string[], options: CreateOptions): Promise<Manifest> {
  if (paths.length === 0) throw new Error('a manifest needs at least one file');
  const files: ManifestFile[] = [];
  for (let f = 0; f < paths.length; f++) {
    const path = resolve(paths[f]);
    const hashed = await hashFile(path, {
      // The id column names rows of the files that have columns; a .npy or an ids/labels .txt has none.
      idColumn: hasIdColumns(path) ? options.idColumn : null,
      signal: options.signal,
      onProgress: (fraction) => options.onProgress?.((f + fraction) / paths.length, basename(path)),
    });
    files.push(toEntry(relativePath(options.baseDir, path), hashed));
  }
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.path)) throw new Error(`${file.path} is listed twice; give each file once`);
    seen.add(file.path);
  }
  return {
    manifestVersion: MANIFEST_VERSION,
    createdAt: new Date().toISOString(),
    tool: { name: 'assay', version: options.toolVersion },
    merkle: 'rfc6962-sha256',
    files,
    root: manifestRoot(files),
  };
}

function toEntry(path: string, hashed: HashedFile): ManifestFile {
  return {
    path,
    sizeBytes: hashed.sizeBytes,
    sha256: hashed.sha256,
    rowKind: hashed.rowKind,
    rows: hashed.rows,
    headerSha256: hashed.headerSha256,
    merkleRoot: hashed.merkleRoot,
    leafHashes: Buffer.from(hashed.leaves).toString('base64'),
    idColumn: hashed.idColumn,
    ids: hashed.ids,
  };
}

/**
 * Forward-slash path of `path` relative to `base` when it lies inside it (the manifest moves with its data);
 * absolute otherwise (outside the folder, or on another drive).
 */
function relativePath(base: string, path: string): string {
  const rel = relative(resolve(base), path);
  if (isAbsolute(rel) || rel === '..' || rel.startsWith('..' + sep)) return path;
  return rel.split(sep).join('/') || basename(path);
}

/** The Merkle root over the files (see Manifest.root). */
export function manifestRoot(files: Pick<ManifestFile, 'path' | 'sha256' | 'merkleRoot'>[]): string {
  const tree = new MerkleBuilder(sha256);
  for (const f of files) tree.pushLeaf(leafHash(sha256, new TextEncoder().encode(`${f.path}\n${f.sha256}\n${f.merkleRoot}`)));
  return toHex(tree.root());
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hexadecimal digits (a SHA-256)');
const manifestSchema = z
  .object({
    manifestVersion: z.literal(MANIFEST_VERSION),
    createdAt: z.string(),
    tool: z.object({ name: z.literal('assay'), version: z.string() }),
    merkle: z.literal('rfc6962-sha256'),
    files: z
      .array(
        z.object({
          path: z.string().min(1),
          sizeBytes: z.number().int().min(0),
          sha256: hex64,
          rowKind: z.enum(['csv-record', 'tsv-record', 'line', 'npy-row', 'chunk']),
          rows: z.number().int().min(0),
          headerSha256: hex64.nullable(),
          merkleRoot: hex64,
          leafHashes: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
          idColumn: z.string().nullable(),
          ids: z.array(z.string()).nullable(),
        }),
      )
      .min(1),
    root: hex64,
  })
  .superRefine((m, ctx) => {
    m.files.forEach((f, i) => {
      if (Buffer.from(f.leafHashes, 'base64').length !== f.rows * 32) {
        ctx.addIssue({ code: 'custom', path: ['files', i, 'leafHashes'], message: `must hold ${f.rows} hashes of 32 bytes (one per row)` });
      }
      if (f.ids && f.ids.length !== f.rows) ctx.addIssue({ code: 'custom', path: ['files', i, 'ids'], message: `must hold ${f.rows} ids (one per row)` });
    });
  });

/** Checks a parsed JSON value is a manifest; the message names the source and the first bad field. */
export function parseManifest(value: unknown, source: string): Manifest {
  const parsed = manifestSchema.safeParse(value);
  if (parsed.success) return parsed.data as Manifest;
  const issue = parsed.error.issues[0];
  throw new Error(`${source}: not an Assay manifest: '${issue.path.join('.') || '(top level)'}' ${issue.message}`);
}

export async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message})`);
  }
}

export interface VerifyFilesOptions {
  /** Folder the manifest's relative paths are resolved against (the manifest's own folder). */
  baseDir: string;
  /** Files to check instead of the recorded paths, matched to entries by path or file name. */
  data: string[];
  onProgress?: (fraction: number, file: string) => void;
  signal?: AbortSignal;
}

/** Re-hashes each file of the manifest and, where a file changed, diffs it row by row. */
export async function verifyFiles(manifest: Manifest, options: VerifyFilesOptions): Promise<FileVerification[]> {
  const targets = matchData(manifest, options);
  const results: FileVerification[] = [];
  for (let f = 0; f < manifest.files.length; f++) {
    const entry = manifest.files[f];
    const path = targets[f];
    const base: FileVerification = {
      path: entry.path,
      checkedPath: null,
      status: 'missing',
      expectedSha256: entry.sha256,
      actualSha256: null,
      expectedRoot: entry.merkleRoot,
      actualRoot: null,
      headerChanged: false,
      rows: { expected: entry.rows, actual: null },
      diff: null,
    };
    if (!(await stat(path).then((s) => s.isFile(), () => false))) {
      results.push({ ...base, checkedPath: path });
      continue;
    }
    const hashed = await hashFile(path, {
      idColumn: entry.idColumn,
      signal: options.signal,
      onProgress: (fraction) => options.onProgress?.((f + fraction) / manifest.files.length, entry.path),
    }).catch((error: Error) => {
      // An id column that disappeared is itself a change: hash without ids and diff by position.
      if (entry.idColumn !== null && /for row ids|for its row id/.test(error.message)) return hashFile(path, { idColumn: null, signal: options.signal });
      throw error;
    });
    const same = hashed.sha256 === entry.sha256;
    results.push({
      ...base,
      checkedPath: path,
      status: same ? 'ok' : 'changed',
      actualSha256: hashed.sha256,
      actualRoot: hashed.merkleRoot,
      headerChanged: hashed.headerSha256 !== entry.headerSha256,
      rows: { expected: entry.rows, actual: hashed.rows },
      diff: same ? null : diffRows({ leaves: Buffer.from(entry.leafHashes, 'base64'), ids: entry.ids }, { leaves: hashed.leaves, ids: hashed.ids, lines: hashed.lines }),
    });
  }
  return results;
}

/** For each manifest entry, the file to check: a --data file with the same path or name, else the recorded path. */
function matchData(manifest: Manifest, options: VerifyFilesOptions): string[] {
  const data = options.data.map((p) => resolve(p));
  const used = new Set<string>();
  const targets = manifest.files.map((entry) => {
    const byPath = data.find((d) => d.endsWith(sep + entry.path.split('/').join(sep)) || d === resolve(options.baseDir, entry.path));
    const byName = data.filter((d) => basename(d) === basename(entry.path));
    const pick = byPath ?? (byName.length === 1 ? byName[0] : undefined) ?? (data.length === 1 && manifest.files.length === 1 ? data[0] : undefined);
    if (pick) {
      used.add(pick);
      return pick;
    }
    return resolve(options.baseDir, entry.path);
  });
  const unused = data.filter((d) => !used.has(d));
  if (unused.length > 0) {
    throw new Error(`${unused[0]}: matches no file of the manifest (files: ${manifest.files.map((f) => f.path).join(', ')}); name it like the file it replaces`);
  }
  return targets;
}
