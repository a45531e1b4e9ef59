import { useState } from 'react';
import { useStore, useScanViews } from '../../store/index.ts';
import { formatNumber, nf } from '../../ui/format.ts';

const SHOWN = 200;

/** Rows picked on the plots, most suspicious (consensus) first; each opens in the inspector. */
export function SelectionList() {
  const sv = useScanViews();
  const selection = useStore((s) => s.selection);
  const setSelection = useStore((s) => s.setSelection);
  const selectedRow = useStore((s) => s.selectedRow);
  const selectRow = useStore((s) => s.selectRow);
  const addSet = useStore((s) => s.addQuarantineSet);
  const [made, setMade] = useState<string | null>(null);
  if (!sv) return null;
  const consensus = sv.result.consensus;
  const rows = selection ? Array.from(selection.rows).sort((a, b) => consensus[b] - consensus[a]) : [];

  const quarantine = () => {
    if (!selection) return;
    const set = addSet(`Selection (${selection.source})`, `rows picked by ${selection.source}`, selection.rows);
    if (set) setMade(set.name);
  };

  return (
    <section className="panel selection-panel" aria-labelledby="selection-title">
      <div className="panel-head">
        <h2 id="selection-title">Selection</h2>
        <span className="muted small" data-testid="selection-count">
          {selection ? `${nf.format(selection.rows.length)} rows · ${selection.source}` : 'none'}
        </span>
      </div>
      {!selection ? (
        <p className="muted small">Drag a box or lasso on the projection (Box / Lasso), or click a histogram bar.</p>
      ) : (
        <>
          <div className="row-actions">
            <button type="button" className="btn small" data-testid="quarantine-selection" disabled={rows.length === 0} onClick={quarantine}>
              Quarantine selection
            </button>
            <button type="button" className="btn small" onClick={() => setSelection(null)}>
              Clear
            </button>
            {made && <span className="muted small">added “{made}”</span>}
          </div>
          <ol className="row-list" data-testid="selection-list">
            {rows.slice(0, SHOWN).map((row) => (
              <li key={row} className={row === selectedRow ? 'selected' : undefined}>
                <button type="button" className="linkish" onClick={() => selectRow(row)} data-row={row}>
                  <span>#{row}</span>
                  <span className="muted">{sv.result.classNames[sv.result.labels[row]]}</span>
                  <span className="num" title="consensus: mean within-class percentile rank">
                    {formatNumber(consensus[row])}
                  </span>
                </button>
              </li>
            ))}
          </ol>
          {rows.length > SHOWN && <p className="muted small">and {nf.format(rows.length - SHOWN)} more</p>}
        </>
      )}
    </section>
  );
}
