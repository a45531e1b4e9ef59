/**
 * Worker: writes a cleaned copy of a dataset — every row except the excluded ones — in the input's format.
 * The source file is read again and never modified; the copy is written to a temporary file beside the
 * target, flushed, and renamed over it, so a crash leaves either the old target or the complete new one.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import Papa from 'papaparse';
import type { CleanedExport } from '../../shared/domain/dataset.ts';
import { progressReporter } from './progress.ts';


interface ExportTask {
  /** Source CSV/TSV, or null to write from memory (generated datasets). */
  source: string | null;
  target: string;
  /** 1 for data rows to leave out, by row position. */
  exclude: Uint8Array;
  /** Written from memory (no source to re-read, or one that does not line up row for row with the dataset). */
  memory?: {
    format: 'csv' | 'npy';
    header: string[];
    rows: number;
    dims: number;
    features: Float32Array;
    /** null: the dataset has no labels. */
    labels: string[] | null;
    ids: string[] | null;
  };
  progressPort?: MessagePort;
}

export async function writeCleaned(task: ExportTask): Promise<CleanedExport> {
  const report = progressReporter(task.progressPort);
  const { target, exclude } = task;
  if (!existsSync(dirname(target))) throw new Error(`${target}: the folder ${dirname(target)} does not exist`);
  if (task.source && target === task.source) throw new Error(`${target}: the cleaned copy cannot overwrite its source`);
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  const out = createWriteStream(temporary, { flags: 'wx' });
  const hash = createHash('sha256');
  const write = (chunk: string | Uint8Array) => {
    hash.update(chunk);
    return out.write(chunk) ? null : new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  let rowsWritten = 0;
  let rowsExcluded = 0;
  const companions: string[] = [];
  try {
    const delimiter = task.source?.toLowerCase().endsWith('.tsv') ? '\t' : ',';
    const line = (fields: string[]) => Papa.unparse([fields], { delimiter, newline: '\n' }) + '\n';
    if (task.source) {
      const size = statSync(task.source).size;
      let bytes = 0;
      const stream = createReadStream(task.source);
      stream.on('data', (chunk) => {
        bytes += chunk.length;
        report(bytes / size, 'writing');
      });
      let row = -1; // -1 is the header
      await new Promise<void>((resolve, reject) => {
        Papa.parse<string[]>(stream as unknown as File, {
          delimiter: delimiter === '\t' ? '\t' : '',
          skipEmptyLines: 'greedy',
          step: (results, parser) => {
            const keep = row < 0 || !exclude[row];
            if (row >= 0 && !keep) rowsExcluded++;
            if (keep) {
              if (row >= 0) rowsWritten++;
              const pending = write(line(results.data));
              if (pending) {
                parser.pause();
                void pending.then(() => parser.resume());
              }
            }
            row++;
          },
          complete: () => resolve(),
          error: (error: Error) => reject(new Error(`${task.source}: ${error.message}`)),
        });
      });
    } else if (task.memory?.format === 'npy') {
      const m = task.memory;
      const kept = m.rows - exclude.reduce((s, e) => s + e, 0);
      await write(npyHeader(kept, m.dims));
      for (let i = 0; i < m.rows; i++) {
        if (exclude[i]) {
          rowsExcluded++;
          continue;
        }
        // Typed arrays use the platform's byte order, little-endian on every platform Electron ships for.
        await write(new Uint8Array(m.features.buffer, m.features.byteOffset + i * m.dims * 4, m.dims * 4).slice());
        rowsWritten++;
        if ((i & 0x3fff) === 0) report(i / m.rows, 'writing');
      }
      // The matrix's labels file no longer lines up with it: write the kept rows' ids and labels beside it.
      if (m.labels || m.ids) {
        const rows = [[...(m.ids ? ['id'] : []), ...(m.labels ? ['label'] : [])]];
        for (let i = 0; i < m.rows; i++) if (!exclude[i]) rows.push([...(m.ids ? [m.ids[i]] : []), ...(m.labels ? [m.labels[i]] : [])]);
        companions.push(writeSmallAtomically(target.replace(/\.npy$/i, '.labels.csv'), Papa.unparse(rows, { newline: '\n' }) + '\n'));
      }
    } else if (task.memory) {
      const m = task.memory;
      await write(line(m.header));
      for (let i = 0; i < m.rows; i++) {
        if (exclude[i]) {
          rowsExcluded++;
          continue;
        }
        const values = Array.from(m.features.subarray(i * m.dims, (i + 1) * m.dims), (v) => String(v));
        await write(line([...(m.ids ? [m.ids[i]] : []), m.labels ? m.labels[i] : '', ...values]));
        rowsWritten++;
        if ((i & 0x3fff) === 0) report(i / m.rows, 'writing');
      }
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    const fd = openSync(temporary, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temporary, target);
  } catch (error) {
    out.destroy();
    rmSync(temporary, { force: true });
    throw error;
  }
  report(1, 'done');
  return { path: target, rowsWritten, rowsExcluded, sha256: hash.digest('hex'), companions };
}

/** A version 1.0 .npy header for a C-order little-endian float32 matrix, padded to 64 bytes (NEP 1). */
function npyHeader(rows: number, cols: number): Uint8Array {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const length = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10;
  const header = Buffer.alloc(10 + length, 0x20);
  header.write('\x93NUMPY', 0, 'latin1');
  header[6] = 1;
  header[7] = 0;
  header.writeUInt16LE(length, 8);
  header.write(dict, 10, 'latin1');
  header[10 + length - 1] = 0x0a;
  return header;
}

/** Write, flush, rename: a crash leaves the old file or the new one, never half of it. */
function writeSmallAtomically(path: string, text: string): string {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(temporary, text);
  const fd = openSync(temporary, 'r+');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(temporary, path);
  return path;
}
