/**
 * Threat-modeling worksheets in the store. The state is plain JSON — the worksheets (current version, as
 * parseWorksheet returns them) and which one is open — so a case can save it as it is and give it back with
 * `loadWorksheets`. Imported ATLAS catalogs are kept for the session only (they can be re-imported).
 */
import type { StateCreator } from 'zustand';
import type { AtlasCatalog } from '../../../shared/domain/atlas-catalog.ts';
import type { Worksheet } from '../../../shared/domain/worksheet.ts';
import type { State } from './store.ts';

export interface WorksheetData {
  worksheets: Worksheet[];
  activeWorksheetId: string | null;
  /**
   * Worksheets that `loadWorksheets` replaced (e.g. drafts open when a case brought its own), kept so that
   * nothing is lost: the analyst restores or discards them.
   */
  setAsideWorksheets: Worksheet[];
  /** ATLAS catalogs read from MITRE files this session, newest first; searched before the built-in one. */
  atlasCatalogs: AtlasCatalog[];
}

export interface WorksheetSlice extends WorksheetData {
  /**
   * Replaces every worksheet (e.g. with a case's); the first becomes the open one unless `activeId` is given.
   * Worksheets it replaces that are not in `list` are set aside, not dropped.
   */
  loadWorksheets(list: Worksheet[], activeId?: string | null): void;
  /** Puts the set-aside worksheets back beside the current ones (a copy gets a new id where ids clash). */
  restoreSetAside(): void;
  discardSetAside(): void;
  addWorksheet(worksheet: Worksheet): void;
  removeWorksheet(id: string): void;
  setActiveWorksheet(id: string | null): void;
  /** Applies `change` to a copy of the worksheet and stamps `updatedAt`. */
  updateWorksheet(id: string, change: (draft: Worksheet) => void): void;
  addAtlasCatalog(catalog: AtlasCatalog): void;
}

export const worksheetInitial: WorksheetData = { worksheets: [], activeWorksheetId: null, setAsideWorksheets: [], atlasCatalogs: [] };

export const createWorksheetSlice: StateCreator<State, [], [], WorksheetSlice> = (set) => ({
  ...worksheetInitial,
  loadWorksheets: (list, activeId) =>
    set((s) => {
      const kept = new Set(list.map((w) => w.id));
      const replaced = s.worksheets.filter((w) => !kept.has(w.id));
      const replacedIds = new Set(replaced.map((w) => w.id));
      return {
        worksheets: list,
        activeWorksheetId: activeId !== undefined && activeId !== null && kept.has(activeId) ? activeId : (list[0]?.id ?? null),
        setAsideWorksheets: [...s.setAsideWorksheets.filter((w) => !replacedIds.has(w.id) && !kept.has(w.id)), ...replaced],
      };
    }),
  restoreSetAside: () =>
    set((s) => {
      const ids = new Set(s.worksheets.map((w) => w.id));
      const back = s.setAsideWorksheets.map((w) => (ids.has(w.id) ? { ...w, id: `${w.id}-${Date.now().toString(36)}` } : w));
      return { worksheets: [...s.worksheets, ...back], setAsideWorksheets: [], activeWorksheetId: s.activeWorksheetId ?? back[0]?.id ?? null };
    }),
  discardSetAside: () => set({ setAsideWorksheets: [] }),
  addWorksheet: (worksheet) => set((s) => ({ worksheets: [...s.worksheets, worksheet], activeWorksheetId: worksheet.id })),
  removeWorksheet: (id) =>
    set((s) => {
      const worksheets = s.worksheets.filter((w) => w.id !== id);
      return { worksheets, activeWorksheetId: s.activeWorksheetId === id ? (worksheets[0]?.id ?? null) : s.activeWorksheetId };
    }),
  setActiveWorksheet: (activeWorksheetId) => set({ activeWorksheetId }),
  updateWorksheet: (id, change) =>
    set((s) => ({
      worksheets: s.worksheets.map((w) => {
        if (w.id !== id) return w;
        const draft = structuredClone(w);
        change(draft);
        draft.updatedAt = new Date().toISOString();
        return draft;
      }),
    })),
  addAtlasCatalog: (catalog) =>
    set((s) => ({ atlasCatalogs: [catalog, ...s.atlasCatalogs.filter((c) => !(c.path === catalog.path && c.version === catalog.version))] })),
});

/** The worksheets, for saving (a case stores exactly this list). */
export const selectWorksheets = (s: State): Worksheet[] => s.worksheets;
export const selectActiveWorksheet = (s: State): Worksheet | null => s.worksheets.find((w) => w.id === s.activeWorksheetId) ?? null;
