import { useMemo, useState } from 'react';
import { countFlagged, useScanViews, useStore, type DetectorView } from '../../store/index.ts';
import { formatP, formatPercent, nf } from '../../ui/format.ts';

type SortKey = 'class' | 'rows' | 'consensus' | number;

/** One cell: a detector's verdict on a class. */
function Cell({ view, classIndex, flagged }: { view: DetectorView; classIndex: number; flagged: number }) {
  const selectView = useStore((s) => s.selectView);
  const cls = view.classes?.[classIndex];
  if (!cls) return <td>—</td>;
  const test = cls.classTest;
  const adjusted = flagged !== cls.flagged;
  const title = [
    `${view.title} on ${cls.className}: ${cls.verdict}`,
    test ? `${test.method}: p = ${formatP(test.pValue)}` : 'no class test',
    cls.contamination !== null ? `estimated contamination ${formatPercent(cls.contamination)} (Storey)` : 'no contamination estimate (no p-values)',
    `${flagged} of ${cls.count} flagged${adjusted ? ` (scan flagged ${cls.flagged}; threshold set by hand)` : ''}`,
  ].join('\n');
  return (
    <td className={`verdict-cell ${cls.verdict}`} data-verdict={cls.verdict} data-detector={view.key} title={title} onClick={() => selectView(view.key)}>
      <span className="cell-main">
        {nf.format(flagged)}
        {adjusted && <span aria-label="threshold set by hand">*</span>}
      </span>
      <span className="cell-sub">
        {test ? `p ${formatP(test.pValue)}` : 'untested'}
        {cls.contamination !== null && ` · ${formatPercent(cls.contamination)}`}
      </span>
    </td>
  );
}

/** Classes × detectors: flags, contamination, class-test p-value and verdict; a click opens the class. */
export function Overview() {
  const sv = useScanViews();
  const selected = useStore((s) => s.selectedClass);
  const selectClass = useStore((s) => s.selectClass);
  const selectView = useStore((s) => s.selectView);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'consensus', desc: true });

  const table = useMemo(() => {
    if (!sv) return null;
    const runs = sv.views.filter((v) => v.run >= 0);
    const consensus = sv.views[sv.views.length - 1];
    const rows = sv.result.classNames.map((name, c) => {
      const members = sv.byClass[c];
      const flagged = runs.map((v) => countFlagged(v.flagged, members));
      const suspicious = runs.filter((v) => v.classes?.[c]?.verdict === 'suspicious').length;
      const minP = Math.min(...runs.map((v) => v.classes?.[c]?.classTest?.pValue ?? Infinity));
      return { c, name, count: members.length, flagged, consensus: countFlagged(consensus.flagged, members), suspicious, minP };
    });
    return { runs, rows };
  }, [sv]);

  const sorted = useMemo(() => {
    if (!table) return [];
    const { key, desc } = sort;
    const sign = desc ? -1 : 1;
    return [...table.rows].sort((a, b) => {
      let d: number;
      if (key === 'class') d = a.name.localeCompare(b.name);
      else if (key === 'rows') d = a.count - b.count;
      else if (key === 'consensus') d = a.suspicious - b.suspicious || b.minP - a.minP || a.consensus - b.consensus;
      else {
        // Most significant class test first when descending; flagged count breaks ties.
        const pa = table.runs[key].classes?.[a.c]?.classTest?.pValue ?? 2;
        const pb = table.runs[key].classes?.[b.c]?.classTest?.pValue ?? 2;
        d = pb - pa || a.flagged[key] - b.flagged[key];
      }
      return sign * d || a.c - b.c;
    });
  }, [table, sort]);

  if (!sv || !table) return null;

  const header = (key: SortKey, label: string, title: string, className?: string) => {
    const active = sort.key === key;
    return (
      <th scope="col" className={className} aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'} title={title}>
        <button type="button" className="linkish sort" onClick={() => setSort({ key, desc: active ? !sort.desc : key !== 'class' })}>
          {label}
          <span className="sort-mark">{active ? (sort.desc ? '▼' : '▲') : ''}</span>
        </button>
      </th>
    );
  };

  const flag = sv.result.flag;
  return (
    <section className="panel overview" aria-labelledby="overview-title">
      <div className="panel-head">
        <h2 id="overview-title">Classes × detectors</h2>
        <span className="muted small">
          flagged · class-test p · estimated contamination; flags by{' '}
          {flag.mode === 'fdr' ? `FDR q = ${flag.q}` : flag.mode === 'budget' ? `budget ε = ${flag.epsilon} × ${flag.budgetFactor}` : "each detector's rule"}
          {sv.result.reference && ' · p-values conformal against a clean reference'}
        </span>
        <span className="legend">
          <span className="verdict-chip suspicious">suspicious</span>
          <span className="verdict-chip clear">clear</span>
          <span className="verdict-chip untested">untested</span>
        </span>
      </div>
      <div className="table-scroll">
        <table className="grid overview-table" data-testid="overview">
          <thead>
            <tr>
              {header('class', 'Class', 'Sort by class name')}
              {header('rows', 'Rows', 'Sort by class size', 'num')}
              {table.runs.map((v, r) => header(r, v.title, `${v.title}: sort by class-test p-value (most significant first)`))}
              {header('consensus', 'Consensus', `Rows flagged by at least ${sv.quorum} of ${table.runs.length} detectors; sorts by suspicious verdicts`)}
            </tr>
          </thead>
          <tbody>
            {sorted.map((row) => (
              <tr
                key={row.c}
                className={row.c === selected ? 'selected' : undefined}
                aria-selected={row.c === selected}
                data-class={row.name}
                onClick={() => selectClass(row.c)}
              >
                <th scope="row">
                  <button type="button" className="linkish" aria-label={`Show class ${row.name}`}>
                    {row.name}
                  </button>
                </th>
                <td className="num">{nf.format(row.count)}</td>
                {table.runs.map((v, r) => (
                  <Cell key={v.key} view={v} classIndex={row.c} flagged={row.flagged[r]} />
                ))}
                <td
                  className={`verdict-cell ${row.suspicious > 0 ? 'suspicious' : 'clear'}`}
                  data-testid="consensus-cell"
                  onClick={() => selectView('consensus')}
                  title={`${row.consensus} rows flagged by at least ${sv.quorum} detectors; ${row.suspicious} of ${table.runs.length} detectors call the class suspicious`}
                >
                  <span className="cell-main">{nf.format(row.consensus)}</span>
                  <span className="cell-sub">
                    {row.suspicious}/{table.runs.length} suspicious
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
