import { useState } from 'react';
import type { DatasetSummary } from '../../../../shared/domain/dataset.ts';
import { DETECTORS } from '../../../../shared/domain/detector-catalog.ts';
import type { DetectorName } from '../../../../shared/domain/detectors.ts';
import type { JobInfo } from '../../../../shared/domain/jobs.ts';
import type { BiasReport, Disparity } from '../../../../shared/domain/privacy.ts';
import { useStore } from '../../store/index.ts';
import { formatNumber, formatP, formatPercent, nf } from '../../ui/format.ts';
import { runPrivacyCheck, usePrivacyRunning } from './actions.ts';
import { useFileColumns } from './columns.ts';

const CLASSES_SHOWN = 8;

/** The latest finished scan job of the dataset, whose flags the bias check compares across groups. */
function useLastScanJob(datasetId: string): JobInfo<'scan'> | null {
  return useStore((s) => {
    const scans = Object.values(s.jobs).filter((j): j is JobInfo<'scan'> => j.kind === 'scan' && j.status === 'done' && (j as JobInfo<'scan'>).params.datasetId === datasetId);
    return scans.sort((a, b) => (b.finishedAt ?? '').localeCompare(a.finishedAt ?? ''))[0] ?? null;
  });
}

/** Bias by a protected attribute: per-group class balance, flag rates and accuracy, with disparities highlighted. */
export function BiasPanel({ dataset }: { dataset: DatasetSummary }) {
  const columns = useFileColumns(dataset.id);
  const result = useStore((s) => s.privacyResults[dataset.id]?.bias);
  const running = usePrivacyRunning(dataset.id, 'bias');
  const scan = useLastScanJob(dataset.id);
  const [column, setColumn] = useState('');
  const [useScan, setUseScan] = useState(true);
  const [folds, setFolds] = useState('5');
  const candidates = (columns ?? []).filter((c) => c.role !== 'label' && c.role !== 'id' && c.kind !== 'text' && c.kind !== 'vector');
  const chosen = candidates.some((c) => c.name === column) ? column : (candidates.find((c) => c.role === 'group' || c.kind === 'categorical')?.name ?? candidates[0]?.name ?? '');
  const foldsValue = Number(folds);
  const foldsOk = Number.isInteger(foldsValue) && (foldsValue === 0 || (foldsValue >= 2 && foldsValue <= 20));

  const run = () =>
    void runPrivacyCheck(dataset.id, 'bias', { column: chosen, scanJobId: useScan && scan ? scan.id : null, folds: foldsValue, l2: 1e-3 });

  return (
    <section className="panel privacy-panel" data-testid="bias-panel" aria-labelledby="bias-title">
      <div className="panel-head">
        <h2 id="bias-title">Bias by a protected attribute</h2>
      </div>
      <p className="hint">
        Per group: class balance, the share of rows the detectors flag and the model's out-of-fold accuracy. A poisoning attack can aim at one group;
        ratios below 0.8 of the best group (the four-fifths rule) are highlighted, and chi-square tests say whether group and outcome are independent.
      </p>
      {columns === null ? (
        <p className="muted small">Reading the columns…</p>
      ) : candidates.length === 0 ? (
        <p className="muted small">This dataset has no column to group by.</p>
      ) : (
        <div className="privacy-form">
          <label className="field inline compact">
            <span>Protected attribute</span>
            <select value={chosen} data-testid="bias-column" onChange={(e) => setColumn(e.target.value)}>
              {candidates.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name} ({c.role === 'ignore' ? c.kind : c.role})
                </option>
              ))}
            </select>
          </label>
          <label className="check" title={scan ? '' : 'Run a scan (detector panel) to compare flag rates'}>
            <input type="checkbox" checked={useScan && scan !== null} disabled={!scan} onChange={(e) => setUseScan(e.target.checked)} data-testid="bias-use-scan" />
            flag rates of the last scan{scan ? ` (${scan.params.detectors.map((d) => DETECTORS[d.name]?.title ?? d.name).join(', ')})` : ' (no scan yet)'}
          </label>
          <label className="field inline compact" title="0: no model">
            <span>Folds</span>
            <input type="number" className="narrow" min="0" max="20" step="1" value={folds} aria-invalid={!foldsOk} onChange={(e) => setFolds(e.target.value)} data-testid="bias-folds" />
          </label>
          <button type="button" className="btn primary" data-testid="bias-run" disabled={running || !chosen || !foldsOk} onClick={run}>
            {running ? 'Comparing…' : 'Compare groups'}
          </button>
        </div>
      )}
      {result && <BiasResults result={result} />}
    </section>
  );
}

function detectorTitle(name: string): string {
  return DETECTORS[name as DetectorName]?.title ?? name;
}

function BiasResults({ result: r }: { result: BiasReport }) {
  const failing = r.disparities.filter((d) => d.fails);
  const find = (metric: string, group: string): Disparity | undefined => r.disparities.find((d) => d.metric === metric && d.group === group);
  const cell = (key: string, d: Disparity | undefined, text: string) => (
    <td key={key} className={`num${d?.fails ? ' privacy-disparity' : ''}`} title={d ? `${formatNumber(d.ratio)} × '${d.bestGroup}' (${formatNumber(d.best)})${d.fails ? ' — below 0.8' : ''}` : undefined} data-fails={d?.fails ? 'true' : undefined}>
      {text}
    </td>
  );
  const shownClasses = r.classNames.slice(0, CLASSES_SHOWN);
  return (
    <>
      <p className={`privacy-verdict ${failing.length ? 'bad' : 'ok'}`} data-testid="bias-summary">
        {failing.length
          ? `${failing.length} disparit${failing.length === 1 ? 'y' : 'ies'} by '${r.column}': ${failing
              .slice(0, 4)
              .map((d) => `'${d.group}' ${d.metric.replace(/^flagged by (.*)$/, (_, n: string) => `flagged by ${detectorTitle(n)}`)} ${formatNumber(d.ratio)} × that of '${d.bestGroup}'`)
              .join('; ')}${failing.length > 4 ? '; …' : ''}.`
          : `No group falls below four fifths of the best one by '${r.column}'${r.groups.some((g) => g.rows < r.minGroupRows) ? ` (groups under ${r.minGroupRows} rows are not compared)` : ''}.`}
      </p>
      <div className="table-scroll privacy-table">
        <table className="grid dense" data-testid="bias-groups">
          <thead>
            <tr>
              <th>{r.column}</th>
              <th className="num">Rows</th>
              {shownClasses.map((c) => (
                <th key={c} className="num" title={`share of class '${c}'`}>
                  {c}
                </th>
              ))}
              {r.detectors.map((d) => (
                <th key={d} className="num" title="share of the group's rows flagged">
                  flagged: {detectorTitle(d)}
                </th>
              ))}
              {r.overallAccuracy !== null && <th className="num">Accuracy</th>}
            </tr>
          </thead>
          <tbody>
            {r.groups.map((g) => (
              <tr key={g.name} data-testid="bias-group" data-group={g.name} className={g.rows < r.minGroupRows ? 'muted' : undefined}>
                <td>{g.name}</td>
                <td className="num">{nf.format(g.rows)}</td>
                {shownClasses.map((c, k) => (
                  <td key={c} className="num">
                    {formatPercent(g.classCounts[k] / Math.max(1, g.rows))}
                  </td>
                ))}
                {r.detectors.map((d, k) => cell(d, find(`flagged by ${d}`, g.name), formatPercent(g.flagRates[k])))}
                {r.overallAccuracy !== null && cell('accuracy', find('accuracy', g.name), g.accuracy === null ? '—' : formatPercent(g.accuracy))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {r.classNames.length > CLASSES_SHOWN && <p className="muted small">first {CLASSES_SHOWN} of {r.classNames.length} classes shown</p>}
      <p className="muted small">
        {r.overallAccuracy !== null ? `Out-of-fold accuracy (${r.folds} folds) ${formatPercent(r.overallAccuracy)} overall. ` : ''}
        Groups under {r.minGroupRows} rows are listed but not compared.
      </p>
      <table className="grid dense privacy-tests" data-testid="bias-tests">
        <thead>
          <tr>
            <th>Independence of</th>
            <th className="num">χ²</th>
            <th className="num">dof</th>
            <th className="num">p</th>
            <th className="num" title="effect size: 0 none, 0.1 small, 0.3 medium, 0.5 large">Cramér's V</th>
          </tr>
        </thead>
        <tbody>
          {r.tests.map((t) => (
            <tr key={t.table} className={t.pValue < 0.05 ? 'privacy-fail' : undefined}>
              <td>{t.table.replace(/flagged by (.*)$/, (_, n: string) => `flagged by ${detectorTitle(n)}`)}</td>
              <td className="num">{formatNumber(t.chiSquare)}</td>
              <td className="num">{t.dof}</td>
              <td className="num">{formatP(t.pValue)}</td>
              <td className="num">{formatNumber(t.cramersV)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
