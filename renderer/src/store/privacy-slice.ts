import type { StateCreator } from 'zustand';
import type { PrivacyReport } from '../../../shared/domain/privacy.ts';
import type { State } from './store.ts';

/** The checks of the "Privacy & bias" tab; each keeps its last result per dataset. */
export type PrivacySection = 'pii' | 'anonymity' | 'leakage' | 'membership' | 'bias';

export type PrivacyResults = { [S in PrivacySection]?: NonNullable<PrivacyReport[S]> };

export interface PrivacyData {
  /** Last result of each check, by dataset id. */
  privacyResults: Record<string, PrivacyResults>;
}

export interface PrivacySlice extends PrivacyData {
  setPrivacyResult<S extends PrivacySection>(datasetId: string, section: S, value: NonNullable<PrivacyReport[S]>): void;
}

export const privacyInitial: PrivacyData = { privacyResults: {} };

export const createPrivacySlice: StateCreator<State, [], [], PrivacySlice> = (set) => ({
  ...privacyInitial,
  setPrivacyResult: (datasetId, section, value) =>
    set((s) => ({ privacyResults: { ...s.privacyResults, [datasetId]: { ...s.privacyResults[datasetId], [section]: value } } })),
});
