/**
 * Reading and writing case.json. Every save is atomic (write-file-atomic: a temporary file, fsync, rename),
 * so a crash at any moment leaves either the previous or the new file, never a mix. On each successful open
 * the file is also copied to case.backup.json; a case file that later turns out unreadable (edited by hand,
 * damaged by a disk) opens from that copy, and the damaged file is kept beside it under a dated name —
 * nothing the analyst saved is overwritten.
 */
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { CASE_FILE, parseCase, type CaseDocument, type CaseProblem } from '../../../shared/domain/case.ts';
import { HostError } from '../errors.ts';

export const BACKUP_FILE = 'case.backup.json';

export async function saveCaseFile(folder: string, document: CaseDocument): Promise<void> {
  await writeFileAtomic(join(folder, CASE_FILE), JSON.stringify(document, null, 2) + '\n');
}

/** Makes `document` the recovery copy (after a repaired or migrated case file was saved). */
export async function saveBackupFile(folder: string, document: CaseDocument): Promise<void> {
  await writeFileAtomic(join(folder, BACKUP_FILE), JSON.stringify(document, null, 2) + '\n');
}

export interface ReadCase {
  document: CaseDocument;
  migratedFrom: number | null;
  problems: CaseProblem[];
  /** The case file was not used as it is (damaged, repaired, or migrated): save the document at once. */
  rewrite: boolean;
}

/** Reads, migrates and validates case.json, falling back to case.backup.json when it cannot be read at all. */
export async function readCaseFile(folder: string, fallbackId: string): Promise<ReadCase> {
  const path = join(folder, CASE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new HostError('bad-request', code === 'ENOENT' ? `${folder} is not an Assay case folder: it has no ${CASE_FILE}` : `${path} cannot be read (${code ?? String(error)})`);
  }
  const parsed = parseCase(text, path, fallbackId);
  if (parsed.ok) {
    const rewrite = parsed.problems.some((p) => p.action !== 'kept') || parsed.migratedFrom !== null;
    if (rewrite) await keepDamaged(folder, parsed.migratedFrom !== null && parsed.problems.length === 0 ? `v${parsed.migratedFrom}` : 'damaged');
    else await writeFileAtomic(join(folder, BACKUP_FILE), text);
    return { document: parsed.document, migratedFrom: parsed.migratedFrom, problems: parsed.problems, rewrite };
  }
  let backupText: string;
  try {
    backupText = await readFile(join(folder, BACKUP_FILE), 'utf8');
  } catch {
    throw new HostError('bad-request', `${parsed.message}. There is no ${BACKUP_FILE} to recover from: fix the file by hand.`);
  }
  const backup = parseCase(backupText, join(folder, BACKUP_FILE), fallbackId);
  if (!backup.ok) throw new HostError('bad-request', `${parsed.message}; the copy ${BACKUP_FILE} cannot be read either (${backup.message})`);
  const kept = await keepDamaged(folder, 'damaged');
  return {
    document: backup.document,
    migratedFrom: backup.migratedFrom,
    problems: [
      { path: '', message: `${parsed.message}. Opened the copy saved when the case was last opened cleanly (${BACKUP_FILE}, saved ${backup.document.updatedAt}); the damaged file is kept as ${kept}`, action: 'defaulted' },
      ...backup.problems,
    ],
    rewrite: true,
  };
}

/** Copies case.json to case.<why>-<time>.json before it is replaced; returns the name. */
async function keepDamaged(folder: string, why: string): Promise<string> {
  const name = `case.${why}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  await copyFile(join(folder, CASE_FILE), join(folder, name));
  return name;
}
