import type { StateCreator } from 'zustand';
import { DETECTORS } from '../../../../shared/domain/detector-catalog.ts';
import type { DetectorName, FlagRule, ScanResult } from '../../../../shared/domain/detectors.ts';
import type { State } from '../../store/store.ts';

/** A parameter as the form holds it: number fields keep their text so a half-typed value is not lost. */
export type ParamInput = string | boolean;

export interface DetectorChoice {
  enabled: boolean;
  values: Record<string, ParamInput>;
}

export interface FlagForm {
  mode: FlagRule['mode'];
  q: string;
  epsilon: string;
  budgetFactor: string;
}

export interface DetectData {
  /** The detector panel's form, per detector (filled from the catalog's defaults on first sight). */
  choices: Partial<Record<DetectorName, DetectorChoice>>;
  flagForm: FlagForm;
  /** A trusted clean dataset the p-values become conformal against; null for none. */
  referenceDatasetId: string | null;
  /** The latest scan of each opened dataset, by dataset id. */
  scans: Record<string, ScanResult>;
}

export interface DetectSlice extends DetectData {
  setChoice(name: DetectorName, update: Partial<DetectorChoice>): void;
  setFlagForm(update: Partial<FlagForm>): void;
  setReference(datasetId: string | null): void;
  setScan(result: ScanResult): void;
}

/** The catalog's defaults, as form values. */
export function defaultChoice(name: DetectorName): DetectorChoice {
  const values: Record<string, ParamInput> = {};
  for (const p of DETECTORS[name].params) values[p.key] = typeof p.default === 'boolean' ? p.default : String(p.default);
  return { enabled: true, values };
}

// FDR by default: it needs no guess of the poison rate (Benjamini & Hochberg 1995).
export const detectInitial: DetectData = {
  choices: {},
  flagForm: { mode: 'fdr', q: '0.05', epsilon: '0.05', budgetFactor: '1.5' },
  referenceDatasetId: null,
  scans: {},
};

export const createDetectSlice: StateCreator<State, [], [], DetectSlice> = (set) => ({
  ...detectInitial,
  setChoice: (name, update) =>
    set((s) => ({ choices: { ...s.choices, [name]: { ...(s.choices[name] ?? defaultChoice(name)), ...update } } })),
  setFlagForm: (update) => set((s) => ({ flagForm: { ...s.flagForm, ...update } })),
  setReference: (referenceDatasetId) => set({ referenceDatasetId }),
  setScan: (result) => set((s) => ({ scans: { ...s.scans, [result.datasetId]: result } })),
});
