import type { ColumnValidation } from '../../../../shared/domain/ingest.ts';
import type { DatasetSummary } from '../../../../shared/domain/dataset.ts';
import { useFileColumns } from '../privacy/columns.ts';

/** Roles whose columns drift already holds in memory and tests (numeric features, the label) or never tests (ids). */
const LOADED = new Set(['feature', 'label', 'id']);

/**
 * Columns of both files that were not loaded (role 'ignore' or 'text', or a group column of only one of them),
 * in the current file's order: what the host can read back and compare as categorical. A group column both
 * datasets share is compared already.
 */
export function commonUnloadedColumns(baseline: ColumnValidation[], current: ColumnValidation[]): ColumnValidation[] {
  const inBaseline = new Map(baseline.map((c) => [c.name, c]));
  return current.filter((c) => {
    const b = inBaseline.get(c.name);
    return b !== undefined && !LOADED.has(c.role) && !LOADED.has(b.role) && !(c.role === 'group' && b.role === 'group');
  });
}

/**
 * The Drift tab's chooser of extra categorical columns, read back from both source files when the comparison
 * runs (electron/host/columns.ts). `selected` may hold names no longer offered (another baseline): only the
 * offered ones are checked.
 */
export function CategoricalColumns({
  baseline,
  current,
  selected,
  onChange,
}: {
  baseline: DatasetSummary;
  current: DatasetSummary;
  selected: string[];
  onChange: (names: string[]) => void;
}) {
  const baselineColumns = useFileColumns(baseline.id);
  const currentColumns = useFileColumns(current.id);
  const matrix = [baseline, current].find((d) => d.format === 'npy' || d.format === 'synthetic');
  let body;
  if (matrix) {
    body = (
      <p className="muted small" data-testid="drift-categorical-none">
        '{matrix.name}' {matrix.format === 'npy' ? 'is a NumPy matrix' : 'was generated in memory'}: it has no columns besides its features, so no other column can be compared.
      </p>
    );
  } else if (baselineColumns === null || currentColumns === null) {
    body = <p className="muted small">Reading both files’ columns…</p>;
  } else {
    const offered = commonUnloadedColumns(baselineColumns, currentColumns);
    const names = new Set(currentColumns.map((c) => c.name));
    const onlyBaseline = baselineColumns.filter((c) => !names.has(c.name) && !LOADED.has(c.role)).map((c) => c.name);
    body = (
      <>
        {offered.length === 0 ? (
          <p className="muted small" data-testid="drift-categorical-none">
            Every column both files hold was loaded (features, label, id) or is a group column both share: there is no other column to compare.
          </p>
        ) : (
          <div className="drift-categorical-list">
            {offered.map((c) => (
              <label key={c.name} className="drift-check" title={`'${c.name}' (${c.kind}, role '${c.role}' at load): chi-square and PSI over its values in both files`}>
                <input
                  type="checkbox"
                  data-testid={`drift-categorical-pick-${c.name}`}
                  checked={selected.includes(c.name)}
                  onChange={(e) => onChange(e.target.checked ? [...selected, c.name] : selected.filter((n) => n !== c.name))}
                />{' '}
                {c.name} <span className="muted small">{c.kind}</span>
              </label>
            ))}
          </div>
        )}
        {onlyBaseline.length > 0 && (
          <p className="muted small">
            Only in the baseline '{baseline.name}': {onlyBaseline.slice(0, 8).join(', ')}
            {onlyBaseline.length > 8 ? ` and ${onlyBaseline.length - 8} more` : ''}.
          </p>
        )}
      </>
    );
  }
  const count = selected.length;
  return (
    <details className="drift-categorical" data-testid="drift-categorical-columns">
      <summary>Categorical columns not loaded{count ? ` (${count} chosen)` : ''}</summary>
      <p className="muted small">Columns of both files left out of the load (e.g. a source or region column) are read back from the files and compared like the label: chi-square and PSI over their values.</p>
      {body}
    </details>
  );
}
