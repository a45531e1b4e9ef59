import { useEffect, useState } from 'react';
import type { DatasetSummary } from '../../../../shared/domain/dataset.ts';
import type { LeakageReport } from '../../../../shared/domain/privacy.ts';
import type { QuarantineReason } from '../quarantine/index.ts';
import { refreshDatasets, useStore } from '../../store/index.ts';
import { formatNumber, formatPercent, nf } from '../../ui/format.ts';
import { DatasetOptions } from '../../ui/options.tsx';
import { runPrivacyCheck, usePrivacyRunning } from './actions.ts';
import { QuarantineButton } from './QuarantineButton.tsx';
import { RowLink } from './RowLink.tsx';

const PAIRS_SHOWN = 200;

/** Datasets open this session with the same features as `dataset`: candidates for an evaluation set. */
export function useComparable(dataset: DatasetSummary): DatasetSummary[] {
  const datasets = useStore((s) => s.datasets);
  useEffect(() => refreshDatasets(), []);
  return datasets.filter((d) => d.id !== dataset.id && d.dims === dataset.dims && d.featureNames.every((f, j) => f === dataset.featureNames[j]));
}

/** Train/test leakage: the evaluation set's rows that are exact or near copies of this (training) dataset's rows. */
export function LeakagePanel({ dataset }: { dataset: DatasetSummary }) {
  const others = useComparable(dataset);
  const result = useStore((s) => s.privacyResults[dataset.id]?.leakage);
  const running = usePrivacyRunning(dataset.id, 'leakage');
  const [evalId, setEvalId] = useState('');
  const [factor, setFactor] = useState('0.13');
  const chosen = others.some((d) => d.id === evalId) ? evalId : (others[0]?.id ?? '');
  const factorOk = Number(factor) > 0 && Number(factor) <= 10;

  return (
    <section className="panel privacy-panel" data-testid="leakage-panel" aria-labelledby="leakage-title">
      <div className="panel-head">
        <h2 id="leakage-title">Train/test leakage</h2>
      </div>
      <p className="hint">
        Rows of an evaluation set that are bitwise copies of training rows, or nearer to one than {factor || '0.13'} × the median nearest-neighbour
        distance within training (cleanlab's near-duplicate rule). Leaked rows inflate test scores; a copy with another label is a poisoning sign.
      </p>
      {others.length === 0 ? (
        <p className="muted small" data-testid="leakage-none">
          Open the evaluation set (same features: {dataset.featureNames.slice(0, 4).join(', ')}
          {dataset.dims > 4 ? ', …' : ''}) as another dataset to compare it with this one.
        </p>
      ) : (
        <div className="privacy-form">
          <label className="field inline compact">
            <span>Evaluation set</span>
            <select value={chosen} data-testid="leakage-eval" onChange={(e) => setEvalId(e.target.value)}>
              <DatasetOptions datasets={others} />
            </select>
          </label>
          <label className="field inline compact">
            <span>Near factor</span>
            <input type="number" className="narrow" min="0" step="0.01" value={factor} aria-invalid={!factorOk} onChange={(e) => setFactor(e.target.value)} />
          </label>
          <button
            type="button"
            className="btn primary"
            data-testid="leakage-run"
            disabled={running || !chosen || !factorOk}
            onClick={() => void runPrivacyCheck(dataset.id, 'leakage', { evalDatasetId: chosen, nearFactor: Number(factor) })}
          >
            {running ? 'Comparing…' : 'Find leaked rows'}
          </button>
        </div>
      )}
      {result && <LeakageResults result={result} />}
    </section>
  );
}

/** The leaked training rows (those in the pairs listed) and, as their quarantine reason, the distance to their nearest copy. */
function leakedRows(r: LeakageReport): { rows: Int32Array; reasons: QuarantineReason[] } {
  const nearest = new Map<number, number>();
  for (const p of r.pairs) nearest.set(p.trainRow, Math.min(p.distance, nearest.get(p.trainRow) ?? Infinity));
  const rows = Int32Array.from(nearest.keys());
  const reason: QuarantineReason = {
    detector: 'leakage',
    title: 'Train/test leakage',
    flagged: new Uint8Array(rows.length).fill(1),
    scores: Float64Array.from(rows, (row) => nearest.get(row)!),
    pValues: null,
    flagNote: `score = distance to the nearest copy in '${r.evalName}' (0 = exact); flagged = exact, or nearer than ${formatNumber(r.threshold)} (${r.nearFactor} × median nearest-neighbour distance)`,
  };
  return { rows, reasons: [reason] };
}

function LeakageResults({ result: r }: { result: LeakageReport }) {
  const leaked = r.exactEvalRows + r.nearEvalRows;
  const toQuarantine = leakedRows(r);
  return (
    <>
      <p className={`privacy-verdict ${leaked ? 'bad' : 'ok'}`} data-testid="leakage-summary">
        {leaked
          ? `${nf.format(leaked)} of ${nf.format(r.evalRows)} rows of '${r.evalName}' (${formatPercent(r.leakedFraction)}) are in the training set: ${nf.format(r.exactEvalRows)} exact, ${nf.format(r.nearEvalRows)} near copies${r.conflicts ? `; ${nf.format(r.conflicts)} with a different label` : ''}.`
          : `No row of '${r.evalName}' is an exact or near copy of a training row.`}
      </p>
      <p className="muted small">
        near = closer than {formatNumber(r.threshold)} ({r.nearFactor} × median nearest-neighbour distance {formatNumber(r.medianNnDistance)}){' '}
        {leaked > 0 && (
          <QuarantineButton
            rows={toQuarantine.rows}
            reasons={toQuarantine.reasons}
            name={`Leaked into ${r.evalName}`}
            origin={`training rows copied in '${r.evalName}' (train/test leakage${r.pairsTotal > r.pairs.length ? `, first ${r.pairs.length} of ${r.pairsTotal} pairs` : ''})`}
            testId="leakage-quarantine"
          />
        )}
      </p>
      {r.pairs.length > 0 && (
        <div className="table-scroll privacy-table">
          <table className="grid dense" data-testid="leakage-pairs">
            <thead>
              <tr>
                <th>Training row</th>
                <th>Training id</th>
                <th>Evaluation id</th>
                <th className="num">Distance</th>
                <th>Copy</th>
              </tr>
            </thead>
            <tbody>
              {r.pairs.slice(0, PAIRS_SHOWN).map((p) => (
                <tr key={`${p.trainRow}-${p.evalRow}`} className={p.conflict ? 'privacy-fail' : undefined} data-testid="leakage-pair">
                  <td>
                    <RowLink row={p.trainRow} />
                  </td>
                  <td>{p.trainId}</td>
                  <td>{p.evalId}</td>
                  <td className="num">{formatNumber(p.distance)}</td>
                  <td>
                    {p.exact ? 'exact' : 'near'}
                    {p.conflict && <strong className="warn"> · label differs</strong>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {r.pairsTotal > PAIRS_SHOWN && <p className="muted small">and {nf.format(r.pairsTotal - PAIRS_SHOWN)} more pairs</p>}
        </div>
      )}
    </>
  );
}
