import { useMemo, useRef, useState } from 'react';
import type { Layout, PlotData } from 'plotly.js-strict-dist-min';
import { testChoiceNote, type TestPointChoice, type TrainedModel } from '../../../../shared/domain/influence.ts';
import { useStore } from '../../store/index.ts';
import { formatNumber, formatPercent, nf } from '../../ui/format.ts';
import { Plot, PlotExport } from '../../ui/Plot.tsx';
import { certifyRobustness, runWhatIf } from './actions.ts';
import { baseLayout } from '../../ui/plot-style.ts';
import { COLORS } from './plot-style.ts';

const CURVE_COLORS = [COLORS.neutral, COLORS.marked, COLORS.helpful, COLORS.harmful, '#7048e8', '#495057'];

/** Training rows of the model among `rows` (a quarantine set may hold test rows, which cannot be removed). */
function trainingRowsOf(model: TrainedModel, rows: ArrayLike<number>): number[] {
  const isTrain = new Set(model.trainRows);
  return Array.from(rows).filter((r) => isTrain.has(r));
}

/** A choice of rows to leave out: the picked ones, the top-N harmful, or a quarantine set. */
interface RowSource {
  key: string;
  label: string;
  rows: (n: number) => number[];
}

/** The row sources as the options of a picker. */
function RowSourceOptions({ sources }: { sources: readonly RowSource[] }) {
  return sources.map((s) => (
    <option key={s.key} value={s.key}>
      {s.label}
    </option>
  ));
}

/** The row sources open to `model`: the picked rows, the top-N harmful of its ranking, its dataset's quarantine sets. */
function useRowSources(model: TrainedModel): RowSource[] {
  const picked = useStore((s) => s.influencePicked);
  const ranking = useStore((s) => s.influenceRanking);
  const quarantine = useStore((s) => s.quarantine);
  return useMemo(() => {
    const sources: RowSource[] = [];
    if (ranking && ranking.modelId === model.modelId) {
      const order = Array.from(ranking.predictedChange.keys())
        .filter((i) => ranking.predictedChange[i] < 0)
        .sort((a, b) => ranking.predictedChange[a] - ranking.predictedChange[b]);
      sources.push({ key: 'top', label: 'the N most harmful rows of the ranking', rows: (n) => order.slice(0, n).map((i) => model.trainRows[i]) });
    }
    if (picked.length) sources.push({ key: 'picked', label: `the ${picked.length} picked rows`, rows: () => picked });
    for (const set of quarantine) {
      if (set.datasetId !== model.datasetId) continue;
      sources.push({ key: set.id, label: `quarantine set “${set.name}” (${set.rows.length} rows)`, rows: () => trainingRowsOf(model, set.rows) });
    }
    return sources;
  }, [model, ranking, picked, quarantine]);
}

/** Retrain without a set of rows: the actual change in test loss and accuracy next to the predicted one. */
export function WhatIfPanel({ model }: { model: TrainedModel }) {
  const runs = useStore((s) => s.whatIfRuns);
  const ranking = useStore((s) => s.influenceRanking);
  const showError = useStore((s) => s.showError);
  const sources = useRowSources(model);
  const [sourceKey, setSourceKey] = useState('top');
  const [n, setN] = useState('50');
  const source = sources.find((s) => s.key === sourceKey) ?? sources[0];
  const test: TestPointChoice = ranking && ranking.modelId === model.modelId ? ranking.choice : { kind: 'all' };

  const run = () => {
    if (!source) return showError('What if removed', 'rank the training rows first, pick rows in the ranking, or make a quarantine set');
    const count = Number(n);
    if (source.key === 'top' && !(Number.isInteger(count) && count > 0)) return showError('What if removed', `N must be a whole number > 0, got '${n}'`);
    const rows = source.rows(count);
    if (rows.length === 0) return showError('What if removed', `${source.label} holds no training rows of this model`);
    const label = source.key === 'top' ? `top ${rows.length} harmful` : source.label;
    void runWhatIf({ modelId: model.modelId, removeRows: rows, test }, label);
  };

  return (
    <section className="panel influence-whatif" aria-labelledby="influence-whatif-title" data-testid="whatif-panel">
      <div className="panel-head">
        <h2 id="influence-whatif-title">What if removed</h2>
        <span className="muted small">refit without the rows, on {testChoiceNote(test)}</span>
      </div>
      <div className="influence-form">
        <label className="field inline">
          <span>Remove</span>
          <select value={source?.key ?? ''} data-testid="whatif-source" onChange={(e) => setSourceKey(e.target.value)}>
            {sources.length === 0 && <option value="">(rank the rows or pick some first)</option>}
            <RowSourceOptions sources={sources} />
          </select>
        </label>
        {source?.key === 'top' && (
          <label className="field inline">
            <span>N</span>
            <input type="number" min={1} step={1} value={n} className="narrow" data-testid="whatif-n" onChange={(e) => setN(e.target.value)} />
          </label>
        )}
        <button type="button" className="btn primary" data-testid="whatif-run" disabled={!source} onClick={run}>
          Retrain without them
        </button>
      </div>
      {runs.length > 0 && (
        <table className="grid dense" data-testid="whatif-results">
          <thead>
            <tr>
              <th>removed</th>
              <th className="num">test points</th>
              <th className="num">predicted Δ loss</th>
              <th className="num">actual Δ loss</th>
              <th className="num">loss before → after</th>
              <th className="num">accuracy before → after</th>
            </tr>
          </thead>
          <tbody>
            {runs.map(({ label, result: r }, k) => (
              <tr key={k} data-testid="whatif-result">
                <td>
                  {label} ({nf.format(r.removed)})
                </td>
                <td className="num">{nf.format(r.testRows)}</td>
                <td className="num">{r.predictedChange.toExponential(3)}</td>
                <td className="num" data-testid="whatif-actual">
                  {r.actualChange.toExponential(3)}
                </td>
                <td className="num">
                  {formatNumber(r.testLossBefore)} → {formatNumber(r.testLossAfter)}
                </td>
                <td className="num">
                  {formatPercent(r.accuracyBefore)} → {formatPercent(r.accuracyAfter)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Deep Partition Aggregation: the certified-accuracy curve, before and after leaving rows out. */
export function CertifyPanel({ model }: { model: TrainedModel }) {
  const runs = useStore((s) => s.certifyRuns);
  const showError = useStore((s) => s.showError);
  const sources = useRowSources(model).filter((s) => s.key !== 'top');
  const plotRef = useRef<HTMLDivElement>(null);
  const [k, setK] = useState(() => String(Math.max(2, Math.min(50, Math.floor(model.trainRows.length / 20)))));
  const [excludeKey, setExcludeKey] = useState('');

  const run = () => {
    const buckets = Number(k);
    if (!(Number.isInteger(buckets) && buckets >= 2 && buckets <= model.trainRows.length)) {
      return showError('DPA certificates', `k must be a whole number from 2 to ${model.trainRows.length} (the training rows), got '${k}'`);
    }
    const source = sources.find((s) => s.key === excludeKey);
    const excludeRows = source ? source.rows(0) : [];
    void certifyRobustness({ modelId: model.modelId, buckets, excludeRows }, source ? `k = ${buckets}, without ${source.label}` : `k = ${buckets}, all training rows`);
  };

  const data = useMemo<PlotData[]>(
    () =>
      runs.map(({ label, result }, i) => ({
        type: 'scatter',
        mode: 'lines',
        line: { shape: 'hv', color: CURVE_COLORS[i % CURVE_COLORS.length], width: 2 },
        name: label,
        x: Array.from(result.curve, (_, r) => r),
        y: Array.from(result.curve),
        hovertemplate: `${label}<br>certified at ≥ %{x} poisoned rows: %{y:.1%}<extra></extra>`,
      })) as PlotData[],
    [runs],
  );
  const layout = useMemo<Layout>(
    () => ({
      ...baseLayout,
      showlegend: true,
      legend: { orientation: 'h', y: -0.25 },
      hovermode: 'closest',
      margin: { l: 52, r: 8, t: 8, b: 44 },
      xaxis: { title: { text: 'poisoned training rows r (insertions or deletions)' }, gridcolor: COLORS.grid, rangemode: 'tozero' },
      yaxis: { title: { text: 'certified accuracy' }, gridcolor: COLORS.grid, range: [0, 1.02], tickformat: '.0%' },
    }),
    [],
  );

  return (
    <section className="panel plot-panel influence-certify" aria-labelledby="influence-certify-title" data-testid="certify-panel">
      <div className="panel-head">
        <h2 id="influence-certify-title">Certified robustness (DPA)</h2>
        {runs.length > 0 && <PlotExport plot={plotRef} filename="assay-certified-accuracy" />}
      </div>
      <p className="hint">
        Deep Partition Aggregation (Levine &amp; Feizi 2021): the training rows are hashed into k buckets, one model per bucket, prediction by plurality
        vote. A test prediction certified at r cannot change under any r inserted or deleted training rows.
      </p>
      <div className="influence-form">
        <label className="field inline">
          <span>Buckets k</span>
          <input type="number" min={2} step={1} value={k} className="narrow" data-testid="certify-k" onChange={(e) => setK(e.target.value)} />
        </label>
        <label className="field inline">
          <span>Leave out</span>
          <select value={excludeKey} data-testid="certify-exclude" onChange={(e) => setExcludeKey(e.target.value)}>
            <option value="">nothing (all training rows)</option>
            <RowSourceOptions sources={sources} />
          </select>
        </label>
        <button type="button" className="btn primary" data-testid="certify-run" onClick={run}>
          Certify
        </button>
      </div>
      {runs.length > 0 && (
        <>
          <Plot
            testId="certified-curve"
            label="Certified accuracy against the number of poisoned training rows, one curve per DPA run"
            data={data}
            layout={layout}
            points={runs.reduce((s, r) => s + r.result.curve.length, 0)}
            dataKey={`${runs.length}`}
            divRef={plotRef}
          />
          <table className="grid dense" data-testid="certify-results">
            <thead>
              <tr>
                <th>run</th>
                <th className="num">ensemble accuracy</th>
                <th className="num">median radius</th>
                <th className="num">bucket sizes</th>
                <th className="num">time</th>
              </tr>
            </thead>
            <tbody>
              {runs.map(({ label, result }, i) => {
                const radii = Array.from(result.radius).sort((a, b) => a - b);
                const sizes = Array.from(result.bucketSizes);
                return (
                  <tr key={i}>
                    <td>{label}</td>
                    <td className="num">{formatPercent(result.curve[0])}</td>
                    <td className="num">{radii.length ? radii[Math.floor(radii.length / 2)] : '—'}</td>
                    <td className="num">
                      {Math.min(...sizes)}–{Math.max(...sizes)}
                    </td>
                    <td className="num">{result.seconds.toFixed(1)} s</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
