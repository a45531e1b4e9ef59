import type { StateCreator } from 'zustand';
import type { State } from '../../store/store.ts';

export interface TriageData {
  /** Class index (as in the dataset's classNames) whose rows the plots show. */
  selectedClass: number | null;
  /** Histogram count axis. */
  logCounts: boolean;
}

export interface TriageSlice extends TriageData {
  selectClass(classIndex: number | null): void;
  setLogCounts(on: boolean): void;
}

export const triageInitial: TriageData = { selectedClass: null, logCounts: true };

export const createTriageSlice: StateCreator<State, [], [], TriageSlice> = (set) => ({
  ...triageInitial,
  selectClass: (selectedClass) => set({ selectedClass }),
  setLogCounts: (logCounts) => set({ logCounts }),
});
