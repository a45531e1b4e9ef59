import type { StateCreator } from 'zustand';
import type { JobInfo, JobStatus } from '../../../../shared/domain/jobs.ts';
import type { State } from '../../store/store.ts';

export interface JobsData {
  /** Every job this window has heard of, by id. */
  jobs: Record<string, JobInfo>;
  /** Job ids, newest first. */
  jobOrder: string[];
  /** Jobs started from this window: only their results are fetched and shown. */
  ownJobIds: Record<string, true>;
  /** The job the progress bar follows: the one most recently started here. */
  focusJobId: string | null;
}

export interface JobsSlice extends JobsData {
  /** Records a job state, never letting a late message move a job backwards (running → queued, done → running). */
  upsertJob(job: JobInfo): void;
  /** Marks a job as started from this window and puts it on the progress bar. */
  trackJob(job: JobInfo): void;
}

export const jobsInitial: JobsData = { jobs: {}, jobOrder: [], ownJobIds: {}, focusJobId: null };

const RANK: Record<JobStatus, number> = { queued: 0, running: 1, done: 2, failed: 2, cancelled: 2 };

export function newer(existing: JobInfo | undefined, incoming: JobInfo): boolean {
  if (!existing) return true;
  const a = RANK[existing.status];
  const b = RANK[incoming.status];
  if (b !== a) return b > a;
  if (a === 2) return false;
  return incoming.progress.fraction >= existing.progress.fraction || existing.status !== incoming.status;
}

export const createJobsSlice: StateCreator<State, [], [], JobsSlice> = (set) => ({
  ...jobsInitial,
  upsertJob: (job) =>
    set((s) => {
      if (!newer(s.jobs[job.id], job)) return {};
      const known = job.id in s.jobs;
      return {
        jobs: { ...s.jobs, [job.id]: job },
        jobOrder: known ? s.jobOrder : [job.id, ...s.jobOrder],
      };
    }),
  trackJob: (job) =>
    set((s) => {
      const existing = s.jobs[job.id];
      const keep = newer(existing, job) ? job : existing;
      return {
        jobs: { ...s.jobs, [job.id]: keep },
        jobOrder: existing ? s.jobOrder : [job.id, ...s.jobOrder],
        ownJobIds: { ...s.ownJobIds, [job.id]: true },
        focusJobId: job.id,
      };
    }),
});
