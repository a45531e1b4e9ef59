/**
 * The drift tab's state: the form (baseline, thresholds, embedding options), the latest drift result per
 * baseline/current pair, and monitoring (its form, result and alerts). Everything is plain JSON, so a case
 * can save it as it is and put `monitorResult.alerts` on its timeline.
 */
import type { StateCreator } from 'zustand';
import type { DetectorName } from '../../../shared/domain/detectors.ts';
import {
  DEFAULT_DRIFT_THRESHOLDS,
  DEFAULT_EMBEDDING_OPTIONS,
  DEFAULT_MONITOR_THRESHOLDS,
  type DriftResult,
  type DriftThresholds,
  type EmbeddingDriftOptions,
  type MonitorResult,
  type MonitorThresholds,
} from '../../../shared/domain/drift.ts';
import type { State } from './store.ts';

export type DriftSortKey = 'name' | 'psi' | 'kl' | 'js' | 'wasserstein' | 'wassersteinNormed' | 'ks' | 'ksP' | 'drifted';

export interface MonitorForm {
  /** Loaded datasets in snapshot order; the first `baselinePeriod` set the limits. */
  snapshotIds: string[];
  baselinePeriod: number;
  detectors: DetectorName[];
  columns: string[];
  thresholds: MonitorThresholds;
}

export interface DriftData {
  driftBaselineId: string | null;
  driftThresholds: DriftThresholds;
  driftEmbedding: EmbeddingDriftOptions;
  /** Latest result per `${baselineId}→${currentId}`. */
  driftResults: Record<string, DriftResult>;
  driftSort: { key: DriftSortKey; descending: boolean };
  /** The column whose overlay plot is shown. */
  driftColumn: string | null;
  monitorForm: MonitorForm;
  monitorResult: MonitorResult | null;
}

export interface DriftSlice extends DriftData {
  setDriftBaseline(id: string | null): void;
  setDriftThresholds(update: Partial<DriftThresholds>): void;
  setDriftEmbedding(update: Partial<EmbeddingDriftOptions>): void;
  setDriftResult(result: DriftResult): void;
  setDriftSort(key: DriftSortKey): void;
  setDriftColumn(name: string | null): void;
  setMonitorForm(update: Partial<MonitorForm>): void;
  setMonitorResult(result: MonitorResult | null): void;
}

export const driftInitial: DriftData = {
  driftBaselineId: null,
  driftThresholds: DEFAULT_DRIFT_THRESHOLDS,
  driftEmbedding: DEFAULT_EMBEDDING_OPTIONS,
  driftResults: {},
  driftSort: { key: 'psi', descending: true },
  driftColumn: null,
  monitorForm: { snapshotIds: [], baselinePeriod: 1, detectors: ['knn-outlier'], columns: [], thresholds: DEFAULT_MONITOR_THRESHOLDS },
  monitorResult: null,
};

export const driftKey = (baselineId: string, currentId: string) => `${baselineId}→${currentId}`;

export const createDriftSlice: StateCreator<State, [], [], DriftSlice> = (set) => ({
  ...driftInitial,
  setDriftBaseline: (driftBaselineId) => set({ driftBaselineId }),
  setDriftThresholds: (update) => set((s) => ({ driftThresholds: { ...s.driftThresholds, ...update } })),
  setDriftEmbedding: (update) => set((s) => ({ driftEmbedding: { ...s.driftEmbedding, ...update } })),
  setDriftResult: (result) => set((s) => ({ driftResults: { ...s.driftResults, [driftKey(result.baseline.datasetId, result.current.datasetId)]: result } })),
  setDriftSort: (key) =>
    set((s) => ({ driftSort: { key, descending: s.driftSort.key === key ? !s.driftSort.descending : key !== 'name' && key !== 'ksP' } })),
  setDriftColumn: (driftColumn) => set({ driftColumn }),
  setMonitorForm: (update) => set((s) => ({ monitorForm: { ...s.monitorForm, ...update } })),
  setMonitorResult: (monitorResult) => set({ monitorResult }),
});

/** The open dataset's drift result against the chosen baseline, or null. */
export const selectDriftResult = (s: State): DriftResult | null =>
  s.dataset && s.driftBaselineId ? (s.driftResults[driftKey(s.driftBaselineId, s.dataset.id)] ?? null) : null;
