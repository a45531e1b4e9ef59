import type { StateCreator } from 'zustand';
import type { CleanedExport } from '../../../../shared/domain/dataset.ts';
import { scanViews, type ViewKey } from '../../store/scan-views.ts';
import type { State } from '../../store/store.ts';

/** Why rows are in a set: one detector's verdict on each of them, aligned with the set's `rows`. */
export interface QuarantineReason {
  detector: ViewKey;
  title: string;
  flagged: Uint8Array;
  scores: Float64Array;
  pValues: Float64Array | null;
  /** What that detector's flags assumed when the set was made. */
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
  reasons: QuarantineReason[];
}

export interface QuarantineData {
  quarantine: QuarantineSet[];
  /** Cleaned copies the host wrote, by the id of the job that wrote them. */
  cleanedExports: Record<string, CleanedExport>;
}

export interface QuarantineSlice extends QuarantineData {
  /**
   * Makes a set of `rows` of the open dataset, recording every detector's score, p-value and flag (after the
   * analyst's threshold overrides) for each row. Returns null when there is no scan to take reasons from.
   */
  addQuarantineSet(name: string, origin: string, rows: ArrayLike<number>): QuarantineSet | null;
  removeQuarantineSet(id: string): void;
  /** Adds sets saved in a case (the case feature hydrates them when their dataset is opened), replacing those with the same id. */
  addSavedQuarantineSets(sets: QuarantineSet[]): void;
  setCleanedExport(jobId: string, result: CleanedExport): void;
}

export const quarantineInitial: QuarantineData = { quarantine: [], cleanedExports: {} };

let nextId = 1;

export const createQuarantineSlice: StateCreator<State, [], [], QuarantineSlice> = (set, get) => ({
  ...quarantineInitial,
  addQuarantineSet: (name, origin, given) => {
    const s = get();
    const dataset = s.dataset;
    const result = dataset ? s.scans[dataset.id] : undefined;
    if (!dataset || !result) return null;
    const rows = Int32Array.from(new Set(Array.from(given))).sort();
    const { views } = scanViews(result, s.overrides);
    const entry: QuarantineSet = {
      // Unique across sessions: a case brings back sets saved earlier, matched by id.
      id: `q${Date.now().toString(36)}-${nextId++}`,
      name: name.trim() || `Set ${s.quarantine.length + 1}`,
      origin,
      createdAt: new Date().toISOString(),
      datasetId: dataset.id,
      datasetName: dataset.name,
      datasetSha256: dataset.sha256,
      rows,
      labels: Array.from(rows, (r) => result.classNames[result.labels[r]] ?? String(result.labels[r])),
      reasons: views.map((v) => ({
        detector: v.key,
        title: v.title,
        flagged: Uint8Array.from(rows, (r) => v.flagged[r]),
        scores: Float64Array.from(rows, (r) => v.scores[r]),
        pValues: v.pValues ? Float64Array.from(rows, (r) => v.pValues![r]) : null,
        flagNote: v.flagNote,
      })),
    };
    set({ quarantine: [...s.quarantine, entry] });
    return entry;
  },
  removeQuarantineSet: (id) => set((s) => ({ quarantine: s.quarantine.filter((q) => q.id !== id) })),
  addSavedQuarantineSets: (sets) => set((s) => ({ quarantine: [...s.quarantine.filter((o) => !sets.some((q) => q.id === o.id)), ...sets] })),
  setCleanedExport: (jobId, result) => set((s) => ({ cleanedExports: { ...s.cleanedExports, [jobId]: result } })),
});
