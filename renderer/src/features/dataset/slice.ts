import type { StateCreator } from 'zustand';
import type { DatasetSummary } from '../../../../shared/domain/dataset.ts';
import type { State } from '../../store/store.ts';

export interface DatasetData {
  /** The dataset the workspace shows; null before one is opened. */
  dataset: DatasetSummary | null;
  /** Every dataset the host holds this session (candidates for a trusted clean reference). */
  datasets: DatasetSummary[];
}

export interface DatasetSlice extends DatasetData {
  setDataset(dataset: DatasetSummary | null): void;
  setDatasets(datasets: DatasetSummary[]): void;
}

export const datasetInitial: DatasetData = { dataset: null, datasets: [] };

export const createDatasetSlice: StateCreator<State, [], [], DatasetSlice> = (set) => ({
  ...datasetInitial,
  setDataset: (dataset) => set({ dataset }),
  setDatasets: (datasets) => set({ datasets }),
});
