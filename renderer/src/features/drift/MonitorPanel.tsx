import { useMemo } from 'react';
import { DETECTORS } from '../../../../shared/domain/detector-catalog.ts';
import { DEFAULT_MONITOR_THRESHOLDS, type MonitorThresholds } from '../../../../shared/domain/drift.ts';
import type { DetectorName, FlagRule } from '../../../../shared/domain/detectors.ts';
import { useStore } from '../../store/index.ts';
import { nf } from '../../ui/format.ts';
import { runMonitor } from './actions.ts';
import { SpcChart } from './SpcChart.tsx';

const FIELDS: { key: Exclude<keyof MonitorThresholds, 'westernElectric'>; label: string; hint: string; step: number }[] = [
  { key: 'psiAlert', label: 'PSI alert', hint: 'Alert when a column’s PSI against the first snapshot exceeds this (the seed: 0.2)', step: 0.01 },
  { key: 'anomalyFactor', label: 'Anomaly factor', hint: 'Alert when the anomaly rate exceeds this multiple of the baseline rate (the seed: 2)', step: 0.1 },
  { key: 'sigma', label: 'Limits (σ)', hint: 'Control limits at centre ± this many σ (Shewhart: 3)', step: 0.5 },
  { key: 'bins', label: 'PSI bins', hint: 'Baseline quantile bins for PSI', step: 1 },
];

/**
 * Monitoring over snapshots of one dataset (e.g. monthly exports): choose them in order, the detectors whose
 * flagged share is the anomaly rate and the columns whose means to chart; run; read the control charts and
 * the alerts.
 */
export function MonitorPanel() {
  const datasets = useStore((s) => s.datasets);
  const form = useStore((s) => s.monitorForm);
  const setForm = useStore((s) => s.setMonitorForm);
  const result = useStore((s) => s.monitorResult);
  const info = useStore((s) => s.appInfo);
  const flagForm = useStore((s) => s.flagForm);
  const running = useStore((s) => Object.values(s.jobs).some((j) => j.kind === 'monitor' && (j.status === 'running' || j.status === 'queued')));
  const snapshots = form.snapshotIds.map((id) => datasets.find((d) => d.id === id)).filter((d) => d !== undefined);
  const first = snapshots[0];
  const available = info?.detectors ?? [];
  const flag: FlagRule =
    flagForm.mode === 'budget'
      ? { mode: 'budget', epsilon: Number(flagForm.epsilon), budgetFactor: Number(flagForm.budgetFactor) }
      : flagForm.mode === 'fdr'
        ? { mode: 'fdr', q: Number(flagForm.q) }
        : { mode: 'rule' };

  const toggle = (id: string, on: boolean) => setForm({ snapshotIds: on ? [...form.snapshotIds, id] : form.snapshotIds.filter((x) => x !== id) });
  const move = (i: number, by: number) => {
    const ids = [...form.snapshotIds];
    const j = i + by;
    if (j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j], ids[i]];
    setForm({ snapshotIds: ids });
  };
  const psiLines = useMemo(() => [{ y: result?.thresholds.psiAlert ?? form.thresholds.psiAlert, label: 'PSI alert' }], [result, form.thresholds.psiAlert]);
  const names = useMemo(() => result?.snapshots.map((s) => s.name) ?? [], [result]);
  const canRun = snapshots.length >= 2 && form.baselinePeriod < snapshots.length && !running;

  return (
    <section className="panel drift-monitor" aria-label="Monitoring over snapshots" data-testid="drift-monitor">
      <div className="panel-head">
        <h2>Monitoring over snapshots</h2>
        <span className="muted small">control charts from the baseline period; alerts by the seed’s monitoring table</span>
      </div>
      <div className="drift-monitor-form">
        <fieldset>
          <legend>Snapshots, in order</legend>
          {datasets.map((d) => {
            const at = form.snapshotIds.indexOf(d.id);
            return (
              <div key={d.id} className="drift-snapshot">
                <label>
                  <input type="checkbox" checked={at >= 0} data-testid={`monitor-snapshot-${d.id}`} onChange={(e) => toggle(d.id, e.target.checked)} />
                  {at >= 0 ? <strong>{at + 1}.</strong> : null} {d.name} <span className="muted small">({nf.format(d.rows)} rows)</span>
                </label>
                {at >= 0 && (
                  <span>
                    <button type="button" className="btn tiny" aria-label={`Move ${d.name} earlier`} onClick={() => move(at, -1)}>
                      ↑
                    </button>
                    <button type="button" className="btn tiny" aria-label={`Move ${d.name} later`} onClick={() => move(at, 1)}>
                      ↓
                    </button>
                  </span>
                )}
              </div>
            );
          })}
          <label title="The first snapshots whose values set the centre lines and limits (the first snapshot is also PSI's reference)">
            Baseline period{' '}
            <input
              type="number"
              min={1}
              max={Math.max(1, snapshots.length - 1)}
              value={form.baselinePeriod}
              onChange={(e) => Number.isInteger(e.target.valueAsNumber) && e.target.valueAsNumber >= 1 && setForm({ baselinePeriod: e.target.valueAsNumber })}
            />{' '}
            snapshot{form.baselinePeriod > 1 ? 's' : ''}
          </label>
        </fieldset>
        <fieldset>
          <legend title="The anomaly rate is the share of rows any of these flags (with the flag rule of the detector panel)">Anomaly rate from</legend>
          {available.map((name) => (
            <label key={name} className="drift-check">
              <input
                type="checkbox"
                checked={form.detectors.includes(name)}
                onChange={(e) => setForm({ detectors: e.target.checked ? [...form.detectors, name] : form.detectors.filter((d: DetectorName) => d !== name) })}
              />
              {DETECTORS[name]?.title ?? name}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Column means to chart</legend>
          <select
            multiple
            size={6}
            aria-label="Column means to chart"
            data-testid="monitor-columns"
            value={form.columns}
            onChange={(e) => setForm({ columns: Array.from(e.target.selectedOptions, (o) => o.value).slice(0, 100) })}
          >
            {(first?.featureNames ?? []).map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </fieldset>
        <fieldset>
          <legend>Thresholds</legend>
          {FIELDS.map((f) => (
            <label key={f.key} title={`${f.hint}. Default ${DEFAULT_MONITOR_THRESHOLDS[f.key]}.`}>
              {f.label}{' '}
              <input
                type="number"
                step={f.step}
                defaultValue={form.thresholds[f.key]}
                onChange={(e) => Number.isFinite(e.target.valueAsNumber) && setForm({ thresholds: { ...form.thresholds, [f.key]: e.target.valueAsNumber } })}
              />
            </label>
          ))}
          <label title="Also flag runs and trends: 2 of 3 beyond 2σ, 4 of 5 beyond 1σ, 8 in a row on one side">
            <input type="checkbox" checked={form.thresholds.westernElectric} onChange={(e) => setForm({ thresholds: { ...form.thresholds, westernElectric: e.target.checked } })} /> Western
            Electric rules
          </label>
        </fieldset>
      </div>
      <button
        type="button"
        className="btn primary"
        data-testid="monitor-run"
        disabled={!canRun}
        title={snapshots.length < 2 ? 'Choose at least two snapshots' : undefined}
        onClick={() =>
          void runMonitor({ snapshotIds: form.snapshotIds, baselinePeriod: form.baselinePeriod, detectors: form.detectors.map((name) => ({ name, params: {} })), flag, columns: form.columns, thresholds: form.thresholds })
        }
      >
        {running ? 'Monitoring…' : `Run over ${snapshots.length} snapshots`}
      </button>
      {result && (
        <>
          <Alerts />
          {result.anomalyRate && (
            <SpcChart title="Anomaly rate" testId="spc-anomaly" snapshots={names} baselinePeriod={result.baselinePeriod} chart={result.anomalyRate} percent />
          )}
          <SpcChart title="Mean PSI over columns (against the first snapshot)" testId="spc-psi" snapshots={names} baselinePeriod={result.baselinePeriod} chart={result.psi.chart} values={result.psi.mean} alertLines={psiLines} />
          {result.columnMeans.map((c) => (
            <SpcChart key={c.column} title={`Mean of ${c.column}`} testId={`spc-mean-${c.column}`} snapshots={names} baselinePeriod={result.baselinePeriod} chart={c.chart} />
          ))}
        </>
      )}
    </section>
  );
}

function Alerts() {
  const result = useStore((s) => s.monitorResult);
  if (!result) return null;
  return (
    <div className="drift-alerts" data-testid="monitor-alerts">
      <h3>
        {result.alerts.length} alert{result.alerts.length === 1 ? '' : 's'}
      </h3>
      {result.alerts.length === 0 ? (
        <p className="muted small">No snapshot after the baseline period crossed a threshold or a control limit.</p>
      ) : (
        <ul>
          {result.alerts.map((a, i) => (
            <li key={i} className={`drift-alert ${a.kind}`}>
              <strong>
                {a.snapshotIndex + 1}. {a.snapshot}
              </strong>{' '}
              <span className="badge flagged">{a.kind}</span> {a.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
