import { randomUUID } from 'node:crypto';
import { isFinal, type JobInfo, type JobKind, type JobKinds, type JobProgress } from '../../shared/domain/jobs.ts';

/** What a job's runner gets: a cancellation signal and a way to report progress. */
export interface JobContext {
  signal: AbortSignal;
  progress(fraction: number, stage: string, message?: string): void;
}

/** Pool-task options for a job: its cancel signal, and the task's progress mapped into [from, from + span) of the job under `stage`. */
export function workerProgress(ctx: JobContext, stage: string, from = 0, span = 1) {
  return { signal: ctx.signal, onProgress: (p: { fraction: number; message: string }) => ctx.progress(from + span * p.fraction, stage, p.message) };
}

/**
 * A job's pool tasks as one group: `signal` aborts them all when the job is cancelled or when a task wrapped in
 * `fail` fails (the others would be wasted work); `done` unhooks the group from the job's signal.
 */
export interface TaskGroup {
  signal: AbortSignal;
  fail: <T>(p: Promise<T>) => Promise<T>;
  done: () => void;
}

/** Abort the other tasks when one fails, or when the job is cancelled. */
export function linkedAbort(signal: AbortSignal): TaskGroup {
  const abort = new AbortController();
  const onCancel = () => abort.abort();
  signal.addEventListener('abort', onCancel);
  return {
    signal: abort.signal,
    fail: (p) =>
      p.catch((error: unknown) => {
        abort.abort();
        throw error;
      }),
    done: () => signal.removeEventListener('abort', onCancel),
  };
}

export type JobRunner<K extends JobKind> = (context: JobContext) => Promise<JobKinds[K]['result']>;

interface JobRecord {
  info: JobInfo;
  controller: AbortController;
  result?: unknown;
}

/**
 * Jobs: id, kind, parameters, status, progress and result for every operation that can take more than a
 * fraction of a second. Runners do their heavy work on the worker pool; this service only keeps the books
 * and tells listeners. Progress updates are coalesced to one per 100 ms per job; status changes go out at once.
 */
export class JobService {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly waiters = new Map<string, ((info: JobInfo) => void)[]>();

  constructor(private readonly emit: (job: JobInfo) => void) {}

  submit<K extends JobKind>(kind: K, params: JobKinds[K]['params'], runner: JobRunner<K>): JobInfo {
    const info: JobInfo = {
      id: `job-${randomUUID().slice(0, 8)}`,
      kind,
      params,
      status: 'queued',
      progress: { fraction: 0, stage: 'queued', message: '' },
      error: null,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
    };
    const record: JobRecord = { info, controller: new AbortController() };
    this.jobs.set(info.id, record);
    this.emit(snapshot(info));
    queueMicrotask(() => void this.execute(record, runner));
    return snapshot(info);
  }

  private async execute(record: JobRecord, runner: JobRunner<JobKind>): Promise<void> {
    const { info, controller } = record;
    if (controller.signal.aborted) return;
    info.status = 'running';
    info.startedAt = new Date().toISOString();
    info.progress = { fraction: 0, stage: 'starting', message: '' };
    this.emit(snapshot(info));
    const context: JobContext = {
      signal: controller.signal,
      progress: (fraction, stage, message = '') => {
        if (isFinal(info.status)) return;
        info.progress = { fraction: Math.max(0, Math.min(1, fraction)), stage, message } satisfies JobProgress;
        this.emitSoon(info);
      },
    };
    try {
      const result = await runner(context);
      if (isFinal(info.status)) return;
      record.result = result;
      this.finish(info, 'done', null);
    } catch (error) {
      if (isFinal(info.status)) return;
      if (controller.signal.aborted) this.finish(info, 'cancelled', null);
      else this.finish(info, 'failed', error instanceof Error ? error.message : String(error));
    }
  }

  /** Cancels a queued or running job; the runner's signal aborts its worker tasks, which ends their threads. */
  cancel(id: string): JobInfo {
    const record = this.record(id);
    if (!isFinal(record.info.status)) {
      this.finish(record.info, 'cancelled', null);
      record.controller.abort();
    }
    return snapshot(record.info);
  }

  get(id: string): JobInfo {
    return snapshot(this.record(id).info);
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((r) => snapshot(r.info));
  }

  result<K extends JobKind>(id: string): { kind: K; value: JobKinds[K]['result'] } {
    const record = this.record(id);
    if (record.info.status !== 'done') {
      throw new JobStateError(`job ${id} is ${record.info.status}; it has no result`);
    }
    return { kind: record.info.kind as K, value: record.result as JobKinds[K]['result'] };
  }

  /** Resolves when the job reaches a final status. */
  settled(id: string): Promise<JobInfo> {
    const info = this.record(id).info;
    if (isFinal(info.status)) return Promise.resolve(snapshot(info));
    return new Promise((resolve) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]));
  }

  private finish(info: JobInfo, status: 'done' | 'failed' | 'cancelled', error: string | null): void {
    info.status = status;
    info.error = error;
    info.finishedAt = new Date().toISOString();
    if (status === 'done') info.progress = { fraction: 1, stage: 'done', message: '' };
    const timer = this.pending.get(info.id);
    if (timer) clearTimeout(timer);
    this.pending.delete(info.id);
    this.emit(snapshot(info));
    for (const resolve of this.waiters.get(info.id) ?? []) resolve(snapshot(info));
    this.waiters.delete(info.id);
  }

  private emitSoon(info: JobInfo): void {
    if (this.pending.has(info.id)) return;
    this.pending.set(
      info.id,
      setTimeout(() => {
        this.pending.delete(info.id);
        if (!isFinal(info.status)) this.emit(snapshot(info));
      }, 100),
    );
  }

  private record(id: string): JobRecord {
    const record = this.jobs.get(id);
    if (!record) throw new JobStateError(`no job with id '${id}'`);
    return record;
  }
}

export class JobStateError extends Error {}

function snapshot(info: JobInfo): JobInfo {
  return { ...info, progress: { ...info.progress } };
}
