/**
 * Split-view check (Carlini et al. 2023, "Poisoning Web-Scale Training Datasets is Practical", §4 and the
 * integrity-check defence of §6): a URL-indexed dataset is curated once, but each user downloads the items
 * later, when a domain may have changed hands. The defence is to keep a content hash with each URL and drop
 * what no longer matches. This compares a folder of downloaded items with such an index — offline, it never
 * fetches anything.
 *
 * Index: CSV/TSV with a header, or JSON Lines; per item a URL (`url`), the expected SHA-256 (`sha256`, `hash`
 * or `sha256_hash`; hex, optionally prefixed `sha256:`), and optionally the local file (`path`, `file` or
 * `filename`, relative to the folder). Without one, the mapping rule (SplitViewMapping) derives it from the URL.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import type { SplitViewItem, SplitViewMapping, SplitViewResult } from '../../../shared/domain/provenance.ts';
import { splitCsvRecord } from './records.ts';
import { sha256OfFile } from './hash-file.ts';

interface IndexItem {
  line: number;
  url: string;
  expected: string;
  path: string | null;
}

const URL_KEYS = ['url'];
const HASH_KEYS = ['sha256', 'hash', 'sha256_hash'];
const PATH_KEYS = ['path', 'file', 'filename'];

export async function readIndex(indexPath: string): Promise<IndexItem[]> {
  const text = await readFile(indexPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${indexPath}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  const lines = text.replace(/^\uFEFF/, '').split('\n').map((l) => l.replace(/\r$/, ''));
  const ext = extname(indexPath).toLowerCase();
  const items: IndexItem[] = [];
  const pick = (record: Record<string, string>, keys: string[]) => keys.map((k) => record[k]).find((v) => v !== undefined && v !== '');
  const add = (record: Record<string, string>, line: number) => {
    const url = pick(record, URL_KEYS);
    const hash = pick(record, HASH_KEYS);
    if (!url) throw new Error(`${indexPath}, line ${line}: no URL (a 'url' field)`);
    if (!hash) throw new Error(`${indexPath}, line ${line}: no expected hash (a 'sha256' field)`);
    const expected = hash.replace(/^sha256:/i, '').toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(expected)) throw new Error(`${indexPath}, line ${line}: '${hash}' is not a SHA-256 (64 hexadecimal digits)`);
    items.push({ line, url, expected, path: pick(record, PATH_KEYS) ?? null });
  };
  if (ext === '.jsonl' || ext === '.ndjson') {
    lines.forEach((l, i) => {
      if (l.trim() === '') return;
      let record: unknown;
      try {
        record = JSON.parse(l);
      } catch (error) {
        throw new Error(`${indexPath}, line ${i + 1}: not valid JSON (${(error as Error).message})`);
      }
      if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new Error(`${indexPath}, line ${i + 1}: expected a JSON object per line`);
      add(Object.fromEntries(Object.entries(record).map(([k, v]) => [k.toLowerCase(), typeof v === 'string' ? v : String(v)])), i + 1);
    });
  } else {
    const delimiter = ext === '.tsv' ? '\t' : ',';
    const headerAt = lines.findIndex((l) => l.trim() !== '');
    if (headerAt < 0) throw new Error(`${indexPath}: the index is empty`);
    const header = splitCsvRecord(lines[headerAt], delimiter).map((h) => h.trim().toLowerCase());
    if (!header.some((h) => URL_KEYS.includes(h)) || !header.some((h) => HASH_KEYS.includes(h))) {
      throw new Error(`${indexPath}, line ${headerAt + 1}: the header needs a 'url' column and a 'sha256' column (found: ${header.join(', ')})`);
    }
    for (let i = headerAt + 1; i < lines.length; i++) {
      if (lines[i].trim() === '') continue;
      const fields = splitCsvRecord(lines[i], delimiter);
      add(Object.fromEntries(header.map((h, c) => [h, (fields[c] ?? '').trim()])), i + 1);
    }
  }
  return items;
}

/** The local path (relative, forward slashes) of an item under a mapping rule; throws naming the line when it cannot. */
export function localPath(item: IndexItem, mapping: Exclude<SplitViewMapping, 'column'>, indexPath: string): string {
  if (item.path !== null) return item.path.split('\\').join('/');
  if (mapping === 'sha256') return item.expected;
  let url: URL;
  try {
    url = new URL(item.url);
  } catch {
    throw new Error(`${indexPath}, line ${item.line}: '${item.url}' is not a URL, and the line has no 'path' for its file`);
  }
  const segments = url.pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  if (segments.some((s) => s === '..' || s.includes('/') || s.includes('\\'))) {
    throw new Error(`${indexPath}, line ${item.line}: the URL's path '${url.pathname}' leaves the folder; give the item a 'path'`);
  }
  if (mapping === 'basename') {
    if (segments.length === 0) throw new Error(`${indexPath}, line ${item.line}: '${item.url}' has no file name in its path; give the item a 'path' or use --map urlpath`);
    return segments[segments.length - 1];
  }
  return [url.host, ...segments].join('/');
}

export interface SplitViewOptions {
  mapping: Exclude<SplitViewMapping, 'column'>;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

export async function checkSplitView(indexPath: string, directory: string, options: SplitViewOptions): Promise<SplitViewResult> {
  const index = resolve(indexPath);
  const dir = resolve(directory);
  if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) throw new Error(`${dir}: not a folder`);
  const items = await readIndex(index);
  const byPath = new Map<string, IndexItem>();
  const mismatched: SplitViewItem[] = [];
  const missing: SplitViewItem[] = [];
  let ok = 0;
  let usedColumn = false;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (options.signal?.aborted) throw options.signal.reason;
    const path = localPath(item, options.mapping, index);
    usedColumn ||= item.path !== null;
    const full = resolve(dir, path);
    if (!full.startsWith(dir + sep)) throw new Error(`${index}, line ${item.line}: the path '${path}' leaves the folder ${dir}`);
    const earlier = byPath.get(path);
    if (earlier) throw new Error(`${index}, line ${item.line}: maps to '${path}' like line ${earlier.line}; give the items distinct 'path's or use another --map`);
    byPath.set(path, item);
    const size = await stat(full).then((s) => (s.isFile() ? s.size : -1), () => -1);
    const base = { line: item.line, url: item.url, path, expectedSha256: item.expected };
    if (size < 0) missing.push({ ...base, actualSha256: null, status: 'missing' });
    else {
      const actual = await sha256OfFile(full, size, { signal: options.signal });
      if (actual === item.expected) ok++;
      else mismatched.push({ ...base, actualSha256: actual, status: 'mismatch' });
    }
    options.onProgress?.((i + 1) / items.length);
  }
  const extra = (await listFiles(dir)).map((f) => relative(dir, f).split(sep).join('/')).filter((f) => !byPath.has(f) && resolve(dir, f) !== index).sort();
  return { index, directory: dir, mapping: usedColumn ? 'column' : options.mapping, checked: items.length, ok, mismatched, missing, extra };
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}
