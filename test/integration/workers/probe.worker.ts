/** Test worker: misbehaves on request, so the job service's handling of slow, failing and dying tasks is tested. */
import type { MessagePort } from 'node:worker_threads';
import { progressReporter } from '../../../electron/workers/progress.ts';

export function spin(task: { seconds: number; progressPort?: MessagePort }): number {
  const report = progressReporter(task.progressPort);
  const end = Date.now() + task.seconds * 1000;
  let loops = 0;
  // Busy, never yielding: only terminating the thread can stop this.
  while (Date.now() < end) {
    loops++;
    if ((loops & 0xffff) === 0) report(1 - (end - Date.now()) / (task.seconds * 1000), 'spinning');
  }
  return loops;
}

export function fail(): never {
  throw new Error('probe worker failed on purpose');
}

export function die(): never {
  process.exit(3);
}

export function fillShared(task: { target: Int32Array; value: number }): number {
  task.target.fill(task.value);
  return task.target.length;
}

export function echo(task: { value: number }): number {
  return task.value;
}
