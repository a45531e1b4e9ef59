/**
 * How any feature starts a host job and how finished jobs reach the store. Features call `startJob`; results
 * of jobs started in this window are fetched once and put in the store — a dataset summary opens the
 * workspace, a scan result goes to the overview and triage views.
 */
import type { JobResult, Unsubscribe } from '../../../shared/contract/api.ts';
import type { DatasetSummary } from '../../../shared/domain/dataset.ts';
import { isFinal, type JobInfo } from '../../../shared/domain/jobs.ts';
import { jobTitle } from '../../../shared/domain/job-titles.ts';
import { getClient } from '../api/client.ts';
import { mostSuspiciousClass } from './scan-views.ts';
import { useStore } from './store.ts';

const settled = new Set<string>();

/** Subscribes the store to the host's job events and loads the jobs the host already knows. */
export function listenToJobs(): Unsubscribe {
  const client = getClient();
  const off = client.on('jobUpdate', (job) => {
    useStore.getState().upsertJob(job);
    void settle(job.id);
  });
  client
    .listJobs()
    .then((jobs) => {
      const { upsertJob } = useStore.getState();
      // Oldest first, so that the list ends newest first.
      for (const job of [...jobs].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) upsertJob(job);
    })
    .catch((err: unknown) => console.warn('Assay: could not list jobs', err));
  return off;
}

/** Starts a job with `call`; errors (bad arguments, unreadable file) go to the error banner under `context`. */
export async function startJob(context: string, call: () => Promise<JobInfo>): Promise<JobInfo | null> {
  const { clearError, showError, trackJob } = useStore.getState();
  clearError();
  try {
    const job = await call();
    trackJob(job);
    void settle(job.id);
    return job;
  } catch (err) {
    showError(context, err);
    return null;
  }
}

export async function cancelJob(jobId: string): Promise<void> {
  try {
    const job = await getClient().cancelJob({ jobId });
    useStore.getState().upsertJob(job);
    void settle(job.id);
  } catch (err) {
    useStore.getState().showError('Cancel job', err);
  }
}

/** Resolves with the job once the store has seen it reach a final status. */
function whenFinal(jobId: string): Promise<JobInfo> {
  return new Promise((resolve) => {
    let off: () => void = () => {};
    const check = () => {
      const job = useStore.getState().jobs[jobId];
      if (!job || !isFinal(job.status)) return false;
      off();
      resolve(job);
      return true;
    };
    if (!check()) off = useStore.subscribe(check);
  });
}

/**
 * Starts a job with `call` and waits for its result: null when it could not start, failed (`settle` puts the
 * reason in the error banner) or was cancelled; a result the host will not hand over goes to the banner under `context`.
 */
export async function runJobForResult(context: string, call: () => Promise<JobInfo>): Promise<JobResult | null> {
  const job = await startJob(context, call);
  if (!job) return null;
  const final = await whenFinal(job.id);
  if (final.status !== 'done') return null;
  try {
    return await getClient().getJobResult({ jobId: job.id });
  } catch (err) {
    useStore.getState().showError(context, err);
    return null;
  }
}


/** Shows `summary` in the workspace, with its last scan (if any) and a fresh triage state. */
export function openDataset(summary: DatasetSummary): void {
  const s = useStore.getState();
  s.setDataset(summary);
  const scan = s.scans[summary.id];
  s.clearOverrides();
  s.setSelection(null);
  s.selectClass(scan ? mostSuspiciousClass(scan) : null);
  s.selectRow(null);
  s.setWorkspaceTab(scan ? 'triage' : 'overview');
  s.setView('workspace');
  refreshDatasets();
}

/** Re-reads the datasets the host holds (the reference picker and the start screen list them). */
export function refreshDatasets(): void {
  getClient()
    .listDatasets()
    .then((list) => useStore.getState().setDatasets(list))
    .catch((err: unknown) => console.warn('Assay: could not list datasets', err));
}

/** The kinds whose results change the workspace itself: a dataset to show, a scan to triage, a written file. */
const SETTLED_HERE = new Set<JobInfo['kind']>(['load', 'synthesize', 'scan', 'export']);

async function settle(jobId: string): Promise<void> {
  const state = useStore.getState();
  const job = state.jobs[jobId];
  if (!job || !state.ownJobIds[jobId] || !isFinal(job.status) || settled.has(jobId)) return;
  settled.add(jobId);
  if (job.status === 'failed') {
    state.showError(jobTitle(job), job.error ?? 'The job failed without a message.');
    return;
  }
  // The other kinds' results are fetched by the feature that started them (influence, drift, privacy, …).
  if (job.status !== 'done' || !SETTLED_HERE.has(job.kind)) return;
  try {
    const result = await getClient().getJobResult({ jobId });
    const s = useStore.getState();
    if (result.kind === 'load' || result.kind === 'synthesize') {
      openDataset(result.value);
    } else if (result.kind === 'scan') {
      const scan = result.value;
      const n = scan.labels instanceof Int32Array ? scan.labels.length : -1;
      if (n < 0 || scan.runs.some((r) => r.scores.length !== n || r.flagged.length !== n)) {
        s.showError(jobTitle(job), 'The host sent a scan whose per-row arrays do not match its labels; the triage views cannot use it.');
        return;
      }
      s.setScan(scan);
      if (s.dataset?.id !== scan.datasetId) return;
      s.clearOverrides();
      s.setSelection(null);
      // With one detector the consensus only repeats it; otherwise keep the analyst's choice while it exists.
      if (scan.runs.length === 1) s.selectView(scan.runs[0].detector);
      else if (!scan.runs.some((r) => r.detector === s.selectedView)) s.selectView('consensus');
      s.selectClass(mostSuspiciousClass(scan));
      s.selectRow(null);
      s.setWorkspaceTab('triage');
    } else if (result.kind === 'export') {
      s.setCleanedExport(jobId, result.value);
    }
  } catch (err) {
    useStore.getState().showError(jobTitle(job), err);
  }
}
