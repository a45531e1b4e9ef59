/**
 * Ed25519 signing keys: generated or imported, written as PEM (private: PKCS#8, mode 0600; public: SPKI),
 * atomically, never over an existing key (a lost private key cannot be recovered).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { access, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { keyId } from './dsse.ts';

export interface KeyFiles {
  privatePath: string;
  publicPath: string;
  keyid: string;
}

/** Writes a key pair at `<prefix>.pem` and `<prefix>.pub`: generated, or the private key given. */
export async function writeKeyPair(prefix: string, imported: KeyObject | null, overwrite: boolean): Promise<KeyFiles> {
  const privateKey = imported ?? generateKeyPairSync('ed25519').privateKey;
  const publicKey = createPublicKey(privateKey);
  const privatePath = `${prefix}.pem`;
  const publicPath = `${prefix}.pub`;
  if (!overwrite) {
    for (const path of [privatePath, publicPath]) {
      if (await access(path).then(() => true, () => false)) throw new Error(`${path} already exists; choose another --out prefix (or --force to replace the key, which cannot be undone)`);
    }
  }
  // A new key folder is private to its owner (keys live apart from case folders, which are shared for review).
  await mkdir(dirname(privatePath), { recursive: true, mode: 0o700 });
  await writeFileAtomic(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
  await writeFileAtomic(publicPath, publicKey.export({ type: 'spki', format: 'pem' }) as string, { mode: 0o644 });
  return { privatePath, publicPath, keyid: keyId(publicKey) };
}

/** Reads an Ed25519 private key (PKCS#8 PEM, or an OpenSSH-converted PKCS#8); the message names the file. */
export async function readPrivateKey(path: string): Promise<KeyObject> {
  const text = await readKeyFile(path);
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch (error) {
    throw new Error(`${path}: not a PEM private key (${(error as Error).message}); give the .pem written by 'assay keygen'`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${path}: an ${key.asymmetricKeyType} key; Assay signs with Ed25519 keys ('assay keygen')`);
  return key;
}

/** Reads an Ed25519 public key (SPKI PEM); a private key file is accepted and its public half used. */
export async function readPublicKey(path: string): Promise<KeyObject> {
  const text = await readKeyFile(path);
  let key: KeyObject;
  try {
    key = createPublicKey(text);
  } catch (error) {
    throw new Error(`${path}: not a PEM public key (${(error as Error).message}); give the .pub written by 'assay keygen'`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${path}: an ${key.asymmetricKeyType} key; Assay verifies Ed25519 signatures`);
  return key;
}

async function readKeyFile(path: string): Promise<string> {
  return readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
}
