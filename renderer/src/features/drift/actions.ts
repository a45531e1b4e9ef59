/**
 * Starting drift and monitoring jobs from the drift tab and putting their results in the store. The job
 * runner shows progress and failures, waits for the job's end and fetches its result.
 */
import type { DriftRequest, MonitorRequest } from '../../../../shared/domain/drift.ts';
import { getClient } from '../../api/client.ts';
import { runJobForResult, useStore } from '../../store/index.ts';

export async function runDrift(request: DriftRequest): Promise<void> {
  const done = await runJobForResult('Drift', () => getClient().runDrift(request));
  if (done?.kind === 'drift') {
    const result = done.value;
    const s = useStore.getState();
    s.setDriftResult(result);
    if (!s.driftColumn || !result.columns.some((c) => c.name === s.driftColumn)) {
      const worst = [...result.columns].sort((a, b) => b.psi - a.psi)[0];
      s.setDriftColumn(worst?.name ?? null);
    }
  }
}

export async function runMonitor(request: MonitorRequest): Promise<void> {
  const done = await runJobForResult('Monitor snapshots', () => getClient().runMonitor(request));
  if (done?.kind === 'monitor') useStore.getState().setMonitorResult(done.value);
}
