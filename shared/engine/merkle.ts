/**
 * Merkle tree hashing as in Certificate Transparency (RFC 6962 §2.1), with the hash function passed in so
 * this stays free of Node and DOM:
 *
 *   MTH({})        = HASH()                                   (the empty tree)
 *   leaf hash      = HASH(0x00 || d)                           (leaf)
 *   MTH(D[0:n])    = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n]))  k = largest power of two < n
 *
 * The 0x00/0x01 prefixes separate leaves from interior nodes, so no interior node can be passed off as a
 * leaf (the second-preimage attack on unprefixed trees). The builder below is streaming: it keeps one
 * perfect subtree per set bit of the leaf count (the "compact range"), so memory is O(log n) and folding
 * those subtrees right to left at the end gives exactly the RFC's split at the largest power of two.
 */

/** SHA-256 (or another hash) of the concatenation of its parts. */
export type HashFn = (...parts: Uint8Array[]) => Uint8Array;

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);

/** HASH(0x00 || data): the hash of one leaf (RFC 6962 §2.1). */
export function leafHash(hash: HashFn, data: Uint8Array): Uint8Array {
  return hash(LEAF, data);
}

/** HASH(0x01 || left || right): an interior node. */
export function nodeHash(hash: HashFn, left: Uint8Array, right: Uint8Array): Uint8Array {
  return hash(NODE, left, right);
}

/**
 * Streaming Merkle tree head over leaf hashes pushed in order.
 * @example
 *   const tree = new MerkleBuilder(sha256);
 *   for (const row of rows) tree.pushLeaf(leafHash(sha256, row));
 *   tree.root(); // equals MTH(rows) of RFC 6962
 */
export class MerkleBuilder {
  /** Perfect subtrees, largest (leftmost) first; sizes are distinct powers of two, decreasing. */
  private readonly hashes: Uint8Array[] = [];
  private readonly sizes: number[] = [];
  private count = 0;

  constructor(private readonly hash: HashFn) {}

  get leaves(): number {
    return this.count;
  }

  pushLeaf(leaf: Uint8Array): void {
    let h = leaf;
    let size = 1;
    // Merge with the previous subtree while it has the same size: a binary counter carrying.
    while (this.sizes.length > 0 && this.sizes[this.sizes.length - 1] === size) {
      h = nodeHash(this.hash, this.hashes.pop() as Uint8Array, h);
      this.sizes.pop();
      size *= 2;
    }
    this.hashes.push(h);
    this.sizes.push(size);
    this.count++;
  }

  /** The tree head of the leaves pushed so far (HASH() when there are none). */
  root(): Uint8Array {
    if (this.hashes.length === 0) return this.hash();
    let h = this.hashes[this.hashes.length - 1];
    for (let i = this.hashes.length - 2; i >= 0; i--) h = nodeHash(this.hash, this.hashes[i], h);
    return h;
  }
}

/** MTH over leaf hashes given as one buffer of `n` consecutive digests of `size` bytes. */
export function merkleRootOfLeaves(hash: HashFn, leaves: Uint8Array, size = 32): Uint8Array {
  const tree = new MerkleBuilder(hash);
  for (let o = 0; o < leaves.length; o += size) tree.pushLeaf(leaves.subarray(o, o + size));
  return tree.root();
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]];
  return s;
}
