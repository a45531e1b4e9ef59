/**
 * Worker: hashes files for a manifest, or verifies files against one, streaming (electron/host/provenance).
 * The host writes the manifest; this thread only reads.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Manifest, ManifestVerification, SplitViewArgs, SplitViewResult } from '../../shared/domain/provenance.ts';
import { verifyDocument } from '../host/provenance/attest.ts';
import { readPublicKey } from '../host/provenance/keys.ts';
import { createManifest, readJson } from '../host/provenance/manifest.ts';
import { checkSplitView } from '../host/provenance/splitview.ts';
import { progressReporter } from './progress.ts';

export async function create(task: { paths: string[]; baseDir: string; idColumn: string | null; toolVersion: string; progressPort?: MessagePort }): Promise<Manifest> {
  const report = progressReporter(task.progressPort);
  return createManifest(task.paths, { baseDir: task.baseDir, idColumn: task.idColumn, toolVersion: task.toolVersion, onProgress: (f, file) => report(f, `hashing ${file}`) });
}

export async function verify(task: { path: string; baseDir: string; publicKeyPath: string | null; data: string[]; progressPort?: MessagePort }): Promise<ManifestVerification> {
  const report = progressReporter(task.progressPort);
  const document = await readJson(task.path);
  return verifyDocument(document, task.path, {
    publicKey: task.publicKeyPath ? await readPublicKey(task.publicKeyPath) : null,
    baseDir: task.baseDir,
    data: task.data,
    onProgress: (f, file) => report(f, `checking ${file}`),
  });
}

export async function splitView(task: SplitViewArgs & { progressPort?: MessagePort }): Promise<SplitViewResult> {
  const report = progressReporter(task.progressPort);
  return checkSplitView(task.index, task.directory, { mapping: task.mapping, onProgress: (f) => report(f, 'hashing items') });
}
