/**
 * `assay audit verify <case>`: checks a case folder's audit log (the hash chain of shared/engine/audit-chain.ts)
 * against the length and head hash its case file recorded. Exit 0 when every entry verifies, 1 naming the
 * first entry that does not, 2 for bad arguments.
 */
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { AUDIT_FILE, CASE_FILE, parseCase } from '../../shared/domain/case.ts';
import { verifyAuditFile } from '../host/case/audit-log.ts';
import { documentHeader, UsageError, type Command } from './command.ts';
import { parseCommandArgs } from './options.ts';

const USAGE = `usage: assay audit verify <case folder> [--json OUT.json] [--quiet]
  --json               write the verification result (entries verified, head hash, first bad entry)
  --quiet              print nothing; the exit code says it (0 verified, 1 broken)`;

export const auditCommand: Command = {
  name: 'audit',
  summary: "verify a case's tamper-evident audit log (audit verify <case>)",
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseCommandArgs({ args: argv, allowPositionals: true, options: { json: { type: 'string' }, quiet: { type: 'boolean', default: false } } });
    const [action, folderArg, ...extra] = positionals;
    if (action !== 'verify') throw new UsageError(action === undefined ? 'which action? (verify)' : `unknown action '${action}' (verify)`);
    if (folderArg === undefined) throw new UsageError('which case folder?');
    if (extra.length) throw new UsageError(`one case folder, got ${extra.length + 1}`);
    const folder = resolve(folderArg);
    const say = (line: string) => {
      if (!values.quiet) console.log(line);
    };

    // The case file holds the log's expected length and head; without it a cut-off log cannot be told apart.
    let expected: { entries: number; head: string } | null = null;
    let caseNote = '';
    let caseText: string | null = null;
    try {
      caseText = await readFile(join(folder, CASE_FILE), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        try {
          await readFile(join(folder, AUDIT_FILE));
        } catch {
          throw new Error(`${folder} is not an Assay case folder: it has neither ${CASE_FILE} nor ${AUDIT_FILE}`);
        }
      }
      caseNote = `${join(folder, CASE_FILE)} cannot be read (${code ?? String(error)}): a cut-off log cannot be detected`;
    }
    if (caseText !== null) {
      const doc = parseCase(caseText, join(folder, CASE_FILE), basename(folder));
      if (doc.ok) expected = doc.document.audit;
      else caseNote = `${doc.message}: a cut-off log cannot be detected`;
    }
    const result = await verifyAuditFile(join(folder, AUDIT_FILE), expected);
    if (caseNote) console.error(`assay audit: ${caseNote}`);
    if (result.ok) say(`${join(folder, AUDIT_FILE)}: verified, ${result.verified} entries, head ${result.head}`);
    else {
      const bad = result.firstBad!;
      console.error(`${join(folder, AUDIT_FILE)}: BROKEN at entry ${bad.seq ?? '?'} (line ${bad.line}): ${bad.reason}`);
      say(`${result.verified} entries verified before it.`);
    }
    if (values.json) {
      const { entries, ...status } = result;
      await writeFileAtomic(
        values.json,
        JSON.stringify({ ...documentHeader('assay-audit-verify/1'), case: folder, expected, entries: entries.length, ...status }, null, 2) + '\n',
      );
    }
    return result.ok ? 0 : 1;
  },
};
