/**
 * A manifest as a signed in-toto Statement v1 (in-toto/attestation spec/v1/statement.md): the subjects are
 * the files with their SHA-256, the predicate the manifest itself (Merkle roots, row counts, leaf hashes),
 * wrapped in a DSSE envelope of type application/vnd.in-toto+json — the shape sigstore model-transparency
 * signs with a key, offline. Verification checks the signature, then the files, down to the rows.
 */
import type { KeyObject } from 'node:crypto';
import {
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_TYPE,
  MANIFEST_PREDICATE_TYPE,
  type DsseEnvelope,
  type Manifest,
  type ManifestStatement,
  type ManifestVerification,
  type SignatureCheck,
} from '../../../shared/domain/provenance.ts';
import { merkleRootOfLeaves, toHex } from '../../../shared/engine/merkle.ts';
import { signEnvelope, verifyEnvelope } from './dsse.ts';
import { sha256 } from './hash-file.ts';
import { manifestRoot, parseManifest, verifyFiles, type VerifyFilesOptions } from './manifest.ts';

export function signManifest(manifest: Manifest, privateKey: KeyObject, signedAt = new Date()): DsseEnvelope {
  const statement: ManifestStatement = {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: manifest.files.map((f) => ({ name: f.path, digest: { sha256: f.sha256 } })),
    predicateType: MANIFEST_PREDICATE_TYPE,
    predicate: { signedAt: signedAt.toISOString(), manifest },
  };
  return signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(JSON.stringify(statement), 'utf8'), privateKey);
}

export function isEnvelope(value: unknown): value is DsseEnvelope {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.payload === 'string' && typeof v.payloadType === 'string' && Array.isArray(v.signatures);
}

/** Reads the envelope's statement; the message names the source and what is wrong. */
export function statementOf(envelope: DsseEnvelope, payload: Buffer, source: string): ManifestStatement {
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) throw new Error(`${source}: payloadType is '${envelope.payloadType}', expected '${IN_TOTO_PAYLOAD_TYPE}'`);
  let statement: Partial<ManifestStatement>;
  try {
    statement = JSON.parse(payload.toString('utf8'));
  } catch (error) {
    throw new Error(`${source}: the payload is not JSON (${(error as Error).message})`);
  }
  if (statement._type !== IN_TOTO_STATEMENT_TYPE) throw new Error(`${source}: the payload is not an in-toto Statement v1 (_type '${String(statement._type)}')`);
  if (statement.predicateType !== MANIFEST_PREDICATE_TYPE) throw new Error(`${source}: predicateType '${String(statement.predicateType)}' is not an Assay manifest (${MANIFEST_PREDICATE_TYPE})`);
  const manifest = parseManifest(statement.predicate?.manifest, `${source} (predicate.manifest)`);
  const subjects = statement.subject ?? [];
  const mismatch = manifest.files.find((f, i) => subjects[i]?.name !== f.path || subjects[i]?.digest?.sha256 !== f.sha256);
  if (subjects.length !== manifest.files.length || mismatch) throw new Error(`${source}: the statement's subjects do not match its manifest's files${mismatch ? ` (${mismatch.path})` : ''}`);
  return statement as ManifestStatement;
}

export interface VerifyDocumentOptions extends VerifyFilesOptions {
  /** Required for an envelope. */
  publicKey: KeyObject | null;
}

/**
 * Verifies a manifest or a signed manifest (envelope): signature first (a bad one still lists the files, so
 * the analyst sees what changed), then the manifest's own root, then every file.
 */
export async function verifyDocument(document: unknown, source: string, options: VerifyDocumentOptions): Promise<ManifestVerification> {
  let manifest: Manifest;
  let signature: SignatureCheck | null = null;
  if (isEnvelope(document)) {
    if (!options.publicKey) throw new Error(`${source} is signed: give the signer's public key (--pub key.pub) to verify it`);
    const check = verifyEnvelope(document, options.publicKey);
    let signedAt: string | null = null;
    try {
      const statement = statementOf(document, check.payload, source);
      manifest = statement.predicate.manifest;
      signedAt = statement.predicate.signedAt;
    } catch (error) {
      if (check.valid) throw error;
      // A changed byte can leave the payload unreadable: that is a failed signature, not a usage error.
      return {
        ok: false,
        manifestRoot: '',
        rootConsistent: false,
        signature: { keyid: check.keyid, expectedKeyid: check.expectedKeyid, valid: false, signedAt: null, problem: `${check.problem}; ${(error as Error).message}` },
        files: [],
      };
    }
    signature = { keyid: check.keyid, expectedKeyid: check.expectedKeyid, valid: check.valid, signedAt, problem: check.problem };
  } else {
    manifest = parseManifest(document, source);
  }
  // A hand-edited manifest: its root must follow from its files, each file's root from its leaf hashes.
  const rootConsistent =
    manifestRoot(manifest.files) === manifest.root &&
    manifest.files.every((f) => toHex(merkleRootOfLeaves(sha256, Buffer.from(f.leafHashes, 'base64'))) === f.merkleRoot);
  const files = await verifyFiles(manifest, options);
  return {
    ok: (signature === null || signature.valid) && rootConsistent && files.every((f) => f.status === 'ok'),
    manifestRoot: manifest.root,
    rootConsistent,
    signature,
    files,
  };
}
