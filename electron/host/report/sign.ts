/**
 * Signed reports: a detached DSSE envelope beside the report (`<report>.dsse.json`) holding an in-toto
 * Statement whose subject is the report file and its SHA-256 and whose predicate binds it to the case's
 * audit-log head — signed with the same Ed25519 keys as manifests. Verification checks the signature, the
 * report's bytes against the subject digest, and that the head the report shows is the head that was signed.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { basename } from 'node:path';
import { IN_TOTO_PAYLOAD_TYPE, IN_TOTO_STATEMENT_TYPE, type DsseEnvelope } from '../../../shared/domain/provenance.ts';
import { REPORT_PREDICATE_TYPE } from '../../../shared/domain/report.ts';
import { signEnvelope, verifyEnvelope } from '../provenance/dsse.ts';
import { auditHeadIn } from './render.ts';

export interface ReportPredicate {
  caseId: string;
  caseName: string;
  auditHead: string;
  generatedAt: string;
  format: string;
  signedAt: string;
}

export function signReport(bytes: Uint8Array, fileName: string, predicate: Omit<ReportPredicate, 'signedAt'>, key: KeyObject, signedAt = new Date()): DsseEnvelope {
  const statement = {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: [{ name: basename(fileName), digest: { sha256: createHash('sha256').update(bytes).digest('hex') } }],
    predicateType: REPORT_PREDICATE_TYPE,
    predicate: { ...predicate, signedAt: signedAt.toISOString() } satisfies ReportPredicate,
  };
  return signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(JSON.stringify(statement), 'utf8'), key);
}

export interface ReportVerification {
  ok: boolean;
  sha256: string;
  /** The head the report shows (null for CSV, which has no place for it). */
  auditHead: string | null;
  signature: { valid: boolean; keyid: string; expectedKeyid: string; problem: string | null } | null;
  predicate: ReportPredicate | null;
  problems: string[];
}

export function verifyReport(bytes: Uint8Array, fileName: string, envelope: DsseEnvelope | null, publicKey: KeyObject | null): ReportVerification {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const auditHead = auditHeadIn(Buffer.from(bytes).toString('utf8'));
  const problems: string[] = [];
  if (!envelope) return { ok: false, sha256, auditHead, signature: null, predicate: null, problems: ['the report is not signed (no signature file beside it)'] };
  if (!publicKey) throw new Error('give the signer\'s public key (--pub key.pub) to verify the signature');
  const check = verifyEnvelope(envelope, publicKey);
  const signature = { valid: check.valid, keyid: check.keyid, expectedKeyid: check.expectedKeyid, problem: check.problem };
  if (!check.valid) problems.push(`signature: ${check.problem}`);
  let predicate: ReportPredicate | null = null;
  try {
    const statement = JSON.parse(check.payload.toString('utf8')) as { _type?: string; predicateType?: string; subject?: { name: string; digest: { sha256: string } }[]; predicate?: ReportPredicate };
    if (statement._type !== IN_TOTO_STATEMENT_TYPE || statement.predicateType !== REPORT_PREDICATE_TYPE) problems.push('the signed statement is not an Assay report statement');
    predicate = statement.predicate ?? null;
    const subject = statement.subject?.[0];
    if (!subject || subject.digest?.sha256 !== sha256) problems.push(`the report's SHA-256 ${sha256} is not the one signed (${subject?.digest?.sha256 ?? 'none'}): the file changed after signing`);
    else if (subject.name !== basename(fileName)) problems.push(`signed as '${subject.name}', checked as '${basename(fileName)}' (renamed; the bytes match)`);
    if (predicate && auditHead !== null && predicate.auditHead !== auditHead) problems.push(`the report shows audit head ${auditHead}, the signature covers ${predicate.auditHead}`);
  } catch {
    problems.push('the signed payload is not readable JSON');
  }
  // A renamed report with the right bytes is still the signed report: only note it.
  const fatal = problems.filter((p) => !p.startsWith('signed as'));
  return { ok: check.valid && fatal.length === 0, sha256, auditHead, signature, predicate, problems };
}
