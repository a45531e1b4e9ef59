import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyDocument } from '../../electron/host/provenance/attest.ts';
import { readPublicKey } from '../../electron/host/provenance/keys.ts';
import type { ManifestVerification, SplitViewResult } from '../../shared/domain/provenance.ts';
import { assay } from './run-assay.ts';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));

const header = 'id,label,x,y';
const row = (i: number) => `r${i},${i % 3 === 0 ? 'cat' : 'dog'},${(i * 0.25).toFixed(2)},"${i}, quoted"`;

describe('assay keygen / manifest create|sign|verify', () => {
  let dir: string;
  const csv = () => join(dir, 'train.csv');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'assay-provenance-'));
    writeFileSync(csv(), [header, ...Array.from({ length: 40 }, (_, i) => row(i))].join('\n') + '\n');
    expect((await assay(['keygen', '--out', 'signer'], dir)).code).toBe(0);
    expect((await assay(['keygen', '--out', 'other'], dir)).code).toBe(0);
    const create = await assay(['manifest', 'create', 'train.csv', '--id', 'id', '--out', 'm.json'], dir);
    expect(create.stderr).toBe('');
    expect(create.code).toBe(0);
    const sign = await assay(['manifest', 'sign', 'm.json', '--key', 'signer.pem', '--out', 'm.dsse.json'], dir);
    expect(sign.code).toBe(0);
  });

  it('writes the private key readable by its owner only and never replaces a key', async () => {
    expect(statSync(join(dir, 'signer.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'signer.pub'), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const before = readFileSync(join(dir, 'signer.pem'), 'utf8');
    const again = await assay(['keygen', '--out', 'signer'], dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/signer\.pem already exists/);
    expect(readFileSync(join(dir, 'signer.pem'), 'utf8')).toBe(before);
    // An imported key keeps its identity; a key of another type is refused.
    const imported = await assay(['keygen', '--import', 'signer.pem', '--out', 'copy'], dir);
    const original = await assay(['keygen', '--import', 'signer.pem', '--out', 'copy2'], dir);
    expect(imported.code).toBe(0);
    expect(imported.stdout.split('\n')[0]).toBe(original.stdout.split('\n')[0]);
    expect(readFileSync(join(dir, 'copy.pub'), 'utf8')).toBe(readFileSync(join(dir, 'signer.pub'), 'utf8'));
    const { generateKeyPairSync } = await import('node:crypto');
    writeFileSync(join(dir, 'rsa.pem'), generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const rsa = await assay(['keygen', '--import', 'rsa.pem', '--out', 'rsa-copy'], dir);
    expect(rsa.code).toBe(1);
    expect(rsa.stderr).toMatch(/rsa\.pem: an rsa key; Assay signs with Ed25519 keys/);
  });

  it('records per-file SHA-256, one leaf per CSV record and the row ids; the envelope is an in-toto statement', () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    const file = manifest.files[0];
    expect(file.path).toBe('train.csv');
    expect(file.sha256).toBe(createHash('sha256').update(readFileSync(csv())).digest('hex'));
    expect(file.rows).toBe(40);
    expect(file.ids).toEqual(Array.from({ length: 40 }, (_, i) => `r${i}`));
    const leaves = Buffer.from(file.leafHashes, 'base64');
    const record = Buffer.from(row(7));
    expect(leaves.subarray(7 * 32, 8 * 32).toString('hex')).toBe(createHash('sha256').update(Buffer.of(0)).update(record).digest('hex'));

    const envelope = JSON.parse(readFileSync(join(dir, 'm.dsse.json'), 'utf8'));
    expect(envelope.payloadType).toBe('application/vnd.in-toto+json');
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
    expect(statement._type).toBe('https://in-toto.io/Statement/v1');
    expect(statement.subject).toEqual([{ name: 'train.csv', digest: { sha256: file.sha256 } }]);
    expect(statement.predicate.manifest.root).toBe(manifest.root);
    const pub = readFileSync(join(dir, 'signer.pub'), 'utf8');
    const der = createHash('sha256').update(Buffer.from(pub.replace(/-----[^-]+-----|\s/g, ''), 'base64')).digest('hex');
    expect(envelope.signatures[0].keyid).toBe(der);
  });

  it('verifies the untouched data, naming the signer and the signing time', async () => {
    const run = await assay(['manifest', 'verify', 'm.dsse.json', '--pub', 'signer.pub', '--json', 'v.json'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/signature: valid, key [0-9a-f]{64}, signed at \d{4}-/);
    const v = JSON.parse(readFileSync(join(dir, 'v.json'), 'utf8')) as ManifestVerification;
    expect(v.ok).toBe(true);
    expect(v.files[0].status).toBe('ok');
  });

  it('lists exactly the rows edited, added and removed (by index, id and line)', async () => {
    const lines = [header, ...Array.from({ length: 40 }, (_, i) => row(i))];
    lines[1 + 5] = lines[1 + 5].replace(',dog,', ',cat,'); // r5: label flipped
    lines[1 + 22] = lines[1 + 22].replace('5.50', '5.51'); // r22: a feature nudged
    lines.splice(1 + 30, 1); // r30 removed
    lines.push('r99,cat,1.00,"new"'); // appended
    const edited = join(dir, 'edited.csv');
    writeFileSync(edited, lines.join('\n') + '\n');
    const run = await assay(['manifest', 'verify', 'm.dsse.json', '--pub', 'signer.pub', '--data', edited, '--json', 'diff.json'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/CHANGED/);
    const v = JSON.parse(readFileSync(join(dir, 'diff.json'), 'utf8')) as ManifestVerification;
    expect(v.signature?.valid).toBe(true);
    const diff = v.files[0].diff!;
    expect(diff.matchedBy).toBe('id');
    expect(diff.changed).toEqual([
      { oldIndex: 5, newIndex: 5, id: 'r5', line: 7 },
      { oldIndex: 22, newIndex: 22, id: 'r22', line: 24 },
    ]);
    expect(diff.removed).toEqual([{ oldIndex: 30, id: 'r30' }]);
    expect(diff.added).toEqual([{ newIndex: 39, id: 'r99', line: 41 }]);
    expect(diff.unchanged).toBe(37);
  });

  it('diffs by position when the id column is gone', async () => {
    const lines = ['label,x,y', ...Array.from({ length: 40 }, (_, i) => row(i).split(',').slice(1).join(','))];
    writeFileSync(join(dir, 'noid.csv'), lines.join('\n') + '\n');
    const run = await assay(['manifest', 'verify', 'm.json', '--data', join(dir, 'noid.csv'), '--json', 'noid.json'], dir);
    expect(run.code).toBe(1);
    const v = JSON.parse(readFileSync(join(dir, 'noid.json'), 'utf8')) as ManifestVerification;
    expect(v.files[0].headerChanged).toBe(true);
    expect(v.files[0].diff?.matchedBy).toBe('position');
    expect(v.files[0].diff?.changed).toHaveLength(40);
  });

  it('fails with the wrong public key, saying which key signed', async () => {
    const run = await assay(['manifest', 'verify', 'm.dsse.json', '--pub', 'other.pub'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/signature: INVALID \(no signature by this key/);
  });

  it('fails on every changed byte of the envelope', async () => {
    const original = readFileSync(join(dir, 'm.dsse.json'));
    const publicKey = await readPublicKey(join(dir, 'signer.pub'));
    const options = { publicKey, baseDir: dir, data: [] };
    expect((await verifyDocument(JSON.parse(original.toString('utf8')), 'm.dsse.json', options)).ok).toBe(true);
    // Every byte of the JSON text (the trailing newline is outside it), each with its lowest bit flipped.
    let failed = 0;
    for (let i = 0; i < original.length - 1; i++) {
      const bytes = Buffer.from(original);
      bytes[i] ^= 0x01;
      let ok: boolean;
      try {
        ok = (await verifyDocument(JSON.parse(bytes.toString('utf8')), 'tampered', options)).ok;
      } catch {
        ok = false; // unreadable JSON or no longer an envelope: rejected as well
      }
      expect(ok, `byte ${i} ('${String.fromCharCode(original[i])}') flipped`).toBe(false);
      failed++;
    }
    expect(failed).toBe(original.length - 1);
    // Through the command line too: one byte of the payload and one of the signature.
    for (const at of [original.indexOf('"payload":"') + 40, original.indexOf('"sig":"') + 10]) {
      const bytes = Buffer.from(original);
      bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
      writeFileSync(join(dir, 'tampered.json'), bytes);
      const run = await assay(['manifest', 'verify', 'tampered.json', '--pub', 'signer.pub'], dir);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/signature: INVALID/);
    }
  }, 120_000);

  it('detects a hand-edited manifest whose root no longer follows from its files', async () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    const leaves = Buffer.from(manifest.files[0].leafHashes, 'base64');
    leaves[0] ^= 1;
    manifest.files[0].leafHashes = leaves.toString('base64');
    writeFileSync(join(dir, 'hand.json'), JSON.stringify(manifest));
    const run = await assay(['manifest', 'verify', 'hand.json'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/DOES NOT follow from its files/);
  });

  it('names the row of a .npy matrix whose values changed', async () => {
    const npy = join(dir, 'x.npy');
    copyFileSync(join(fixtures, 'npy/c-le-f4.npy'), npy);
    expect((await assay(['manifest', 'create', 'x.npy', '--out', 'npy.json'], dir)).code).toBe(0);
    const bytes = readFileSync(npy);
    const manifest = JSON.parse(readFileSync(join(dir, 'npy.json'), 'utf8'));
    const rows = manifest.files[0].rows as number;
    bytes[bytes.length - 1] ^= 0x40; // the last row's last item
    writeFileSync(npy, bytes);
    const run = await assay(['manifest', 'verify', 'npy.json', '--json', 'npy-v.json'], dir);
    expect(run.code).toBe(1);
    const v = JSON.parse(readFileSync(join(dir, 'npy-v.json'), 'utf8')) as ManifestVerification;
    expect(v.files[0].diff?.changed).toEqual([{ oldIndex: rows - 1, newIndex: rows - 1, id: null, line: null }]);
  });

  it('exits 2 with the usage on bad arguments', async () => {
    const run = await assay(['manifest', 'sign', 'm.json'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--key KEY\.pem is required/);
  });
});

describe('assay splitview', () => {
  it.each(['index.csv', 'index.jsonl'])('lists changed, missing and extra items of %s', async (index) => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-splitview-'));
    const run = await assay(['splitview', join(fixtures, 'splitview', index), join(fixtures, 'splitview/items'), '--json', 'out.json'], dir);
    expect(run.code).toBe(1);
    const result = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as SplitViewResult;
    expect(result.checked).toBe(4);
    expect(result.ok).toBe(2);
    expect(result.mismatched.map((m) => [m.path, m.line])).toEqual([['b.txt', index === 'index.csv' ? 3 : 2]]);
    expect(result.mismatched[0].actualSha256).toBe(createHash('sha256').update(readFileSync(join(fixtures, 'splitview/items/b.txt'))).digest('hex'));
    expect(result.missing.map((m) => m.path)).toEqual(['c.txt']);
    expect(result.extra).toEqual(['extra.txt']);
    expect(run.stdout).toMatch(/CHANGED\s+b\.txt/);
  });

  it('names the line of a bad index entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-splitview-'));
    writeFileSync(join(dir, 'bad.csv'), 'url,sha256\nhttps://h/a.txt,abc\n');
    const run = await assay(['splitview', 'bad.csv', dir], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/bad\.csv, line 2: 'abc' is not a SHA-256/);
  });
});
