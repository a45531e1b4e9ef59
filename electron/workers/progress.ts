import type { MessagePort } from 'node:worker_threads';

export interface WorkerProgress {
  /** In [0, 1] for this task. */
  fraction: number;
  message: string;
}

/**
 * A progress reporter for one task. Messages are throttled to one per 50 ms so a tight loop can report
 * freely without flooding the host; the final report (fraction 1) always goes out.
 */
export function progressReporter(port: MessagePort | undefined): (fraction: number, message?: string) => void {
  let last = 0;
  return (fraction, message = '') => {
    if (!port) return;
    const now = Date.now();
    if (fraction < 1 && now - last < 50) return;
    last = now;
    port.postMessage({ fraction: Math.max(0, Math.min(1, fraction)), message } satisfies WorkerProgress);
  };
}
