/**
 * What the "Privacy & bias" tab asks of the host: one privacy job per check (progress and Cancel in the job
 * bar); when it is done its section of the report goes into the privacy slice under its dataset.
 */
import { getClient } from '../../api/client.ts';
import { privacyJobTitle, type PrivacyRequest } from '../../../../shared/domain/privacy.ts';
import { isFinal, type JobInfo } from '../../../../shared/domain/jobs.ts';
import { runJobForResult, useStore } from '../../store/index.ts';
import type { PrivacySection } from '../../store/privacy-slice.ts';

const NONE = { pii: null, anonymity: null, leakage: null, membership: null, bias: null } as const;

/** Runs one check on a dataset; its result lands in the slice (failures reach the error banner via runJobForResult). */
export async function runPrivacyCheck<S extends PrivacySection>(datasetId: string, section: S, args: NonNullable<PrivacyRequest[S]>): Promise<void> {
  const request = { ...NONE, datasetId, [section]: args } as PrivacyRequest;
  const context = privacyJobTitle({ params: request });
  const result = await runJobForResult(context, () => getClient().runPrivacy(request));
  if (result?.kind !== 'privacy') return;
  const value = result.value[section];
  if (value) useStore.getState().setPrivacyResult(datasetId, section, value);
}

/** Whether a privacy job for this dataset and check is queued or running (to disable its Run button). */
export function usePrivacyRunning(datasetId: string, section: PrivacySection): boolean {
  return useStore((s) =>
    Object.values(s.jobs).some((j) => j.kind === 'privacy' && !isFinal(j.status) && (j as JobInfo<'privacy'>).params.datasetId === datasetId && (j as JobInfo<'privacy'>).params[section] !== null),
  );
}
