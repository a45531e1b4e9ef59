/**
 * DSSE envelopes signed with Ed25519 (secure-systems-lab/dsse, protocol.md v1.0.0): the signature covers
 * PAE(payloadType, payload) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, LEN being the byte length
 * in ASCII decimal, so neither the type nor the body can be swapped without breaking it. Ed25519 is RFC 8032
 * (pure, no pre-hash) as Node's crypto implements it.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { DsseEnvelope } from '../../../shared/domain/provenance.ts';

/** Pre-Authentication Encoding of DSSE v1. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/** keyid: SHA-256 of the public key's DER SubjectPublicKeyInfo, hex — stable across PEM re-encodings. */
export function keyId(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex');
}

export function signEnvelope(payloadType: string, payload: Uint8Array, privateKey: KeyObject): DsseEnvelope {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`signing needs an Ed25519 key; this one is ${privateKey.asymmetricKeyType}`);
  const sig = sign(null, pae(payloadType, payload), privateKey);
  return { payload: Buffer.from(payload).toString('base64'), payloadType, signatures: [{ keyid: keyId(privateKey), sig: sig.toString('base64') }] };
}

export interface EnvelopeCheck {
  valid: boolean;
  keyid: string;
  expectedKeyid: string;
  problem: string | null;
  /** The decoded payload (only to be trusted when valid). */
  payload: Buffer;
}

/**
 * Verifies the envelope's signature by `publicKey`. Every signature whose keyid names this key is tried
 * (keyid is a hint, not authenticated: DSSE §"Signature verification").
 */
export function verifyEnvelope(envelope: DsseEnvelope, publicKey: KeyObject): EnvelopeCheck {
  const expectedKeyid = keyId(publicKey);
  const payload = Buffer.from(envelope.payload, 'base64');
  // Node's base64 decoder skips characters it does not know; re-encoding catches any altered character.
  const canonical = canonicalBase64(payload, envelope.payload);
  const mine = envelope.signatures.filter((s) => s.keyid === expectedKeyid || s.keyid === '');
  const base = { keyid: envelope.signatures[0]?.keyid ?? '', expectedKeyid, payload };
  if (envelope.signatures.length === 0) return { ...base, valid: false, problem: 'the envelope has no signatures' };
  if (!canonical) return { ...base, valid: false, problem: 'the payload is not canonical base64' };
  if (mine.length === 0) {
    return { ...base, valid: false, problem: `no signature by this key: the envelope is signed by ${envelope.signatures.map((s) => s.keyid.slice(0, 16)).join(', ')}…, the key given is ${expectedKeyid.slice(0, 16)}…` };
  }
  const message = pae(envelope.payloadType, payload);
  for (const s of mine) {
    const sig = Buffer.from(s.sig, 'base64');
    if (sig.length === 64 && canonicalBase64(sig, s.sig) && verify(null, message, publicKey, sig)) return { ...base, keyid: s.keyid, valid: true, problem: null };
  }
  return { ...base, keyid: mine[0].keyid, valid: false, problem: 'the signature does not verify: the payload, its type or the signature was changed after signing' };
}

/** Whether `text` is exactly the standard (padded) or URL-safe (unpadded) base64 of `bytes`; DSSE accepts both. */
function canonicalBase64(bytes: Buffer, text: string): boolean {
  return bytes.toString('base64') === text || bytes.toString('base64url') === text;
}
