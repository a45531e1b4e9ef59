import type { StateCreator } from 'zustand';
import type { CleanedExport } from '../../../../shared/domain/dataset.ts';
import { scanViews, type ViewKey } from '../../store/scan-views.ts';
import type { State } from '../../store/store.ts';
import { buildQuarantineSet, type LabelSource } from './build.ts';

/** Analyses other than the detectors that put rows in a set with their own per-row evidence. */
export type EvidenceKey = 'influence' | 'leakage';

/**
 * Why rows are in a set, aligned with the set's `rows`: one detector's verdict on each of them, or the evidence
 * of the analysis that picked them (e.g. influence: Δ test loss, flagged = harmful; leakage: copy distance).
 */
export interface QuarantineReason {
  detector: ViewKey | EvidenceKey;
  title: string;
  flagged: Uint8Array;
  scores: Float64Array;
  pValues: Float64Array | null;
  /** What the flags assumed when the set was made. */
  flagNote: string;
}

/** A named set of rows held back from training; arrays are columns, one entry per row. */
export interface QuarantineSet {
  id: string;
  name: string;
  /** How it was built, e.g. "flags of Spectral signatures in horse (FDR)". */
  origin: string;
  createdAt: string;
  datasetId: string;
  datasetName: string;
  datasetSha256: string;
  /** Dataset row indices, ascending. */
  rows: Int32Array;
  /** Class name of each row. */
  labels: string[];
  /** Every detector's verdict when the dataset had a scan, then the picking analysis's evidence; may be empty. */
  reasons: QuarantineReason[];
}

/** What the analysis that picked the rows knows of them; columns aligned with the rows given. */
export interface QuarantineEvidence {
  /** Class index (into the dataset's classNames) of each row; used when the dataset has no scan. */
  labels?: ArrayLike<number>;
  /** The analysis's own reasons, kept with the detectors' (if any). */
  reasons?: QuarantineReason[];
}

export interface QuarantineData {
  quarantine: QuarantineSet[];
  /** Cleaned copies the host wrote, by the id of the job that wrote them. */
  cleanedExports: Record<string, CleanedExport>;
}

export interface QuarantineSlice extends QuarantineData {
  /**
   * Makes a set of `rows` of the open dataset. With a scan, each row keeps every detector's score, p-value and
   * flag (after the analyst's threshold overrides) and its label from the scan; `evidence.reasons` are added
   * either way. Returns null when no dataset is open, or when it has no scan and `evidence.labels` is not
   * given (quarantineRows in actions.ts asks the host for them).
   */
  addQuarantineSet(name: string, origin: string, rows: ArrayLike<number>, evidence?: QuarantineEvidence): QuarantineSet | null;
  removeQuarantineSet(id: string): void;
  /** Adds sets saved in a case (the case feature hydrates them when their dataset is opened), replacing those with the same id. */
  addSavedQuarantineSets(sets: QuarantineSet[]): void;
  setCleanedExport(jobId: string, result: CleanedExport): void;
}

export const quarantineInitial: QuarantineData = { quarantine: [], cleanedExports: {} };

let nextId = 1;

export const createQuarantineSlice: StateCreator<State, [], [], QuarantineSlice> = (set, get) => ({
  ...quarantineInitial,
  addQuarantineSet: (name, origin, given, evidence = {}) => {
    const s = get();
    const dataset = s.dataset;
    if (!dataset) return null;
    const result = s.scans[dataset.id];
    let labels: LabelSource;
    if (result) labels = { kind: 'scan', labels: result.labels, classNames: result.classNames };
    else if (evidence.labels) labels = { kind: 'given', labels: evidence.labels, classNames: dataset.classNames };
    else return null;
    const entry = buildQuarantineSet({
      // Unique across sessions: a case brings back sets saved earlier, matched by id.
      id: `q${Date.now().toString(36)}-${nextId++}`,
      name: name.trim() || `Set ${s.quarantine.length + 1}`,
      origin,
      createdAt: new Date().toISOString(),
      dataset,
      given,
      labels,
      views: result ? scanViews(result, s.overrides).views : [],
      evidence: evidence.reasons ?? [],
    });
    set({ quarantine: [...s.quarantine, entry] });
    return entry;
  },
  removeQuarantineSet: (id) => set((s) => ({ quarantine: s.quarantine.filter((q) => q.id !== id) })),
  addSavedQuarantineSets: (sets) => set((s) => ({ quarantine: [...s.quarantine.filter((o) => !sets.some((q) => q.id === o.id)), ...sets] })),
  setCleanedExport: (jobId, result) => set((s) => ({ cleanedExports: { ...s.cleanedExports, [jobId]: result } })),
});
