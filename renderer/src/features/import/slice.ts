import type { StateCreator } from 'zustand';
import type { BadRowPolicy, JoinBy, RoleAssignment } from '../../../../shared/domain/ingest.ts';
import type { State } from '../../store/store.ts';

/** A file on its way in: the import dialog previews it and lets the analyst confirm roles before loading. */
export interface ImportRequest {
  path: string;
  /** Roles to start from (a recent file's); the preview's proposal otherwise. */
  roles?: RoleAssignment;
  badRows?: BadRowPolicy;
  labelsPath?: string;
  joinBy?: JoinBy;
}

export interface ImportData {
  importRequest: ImportRequest | null;
  /** The file chooser is open (choosing a dataset file). */
  chooserOpen: boolean;
}

export interface ImportSlice extends ImportData {
  openImport(request: ImportRequest | null): void;
  setChooserOpen(open: boolean): void;
}

export const importInitial: ImportData = { importRequest: null, chooserOpen: false };

export const createImportSlice: StateCreator<State, [], [], ImportSlice> = (set) => ({
  ...importInitial,
  openImport: (importRequest) => set({ importRequest, chooserOpen: false }),
  setChooserOpen: (chooserOpen) => set({ chooserOpen }),
});
