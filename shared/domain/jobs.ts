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
  train: { params: import('./influence.ts').TrainRequest; result: import('./influence.ts').TrainedModel };
  influence: { params: import('./influence.ts').InfluenceRequest; result: import('./influence.ts').InfluenceRanking };
  selfInfluence: { params: import('./influence.ts').SelfInfluenceRequest; result: import('./influence.ts').SelfInfluenceResult };
  whatIf: { params: import('./influence.ts').WhatIfRequest; result: import('./influence.ts').WhatIfResult };
  certify: { params: import('./influence.ts').CertifyRequest; result: import('./influence.ts').CertifyResult };
  privacy: { params: import('./privacy.ts').PrivacyRequest; result: import('./privacy.ts').PrivacyReport };
  drift: { params: import('./drift.ts').DriftRequest; result: import('./drift.ts').DriftResult };
  monitor: { params: import('./drift.ts').MonitorRequest; result: import('./drift.ts').MonitorResult };
  manifest: { params: import('./provenance.ts').CreateManifestArgs; result: import('./provenance.ts').ManifestCreated };
  verifyManifest: { params: import('./provenance.ts').VerifyManifestArgs; result: import('./provenance.ts').ManifestVerification };
  report: { params: import('./report.ts').ExportReportArgs; result: import('./report.ts').ReportExported };
  splitview: { params: import('./provenance.ts').SplitViewArgs; result: import('./provenance.ts').SplitViewResult };
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
