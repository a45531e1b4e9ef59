import { useState } from 'react';
import type { DatasetSummary } from '../../../../shared/domain/dataset.ts';
import type { PiiFinding, PiiReport } from '../../../../shared/domain/privacy.ts';
import { useStore } from '../../store/index.ts';
import { nf } from '../../ui/format.ts';
import { runPrivacyCheck, usePrivacyRunning } from './actions.ts';
import { textLike, useFileColumns } from './columns.ts';
import { QuarantineButton } from './QuarantineButton.tsx';
import { RowLink } from './RowLink.tsx';

const ROWS_SHOWN = 100;

/** PII scan: choose text columns, run, and see per type and column how many rows, with masked examples. */
export function PiiPanel({ dataset }: { dataset: DatasetSummary }) {
  const columns = useFileColumns(dataset.id);
  const result = useStore((s) => s.privacyResults[dataset.id]?.pii);
  const running = usePrivacyRunning(dataset.id, 'pii');
  const [picked, setPicked] = useState<string[] | null>(null);
  const candidates = (columns ?? []).filter((c) => c.role !== 'feature' && textLike(c));
  const chosen = picked ?? candidates.filter((c) => c.role === 'text' || c.kind === 'text').map((c) => c.name);
  const toggle = (name: string) => setPicked(chosen.includes(name) ? chosen.filter((c) => c !== name) : [...chosen, name]);

  return (
    <section className="panel privacy-panel" data-testid="pii-panel" aria-labelledby="pii-title">
      <div className="panel-head">
        <h2 id="pii-title">Personal data and secrets in text</h2>
        {result && <span className="muted small">{`${nf.format(result.texts)} texts · ${result.seconds.toFixed(2)} s`}</span>}
      </div>
      <p className="hint">
        E-mail addresses, phone numbers, payment cards (Luhn-checked), IBANs (mod-97), US SSNs, IP addresses and secrets (AWS and GitHub tokens, JWTs,
        private keys, high-entropy keys). Matches are masked here and in every export; hover a type for exactly what it matches.
      </p>
      {columns === null ? (
        <p className="muted small">Reading the columns…</p>
      ) : candidates.length === 0 ? (
        <p className="muted small" data-testid="pii-no-columns">
          This dataset has no text columns (only features{dataset.labelColumn ? ' and a label' : ''}).
        </p>
      ) : (
        <div className="privacy-form">
          <fieldset className="privacy-choice" data-testid="pii-columns">
            <legend className="small">Columns to scan</legend>
            {candidates.map((c) => (
              <label key={c.name} className="check">
                <input type="checkbox" checked={chosen.includes(c.name)} onChange={() => toggle(c.name)} data-column={c.name} />
                {c.name} <span className="muted">({c.role === 'ignore' ? c.kind : c.role})</span>
              </label>
            ))}
          </fieldset>
          <button
            type="button"
            className="btn primary"
            data-testid="pii-run"
            disabled={running || chosen.length === 0}
            onClick={() => void runPrivacyCheck(dataset.id, 'pii', { columns: chosen })}
          >
            {running ? 'Scanning…' : 'Scan for PII'}
          </button>
        </div>
      )}
      {result && <PiiResults result={result} />}
    </section>
  );
}

function PiiResults({ result }: { result: PiiReport }) {
  const [open, setOpen] = useState<string | null>(null);
  const rule = new Map(result.rules.map((r) => [r.type, r]));
  if (result.findings.length === 0) {
    return (
      <p className="privacy-verdict ok" data-testid="pii-summary">
        No personal data or secrets found in {result.columns.map((c) => `'${c}'`).join(', ')}.
      </p>
    );
  }
  const key = (f: PiiFinding) => `${f.type}/${f.column}`;
  return (
    <>
      <p className="privacy-verdict bad" data-testid="pii-summary">
        {nf.format(result.rowsWithPii)} rows hold personal data or secrets.
      </p>
      <div className="table-scroll privacy-table">
        <table className="grid dense" data-testid="pii-table">
          <thead>
            <tr>
              <th>Type</th>
              <th>Column</th>
              <th className="num">Rows</th>
              <th className="num">Matches</th>
              <th>Examples (masked)</th>
            </tr>
          </thead>
          <tbody>
            {result.findings.map((f) => (
              <PiiRow key={key(f)} finding={f} title={rule.get(f.type)?.title ?? f.type} matches={rule.get(f.type)?.matches ?? ''} open={open === key(f)} toggle={() => setOpen(open === key(f) ? null : key(f))} />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function PiiRow({ finding: f, title, matches, open, toggle }: { finding: PiiFinding; title: string; matches: string; open: boolean; toggle: () => void }) {
  return (
    <>
      <tr data-testid="pii-row" data-type={f.type} data-column={f.column}>
        <td title={matches}>{title}</td>
        <td>{f.column}</td>
        <td className="num">
          <button type="button" className="linkish" onClick={toggle} aria-expanded={open} data-testid="pii-rows-toggle">
            {nf.format(f.rows.length)}
          </button>
        </td>
        <td className="num">{nf.format(f.matches)}</td>
        <td className="pii-examples">
          {f.examples.slice(0, 3).map((e) => (
            <RowLink key={e.row} row={e.row} title={e.detail}>
              <code data-testid="pii-example">{e.masked}</code>
            </RowLink>
          ))}
        </td>
      </tr>
      {open && (
        <tr className="pii-detail">
          <td colSpan={5}>
            <span className="muted small">Rows: </span>
            {Array.from(f.rows.subarray(0, ROWS_SHOWN)).map((row) => (
              <RowLink key={row} row={row} />
            ))}
            {f.rows.length > ROWS_SHOWN && <span className="muted small"> and {nf.format(f.rows.length - ROWS_SHOWN)} more (the CLI's --json lists them all)</span>}{' '}
            <QuarantineButton rows={f.rows} name={`${title} in ${f.column}`} origin={`PII scan: ${title.toLowerCase()} in column '${f.column}'`} testId="pii-quarantine" />
          </td>
        </tr>
      )}
    </>
  );
}
