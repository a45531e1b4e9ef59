import type { DatasetSummary } from './dataset.ts';
import type { ScanRequest, ScanResult } from './detectors.ts';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export const FINAL_STATUSES: readonly JobStatus[] = ['done', 'failed', 'cancelled'];

export interface JobProgress {
  /** In [0, 1]. */
  fraction: number;
  /** Short machine-stable stage name, e.g. "class 3/10". */
  stage: string;
  message: string;
}

/** Every job kind with the parameters it takes and the result it produces. */
export interface JobKinds {
  load: { params: import('./ingest.ts').LoadRequest; result: DatasetSummary };
  synthesize: { params: import('./dataset.ts').SyntheticSpec; result: DatasetSummary };
  scan: { params: ScanRequest; result: ScanResult };
  export: { params: { datasetId: string; path: string; excluded: number }; result: import('./dataset.ts').CleanedExport };
}

export type JobKind = keyof JobKinds;

export interface JobInfo<K extends JobKind = JobKind> {
  id: string;
  kind: K;
  params: JobKinds[K]['params'];
  status: JobStatus;
  progress: JobProgress;
  /** Set when status is "failed": what went wrong, naming the file, line or parameter. */
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export function isFinal(status: JobStatus): boolean {
  return FINAL_STATUSES.includes(status);
}
