import type { JobInfo } from '../../../shared/domain/jobs.ts';
import { getClient } from './client.ts';

/**
 * Opens a file with the roles its preview proposes, overriding the label and id columns when given
 * (undefined: keep the proposal; null: none). The import dialog lets the analyst change every role.
 */
export async function openWithProposedRoles(path: string, overrides: { label?: string | null; id?: string | null } = {}): Promise<JobInfo> {
  const client = getClient();
  const preview = await client.previewDataset({ path });
  const roles = { ...preview.proposedRoles };
  if (overrides.label !== undefined) roles.label = overrides.label;
  if (overrides.id !== undefined) roles.id = overrides.id;
  return client.openDataset({ path, roles, badRows: 'stop' });
}
