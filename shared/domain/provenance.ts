/**
 * Dataset provenance: manifests (per-file SHA-256, per-row hashes, Merkle roots), their DSSE-signed in-toto
 * statements, what a verification found, and the split-view check of URL-indexed datasets.
 *
 * The shapes follow sigstore model-transparency (per-file digests, a root digest, an in-toto Statement in
 * a DSSE envelope) and add what it lacks for tabular data: a row is hashed on its own, so a verifier can say
 * which rows changed, not only that the file did.
 */

export const MANIFEST_VERSION = 1;

/** The in-toto predicate type of a signed Assay manifest. */
export const MANIFEST_PREDICATE_TYPE = 'urn:assay:predicate:dataset-manifest:v1';
export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/**
 * What one row's canonical bytes are, by file kind:
 * - `csv-record` / `tsv-record`: the raw bytes of one data record as stored in the file, without its line
 *   terminator (LF or CRLF); a quoted field may span lines. The header record is hashed apart; blank records
 *   are not rows (the loader drops them too), so row i is the dataset's row i.
 * - `line` (JSON Lines, .txt such as an ids or labels file): the raw bytes of one non-blank line, without its
 *   terminator.
 * - `npy-row`: the bytes of one row of the matrix as stored (the file's dtype and byte order), gathered
 *   across the columns for Fortran-order files, so row i is the dataset's row i.
 * - `chunk`: any other file, in consecutive 64 KiB blocks: a verifier can say which byte ranges changed.
 */
export type RowKind = 'csv-record' | 'tsv-record' | 'line' | 'npy-row' | 'chunk';

export const CHUNK_BYTES = 64 * 1024;

export interface ManifestFile {
  /** Path relative to the manifest's folder when the file lies inside it (forward slashes), else absolute. */
  path: string;
  sizeBytes: number;
  /** SHA-256 of the whole file's bytes, hex. */
  sha256: string;
  rowKind: RowKind;
  rows: number;
  /** SHA-256 of the header record (CSV/TSV) or of the .npy header; null when the file has none. */
  headerSha256: string | null;
  /** RFC 6962 Merkle tree head over the rows' leaf hashes SHA-256(0x00 || row bytes), hex. */
  merkleRoot: string;
  /** The leaf hashes, 32 bytes each, concatenated in row order, base64. */
  leafHashes: string;
  /** Column whose values name the rows (CSV/TSV/JSONL), so a diff can name rows by id; null when none. */
  idColumn: string | null;
  /** Row ids in row order when idColumn is set. */
  ids: string[] | null;
}

export interface Manifest {
  manifestVersion: typeof MANIFEST_VERSION;
  createdAt: string;
  tool: { name: 'assay'; version: string };
  /** Leaves SHA-256(0x00 || bytes), nodes SHA-256(0x01 || left || right), split at the largest power of two. */
  merkle: 'rfc6962-sha256';
  files: ManifestFile[];
  /**
   * One Merkle root over the files, in the order listed: leaf i is the UTF-8 bytes of
   * `<path>\n<sha256>\n<merkleRoot>` of file i.
   */
  root: string;
}

/** DSSE envelope (secure-systems-lab/dsse, envelope.md). `payload` is base64 of the serialized statement. */
export interface DsseEnvelope {
  payload: string;
  payloadType: string;
  signatures: { keyid: string; sig: string }[];
}

/** An in-toto Statement v1 over the manifest's files. */
export interface ManifestStatement {
  _type: typeof IN_TOTO_STATEMENT_TYPE;
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: typeof MANIFEST_PREDICATE_TYPE;
  predicate: { signedAt: string; manifest: Manifest };
}

/** What changed between a manifest's rows and a file's current rows. Indices are zero-based data rows. */
export interface RowDiff {
  /** Rows present on both sides whose bytes differ: old index → new index. */
  changed: { oldIndex: number; newIndex: number; id: string | null; line: number | null }[];
  added: { newIndex: number; id: string | null; line: number | null }[];
  removed: { oldIndex: number; id: string | null }[];
  unchanged: number;
  /** How rows were paired: by id, or by position after aligning equal rows. */
  matchedBy: 'id' | 'position';
}

export interface FileVerification {
  path: string;
  /** The file checked (absolute), or null when it was not found. */
  checkedPath: string | null;
  status: 'ok' | 'changed' | 'missing';
  expectedSha256: string;
  actualSha256: string | null;
  expectedRoot: string;
  actualRoot: string | null;
  headerChanged: boolean;
  rows: { expected: number; actual: number | null };
  diff: RowDiff | null;
}

export interface SignatureCheck {
  /** keyid of the envelope's signature that was checked. */
  keyid: string;
  /** Fingerprint of the public key given to the verifier. */
  expectedKeyid: string;
  valid: boolean;
  signedAt: string | null;
  /** Why it failed, for the analyst. */
  problem: string | null;
}

export interface ManifestVerification {
  /** True when every file matches and, for an envelope, the signature is valid. */
  ok: boolean;
  manifestRoot: string;
  /** Whether the manifest's own root matches its file list (a hand-edited manifest fails here). */
  rootConsistent: boolean;
  signature: SignatureCheck | null;
  files: FileVerification[];
}

/** One item of a URL-indexed dataset, as checked against the downloaded copy. */
export interface SplitViewItem {
  /** 1-based line of the index file. */
  line: number;
  url: string;
  /** Local path, relative to the download folder. */
  path: string;
  expectedSha256: string;
  actualSha256: string | null;
  status: 'ok' | 'mismatch' | 'missing';
}

export interface SplitViewResult {
  index: string;
  directory: string;
  /** How a URL was turned into a local path. */
  mapping: SplitViewMapping;
  checked: number;
  ok: number;
  mismatched: SplitViewItem[];
  missing: SplitViewItem[];
  /** Files in the folder that no index item names (relative paths). */
  extra: string[];
}

/**
 * URL → local file rule, unless the index has a `path` (or `file`, `filename`) column, which wins:
 * - `basename`: the last segment of the URL's path, percent-decoded (`https://h/a/b.jpg?x=1` → `b.jpg`);
 * - `urlpath`: host and path as folders (`https://h/a/b.jpg` → `h/a/b.jpg`), for mirrors such as `wget -x`;
 * - `sha256`: the file is named by its expected digest (content-addressed stores).
 */
export type SplitViewMapping = 'column' | 'basename' | 'urlpath' | 'sha256';

/** A manifest as the UI lists it after creating one (the manifest itself is written to `path`). */
export interface ManifestCreated {
  path: string;
  root: string;
  files: { path: string; rows: number; rowKind: RowKind; sha256: string; merkleRoot: string }[];
}

export interface CreateManifestArgs {
  paths: string[];
  /** Where the manifest is written (JSON); refused when it exists unless `overwrite`. */
  out: string;
  idColumn: string | null;
  overwrite: boolean;
}

export interface SignManifestArgs {
  manifestPath: string;
  keyPath: string;
  out: string;
  overwrite: boolean;
}

export interface VerifyManifestArgs {
  /** A manifest or a signed manifest (DSSE envelope). */
  path: string;
  /** The signer's public key; required for an envelope. */
  publicKeyPath: string | null;
  /** Files to check instead of the recorded paths. */
  data: string[];
}

export interface SplitViewArgs {
  index: string;
  directory: string;
  mapping: Exclude<SplitViewMapping, 'column'>;
}

export interface KeyPairFiles {
  privatePath: string;
  publicPath: string;
  keyid: string;
}

/**
 * Where an analyst's key pair lives by default: a private folder in the home folder, never a case folder
 * (a case is handed to reviewers; the private key must not travel with it).
 */
export function defaultKeyPrefix(home: string, analyst: string): string {
  const name = analyst.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'analyst';
  return `${home}/.assay/keys/${name}`;
}
