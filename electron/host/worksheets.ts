/**
 * Worksheets as files on the host: export as versioned JSON or as CSV (atomic: write-file-atomic writes a
 * temporary file, fsyncs and renames, so a crash leaves the old file or the new one), and import of any
 * version Assay has written (migrated by parseWorksheet, with what the migration assumed).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { parseWorksheet, WorksheetFormatError, type ParsedWorksheet, type Worksheet } from '../../shared/domain/worksheet.ts';
import { worksheetCsv } from '../../shared/engine/worksheet-csv.ts';
import { HostError } from './errors.ts';

export interface WorksheetExport {
  path: string;
  format: 'json' | 'csv';
  bytes: number;
}

export async function exportWorksheet(args: { worksheet: Worksheet; path: string; format: 'json' | 'csv'; overwrite: boolean }): Promise<WorksheetExport> {
  const target = resolve(args.path);
  const ext = extname(target).toLowerCase();
  if (ext !== `.${args.format}`) throw new HostError('bad-request', `${target}: a ${args.format.toUpperCase()} export needs a path ending in .${args.format}`);
  if (!args.overwrite && existsSync(target)) {
    throw new HostError('bad-request', `${target} already exists: choose another name, or confirm that it may be replaced`);
  }
  // The worksheet came through the contract's schema; its references are checked here, so a file Assay
  // writes is always one it can read back.
  let worksheet: Worksheet;
  try {
    worksheet = parseWorksheet(args.worksheet).worksheet;
  } catch (err) {
    if (err instanceof WorksheetFormatError) throw new HostError('bad-request', `the worksheet cannot be saved: ${err.message}`);
    throw err;
  }
  const text = args.format === 'json' ? JSON.stringify(worksheet, null, 2) + '\n' : worksheetCsv(worksheet);
  try {
    await writeFileAtomic(target, text);
  } catch (err) {
    throw new HostError('bad-request', `${target} cannot be written (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return { path: target, format: args.format, bytes: Buffer.byteLength(text) };
}

/** Line and column (1-based) of a character offset, for JSON syntax errors. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

export async function importWorksheet(path: string): Promise<ParsedWorksheet & { path: string }> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new HostError('bad-request', `${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const position = /position (\d+)/.exec(message);
    const where = position ? (({ line, column }) => `, line ${line}, column ${column}`)(lineColumn(text, Number(position[1]))) : '';
    throw new HostError('bad-request', `${file}${where}: not valid JSON (${message.replace(/ in JSON at position \d+.*$/, '')})`);
  }
  try {
    return { ...parseWorksheet(json), path: file };
  } catch (err) {
    if (err instanceof WorksheetFormatError) throw new HostError('bad-request', `${file}: ${err.message}`);
    throw err;
  }
}
