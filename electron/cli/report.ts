/**
 * `assay report build|verify`: a case's investigation report as HTML, JSON, CSV or SARIF, optionally signed
 * (detached DSSE envelope beside it), and the check of a report against its signature and its case.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { AUDIT_FILE } from '../../shared/domain/case.ts';
import type { DsseEnvelope } from '../../shared/domain/provenance.ts';
import { FORMAT_EXTENSIONS, REPORT_FORMATS, REPORT_SECTIONS, type ReportFormat, type ReportSection } from '../../shared/domain/report.ts';
import { REPORT_JSON_SCHEMA } from '../../shared/engine/report/schema.ts';
import { appVersion } from '../host/app-root.ts';
import { verifyAuditFile } from '../host/case/audit-log.ts';
import { isEnvelope } from '../host/provenance/attest.ts';
import { readPrivateKey, readPublicKey } from '../host/provenance/keys.ts';
import { readJson } from '../host/provenance/manifest.ts';
import { buildReportInput } from '../host/report/build-input.ts';
import { readCaseSnapshot } from '../host/report/case-snapshot.ts';
import { idsFromSources } from '../host/report/row-ids.ts';
import { renderReport } from '../host/report/render.ts';
import { signReport, verifyReport } from '../host/report/sign.ts';
import { runSubcommand, UsageError, type Command } from './command.ts';
import { parseSubcommandArgs } from './options.ts';

const USAGE = `usage: assay report build <case folder> --out REPORT.html|.json|.csv|.sarif [--format F] [--sections S,…|--omit S,…]
                          [--analyst NAME] [--key KEY.pem]
       assay report verify <REPORT> [--pub KEY.pub] [--sig REPORT.dsse.json] [--case FOLDER] [--json OUT.json]
       assay report schema [--out SCHEMA.json]
  build     the case's report; the format follows the extension unless --format says (html, json, csv, sarif;
            PDF comes from the desktop app, or from the HTML through a browser's Print)
    --sections  the sections to include, in order (default: all): ${REPORT_SECTIONS.join(', ')}
    --omit      sections to leave out
    --key       sign the report: writes REPORT.dsse.json (in-toto statement over the report's SHA-256 and the
                case's audit-log head, DSSE, Ed25519)
  verify    check the signature beside the report (or --sig), that the report's bytes are the ones signed and
            that the audit head it shows is the one signed; with --case, that the head is an entry of that
            case's verified audit log
  schema    the JSON report's JSON Schema (draft 2020-12), to validate JSON reports with any validator
  exit code: 0 verified, 1 not (or unreadable), 2 bad arguments`;

export const reportCommand: Command = {
  name: 'report',
  summary: "build a case's investigation report (HTML, JSON, CSV, SARIF), sign it, verify it",
  usage: USAGE,
  run: (argv) => runSubcommand(argv, { build, verify, schema }),
};

function sectionList(raw: string, flag: string): ReportSection[] {
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of list) if (!(REPORT_SECTIONS as readonly string[]).includes(s)) throw new UsageError(`${flag}: unknown section '${s}'; sections: ${REPORT_SECTIONS.join(', ')}`);
  return list as ReportSection[];
}

async function build(argv: string[]): Promise<number> {
  const { values, positionals } = parseSubcommandArgs(argv, {
    out: { type: 'string' },
    format: { type: 'string' },
    sections: { type: 'string' },
    omit: { type: 'string' },
    analyst: { type: 'string' },
    key: { type: 'string' },
    quiet: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError('one case folder');
  if (typeof values.out !== 'string') throw new UsageError('--out REPORT is required');
  const fromExt = (Object.entries(FORMAT_EXTENSIONS).find(([, ext]) => extname(values.out as string).toLowerCase() === ext)?.[0] ?? null) as ReportFormat | null;
  const format = (typeof values.format === 'string' ? values.format : fromExt) as ReportFormat | null;
  if (format === null || !(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of html, json, csv, sarif (or give --out a matching extension), got '${values.format ?? extname(values.out)}'`);
  }
  if (format === 'pdf') throw new UsageError('PDF is made by the desktop app (Export report); from the command line, build the HTML and print it to PDF in a browser (it has a print stylesheet)');
  if (typeof values.sections === 'string' && typeof values.omit === 'string') throw new UsageError('choose --sections or --omit');
  let sections: ReportSection[] = [...REPORT_SECTIONS];
  if (typeof values.sections === 'string') sections = sectionList(values.sections, '--sections');
  if (typeof values.omit === 'string') {
    const omit = new Set(sectionList(values.omit, '--omit'));
    sections = sections.filter((s) => !omit.has(s));
  }
  const key = typeof values.key === 'string' ? await readPrivateKey(values.key) : null;
  const view = await readCaseSnapshot(positionals[0]);
  const input = await buildReportInput(view, {
    sections,
    toolVersion: appVersion(),
    analyst: typeof values.analyst === 'string' ? values.analyst : undefined,
    idsOf: idsFromSources(view),
  });
  const text = renderReport(input, format);
  const out = resolve(values.out);
  await writeFileAtomic(out, text);
  if (!values.quiet) console.log(`${input.verdict.headline}\nwrote ${values.out} (${format}, audit head ${input.custody.auditHead.slice(0, 16)}…${input.custody.verified ? '' : ', AUDIT LOG BROKEN'})`);
  if (key) {
    const envelope = signReport(Buffer.from(text, 'utf8'), out, { caseId: input.case.id, caseName: input.case.name, auditHead: input.custody.auditHead, generatedAt: input.generatedAt, format }, key);
    await writeFileAtomic(`${out}.dsse.json`, JSON.stringify(envelope) + '\n');
    if (!values.quiet) console.log(`signed with key ${envelope.signatures[0].keyid}: wrote ${values.out}.dsse.json`);
  }
  return 0;
}

async function schema(argv: string[]): Promise<number> {
  const { values, positionals } = parseSubcommandArgs(argv, { out: { type: 'string' } });
  if (positionals.length) throw new UsageError('schema takes no file; use --out');
  const text = JSON.stringify(REPORT_JSON_SCHEMA, null, 2) + '\n';
  if (typeof values.out === 'string') await writeFileAtomic(resolve(values.out), text);
  else process.stdout.write(text);
  return 0;
}

async function verify(argv: string[]): Promise<number> {
  const { values, positionals } = parseSubcommandArgs(argv, { pub: { type: 'string' }, sig: { type: 'string' }, case: { type: 'string' }, json: { type: 'string' }, quiet: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError('one report to verify');
  const path = resolve(positionals[0]);
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  const sigPath = typeof values.sig === 'string' ? resolve(values.sig) : `${path}.dsse.json`;
  let envelope: DsseEnvelope | null = null;
  const sigDocument = await readJson(sigPath).catch((error: Error) => {
    if (typeof values.sig === 'string' || !/no such file/.test(error.message)) throw error;
    return null;
  });
  if (sigDocument !== null) {
    if (!isEnvelope(sigDocument)) throw new Error(`${sigPath}: not a DSSE envelope`);
    envelope = sigDocument;
  }
  if (envelope && typeof values.pub !== 'string') throw new UsageError(`${basename(sigPath)} signs the report: give the signer's public key with --pub`);
  const result = verifyReport(bytes, path, envelope, typeof values.pub === 'string' ? await readPublicKey(values.pub) : null);
  let caseCheck: string | null = null;
  let caseOk = true;
  if (typeof values.case === 'string') {
    const head = result.predicate?.auditHead ?? result.auditHead;
    const log = await verifyAuditFile(join(resolve(values.case), AUDIT_FILE), null);
    const at = log.entries.findIndex((e) => e.hash === head);
    caseOk = log.ok && at >= 0;
    caseCheck = !log.ok
      ? `the case's audit log does not verify (${log.firstBad?.reason})`
      : at >= 0
        ? `the report is bound to entry ${log.entries[at].seq} of ${log.entries.length} of the case's verified audit log`
        : `the head ${head} is not an entry of the case's audit log: the report is not from this case, or the log was rewritten`;
  }
  const ok = result.ok && caseOk;
  if (!values.quiet) {
    const lines = [
      `${path}: SHA-256 ${result.sha256}`,
      result.signature
        ? result.signature.valid
          ? `signature: valid, key ${result.signature.keyid}, signed at ${result.predicate?.signedAt ?? '?'}`
          : `signature: INVALID (${result.signature.problem})`
        : 'signature: none',
      `audit-log head: ${result.predicate?.auditHead ?? result.auditHead ?? 'not shown (CSV)'}`,
      ...result.problems.map((p) => `problem: ${p}`),
      ...(caseCheck ? [`case: ${caseCheck}`] : []),
      ok ? 'verified' : 'verification FAILED',
    ];
    console.log(lines.join('\n'));
  }
  if (typeof values.json === 'string') await writeFileAtomic(resolve(values.json), JSON.stringify({ ...result, case: caseCheck, ok }) + '\n');
  return ok ? 0 : 1;
}
