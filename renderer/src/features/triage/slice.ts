import type { StateCreator } from 'zustand';
import { overrideKey, type FlagOverride, type FlagOverrides, type ViewKey } from '../../store/scan-views.ts';
import type { State } from '../../store/store.ts';

export interface RowSelection {
  rows: Int32Array;
  /** How it was made, e.g. "lasso in horse". */
  source: string;
}

export interface TriageData {
  /** Class index (as in the dataset's classNames) the triage views show. */
  selectedClass: number | null;
  /** Detector the triage views show; 'consensus' aggregates all runs. */
  selectedView: ViewKey;
  /** Histogram count axis. */
  logCounts: boolean;
  /** What a drag on the projection does. */
  dragMode: 'zoom' | 'select' | 'lasso';
  /** Hand-set flag rules per view and class; they replace the scan's flags of that class everywhere. */
  overrides: FlagOverrides;
  /** Rows picked by box/lasso on the projection. */
  selection: RowSelection | null;
}

export interface TriageSlice extends TriageData {
  selectClass(classIndex: number | null): void;
  selectView(view: ViewKey): void;
  setLogCounts(on: boolean): void;
  setDragMode(mode: TriageData['dragMode']): void;
  /** Sets (or with null, removes) the override of one class of one view. */
  setOverride(view: ViewKey, classIndex: number, override: FlagOverride | null): void;
  clearOverrides(): void;
  setSelection(selection: RowSelection | null): void;
}

export const triageInitial: TriageData = {
  selectedClass: null,
  selectedView: 'consensus',
  logCounts: true,
  dragMode: 'zoom',
  overrides: {},
  selection: null,
};

export const createTriageSlice: StateCreator<State, [], [], TriageSlice> = (set) => ({
  ...triageInitial,
  selectClass: (selectedClass) => set({ selectedClass }),
  selectView: (selectedView) => set({ selectedView }),
  setLogCounts: (logCounts) => set({ logCounts }),
  setDragMode: (dragMode) => set({ dragMode }),
  setOverride: (view, classIndex, override) =>
    set((s) => {
      const key = overrideKey(view, classIndex);
      const overrides = { ...s.overrides };
      if (override) overrides[key] = override;
      else delete overrides[key];
      return { overrides };
    }),
  clearOverrides: () => set({ overrides: {} }),
  setSelection: (selection) => set({ selection }),
});
