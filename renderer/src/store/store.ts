/**
 * The renderer's one store, composed of one typed slice per feature. Slices hold data and plain setters;
 * anything that talks to the host is a module-level action in the owning feature.
 */
import { create } from 'zustand';
import { appInitial, createAppSlice, type AppSlice } from '../app/slice.ts';
import { caseInitial, createCaseSlice, type CaseSlice } from './case-slice.ts';
import { createDatasetSlice, datasetInitial, type DatasetSlice } from '../features/dataset/slice.ts';
import { createDetectSlice, detectInitial, type DetectSlice } from '../features/detect/slice.ts';
import { createImportSlice, importInitial, type ImportSlice } from '../features/import/slice.ts';
import { createInfluenceSlice, influenceInitial, type InfluenceSlice } from '../features/influence/slice.ts';
import { createJobsSlice, jobsInitial, type JobsSlice } from '../features/jobs/slice.ts';
import { createQuarantineSlice, quarantineInitial, type QuarantineSlice } from '../features/quarantine/slice.ts';
import { createRowsSlice, rowsInitial, type RowsSlice } from '../features/rows/slice.ts';
import { createTriageSlice, triageInitial, type TriageSlice } from '../features/triage/slice.ts';
import { createWorksheetSlice, worksheetInitial, type WorksheetSlice } from './worksheet-slice.ts';
import { createPrivacySlice, privacyInitial, type PrivacySlice } from './privacy-slice.ts';
import { createDriftSlice, driftInitial, type DriftSlice } from './drift-slice.ts';

export type State = AppSlice & JobsSlice & DatasetSlice & DetectSlice & TriageSlice & RowsSlice & QuarantineSlice & ImportSlice & InfluenceSlice & WorksheetSlice & PrivacySlice & DriftSlice & CaseSlice;

/** The data part of the initial state; `resetStore()` returns to it (tests call that between cases). */
export const initialState = {
  ...appInitial,
  ...caseInitial,
  ...jobsInitial,
  ...datasetInitial,
  ...detectInitial,
  ...triageInitial,
  ...rowsInitial,
  ...quarantineInitial,
  ...importInitial,
  ...worksheetInitial,
  ...influenceInitial,
  ...privacyInitial,
  ...driftInitial,
};

export const useStore = create<State>()((...a) => ({
  ...createAppSlice(...a),
  ...createCaseSlice(...a),
  ...createJobsSlice(...a),
  ...createDatasetSlice(...a),
  ...createDetectSlice(...a),
  ...createTriageSlice(...a),
  ...createRowsSlice(...a),
  ...createQuarantineSlice(...a),
  ...createImportSlice(...a),
  ...createWorksheetSlice(...a),
  ...createInfluenceSlice(...a),
  ...createPrivacySlice(...a),
  ...createDriftSlice(...a),
}));

export function resetStore(): void {
  useStore.setState(structuredClone(initialState));
}

/** The open dataset's latest scan, or null. */
export const selectScan = (s: State) => (s.dataset ? (s.scans[s.dataset.id] ?? null) : null);
