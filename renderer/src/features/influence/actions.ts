/**
 * What the influence views ask of the host. Each call is a job (progress and Cancel in the job bar); when it
 * is done its result goes into the influence slice.
 */
import { getClient } from '../../api/client.ts';
import type { CertifyRequest, InfluenceRequest, TrainRequest, WhatIfRequest } from '../../../../shared/domain/influence.ts';
import type { JobInfo, JobKind, JobKinds } from '../../../../shared/domain/jobs.ts';
import { runJobForResult, useStore } from '../../store/index.ts';

/** Starts a job and returns its result, or null when it could not start, failed (the banner says why) or was cancelled. */
async function run<K extends JobKind>(context: string, call: () => Promise<JobInfo>): Promise<JobKinds[K]['result'] | null> {
  const result = await runJobForResult(context, call);
  return result ? (result.value as JobKinds[K]['result']) : null;
}

export async function trainModel(request: TrainRequest): Promise<void> {
  const model = await run<'train'>('Train model', () => getClient().trainModel(request));
  if (model) useStore.getState().setInfluenceModel(model);
}

export async function computeInfluence(request: InfluenceRequest): Promise<void> {
  const ranking = await run<'influence'>('Influence', () => getClient().computeInfluence(request));
  if (ranking && useStore.getState().influenceModel?.modelId === ranking.modelId) useStore.getState().setInfluenceRanking(ranking);
}

export async function computeSelfInfluence(modelId: string): Promise<void> {
  const result = await run<'selfInfluence'>('Self-influence', () => getClient().computeSelfInfluence({ modelId }));
  if (result && useStore.getState().influenceModel?.modelId === result.modelId) useStore.getState().setSelfInfluence(result);
}

export async function runWhatIf(request: WhatIfRequest, label: string): Promise<void> {
  const result = await run<'whatIf'>('What if removed', () => getClient().runWhatIf(request));
  if (result && useStore.getState().influenceModel?.modelId === result.modelId) useStore.getState().addWhatIfRun({ label, result });
}

export async function certifyRobustness(request: CertifyRequest, label: string): Promise<void> {
  const result = await run<'certify'>('DPA certificates', () => getClient().certifyRobustness(request));
  if (result && useStore.getState().influenceModel?.modelId === result.modelId) useStore.getState().addCertifyRun({ label, result });
}
