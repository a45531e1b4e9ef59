import type { JobKind, JobKinds } from '../../shared/domain/jobs.ts';
import writeFileAtomic from 'write-file-atomic';
import { appVersion, samplePath } from '../host/app-root.ts';
import { createHost, type Host } from '../host/host.ts';

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the exit code. */
  run(argv: string[]): Promise<number>;
}

/** Wrong or missing arguments: reported with the command's usage and exit code 2. */
export class UsageError extends Error {}

/** Runs the subcommand argv[0] names (`assay manifest verify …`) with the rest of argv. */
export async function runSubcommand(argv: string[], subcommands: Record<string, (argv: string[]) => Promise<number>>): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== undefined && Object.hasOwn(subcommands, sub)) return subcommands[sub](rest);
  const names = Object.keys(subcommands);
  const choices = `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
  throw new UsageError(sub === undefined ? `${choices}?` : `unknown subcommand '${sub}'; use ${choices}`);
}

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

/** A command's host, and the waits for its jobs, which show progress unless the command is quiet. */
export interface CliSession {
  host: Host;
  wait(jobId: string, label: string): Promise<void>;
  /** wait, then the job's result. */
  outcome<K extends JobKind>(jobId: string, label: string): Promise<JobKinds[K]['result']>;
}

/** Runs `work` with a host of its own (the worker pool sized by --threads), closed however `work` ends. */
export async function withHost<R>(options: { threads: number | undefined; quiet: boolean }, work: (session: CliSession) => Promise<R>): Promise<R> {
  const host = createHost({ transport: 'cli', samplePath: samplePath(), threads: options.threads });
  const wait = (jobId: string, label: string) => settle(host, jobId, options.quiet ? null : label);
  const outcome = async <K extends JobKind>(jobId: string, label: string) => {
    await wait(jobId, label);
    return host.jobs.result<K>(jobId).value;
  };
  try {
    return await work({ host, wait, outcome });
  } finally {
    await host.close();
  }
}

/** What every --json document starts with: its format and the tool that wrote it, so a pipeline can check both. */
export function documentHeader(format: string) {
  return { format, tool: { name: 'assay', version: appVersion() } };
}

/** Writes a --json document as one line, atomically, and says so unless quiet. */
export async function writeJsonDocument(path: string, document: unknown, quiet: boolean): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(document) + '\n');
  if (!quiet) console.log(`wrote ${path}`);
}
