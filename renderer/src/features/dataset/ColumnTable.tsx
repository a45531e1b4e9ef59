import { useMemo, useState } from 'react';
import type { ColumnSummary, ColumnValidation } from '../../../../shared/domain/ingest.ts';
import { formatNumber, nf } from '../../ui/format.ts';
import { Sparkline } from './Sparkline.tsx';

const PAGE = 50;

interface ColumnRow {
  name: string;
  v: ColumnValidation | null;
  s: ColumnSummary | null;
}

function hasIssue(r: ColumnRow): boolean {
  const v = r.v;
  return !!v && (v.nonConforming > 0 || v.missing > 0 || v.nonFinite > 0 || (v.constant && v.role === 'feature'));
}

const num = (x: number | null | undefined) => (x === null || x === undefined ? '—' : formatNumber(x));

/**
 * Per-column validation and summaries in one table: conformance, missing and non-finite values, constants,
 * then min/max/mean/std and a histogram. Paged (50 a page) and filterable, so 512 feature columns stay fast.
 */
export function ColumnTable({ perColumn, summaries }: { perColumn: ColumnValidation[]; summaries: ColumnSummary[] }) {
  const rows = useMemo(() => {
    const byName = new Map(summaries.map((s) => [s.name, s]));
    const out: ColumnRow[] = perColumn.map((v) => ({ name: v.name, v, s: byName.get(v.name) ?? null }));
    const seen = new Set(perColumn.map((v) => v.name));
    for (const s of summaries) if (!seen.has(s.name)) out.push({ name: s.name, v: null, s });
    return out;
  }, [perColumn, summaries]);
  const [filter, setFilter] = useState('');
  const [onlyIssues, setOnlyIssues] = useState(false);
  const [page, setPage] = useState(0);

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return rows.filter((r) => (!f || r.name.toLowerCase().includes(f)) && (!onlyIssues || hasIssue(r)));
  }, [rows, filter, onlyIssues]);
  const pages = Math.max(1, Math.ceil(shown.length / PAGE));
  const p = Math.min(page, pages - 1);
  const slice = shown.slice(p * PAGE, (p + 1) * PAGE);
  const issues = useMemo(() => rows.filter(hasIssue).length, [rows]);

  return (
    <div className="column-table">
      <div className="table-tools">
        <input type="search" aria-label="Filter columns by name" placeholder="filter columns" value={filter} onChange={(e) => { setFilter(e.target.value); setPage(0); }} />
        <label className="check">
          <input type="checkbox" checked={onlyIssues} onChange={(e) => { setOnlyIssues(e.target.checked); setPage(0); }} />
          only columns with issues ({nf.format(issues)})
        </label>
        <span className="spacer" />
        <span className="muted small">
          {shown.length === 0 ? 'no columns' : `${nf.format(p * PAGE + 1)}–${nf.format(p * PAGE + slice.length)} of ${nf.format(shown.length)}`}
        </span>
        <button type="button" className="btn tiny" disabled={p === 0} onClick={() => setPage(p - 1)} aria-label="Previous columns">
          ‹
        </button>
        <button type="button" className="btn tiny" disabled={p >= pages - 1} onClick={() => setPage(p + 1)} aria-label="Next columns">
          ›
        </button>
      </div>
      <div className="table-scroll">
        <table className="grid dense" data-testid="column-table">
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Type</th>
              <th scope="col">Role</th>
              <th scope="col">Histogram</th>
              <th scope="col" className="num">Min</th>
              <th scope="col" className="num">Max</th>
              <th scope="col" className="num">Mean</th>
              <th scope="col" className="num" title="Sample standard deviation (n − 1); for other columns, distinct values (italic)">Std</th>
              <th scope="col" className="num">Missing</th>
              <th scope="col" className="num" title="Values of the wrong type (e.g. text in a feature)">Bad</th>
              <th scope="col" className="num" title="NaN, ±Infinity, or beyond float32">Non-finite</th>
              <th scope="col" title="Every loaded value the same">Const</th>
              <th scope="col" className="num" title="Values of the expected type">OK</th>
            </tr>
          </thead>
          <tbody>
            {slice.map((r) => {
              const v = r.v;
              const s = r.s;
              return (
                <tr key={r.name} data-column={r.name} className={hasIssue(r) ? 'has-issue' : undefined}>
                  <td>
                    <code>{r.name}</code>
                  </td>
                  <td>{s?.kind ?? v?.kind}</td>
                  <td>{s?.role ?? v?.role}</td>
                  <td
                    className="spark-cell"
                    title={s?.histogram && s.histogramRows !== undefined && s.histogramRows < s.count ? `histogram of a uniform sample of ${s.histogramRows.toLocaleString()} rows; the statistics use every row` : undefined}
                  >
                    {s?.histogram ? <Sparkline histogram={s.histogram} width={96} height={18} /> : null}
                  </td>
                  <td className="num">{num(s?.min)}</td>
                  <td className="num">{num(s?.max)}</td>
                  <td className="num">{num(s?.mean)}</td>
                  <td className="num">
                    {s?.std !== null && s?.std !== undefined ? (
                      formatNumber(s.std)
                    ) : s?.distinct !== null && s?.distinct !== undefined ? (
                      <em className="muted" title="distinct values">
                        {nf.format(s.distinct)}
                      </em>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className={`num ${(v?.missing ?? s?.missing ?? 0) > 0 ? 'warn' : ''}`}>{nf.format(v?.missing ?? s?.missing ?? 0)}</td>
                  <td className={`num ${v && v.nonConforming > 0 ? 'bad' : ''}`}>{v ? nf.format(v.nonConforming) : '—'}</td>
                  <td className={`num ${v && v.nonFinite > 0 ? 'bad' : ''}`}>{v ? nf.format(v.nonFinite) : '—'}</td>
                  <td className={v?.constant ? 'warn' : 'muted'}>{v?.constant ? 'constant' : ''}</td>
                  <td className="num">{v ? nf.format(v.conforming) : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
