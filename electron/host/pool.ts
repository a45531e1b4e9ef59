import { availableParallelism } from 'node:os';
import { MessageChannel, type TransferListItem } from 'node:worker_threads';
import Piscina from 'piscina';
import type { WorkerProgress } from '../workers/progress.ts';

/** The worker modules of electron/workers, by file stem. */
export type WorkerName = 'load' | 'detect' | (string & {});

/**
 * Locates a worker module. From source (tests, CLI, served mode under tsx) the .ts file runs with the tsx
 * loader; from the bundle (electron-builder, `npm start`) the esbuild output sits in dist-electron/workers
 * (ES modules named .js; see scripts/build-electron.mjs for why they share chunks with piscina's bootstrap).
 */
export function workerFile(name: WorkerName, from: string = import.meta.url): { filename: string; execArgv: string[] } {
  if (from.endsWith('.ts')) {
    return { filename: new URL(`../workers/${name}.worker.ts`, from).href, execArgv: ['--import', tsxLoader()] };
  }
  return { filename: new URL(`./workers/${name}.worker.js`, from).href, execArgv: [] };
}

/** tsx's loader by absolute URL, so workers find it whatever the working directory. */
function tsxLoader(): string {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return 'tsx';
  }
}

/** Bounds [b[i], b[i+1]) splitting n items into `parts` nearly equal tasks for the pool. */
export function taskBounds(n: number, parts: number): number[] {
  return Array.from({ length: parts + 1 }, (_, i) => Math.round((i * n) / parts));
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: WorkerProgress) => void;
  transferList?: TransferListItem[];
  /** Overrides where the worker module is found (tests use their own workers). */
  filename?: string;
}

/**
 * One pool of worker threads for all heavy work (piscina: queueing, thread reuse, abort by terminating the
 * thread). Each task gets its own MessageChannel for progress, closed when the task ends.
 */
export class WorkerPool {
  private readonly piscina: Piscina;

  constructor(options: { threads?: number; execArgv?: string[] } = {}) {
    const threads = Math.max(1, options.threads ?? availableParallelism());
    this.piscina = new Piscina({
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: 30_000,
      execArgv: options.execArgv ?? workerFile('detect').execArgv,
    });
  }

  get threads(): number {
    return this.piscina.options.maxThreads;
  }

  async run<T>(worker: WorkerName, fn: string, task: Record<string, unknown>, options: RunOptions = {}): Promise<T> {
    const channel = new MessageChannel();
    if (options.onProgress) {
      const listener = options.onProgress;
      channel.port1.on('message', (message: WorkerProgress) => listener(message));
    }
    try {
      return (await this.piscina.run(
        { ...task, progressPort: channel.port2 },
        {
          filename: options.filename ?? workerFile(worker).filename,
          name: fn,
          signal: options.signal ?? null,
          transferList: [channel.port2, ...(options.transferList ?? [])],
        },
      )) as T;
    } finally {
      channel.port1.close();
    }
  }

  async close(): Promise<void> {
    await this.piscina.close({ force: true });
  }
}
