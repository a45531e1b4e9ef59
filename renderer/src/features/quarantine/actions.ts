/** Quarantine actions that talk to the host. */
import { getClient } from '../../api/client.ts';
import { useStore } from '../../store/index.ts';
import type { QuarantineReason, QuarantineSet } from './slice.ts';

/**
 * Makes a quarantine set of the open dataset's `rows` with the picking analysis's `reasons` (columns aligned
 * with `rows`). Without a scan to take labels from, the host gives the rows' labels first (one call, one typed
 * array). Null when the dataset was closed or switched meanwhile.
 */
export async function quarantineRows(name: string, origin: string, rows: ArrayLike<number>, reasons: QuarantineReason[] = []): Promise<QuarantineSet | null> {
  const s = useStore.getState();
  const dataset = s.dataset;
  if (!dataset) return null;
  if (s.scans[dataset.id]) return s.addQuarantineSet(name, origin, rows, { reasons });
  const labels = await getClient().getRowLabels({ datasetId: dataset.id, indices: Array.from(rows) });
  if (useStore.getState().dataset?.id !== dataset.id) return null;
  return useStore.getState().addQuarantineSet(name, origin, rows, { labels, reasons });
}
