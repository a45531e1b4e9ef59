import type { ReactNode } from 'react';
import { useStore } from '../../store/index.ts';

/** A row number (or any content) that opens the row in the inspector, like the other features' row lists. */
export function RowLink({ row, title, children }: { row: number; title?: string; children?: ReactNode }) {
  const selectRow = useStore((s) => s.selectRow);
  const selected = useStore((s) => s.selectedRow === row);
  return (
    <button type="button" className={`linkish row-link${selected ? ' selected' : ''}`} data-row={row} title={title ?? `Open row #${row} in the inspector`} onClick={() => selectRow(row)}>
      {children ?? `#${row}`}
    </button>
  );
}
