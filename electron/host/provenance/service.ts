/**
 * The provenance calls of the contract: manifests created and verified as jobs in the worker pool (the files
 * can be large), signing and key generation inline (a manifest and a key are small).
 */
import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type {
  CreateManifestArgs,
  KeyPairFiles,
  Manifest,
  ManifestCreated,
  ManifestVerification,
  SignManifestArgs,
  SplitViewArgs,
  SplitViewResult,
  VerifyManifestArgs,
} from '../../../shared/domain/provenance.ts';
import type { JobInfo } from '../../../shared/domain/jobs.ts';
import { appVersion } from '../app-root.ts';
import { HostError } from '../errors.ts';
import { workerProgress, type JobService } from '../jobs.ts';
import type { WorkerPool } from '../pool.ts';
import { isEnvelope, signManifest } from './attest.ts';
import { readPrivateKey, writeKeyPair } from './keys.ts';
import { parseManifest, readJson } from './manifest.ts';

export class ProvenanceService {
  constructor(
    private readonly pool: WorkerPool,
    private readonly jobs: JobService,
  ) {}

  async createManifest(args: CreateManifestArgs): Promise<JobInfo> {
    const out = resolve(args.out);
    if (!/\.json$/i.test(out)) throw new HostError('bad-request', `a manifest is JSON: give a path ending in .json, not '${out}'`);
    await refuseExisting(out, args.overwrite);
    const paths = args.paths.map((p) => resolve(p));
    return this.jobs.submit('manifest', { ...args, out, paths }, async (ctx) => {
      const manifest = await this.pool.run<Manifest>('provenance', 'create', { paths, baseDir: dirname(out), idColumn: args.idColumn, toolVersion: appVersion() }, workerProgress(ctx, 'hashing'));
      await writeFileAtomic(out, JSON.stringify(manifest) + '\n');
      return {
        path: out,
        root: manifest.root,
        files: manifest.files.map((f) => ({ path: f.path, rows: f.rows, rowKind: f.rowKind, sha256: f.sha256, merkleRoot: f.merkleRoot })),
      } satisfies ManifestCreated;
    });
  }

  async signManifest(args: SignManifestArgs): Promise<{ path: string; keyid: string; root: string }> {
    const out = resolve(args.out);
    await refuseExisting(out, args.overwrite);
    const source = resolve(args.manifestPath);
    const document = await asBadRequest(() => readJson(source));
    if (isEnvelope(document)) throw new HostError('bad-request', `${source} is already signed; sign the manifest itself`);
    const manifest = await asBadRequest(async () => parseManifest(document, source));
    const key = await asBadRequest(() => readPrivateKey(resolve(args.keyPath)));
    const envelope = signManifest(manifest, key);
    await writeFileAtomic(out, JSON.stringify(envelope) + '\n');
    return { path: out, keyid: envelope.signatures[0].keyid, root: manifest.root };
  }

  async verifyManifest(args: VerifyManifestArgs): Promise<JobInfo> {
    const path = resolve(args.path);
    const publicKeyPath = args.publicKeyPath === null ? null : resolve(args.publicKeyPath);
    const data = args.data.map((d) => resolve(d));
    return this.jobs.submit('verifyManifest', { path, publicKeyPath, data }, (ctx) =>
      this.pool.run<ManifestVerification>('provenance', 'verify', { path, baseDir: dirname(path), publicKeyPath, data }, workerProgress(ctx, 'verifying')),
    );
  }

  async checkSplitView(args: SplitViewArgs): Promise<JobInfo> {
    const params = { index: resolve(args.index), directory: resolve(args.directory), mapping: args.mapping };
    return this.jobs.submit('splitview', params, (ctx) => this.pool.run<SplitViewResult>('provenance', 'splitView', params, workerProgress(ctx, 'hashing items')));
  }

  async generateKeyPair(args: { prefix: string }): Promise<KeyPairFiles> {
    return asBadRequest(() => writeKeyPair(resolve(args.prefix), null, false));
  }
}

export async function refuseExisting(path: string, overwrite: boolean): Promise<void> {
  if (overwrite) return;
  if (await access(path).then(() => true, () => false)) throw new HostError('bad-request', `${path} already exists; choose another name or allow replacing it`);
}

/** File and format problems are the caller's to fix: reported as bad requests with their message. */
async function asBadRequest<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof HostError) throw error;
    throw new HostError('bad-request', error instanceof Error ? error.message : String(error));
  }
}
