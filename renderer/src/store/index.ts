export { useStore, resetStore, initialState, selectScan, type State } from './store.ts';
export { useScanViews } from './hooks.ts';
export { listenToJobs, startJob, runJobForResult, cancelJob, openDataset, refreshDatasets } from './job-runner.ts';
export { jobTitle } from '../../../shared/domain/job-titles.ts';
export {
  scanViews,
  classRows,
  countFlagged,
  popcount,
  overrideKey,
  mostSuspiciousClass,
  type DetectorView,
  type ScanViews,
  type ViewKey,
  type FlagOverride,
} from './scan-views.ts';
