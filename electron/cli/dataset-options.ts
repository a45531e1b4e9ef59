import type { DatasetSummary } from '../../shared/domain/dataset.ts';
import type { LoadRequest } from '../../shared/domain/ingest.ts';
import type { Host } from '../host/host.ts';

/** The options every command that reads a dataset takes (node:util parseArgs shape). */
export const DATASET_OPTIONS = {
  label: { type: 'string' },
  id: { type: 'string' },
  features: { type: 'string' },
  text: { type: 'string' },
  group: { type: 'string' },
  'no-label': { type: 'boolean', default: false },
  'skip-bad-rows': { type: 'boolean', default: false },
  labels: { type: 'string' },
  join: { type: 'string' },
} as const;

export const DATASET_USAGE = `  --label COLUMN       class label column (default: the one the file's preview proposes: label, class, target, y…)
  --no-label           the file has no labels (every row in one class)
  --id COLUMN          row id column (default: id, row_id, uid… when present; else row numbers)
  --features A,B,…     feature columns (default: every numeric or vector column without another role)
  --text A,B,…         text columns kept with the rows
  --group COLUMN       source/group column (where each row came from)
  --labels FILE        labels (and ids) for a .npy feature matrix, from a CSV/JSONL/.npy file
  --join row|id        how --labels lines up with the rows (default: row)
  --skip-bad-rows      skip and list bad rows instead of stopping at the first one`;

/** What DATASET_OPTIONS parse to. */
export type DatasetValues = { [K in keyof typeof DATASET_OPTIONS]?: (typeof DATASET_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

const list = (text: string | undefined) => (text === undefined ? undefined : text.split(',').map((s) => s.trim()).filter(Boolean));

/**
 * Opens a dataset as the app does: previews it, takes the proposed roles, overrides them with the flags,
 * loads it as a job and waits. Throws the job's message (naming the file, line and column) if it fails.
 */
export async function openWithRoles(host: Host, path: string, values: DatasetValues, settle: (jobId: string, label: string) => Promise<void>): Promise<DatasetSummary> {
  const preview = await host.previewDataset({ path });
  const proposed = preview.proposedRoles;
  const join = values.join;
  if (join !== undefined && join !== 'row' && join !== 'id') throw new Error(`--join must be row or id, got '${join}'`);
  const request: LoadRequest = {
    path,
    roles: {
      label: values['no-label'] ? null : (values.label ?? proposed.label),
      id: values.id ?? proposed.id,
      features: list(values.features) ?? proposed.features,
      text: list(values.text) ?? proposed.text,
      group: values.group ?? proposed.group,
    },
    badRows: values['skip-bad-rows'] ? 'skip' : 'stop',
    ...(values.labels ? { labelsPath: values.labels, joinBy: (join ?? 'row') as 'row' | 'id' } : {}),
  };
  const job = await host.openDataset(request);
  await settle(job.id, 'reading');
  return host.jobs.result<'load'>(job.id).value;
}
