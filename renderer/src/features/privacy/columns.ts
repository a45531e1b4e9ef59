import { useEffect } from 'react';
import type { ColumnValidation } from '../../../../shared/domain/ingest.ts';
import { getClient } from '../../api/client.ts';
import { useStore } from '../../store/index.ts';

/**
 * The open dataset's file columns (name, kind, role at load) from its validation report, fetched once per
 * dataset; null while loading, [] for data without a file (generated in memory).
 */
export function useFileColumns(datasetId: string): ColumnValidation[] | null {
  const report = useStore((s) => s.reports[datasetId]);
  const setReport = useStore((s) => s.setReport);
  useEffect(() => {
    if (report !== undefined) return;
    let stale = false;
    getClient()
      .getDatasetReport({ datasetId })
      .then((r) => !stale && setReport(datasetId, r))
      .catch((err: unknown) => useStore.getState().showError('Read dataset columns', err));
    return () => {
      stale = true;
    };
  }, [datasetId, report, setReport]);
  if (report === undefined) return null;
  return report ? report.validation.perColumn : [];
}

/** Columns that can carry free text: a text role, or text/categorical/id kinds. */
export function textLike(c: ColumnValidation): boolean {
  return c.role === 'text' || c.kind === 'text' || c.kind === 'categorical' || c.kind === 'id';
}
