import { useEffect, useRef } from 'react';
import { useStore } from '../../store/index.ts';

const nf = new Intl.NumberFormat('en-US');

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(3);
  return v.toPrecision(4).replace(/\.?0+$/, '');
}

/** The classes of the spectral result: size, flagged rows, top eigenvalues; picking one drives the plots. */
export function ClassPicker() {
  const result = useStore((s) => s.spectral);
  const selected = useStore((s) => s.selectedClass);
  const selectClass = useStore((s) => s.selectClass);
  const selectRow = useStore((s) => s.selectRow);
  const tableRef = useRef<HTMLTableElement>(null);
  useEffect(() => {
    // Scroll only the table's own box (scrollIntoView would also scroll the plots out of view).
    const table = tableRef.current;
    const box = table?.parentElement;
    const tr = table?.querySelector('tr.selected');
    if (!table || !box || !tr) return;
    const r = tr.getBoundingClientRect();
    const b = box.getBoundingClientRect();
    const head = table.tHead?.getBoundingClientRect().height ?? 0;
    if (r.top < b.top + head) box.scrollTop -= b.top + head - r.top;
    else if (r.bottom > b.bottom) box.scrollTop += r.bottom - b.bottom;
  }, [selected, result]);
  if (!result) return null;
  const pick = (c: number) => {
    selectClass(c);
    selectRow(null);
  };
  return (
    <section className="panel classes" aria-labelledby="classes-title">
      <div className="panel-head">
        <h2 id="classes-title">Classes</h2>
        <label className="field inline compact">
          <span>Class</span>
          <select
            data-testid="class-select"
            value={selected ?? ''}
            onChange={(e) => pick(Number(e.target.value))}
          >
            {result.classes.map((c) => (
              <option key={c.classIndex} value={c.classIndex}>
                {c.className} ({nf.format(c.flagged)} flagged)
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="table-scroll">
        <table className="grid" data-testid="class-table" ref={tableRef}>
          <thead>
            <tr>
              <th scope="col">Class</th>
              <th scope="col" className="num">Rows</th>
              <th scope="col" className="num">Flagged</th>
              <th scope="col" className="num" title="Top eigenvalue of the class covariance">λ₁</th>
              <th scope="col" className="num" title="Spectral gap: a planted sub-population raises λ₁ above λ₂">λ₁/λ₂</th>
              <th scope="col" className="num" title="Score ≥ threshold is flagged">Threshold</th>
            </tr>
          </thead>
          <tbody>
            {result.classes.map((c) => {
              const [l1, l2] = c.eigenvalues;
              return (
                <tr
                  key={c.classIndex}
                  className={c.classIndex === selected ? 'selected' : undefined}
                  aria-selected={c.classIndex === selected}
                  onClick={() => pick(c.classIndex)}
                >
                  <td>
                    <button type="button" className="linkish" aria-label={`Show class ${c.className}`}>
                      {c.className}
                    </button>
                    {!c.converged && (
                      <span className="warn" title={`Lanczos did not converge in ${c.iterations} iterations`}>
                        {' '}
                        ⚠
                      </span>
                    )}
                  </td>
                  <td className="num">{nf.format(c.count)}</td>
                  <td className="num">{nf.format(c.flagged)}</td>
                  <td className="num">{l1 === undefined ? '—' : formatNumber(l1)}</td>
                  <td className="num">{l1 !== undefined && l2 ? formatNumber(l1 / l2) : '—'}</td>
                  <td className="num">{Number.isFinite(c.threshold) ? formatNumber(c.threshold) : 'none'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
