import type { StateCreator } from 'zustand';
import type { RowDetail } from '../../../../shared/domain/dataset.ts';
import type { State } from '../../store/store.ts';

export interface RowsData {
  /** Zero-based row index the inspector shows; null when none is picked. */
  selectedRow: number | null;
  row: RowDetail | null;
  rowStatus: 'idle' | 'loading' | 'ready' | 'error';
  rowError: string | null;
}

export interface RowsSlice extends RowsData {
  selectRow(index: number | null): void;
  setRow(update: Pick<RowsData, 'row' | 'rowStatus' | 'rowError'>): void;
}

export const rowsInitial: RowsData = { selectedRow: null, row: null, rowStatus: 'idle', rowError: null };

export const createRowsSlice: StateCreator<State, [], [], RowsSlice> = (set) => ({
  ...rowsInitial,
  selectRow: (selectedRow) =>
    set(selectedRow === null ? { ...rowsInitial } : { selectedRow, rowStatus: 'loading', rowError: null }),
  setRow: (update) => set(update),
});
