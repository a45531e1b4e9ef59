/** Search over the imported and built-in ATLAS catalogs, for adding technique or mitigation ids. */
import { useId, useMemo, useState } from 'react';
import { findAtlasEntry, searchCatalogs, type AtlasCatalog, type AtlasEntryKind } from '../../../../shared/domain/atlas-catalog.ts';

const SHOWN = 8;

export function AtlasPicker({ catalogs, kinds, exclude, onPick, testId, placeholder }: { catalogs: AtlasCatalog[]; kinds: AtlasEntryKind[]; exclude: readonly string[]; onPick: (id: string) => void; testId: string; placeholder: string }) {
  const [query, setQuery] = useState('');
  const listId = useId();
  const hits = useMemo(() => (query.trim() ? searchCatalogs(catalogs, query, kinds, SHOWN + exclude.length).filter((h) => !exclude.includes(h.id)).slice(0, SHOWN) : []), [catalogs, query, kinds, exclude]);
  return (
    <div className="ws-picker" data-testid={testId}>
      <input type="search" aria-label={placeholder} placeholder={placeholder} value={query} aria-controls={listId} onChange={(e) => setQuery(e.target.value)} data-testid={`${testId}-search`} />
      {query.trim() !== '' && (
        <ul id={listId} className="ws-picker-hits" role="listbox" aria-label="Matching ATLAS entries">
          {hits.map((h) => (
            <li key={h.id} role="option" aria-selected={false}>
              <button
                type="button"
                className="linkish"
                data-testid="atlas-hit"
                data-id={h.id}
                title={`${h.description}\n(${h.catalog})`}
                onClick={() => {
                  onPick(h.id);
                  setQuery('');
                }}
              >
                <code>{h.id}</code> {h.name}
              </button>
            </li>
          ))}
          {hits.length === 0 && <li className="muted small">Nothing matches “{query.trim()}”.</li>}
        </ul>
      )}
    </div>
  );
}

/** ATLAS ids as chips with their names (from the first catalog that knows them) and a remove button. */
export function AtlasChips({ ids, catalogs, onRemove, testId, compact }: { ids: string[]; catalogs: AtlasCatalog[]; onRemove?: (id: string) => void; testId?: string; compact?: boolean }) {
  return (
    <span className="ws-chips" data-testid={testId}>
      {ids.map((id) => {
        const entry = findAtlasEntry(catalogs, id);
        return (
          <span key={id} className="chip ws-chip" title={entry ? `${entry.name}\n${entry.description}` : 'not in the loaded catalogs'}>
            {id}
            {entry && !compact && <span className="ws-chip-name"> {entry.name}</span>}
            {onRemove && (
              <button type="button" className="linkish ws-chip-x" aria-label={`Remove ${id}`} onClick={() => onRemove(id)}>
                ×
              </button>
            )}
          </span>
        );
      })}
    </span>
  );
}
