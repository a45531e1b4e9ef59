import { useMemo } from 'react';
import { scanViews, type ScanViews } from './scan-views.ts';
import { selectScan, useStore } from './store.ts';

/** The open dataset's scan as views (overrides applied), or null before a scan finished. */
export function useScanViews(): ScanViews | null {
  const scan = useStore(selectScan);
  const overrides = useStore((s) => s.overrides);
  return useMemo(() => (scan ? scanViews(scan, overrides) : null), [scan, overrides]);
}
