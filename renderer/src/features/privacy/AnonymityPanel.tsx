import { useState } from 'react';
import type { DatasetSummary } from '../../../../shared/domain/dataset.ts';
import type { AnonymityReport, QuasiIdentifier } from '../../../../shared/domain/privacy.ts';
import { useStore } from '../../store/index.ts';
import { formatNumber, formatPercent, nf } from '../../ui/format.ts';
import { runPrivacyCheck, usePrivacyRunning } from './actions.ts';
import { useFileColumns } from './columns.ts';
import { RowLink } from './RowLink.tsx';

const LABEL = '';

/** k-anonymity and l-diversity over the quasi-identifiers the analyst picks (numeric ones can be binned). */
export function AnonymityPanel({ dataset }: { dataset: DatasetSummary }) {
  const columns = useFileColumns(dataset.id);
  const result = useStore((s) => s.privacyResults[dataset.id]?.anonymity);
  const running = usePrivacyRunning(dataset.id, 'anonymity');
  const [qis, setQis] = useState<Record<string, string | null>>({});
  const [k, setK] = useState('5');
  const [sensitive, setSensitive] = useState(LABEL);
  const candidates = (columns ?? []).filter((c) => c.role !== 'label' && c.role !== 'id');
  const picked = Object.keys(qis);
  const kValue = Number(k);
  const kOk = Number.isInteger(kValue) && kValue >= 2;
  const widthOk = (w: string | null) => w === null || w.trim() === '' || Number(w) > 0;
  const valid = picked.length > 0 && kOk && picked.every((c) => widthOk(qis[c]));

  const toggle = (name: string) => {
    const next = { ...qis };
    if (name in next) delete next[name];
    else next[name] = null;
    setQis(next);
  };
  const run = () => {
    const quasiIdentifiers: QuasiIdentifier[] = picked.map((column) => {
      const w = qis[column];
      return { column, binWidth: w === null || w.trim() === '' ? null : Number(w) };
    });
    void runPrivacyCheck(dataset.id, 'anonymity', { quasiIdentifiers, k: kValue, sensitive: sensitive === LABEL ? null : sensitive });
  };

  return (
    <section className="panel privacy-panel" data-testid="anonymity-panel" aria-labelledby="anonymity-title">
      <div className="panel-head">
        <h2 id="anonymity-title">Re-identification risk: k-anonymity and l-diversity</h2>
      </div>
      <p className="hint">
        Rows that share every quasi-identifier (age, ZIP code, sex…) form a class; a class of k rows hides each of them among k (Sweeney 2002). Its
        l-diversity counts the sensitive values inside it, distinct and as exp(entropy) (Machanavajjhala et al. 2007). Bin numeric quasi-identifiers
        to generalise them.
      </p>
      {columns === null ? (
        <p className="muted small">Reading the columns…</p>
      ) : candidates.length === 0 ? (
        <p className="muted small">This dataset has no columns to use as quasi-identifiers.</p>
      ) : (
        <div className="privacy-form">
          <div className="table-scroll privacy-qi">
            <table className="grid dense" data-testid="qi-table">
              <thead>
                <tr>
                  <th>Quasi-identifier</th>
                  <th>Kind</th>
                  <th>Bin width</th>
                </tr>
              </thead>
              <tbody>
                {candidates.map((c) => (
                  <tr key={c.name} data-column={c.name}>
                    <td>
                      <label className="check">
                        <input type="checkbox" checked={c.name in qis} onChange={() => toggle(c.name)} data-testid="qi-check" />
                        {c.name}
                      </label>
                    </td>
                    <td className="muted">{c.kind}</td>
                    <td>
                      {c.kind === 'numeric' && (
                        <input
                          type="number"
                          className="narrow"
                          placeholder="as is"
                          min="0"
                          step="any"
                          disabled={!(c.name in qis)}
                          value={qis[c.name] ?? ''}
                          aria-invalid={!widthOk(qis[c.name] ?? null)}
                          aria-label={`bin width of ${c.name}`}
                          data-testid="qi-width"
                          onChange={(e) => setQis({ ...qis, [c.name]: e.target.value })}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <label className="field inline compact">
            <span>k</span>
            <input type="number" min="2" step="1" value={k} aria-invalid={!kOk} data-testid="anonymity-k" onChange={(e) => setK(e.target.value)} />
          </label>
          <label className="field inline compact">
            <span>Sensitive</span>
            <select value={sensitive} data-testid="anonymity-sensitive" onChange={(e) => setSensitive(e.target.value)}>
              <option value={LABEL}>the label{dataset.labelColumn ? ` (${dataset.labelColumn})` : ''}</option>
              {candidates.filter((c) => !(c.name in qis)).map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="btn primary" data-testid="anonymity-run" disabled={running || !valid} onClick={run}>
            {running ? 'Checking…' : 'Check k-anonymity'}
          </button>
        </div>
      )}
      {result && <AnonymityResults result={result} />}
    </section>
  );
}

function AnonymityResults({ result: r }: { result: AnonymityReport }) {
  const meets = r.k >= r.kTarget;
  return (
    <>
      <p className={`privacy-verdict ${meets ? 'ok' : 'bad'}`} data-testid="anonymity-verdict">
        {meets
          ? `${r.kTarget}-anonymous: every class has at least ${r.kTarget} rows (smallest ${nf.format(r.k)}).`
          : `Not ${r.kTarget}-anonymous: ${nf.format(r.rowsBelowK)} rows (${formatPercent(r.rowsBelowK / Math.max(1, r.rows))}) are in ${nf.format(r.classesBelowK)} classes smaller than ${r.kTarget}; ${nf.format(r.uniqueRows)} rows are unique.`}
      </p>
      <dl className="privacy-stats" data-testid="anonymity-stats">
        <dt>k</dt>
        <dd data-testid="anonymity-k-value">{nf.format(r.k)}</dd>
        <dt>distinct l</dt>
        <dd data-testid="anonymity-l-value">{nf.format(r.distinctL)}</dd>
        <dt>entropy l</dt>
        <dd>{formatNumber(r.entropyL)}</dd>
        <dt>classes</dt>
        <dd>{nf.format(r.classes)}</dd>
        <dt title="prosecutor risk: 1 / size of the smallest class">max risk</dt>
        <dd>{formatNumber(r.maxRisk)}</dd>
        <dt title="classes / rows">average risk</dt>
        <dd>{formatNumber(r.averageRisk)}</dd>
      </dl>
      <p className="muted small">
        Quasi-identifiers: {r.quasiIdentifiers.map((q) => `${q.column}${q.binWidth ? ` (bins of ${q.binWidth})` : ''}`).join(', ')}; sensitive: {r.sensitive}.
      </p>
      <div className="table-scroll privacy-table">
        <table className="grid dense" data-testid="smallest-classes">
          <thead>
            <tr>
              {r.quasiIdentifiers.map((q) => (
                <th key={q.column}>{q.column}</th>
              ))}
              <th className="num">Size</th>
              <th className="num">Distinct</th>
              <th className="num">Entropy l</th>
              <th>Rows</th>
            </tr>
          </thead>
          <tbody>
            {r.smallest.map((c, i) => (
              <tr key={i} className={c.size < r.kTarget ? 'privacy-fail' : undefined} data-testid="class-row" data-size={c.size}>
                {c.values.map((v, j) => (
                  <td key={j}>{v}</td>
                ))}
                <td className="num">{nf.format(c.size)}</td>
                <td className="num">{c.distinct}</td>
                <td className="num">{formatNumber(c.entropyL)}</td>
                <td>
                  {c.rows.map((row) => (
                    <RowLink key={row} row={row} />
                  ))}
                  {c.size > c.rows.length && <span className="muted small"> …</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
