import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashFile } from '../../electron/host/provenance/hash-file.ts';
import { diffRows } from '../../electron/host/provenance/row-diff.ts';
import { leafHash, MerkleBuilder, merkleRootOfLeaves, toHex, type HashFn } from '../../shared/engine/merkle.ts';
import { Random } from '../../shared/engine/random.ts';

/** Written by test/reference/make_merkle_fixtures.py (hashlib, the RFC's recursive definition). */
const fixture = JSON.parse(readFileSync(new URL('../fixtures/merkle.json', import.meta.url), 'utf8')) as {
  trees: { n: number; root: string }[];
  ct: { leaves: string[]; roots: string[] };
  csv: { file: string; sha256: string; header: string; leaves: string[]; lines: number[]; root: string };
};

const sha256: HashFn = (...parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('RFC 6962 Merkle tree head', () => {
  it('matches the recursive definition for 0…17, 31–33, 100 and 1000 leaves', () => {
    for (const { n, root } of fixture.trees) {
      const tree = new MerkleBuilder(sha256);
      for (let i = 0; i < n; i++) tree.pushLeaf(leafHash(sha256, utf8(`row ${i}`)));
      expect(tree.leaves).toBe(n);
      expect(toHex(tree.root()), `n = ${n}`).toBe(root);
    }
  });

  it("reproduces Certificate Transparency's published test vectors", () => {
    const tree = new MerkleBuilder(sha256);
    fixture.ct.leaves.forEach((hex, i) => {
      tree.pushLeaf(leafHash(sha256, Buffer.from(hex, 'hex')));
      expect(toHex(tree.root())).toBe(fixture.ct.roots[i]);
    });
    // The 8-leaf head as published in certificate-transparency's merkle_tree_test.cc.
    expect(toHex(tree.root())).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
    // The empty tree is the hash of nothing.
    expect(toHex(new MerkleBuilder(sha256).root())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('separates leaves from nodes: a node is not accepted as a leaf', () => {
    const a = leafHash(sha256, utf8('a'));
    const b = leafHash(sha256, utf8('b'));
    const two = new MerkleBuilder(sha256);
    two.pushLeaf(a);
    two.pushLeaf(b);
    const forged = new MerkleBuilder(sha256);
    forged.pushLeaf(leafHash(sha256, new Uint8Array([...a, ...b])));
    expect(toHex(forged.root())).not.toBe(toHex(two.root()));
  });

  it('folds concatenated leaf hashes the same way as the streaming builder', () => {
    const leaves = new Uint8Array(32 * 37);
    const tree = new MerkleBuilder(sha256);
    for (let i = 0; i < 37; i++) {
      const leaf = leafHash(sha256, utf8(`x${i}`));
      leaves.set(leaf, 32 * i);
      tree.pushLeaf(leaf);
    }
    expect(toHex(merkleRootOfLeaves(sha256, leaves))).toBe(toHex(tree.root()));
  });
});

describe('manifest row hashing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'assay-merkle-'));

  it('hashes each CSV record as its raw bytes: quoted line breaks and "" kept, a stray quote literal, CR and blank lines dropped', async () => {
    const path = join(dir, 'rows.csv');
    writeFileSync(path, Buffer.from(fixture.csv.file, 'base64'));
    const hashed = await hashFile(path, { idColumn: 'id' });
    expect(hashed.sha256).toBe(fixture.csv.sha256);
    expect(hashed.headerSha256).toBe(fixture.csv.header);
    expect(hashed.rows).toBe(fixture.csv.leaves.length);
    expect(Array.from(hashed.lines ?? [])).toEqual(fixture.csv.lines);
    expect(hashed.ids).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(hashed.merkleRoot).toBe(fixture.csv.root);
    fixture.csv.leaves.forEach((leaf, i) => expect(toHex(hashed.leaves.subarray(32 * i, 32 * i + 32))).toBe(leaf));
  });

  it('hashes .npy rows as stored, the same for C and Fortran order', async () => {
    const c = await hashFile(new URL('../fixtures/npy/c-le-f4.npy', import.meta.url).pathname, { idColumn: null });
    const f = await hashFile(new URL('../fixtures/npy/f-le-f4.npy', import.meta.url).pathname, { idColumn: null });
    expect(c.rows).toBeGreaterThan(1);
    expect(f.rows).toBe(c.rows);
    expect(f.merkleRoot).toBe(c.merkleRoot);
    expect(f.sha256).not.toBe(c.sha256);
  });

  it('splits other files into 64 KiB blocks', async () => {
    const path = join(dir, 'blob.bin');
    const bytes = new Uint8Array(3 * 65536 + 5).map((_, i) => (i * 7) & 255);
    writeFileSync(path, bytes);
    const hashed = await hashFile(path, { idColumn: null });
    expect(hashed.rows).toBe(4);
    const tree = new MerkleBuilder(sha256);
    for (let o = 0; o < bytes.length; o += 65536) tree.pushLeaf(leafHash(sha256, bytes.subarray(o, o + 65536)));
    expect(hashed.merkleRoot).toBe(toHex(tree.root()));
  });

  it('names the file and line of a JSON Lines record without the id key', async () => {
    const path = join(dir, 'rows.jsonl');
    writeFileSync(path, '{"id":"a","x":1}\n\n{"x":2}\n');
    await expect(hashFile(path, { idColumn: 'id' })).rejects.toThrow(/rows\.jsonl, line 3: the record has no 'id'/);
  });
});

describe('row diff', () => {
  const leavesOf = (rows: string[]) => {
    const out = new Uint8Array(32 * rows.length);
    rows.forEach((r, i) => out.set(sha256(utf8(r)), 32 * i));
    return out;
  };

  it('recovers planted edits exactly (random changes, insertions and deletions, brute-force truth)', () => {
    const rng = new Random(7);
    const random = () => rng.uniform();
    for (let trial = 0; trial < 40; trial++) {
      const n = 20 + Math.floor(random() * 300);
      const old = Array.from({ length: n }, (_, i) => `row ${trial}.${i}`);
      // Edit positions at least 3 apart so that each edit has one shortest explanation.
      const positions = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 === 1 && random() < 0.15);
      const cur: string[] = [];
      const truth = { changed: [] as [number, number][], added: [] as number[], removed: [] as number[] };
      for (let i = 0; i < n; i++) {
        const kind = positions.includes(i) ? Math.floor(random() * 3) : -1;
        if (kind === 0) {
          truth.changed.push([i, cur.length]);
          cur.push(`edited ${old[i]}`);
        } else if (kind === 1) {
          truth.added.push(cur.length);
          cur.push(`new before ${old[i]}`);
          cur.push(old[i]);
        } else if (kind === 2) truth.removed.push(i);
        else cur.push(old[i]);
      }
      const diff = diffRows({ leaves: leavesOf(old), ids: null }, { leaves: leavesOf(cur), ids: null });
      expect(diff.changed.map((c) => [c.oldIndex, c.newIndex])).toEqual(truth.changed);
      expect(diff.added.map((a) => a.newIndex)).toEqual(truth.added);
      expect(diff.removed.map((r) => r.oldIndex)).toEqual(truth.removed);
      expect(diff.unchanged).toBe(n - truth.changed.length - truth.removed.length);
    }
  });

  it('matches rows by id when both sides have unique ids, whatever the order', () => {
    const old = ['a:1', 'b:2', 'c:3', 'd:4'];
    const cur = ['d:4', 'c:30', 'a:1', 'e:5'];
    const diff = diffRows(
      { leaves: leavesOf(old), ids: ['a', 'b', 'c', 'd'] },
      { leaves: leavesOf(cur), ids: ['d', 'c', 'a', 'e'], lines: Int32Array.from([2, 3, 4, 5]) },
    );
    expect(diff.matchedBy).toBe('id');
    expect(diff.changed).toEqual([{ oldIndex: 2, newIndex: 1, id: 'c', line: 3 }]);
    expect(diff.added).toEqual([{ newIndex: 3, id: 'e', line: 5 }]);
    expect(diff.removed).toEqual([{ oldIndex: 1, id: 'b' }]);
    expect(diff.unchanged).toBe(2);
  });
});
