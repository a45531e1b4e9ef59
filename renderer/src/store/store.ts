/**
 * The renderer's one store, composed of one typed slice per feature. Slices hold data and plain setters;
 * anything that talks to the host is a module-level action in the owning feature.
 */
import { create } from 'zustand';
import { appInitial, createAppSlice, type AppSlice } from '../app/slice.ts';
import { createDatasetSlice, datasetInitial, type DatasetSlice } from '../features/dataset/slice.ts';
import { createDetectSlice, detectInitial, type DetectSlice } from '../features/detect/slice.ts';
import { createImportSlice, importInitial, type ImportSlice } from '../features/import/slice.ts';
import { createJobsSlice, jobsInitial, type JobsSlice } from '../features/jobs/slice.ts';
import { createQuarantineSlice, quarantineInitial, type QuarantineSlice } from '../features/quarantine/slice.ts';
import { createRowsSlice, rowsInitial, type RowsSlice } from '../features/rows/slice.ts';
import { createTriageSlice, triageInitial, type TriageSlice } from '../features/triage/slice.ts';

export type State = AppSlice & JobsSlice & DatasetSlice & DetectSlice & TriageSlice & RowsSlice & QuarantineSlice & ImportSlice;

/** The data part of the initial state; `resetStore()` returns to it (tests call that between cases). */
export const initialState = {
  ...appInitial,
  ...jobsInitial,
  ...datasetInitial,
  ...detectInitial,
  ...triageInitial,
  ...rowsInitial,
  ...quarantineInitial,
  ...importInitial,
};

export const useStore = create<State>()((...a) => ({
  ...createAppSlice(...a),
  ...createJobsSlice(...a),
  ...createDatasetSlice(...a),
  ...createDetectSlice(...a),
  ...createTriageSlice(...a),
  ...createRowsSlice(...a),
  ...createQuarantineSlice(...a),
  ...createImportSlice(...a),
}));

export function resetStore(): void {
  useStore.setState(structuredClone(initialState));
}

/** The open dataset's latest scan, or null. */
export const selectScan = (s: State) => (s.dataset ? (s.scans[s.dataset.id] ?? null) : null);
