import type { Host } from '../host/host.ts';

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the exit code. */
  run(argv: string[]): Promise<number>;
}

/** Wrong or missing arguments: reported with the command's usage and exit code 2. */
export class UsageError extends Error {}

/** Waits for a job; shows its progress on stderr when that is a terminal; throws its error if it failed. */
export async function settle(host: Host, jobId: string, label: string | null): Promise<void> {
  const tty = label !== null && process.stderr.isTTY;
  const off = tty
    ? host.on('jobUpdate', (job) => {
        if (job.id === jobId) process.stderr.write(`\r${label}: ${(job.progress.fraction * 100).toFixed(0).padStart(3)}% ${job.progress.stage.slice(0, 60).padEnd(60)}`);
      })
    : () => {};
  const final = await host.jobs.settled(jobId);
  off();
  if (tty) process.stderr.write('\r' + ' '.repeat(80) + '\r');
  if (final.status === 'failed') throw new Error(final.error ?? 'failed');
  if (final.status === 'cancelled') throw new Error('cancelled');
}

