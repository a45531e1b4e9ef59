import { getClient } from '../../api/client.ts';
import { useStore } from '../../store/index.ts';

const pending = new Set<string>();

/** Fetches a dataset's validation report once; it stays in the store for the session. */
export function loadReport(datasetId: string): void {
  const s = useStore.getState();
  if (datasetId in s.reports || pending.has(datasetId)) return;
  pending.add(datasetId);
  getClient()
    .getDatasetReport({ datasetId })
    .then((report) => useStore.getState().setReport(datasetId, report))
    .catch((err: unknown) => useStore.getState().showError('Read the validation report', err))
    .finally(() => pending.delete(datasetId));
}
