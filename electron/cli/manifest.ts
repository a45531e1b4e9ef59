/**
 * `assay manifest create|sign|verify`: dataset manifests with per-row hashes and Merkle roots, signed as
 * in-toto statements in DSSE envelopes, verified down to the rows that changed.
 */
import { dirname, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { FileVerification, ManifestVerification } from '../../shared/domain/provenance.ts';
import { appVersion } from '../host/app-root.ts';
import { isEnvelope, signManifest, verifyDocument } from '../host/provenance/attest.ts';
import { readPrivateKey, readPublicKey } from '../host/provenance/keys.ts';
import { createManifest, parseManifest, readJson } from '../host/provenance/manifest.ts';
import { runSubcommand, UsageError, type Command } from './command.ts';
import { parseSubcommandArgs } from './options.ts';

const USAGE = `usage: assay manifest create <file…> --out MANIFEST.json [--id COLUMN]
       assay manifest sign <MANIFEST.json> --key KEY.pem --out MANIFEST.dsse.json
       assay manifest verify <MANIFEST.json|MANIFEST.dsse.json> [--pub KEY.pub] [--data FILE …] [--json OUT.json]
  create   hash each file (SHA-256), each row (CSV/TSV record, JSON Lines/.txt line, .npy row; 64 KiB blocks
           of other files) and fold the rows into an RFC 6962 Merkle root; files inside the manifest's folder
           are recorded relative to it (the folder can move), others by absolute path
    --id   a CSV/TSV column or JSON Lines key naming the rows, so a diff names changed rows by id (other
           files are listed by row number)
  sign     wrap the manifest in an in-toto Statement v1 and sign it into a DSSE envelope with an Ed25519
           key ('assay keygen')
  verify   check the signature (needs --pub for an envelope), the manifest's roots, and every file; for a
           changed file, list the rows changed, added and removed
    --data   check these files instead of the recorded paths (matched by path or file name)
    --json   write the verification result
  exit code: 0 when everything verifies, 1 when anything does not (or cannot be read), 2 for bad arguments`;

export const manifestCommand: Command = {
  name: 'manifest',
  summary: 'create, sign and verify dataset manifests (per-row hashes, Merkle root, DSSE signature)',
  usage: USAGE,
  run: (argv) => runSubcommand(argv, { create, sign: signCommand, verify }),
};

async function create(argv: string[]): Promise<number> {
  const { values, positionals } = parseSubcommandArgs(argv, { out: { type: 'string' }, id: { type: 'string' }, quiet: { type: 'boolean' } });
  if (positionals.length === 0) throw new UsageError('which files?');
  if (typeof values.out !== 'string') throw new UsageError('--out MANIFEST.json is required');
  const out = resolve(values.out);
  const tty = !values.quiet && process.stderr.isTTY;
  const manifest = await createManifest(positionals, {
    baseDir: dirname(out),
    idColumn: typeof values.id === 'string' ? values.id : null,
    toolVersion: appVersion(),
    onProgress: tty ? (f, file) => process.stderr.write(`\rhashing ${file.slice(0, 50).padEnd(50)} ${(f * 100).toFixed(0).padStart(3)}%`) : undefined,
  });
  if (tty) process.stderr.write('\r' + ' '.repeat(70) + '\r');
  await writeFileAtomic(out, JSON.stringify(manifest) + '\n');
  if (!values.quiet) {
    for (const f of manifest.files) console.log(`${f.path}: ${f.rows} ${f.rowKind === 'chunk' ? 'blocks' : 'rows'}, SHA-256 ${f.sha256}, Merkle root ${f.merkleRoot}`);
    console.log(`manifest root ${manifest.root}\nwrote ${values.out}`);
  }
  return 0;
}

async function signCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseSubcommandArgs(argv, { key: { type: 'string' }, out: { type: 'string' }, quiet: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError('one manifest to sign');
  if (typeof values.key !== 'string') throw new UsageError('--key KEY.pem is required');
  if (typeof values.out !== 'string') throw new UsageError('--out MANIFEST.dsse.json is required');
  const document = await readJson(positionals[0]);
  if (isEnvelope(document)) throw new UsageError(`${positionals[0]} is already signed; sign the manifest itself`);
  const manifest = parseManifest(document, positionals[0]);
  const key = await readPrivateKey(values.key);
  const envelope = signManifest(manifest, key);
  await writeFileAtomic(resolve(values.out), JSON.stringify(envelope) + '\n');
  if (!values.quiet) console.log(`signed manifest root ${manifest.root} with key ${envelope.signatures[0].keyid}\nwrote ${values.out}`);
  return 0;
}

async function verify(argv: string[]): Promise<number> {
  const { values, positionals } = parseSubcommandArgs(argv, {
    pub: { type: 'string' },
    data: { type: 'string', multiple: true },
    json: { type: 'string' },
    quiet: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError('one manifest or signed manifest to verify');
  const source = positionals[0];
  const document = await readJson(source);
  const result = await verifyDocument(document, source, {
    publicKey: typeof values.pub === 'string' ? await readPublicKey(values.pub) : null,
    baseDir: dirname(resolve(source)),
    data: (values.data as string[] | undefined) ?? [],
  });
  if (!values.quiet) console.log(describeVerification(result));
  if (typeof values.json === 'string') await writeFileAtomic(resolve(values.json), JSON.stringify(result) + '\n');
  return result.ok ? 0 : 1;
}

const ROWS_LISTED = 50;

/** The verification as the analyst reads it: signature, roots, then each file with its row changes. */
export function describeVerification(v: ManifestVerification): string {
  const out: string[] = [];
  if (v.signature) {
    const s = v.signature;
    out.push(s.valid ? `signature: valid, key ${s.keyid}, signed at ${s.signedAt}` : `signature: INVALID (${s.problem})`);
  }
  if (v.manifestRoot) out.push(`manifest root ${v.manifestRoot}: ${v.rootConsistent ? 'consistent with its files' : 'DOES NOT follow from its files (the manifest was edited)'}`);
  for (const f of v.files) out.push(...describeFile(f));
  out.push(v.ok ? 'verified: every file matches' : 'verification FAILED');
  return out.join('\n');
}

function describeFile(f: FileVerification): string[] {
  if (f.status === 'missing') return [`${f.path}: MISSING${f.checkedPath ? ` (looked for ${f.checkedPath})` : ''}`];
  if (f.status === 'ok') return [`${f.path}: ok (SHA-256 ${f.expectedSha256}, ${f.rows.expected} rows)`];
  const d = f.diff;
  const lines = [
    `${f.path}: CHANGED — SHA-256 ${f.actualSha256} (manifest: ${f.expectedSha256}); rows ${f.rows.expected} → ${f.rows.actual}` +
      (d ? `; ${d.changed.length} changed, ${d.added.length} added, ${d.removed.length} removed, ${d.unchanged} unchanged (matched by ${d.matchedBy})` : '') +
      (f.headerChanged ? '; header changed' : ''),
    `  Merkle root ${f.actualRoot} (manifest: ${f.expectedRoot})${f.actualRoot === f.expectedRoot ? ': the rows are the same, only line ends or the header differ' : ''}`,
  ];
  if (!d) return lines;
  const where = (index: number, id: string | null, line: number | null) => `row ${index}${id !== null ? ` (id ${id})` : ''}${line !== null ? `, line ${line}` : ''}`;
  const items = [
    ...d.changed.map((c) => `  changed  ${where(c.newIndex, c.id, c.line)}${c.oldIndex !== c.newIndex ? ` (was row ${c.oldIndex})` : ''}`),
    ...d.added.map((a) => `  added    ${where(a.newIndex, a.id, a.line)}`),
    ...d.removed.map((r) => `  removed  ${where(r.oldIndex, r.id, null)} of the manifest`),
  ];
  lines.push(...items.slice(0, ROWS_LISTED));
  if (items.length > ROWS_LISTED) lines.push(`  … and ${items.length - ROWS_LISTED} more (--json lists them all)`);
  return lines;
}
