/**
 * Worker: writes a cleaned copy of a dataset — every row except the excluded ones — in the input's format.
 * The source file is read again and never modified; the copy is written to a temporary file beside the
 * target, flushed, and renamed over it, so a crash leaves either the old target or the complete new one.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
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
  /** For datasets without a source file. */
  memory?: { header: string[]; rows: number; dims: number; features: Float32Array; labels: string[]; ids: string[] | null };
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
  const write = (text: string) => {
    hash.update(text);
    return out.write(text) ? null : new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  let rowsWritten = 0;
  let rowsExcluded = 0;
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
    } else if (task.memory) {
      const m = task.memory;
      await write(line(m.header));
      for (let i = 0; i < m.rows; i++) {
        if (exclude[i]) {
          rowsExcluded++;
          continue;
        }
        const values = Array.from(m.features.subarray(i * m.dims, (i + 1) * m.dims), (v) => String(v));
        await write(line([...(m.ids ? [m.ids[i]] : []), m.labels[i], ...values]));
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
  return { path: target, rowsWritten, rowsExcluded, sha256: hash.digest('hex') };
}
