import { useMemo, useState } from 'react';
import { classRows, popcount, useScanViews, useStore } from '../../store/index.ts';
import { formatNumber, nf } from '../../ui/format.ts';

const TOP = 15;

/**
 * Where the detectors agree in the selected class: how many rows each combination of detectors flags
 * (an UpSet-style count), and the class's top rows by consensus with each detector's flag and rank.
 */
export function Agreement() {
  const sv = useScanViews();
  const classIndex = useStore((s) => s.selectedClass);
  const selectedRow = useStore((s) => s.selectedRow);
  const selectRow = useStore((s) => s.selectRow);
  const addSet = useStore((s) => s.addQuarantineSet);
  const [minAgree, setMinAgree] = useState<number | null>(null);
  const [made, setMade] = useState<string | null>(null);

  const runs = useMemo(() => (sv ? sv.views.filter((v) => v.run >= 0) : []), [sv]);
  const k = Math.min(minAgree ?? Math.min(2, runs.length), runs.length);

  const summary = useMemo(() => {
    if (!sv || classIndex === null) return null;
    const rows = classRows(sv.result)[classIndex];
    if (!rows) return null;
    const combos = new Map<number, number>();
    for (const r of rows) {
      const bits = sv.agreement[r];
      if (bits) combos.set(bits, (combos.get(bits) ?? 0) + 1);
    }
    const top = Int32Array.from(rows).sort((a, b) => sv.result.consensus[b] - sv.result.consensus[a]).subarray(0, TOP);
    // 1-based rank within the class per run, for the top rows only.
    const ranks = runs.map((v) =>
      Array.from(top, (row) => {
        let above = 0;
        for (const r of rows) if (v.scores[r] > v.scores[row]) above++;
        return above + 1;
      }),
    );
    return { rows, combos: [...combos].sort((a, b) => b[1] - a[1]), top, ranks };
  }, [sv, classIndex, runs]);

  if (!sv || !summary || classIndex === null) return null;
  const className = sv.result.classNames[classIndex];
  const atLeast = (scope: Int32Array) => scope.filter((r) => popcount(sv.agreement[r]) >= k);
  const inClass = atLeast(summary.rows);
  const maxCombo = Math.max(1, ...summary.combos.map(([, c]) => c));

  const quarantine = (all: boolean) => {
    const rows = all ? atLeast(Int32Array.from(sv.result.labels.keys())) : inClass;
    const where = all ? 'all classes' : className;
    const set = addSet(`Flagged by ≥ ${k} (${where})`, `rows flagged by at least ${k} of ${runs.length} detectors in ${where}`, rows);
    if (set) setMade(set.name);
  };

  return (
    <section className="panel agreement" aria-labelledby="agreement-title" data-testid="agreement">
      <div className="panel-head">
        <h2 id="agreement-title">
          Agreement in <span className="accent">{className}</span>
        </h2>
        <label className="field inline compact">
          <span>flagged by ≥</span>
          <input
            type="number"
            min={1}
            max={runs.length}
            value={k}
            data-testid="agreement-min"
            onChange={(e) => setMinAgree(Math.max(1, Math.min(runs.length, Number(e.target.value) || 1)))}
          />
          <span>of {runs.length}</span>
        </label>
        <b data-testid="agreement-count">{nf.format(inClass.length)}</b>
        <button type="button" className="btn small" data-testid="quarantine-agreement" disabled={inClass.length === 0} onClick={() => quarantine(false)}>
          Quarantine
        </button>
        <button type="button" className="btn small" onClick={() => quarantine(true)} title="The same rule over every class">
          … in all classes
        </button>
        {made && <span className="muted small">added “{made}”</span>}
      </div>
      <div className="agreement-body">
        <div>
          <h3>Flag combinations</h3>
          {summary.combos.length === 0 ? (
            <p className="muted small">No detector flags a row of this class.</p>
          ) : (
            <table className="grid upset" data-testid="flag-combos">
              <thead>
                <tr>
                  {runs.map((v) => (
                    <th key={v.key} scope="col" className="dot-col" title={v.title}>
                      {abbreviation(v.title)}
                    </th>
                  ))}
                  <th scope="col" className="num">
                    Rows
                  </th>
                  <th scope="col" className="bar-col" />
                </tr>
              </thead>
              <tbody>
                {summary.combos.slice(0, 12).map(([bits, count]) => (
                  <tr key={bits}>
                    {runs.map((v, r) => (
                      <td key={v.key} className="dot-col">
                        <span className={bits & (1 << r) ? 'dot on' : 'dot'} title={v.title} />
                      </td>
                    ))}
                    <td className="num">{nf.format(count)}</td>
                    <td className="bar-col">
                      <span className="hbar" style={{ width: `${(100 * count) / maxCombo}%` }} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div className="table-scroll">
          <h3>Top rows by consensus</h3>
          <table className="grid top-table" data-testid="top-rows">
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col" className="num" title="Mean within-class percentile rank over detectors">
                  Consensus
                </th>
                {runs.map((v) => (
                  <th key={v.key} scope="col" className="num" title={`${v.title}: rank in class (flagged ●)`}>
                    {abbreviation(v.title)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {Array.from(summary.top, (row, i) => (
                <tr key={row} className={row === selectedRow ? 'selected' : undefined} onClick={() => selectRow(row)}>
                  <td>
                    <button type="button" className="linkish" data-row={row}>
                      #{row}
                    </button>
                  </td>
                  <td className="num">{formatNumber(sv.result.consensus[row])}</td>
                  {runs.map((v, r) => (
                    <td key={v.key} className={`num ${v.flagged[row] ? 'flag-on' : ''}`}>
                      {v.flagged[row] ? '● ' : ''}
                      {summary.ranks[r][i]}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}

/** "Spectral signatures" → "SS"; one-word titles keep four letters. */
function abbreviation(title: string): string {
  const words = title.split(/[\s-]+/).filter(Boolean);
  return words.length > 1 ? words.map((w) => w[0].toUpperCase()).join('') : title.slice(0, 4);
}
