/**
 * How any feature starts a host job and how finished jobs reach the store. Features call `startJob`; results
 * of jobs started in this window are fetched once and put in the store — a dataset summary opens the
 * workspace, a spectral result goes to the triage views.
 */
import type { Unsubscribe } from '../../../shared/contract/api.ts';
import type { SpectralResult } from '../../../shared/domain/detectors.ts';
import { isFinal, type JobInfo } from '../../../shared/domain/jobs.ts';
import { getClient } from '../api/client.ts';
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

export function jobTitle(job: JobInfo): string {
  switch (job.kind) {
    case 'load': {
      const p = (job as JobInfo<'load'>).params.path;
      return `Open ${p.split(/[\\/]/).pop() || p}`;
    }
    case 'synthesize':
      return 'Generate synthetic dataset';
    case 'spectral':
      return 'Spectral signatures';
  }
}

async function settle(jobId: string): Promise<void> {
  const state = useStore.getState();
  const job = state.jobs[jobId];
  if (!job || !state.ownJobIds[jobId] || !isFinal(job.status) || settled.has(jobId)) return;
  settled.add(jobId);
  if (job.status === 'failed') {
    state.showError(jobTitle(job), job.error ?? 'The job failed without a message.');
    return;
  }
  if (job.status !== 'done') return;
  try {
    const result = await getClient().getJobResult({ jobId });
    const s = useStore.getState();
    if (result.kind === 'load' || result.kind === 'synthesize') {
      s.setDataset(result.value);
      s.setSpectral(null);
      s.selectClass(null);
      s.selectRow(null);
      s.setView('workspace');
    } else if (result.kind === 'spectral') {
      if (s.dataset?.id !== result.value.datasetId) return;
      if (!(result.value.labels instanceof Int32Array) || result.value.labels.length !== result.value.scores.length) {
        s.showError('Spectral signatures', 'The host sent a result without per-row class labels; the triage views cannot split rows by class.');
        return;
      }
      s.setSpectral(result.value);
      s.selectClass(mostSeparatedClass(result.value));
      s.selectRow(null);
    }
  } catch (err) {
    useStore.getState().showError(jobTitle(job), err);
  }
}

/** The class whose top eigenvalue stands furthest above its second (λ₁/λ₂): where a planted sub-population shows first. */
export function mostSeparatedClass(result: SpectralResult): number | null {
  let best: number | null = null;
  let bestRatio = -Infinity;
  for (const c of result.classes) {
    const [l1 = 0, l2 = 0] = c.eigenvalues;
    const ratio = l2 > 0 ? l1 / l2 : l1 > 0 ? Infinity : 0;
    if (ratio > bestRatio) {
      bestRatio = ratio;
      best = c.classIndex;
    }
  }
  return best;
}
