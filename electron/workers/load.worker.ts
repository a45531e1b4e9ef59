/**
 * Worker: reads a dataset file into shared memory. Hashes the bytes while streaming them, so the SHA-256
 * costs no second read.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import Papa from 'papaparse';
import type { SyntheticSpec } from '../../shared/domain/dataset.ts';
import { generateSynthetic } from '../../shared/engine/synthetic.ts';
import { DataError, TableBuilder, type TableData, type TableRoles } from '../../shared/engine/table.ts';
import { progressReporter } from './progress.ts';

export interface LoadedTable extends TableData {
  sha256: string;
  sizeBytes: number;
}

const sharedFloat32 = (length: number) => new Float32Array(new SharedArrayBuffer(length * 4));

export async function loadCsv(task: { path: string; roles: TableRoles; progressPort?: MessagePort }): Promise<LoadedTable> {
  const { path, roles } = task;
  const report = progressReporter(task.progressPort);
  const name = basename(path);
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new DataError(path, 'is not a file');
    size = stat.size;
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (size === 0) throw new DataError(name, 'the file is empty');

  const hash = createHash('sha256');
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytesRead = 0;
  stream.on('data', (chunk) => {
    hash.update(chunk as Buffer);
    bytesRead += chunk.length;
    report(bytesRead / size, `read ${(bytesRead / 1e6).toFixed(1)} of ${(size / 1e6).toFixed(1)} MB`);
  });

  const table = await new Promise<TableData>((resolve, reject) => {
    let builder: TableBuilder | null = null;
    let line = 0;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      stream.destroy();
      reject(error);
    };
    Papa.parse<string[]>(stream as unknown as File, {
      delimiter: path.toLowerCase().endsWith('.tsv') ? '\t' : '',
      skipEmptyLines: 'greedy',
      step: (results, parser) => {
        if (failed) return;
        try {
          const fields = results.data;
          line++;
          if (builder === null) {
            builder = new TableBuilder(name, fields.map((f, i) => (i === 0 ? f.replace(/^\uFEFF/, '') : f).trim()), roles);
          } else {
            builder.addRow(fields, line);
          }
          // A quoted field may span lines; count them so messages name the right line.
          for (const f of fields) for (let at = f.indexOf('\n'); at >= 0; at = f.indexOf('\n', at + 1)) line++;
        } catch (error) {
          fail(error); // before abort(): abort() calls complete() synchronously
          parser.abort();
        }
      },
      complete: () => {
        if (failed) return;
        try {
          if (builder === null) throw new DataError(name, 'the file has no rows');
          resolve((builder as TableBuilder).finish(sharedFloat32));
        } catch (error) {
          fail(error);
        }
      },
      error: (error: Error) => fail(new DataError(name, `cannot be parsed: ${error.message}`)),
    });
  });
  report(1, 'done');
  // Features live on a SharedArrayBuffer: the host receives the same memory, not a copy.
  return { ...table, sha256: hash.digest('hex'), sizeBytes: size };
}

export function synthesize(task: { spec: SyntheticSpec; progressPort?: MessagePort }) {
  const report = progressReporter(task.progressPort);
  const data = generateSynthetic(task.spec, sharedFloat32, (f) => report(f * 0.95, 'generating rows'));
  const hash = createHash('sha256');
  hash.update(new Uint8Array(data.features.buffer, data.features.byteOffset, data.features.byteLength));
  hash.update(new Uint8Array(data.labels.buffer, data.labels.byteOffset, data.labels.byteLength));
  report(1, 'done');
  return { ...data, sha256: hash.digest('hex') };
}
