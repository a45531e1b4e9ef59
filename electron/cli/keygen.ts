/** `assay keygen`: an Ed25519 key pair for signing manifests and reports, generated or imported. */
import { readPrivateKey, writeKeyPair } from '../host/provenance/keys.ts';
import { UsageError, type Command } from './command.ts';
import { parseCommandArgs } from './options.ts';

const USAGE = `usage: assay keygen --out PREFIX [--import KEY.pem] [--force]
  writes PREFIX.pem (the private key, PKCS#8 PEM, readable by you only: mode 0600) and PREFIX.pub (the public
  key, SPKI PEM, to give to verifiers), and prints the key id (SHA-256 of the public key) that signatures carry
  --import  take this Ed25519 private key (PEM) instead of generating one
  --force   replace existing PREFIX.pem/PREFIX.pub (the old private key is gone for good)`;

export const keygenCommand: Command = {
  name: 'keygen',
  summary: 'generate or import an Ed25519 key pair for signing manifests and reports',
  usage: USAGE,
  async run(argv) {
    const { values } = parseCommandArgs({ args: argv, options: { out: { type: 'string' }, import: { type: 'string' }, force: { type: 'boolean', default: false } } });
    if (!values.out) throw new UsageError('--out PREFIX is required');
    const imported = values.import ? await readPrivateKey(values.import) : null;
    const files = await writeKeyPair(values.out, imported, values.force ?? false);
    console.log(`key id ${files.keyid}\nprivate key ${files.privatePath} (keep it secret)\npublic key  ${files.publicPath}`);
    return 0;
  },
};
