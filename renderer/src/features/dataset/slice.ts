import type { StateCreator } from 'zustand';
import type { DatasetReport, DatasetSummary } from '../../../../shared/domain/dataset.ts';
import type { State } from '../../store/store.ts';

export interface DatasetData {
  /** The dataset the workspace shows; null before one is opened. */
  dataset: DatasetSummary | null;
  /** Every dataset the host holds this session (candidates for a trusted clean reference). */
  datasets: DatasetSummary[];
  /** Validation reports by dataset id, once fetched; null: the host has none (generated data). */
  reports: Record<string, DatasetReport | null>;
}

export interface DatasetSlice extends DatasetData {
  setDataset(dataset: DatasetSummary | null): void;
  setDatasets(datasets: DatasetSummary[]): void;
  setReport(datasetId: string, report: DatasetReport | null): void;
}

export const datasetInitial: DatasetData = { dataset: null, datasets: [], reports: {} };

export const createDatasetSlice: StateCreator<State, [], [], DatasetSlice> = (set) => ({
  ...datasetInitial,
  setDataset: (dataset) => set({ dataset }),
  setDatasets: (datasets) => set({ datasets }),
  setReport: (datasetId, report) => set((s) => ({ reports: { ...s.reports, [datasetId]: report } })),
});
