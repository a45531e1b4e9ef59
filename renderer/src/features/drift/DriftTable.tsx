import { useMemo, useState } from 'react';
import type { DriftResult, NumericColumnDrift } from '../../../../shared/domain/drift.ts';
import { useStore } from '../../store/index.ts';
import type { DriftSortKey } from '../../store/drift-slice.ts';
import { formatNumber, formatP } from '../../ui/format.ts';
import { MiniHistogram } from './MiniHistogram.tsx';

const COLUMNS: { key: DriftSortKey; label: string; hint: string }[] = [
  { key: 'name', label: 'Column', hint: 'Feature column, matched by name in both datasets' },
  { key: 'psi', label: 'PSI', hint: 'Population Stability Index over the baseline’s quantile bins' },
  { key: 'kl', label: 'KL', hint: 'KL(baseline ‖ current) over the same bins, nats' },
  { key: 'js', label: 'JS', hint: 'Jensen–Shannon distance over the same bins (natural log)' },
  { key: 'wasserstein', label: 'W₁', hint: 'Wasserstein-1 distance, in the column’s units' },
  { key: 'wassersteinNormed', label: 'W₁/σ', hint: 'Wasserstein-1 divided by the baseline’s standard deviation' },
  { key: 'ks', label: 'KS D', hint: 'Kolmogorov–Smirnov statistic: the largest gap between the two CDFs' },
  { key: 'ksP', label: 'KS p', hint: 'Kolmogorov–Smirnov p-value (exact up to 10,000 rows per side, as scipy)' },
  { key: 'drifted', label: 'Drift', hint: 'Drifted under the chosen column test and threshold' },
];

function sortValue(c: NumericColumnDrift, key: DriftSortKey): number | string {
  switch (key) {
    case 'name':
      return c.name;
    case 'ks':
      return c.ks.statistic;
    case 'ksP':
      return c.ks.pValue;
    case 'drifted':
      return c.drifted ? 1 : 0;
    case 'wassersteinNormed':
      return c.wassersteinNormed ?? -1;
    default:
      return c[key];
  }
}

/** Rows drawn at first: a 4,096-dimension embedding would otherwise draw 4,096 rows of cells and histograms. */
const FIRST_ROWS = 300;

/** Every compared column with its statistics; headers sort, rows choose the overlay plot, cells explain on hover. */
export function DriftTable({ result }: { result: DriftResult }) {
  const [showAll, setShowAll] = useState(false);
  const sort = useStore((s) => s.driftSort);
  const setSort = useStore((s) => s.setDriftSort);
  const selected = useStore((s) => s.driftColumn);
  const select = useStore((s) => s.setDriftColumn);
  const rows = useMemo(() => {
    const list = [...result.columns];
    list.sort((a, b) => {
      const x = sortValue(a, sort.key);
      const y = sortValue(b, sort.key);
      const order = typeof x === 'string' ? x.localeCompare(String(y), undefined, { numeric: true }) : x - (y as number);
      return sort.descending ? -order : order;
    });
    return list;
  }, [result, sort]);
  return (
    <div className="table-scroll drift-table-wrap">
      <table className="grid drift-table" data-testid="drift-table">
        <thead>
          <tr>
            {COLUMNS.map((col) => (
              <th key={col.key} scope="col" aria-sort={sort.key === col.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                <button type="button" className="linkish" title={`${col.hint} — click to sort`} data-testid={`drift-sort-${col.key}`} onClick={() => setSort(col.key)}>
                  {col.label}
                  {sort.key === col.key ? (sort.descending ? ' ▼' : ' ▲') : ''}
                </button>
              </th>
            ))}
            <th scope="col" title="Shares per bin: baseline blue, current orange">
              Distributions
            </th>
          </tr>
        </thead>
        <tbody>
          {(showAll ? rows : rows.slice(0, FIRST_ROWS)).map((c) => (
            <tr
              key={c.name}
              className={`${c.drifted ? 'drifted' : ''} ${selected === c.name ? 'selected' : ''}`}
              data-testid="drift-row"
              data-column={c.name}
              aria-selected={selected === c.name}
              onClick={() => select(c.name)}
            >
              <th scope="row" title={`${c.explain.means}${c.baselineDropped || c.currentDropped ? ` Non-finite values left out: ${c.baselineDropped} baseline, ${c.currentDropped} current.` : ''}`}>
                {c.name}
              </th>
              <td title={c.explain.psi} className="num">
                {formatNumber(c.psi)} <span className={`drift-band ${c.psiBand}`}>{c.psiBand}</span>
              </td>
              <td title={c.explain.kl} className="num">
                {formatNumber(c.kl)}
              </td>
              <td title={c.explain.js} className="num">
                {formatNumber(c.js)}
              </td>
              <td title={c.explain.wasserstein} className="num">
                {formatNumber(c.wasserstein)}
              </td>
              <td title={c.explain.wassersteinNormed} className="num">
                {c.wassersteinNormed === null ? '—' : formatNumber(c.wassersteinNormed)}
              </td>
              <td title={c.explain.ks} className="num">
                {formatNumber(c.ks.statistic)}
              </td>
              <td title={c.explain.ks} className="num">
                {formatP(c.ks.pValue)}
              </td>
              <td title={c.explain.decision}>{c.drifted ? <span className="badge flagged">drift</span> : <span className="muted">no</span>}</td>
              <td>
                <MiniHistogram histogram={c.histogram} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!showAll && rows.length > FIRST_ROWS && (
        <button type="button" className="btn small" onClick={() => setShowAll(true)}>
          Show all {rows.length} columns (the first {FIRST_ROWS} in this order are shown)
        </button>
      )}
    </div>
  );
}
