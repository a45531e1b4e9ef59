import { useCallback, useMemo } from 'react';
import { BUILTIN_ATLAS, type AtlasCatalog } from '../../../../shared/domain/atlas-catalog.ts';
import type { Worksheet } from '../../../../shared/domain/worksheet.ts';
import { useStore } from '../../store/index.ts';
import { selectActiveWorksheet } from '../../store/worksheet-slice.ts';

export type UpdateWorksheet = (change: (draft: Worksheet) => void) => void;

/** The open worksheet and an updater bound to it. */
export function useActiveWorksheet(): { worksheet: Worksheet | null; update: UpdateWorksheet } {
  const worksheet = useStore(selectActiveWorksheet);
  const updateWorksheet = useStore((s) => s.updateWorksheet);
  const id = worksheet?.id ?? null;
  const update = useCallback<UpdateWorksheet>((change) => {
    if (id) updateWorksheet(id, change);
  }, [id, updateWorksheet]);
  return { worksheet, update };
}

/** Imported catalogs first (newer, complete), then the built-in one. */
export function useCatalogs(): AtlasCatalog[] {
  const imported = useStore((s) => s.atlasCatalogs);
  return useMemo(() => [...imported, BUILTIN_ATLAS], [imported]);
}
