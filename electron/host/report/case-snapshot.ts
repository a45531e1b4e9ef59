/**
 * A case folder read without opening it for work: the case file (migrated and checked in memory, never
 * rewritten), its audit log verified, each referenced dataset file re-hashed. The command line reports on a
 * case this way, so generating a report leaves the case exactly as it was.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { AUDIT_FILE, CASE_FILE, parseCase, type CaseDatasetCheck, type CaseView } from '../../../shared/domain/case.ts';
import { verifyAuditFile } from '../case/audit-log.ts';
import { sha256OfFile } from '../provenance/hash-file.ts';

export async function readCaseSnapshot(folderArg: string): Promise<CaseView> {
  const folder = resolve(folderArg);
  const file = join(folder, CASE_FILE);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(error.code === 'ENOENT' ? `${folder} is not an Assay case folder: it has no ${CASE_FILE}` : `${file}: ${error.message}`);
  });
  const parsed = parseCase(text, file, basename(folder));
  if (!parsed.ok) throw new Error(parsed.message);
  const { document } = parsed;
  const audit = await verifyAuditFile(join(folder, AUDIT_FILE), document.audit);
  const datasets: CaseDatasetCheck[] = [];
  for (const d of document.datasets) {
    const base = { sha256: d.sha256, name: d.summary.name };
    if (d.source.kind === 'synthetic') {
      datasets.push({ ...base, path: null, status: 'generated', currentSha256: null, message: 'generated from its recorded parameters' });
      continue;
    }
    const path = d.source.request.path;
    const size = await stat(path).then((s) => s.size, () => -1);
    if (size < 0) {
      datasets.push({ ...base, path, status: 'missing', currentSha256: null, message: `${path} is missing` });
      continue;
    }
    const current = await sha256OfFile(path, size, {}).catch(() => null);
    datasets.push({
      ...base,
      path,
      status: current === null ? 'unreadable' : current === d.sha256 ? 'ok' : 'changed',
      currentSha256: current,
      message: current === null ? `${path} cannot be read` : current === d.sha256 ? 'same bytes as recorded' : `${path} changed since it was added (SHA-256 ${current.slice(0, 12)}…)`,
    });
  }
  return {
    folder,
    document,
    datasets,
    audit: { ok: audit.ok, verified: audit.verified, lines: audit.lines, head: audit.head, firstBad: audit.firstBad },
    problems: parsed.problems,
    migratedFrom: parsed.migratedFrom,
  };
}
