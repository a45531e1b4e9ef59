/** Worker: generates synthetic embedding datasets with a planted backdoor into shared memory. */
import { createHash } from 'node:crypto';
import type { MessagePort } from 'node:worker_threads';
import type { SyntheticSpec } from '../../shared/domain/dataset.ts';
import { generateSynthetic } from '../../shared/engine/synthetic.ts';
import { progressReporter } from './progress.ts';

const sharedFloat32 = (length: number) => new Float32Array(new SharedArrayBuffer(length * 4));

/** The generated features live on a SharedArrayBuffer: the host receives the same memory, not a copy. */
export function synthesize(task: { spec: SyntheticSpec; progressPort?: MessagePort }) {
  const report = progressReporter(task.progressPort);
  const data = generateSynthetic(task.spec, sharedFloat32, (f) => report(f * 0.95, 'generating rows'));
  // Generated data has no file: its digest covers the feature bytes and then the label bytes.
  const hash = createHash('sha256');
  hash.update(new Uint8Array(data.features.buffer, data.features.byteOffset, data.features.byteLength));
  hash.update(new Uint8Array(data.labels.buffer, data.labels.byteOffset, data.labels.byteLength));
  report(1, 'done');
  return { ...data, sha256: hash.digest('hex') };
}
