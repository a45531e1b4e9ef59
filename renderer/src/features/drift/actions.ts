/**
 * Starting drift and monitoring jobs from the drift tab and putting their results in the store. The job
 * runner shows progress and failures; this waits for the job's end and fetches its result.
 */
import type { DriftRequest, MonitorRequest } from '../../../../shared/domain/drift.ts';
import type { JobInfo } from '../../../../shared/domain/jobs.ts';
import { getClient } from '../../api/client.ts';
import { startJob, useStore } from '../../store/index.ts';

/** Resolves with the job's result once it is done; null when it failed or was cancelled. */
function whenDone(jobId: string): Promise<unknown> {
  return new Promise((resolve) => {
    const check = (): boolean => {
      const job = useStore.getState().jobs[jobId];
      if (!job || !['done', 'failed', 'cancelled'].includes(job.status)) return false;
      if (job.status !== 'done') resolve(null);
      else
        getClient()
          .getJobResult({ jobId })
          .then((r) => resolve(r.value))
          .catch((err: unknown) => {
            useStore.getState().showError('Drift result', err);
            resolve(null);
          });
      return true;
    };
    if (check()) return;
    const off = useStore.subscribe(() => {
      if (check()) off();
    });
  });
}

export async function runDrift(request: DriftRequest): Promise<void> {
  const job: JobInfo | null = await startJob('Drift', () => getClient().runDrift(request));
  if (!job) return;
  const result = (await whenDone(job.id)) as import('../../../../shared/domain/drift.ts').DriftResult | null;
  if (result) {
    const s = useStore.getState();
    s.setDriftResult(result);
    if (!s.driftColumn || !result.columns.some((c) => c.name === s.driftColumn)) {
      const worst = [...result.columns].sort((a, b) => b.psi - a.psi)[0];
      s.setDriftColumn(worst?.name ?? null);
    }
  }
}

export async function runMonitor(request: MonitorRequest): Promise<void> {
  const job = await startJob('Monitor snapshots', () => getClient().runMonitor(request));
  if (!job) return;
  const result = (await whenDone(job.id)) as import('../../../../shared/domain/drift.ts').MonitorResult | null;
  if (result) useStore.getState().setMonitorResult(result);
}
