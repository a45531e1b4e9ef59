import { useMemo, useRef, useState } from 'react';
import type { Layout, PlotData, PlotMouseEvent } from 'plotly.js-strict-dist-min';
import type { InfluenceRanking, TrainedModel } from '../../../../shared/domain/influence.ts';
import { useScanViews, useStore } from '../../store/index.ts';
import { formatNumber, nf } from '../../ui/format.ts';
import { Plot, PlotExport } from '../../ui/Plot.tsx';
import { computeSelfInfluence } from './actions.ts';
import { baseLayout } from '../../ui/plot-style.ts';
import { COLORS } from './plot-style.ts';

const MARKED = 10;

/** Clicking a point opens its row in the row inspector. */
function useRowClick(): (e: PlotMouseEvent) => void {
  const selectRow = useStore((s) => s.selectRow);
  return (e) => {
    const row = Number(e.points[0]?.customdata);
    if (Number.isInteger(row) && row >= 0) selectRow(row);
  };
}

/** Influence on the chosen test points against a detector's score: do the detectors and the model agree? */
export function InfluenceScatter({ model, ranking }: { model: TrainedModel; ranking: InfluenceRanking }) {
  const sv = useScanViews();
  const plotRef = useRef<HTMLDivElement>(null);
  const [viewKey, setViewKey] = useState<string>('consensus');
  const onClick = useRowClick();
  const view = sv?.views.find((v) => v.key === viewKey) ?? sv?.views[sv.views.length - 1] ?? null;
  const data = useMemo<PlotData[]>(() => {
    if (!view) return [];
    const trace = (helpful: 0 | 1): PlotData => {
      const x: number[] = [];
      const y: number[] = [];
      const rows: number[] = [];
      ranking.predictedChange.forEach((v, i) => {
        if (ranking.helpful[i] !== helpful) return;
        const row = model.trainRows[i];
        x.push(view.scores[row]);
        y.push(v);
        rows.push(row);
      });
      return {
        type: 'scattergl',
        mode: 'markers',
        name: helpful ? 'helpful' : 'harmful',
        x,
        y,
        customdata: rows,
        marker: { size: 5, color: helpful ? COLORS.helpful : COLORS.harmful, opacity: 0.7 },
        hovertemplate: `row %{customdata}<br>${view.title} score %{x:.4g}<br>Δ test loss if removed %{y:.3e} (${helpful ? 'helpful' : 'harmful'})<extra></extra>`,
      } as PlotData;
    };
    return [trace(1), trace(0)];
  }, [view, ranking, model]);
  const layout = useMemo<Layout>(
    () => ({
      ...baseLayout,
      showlegend: true,
      legend: { orientation: 'h', y: 1.08 },
      hovermode: 'closest',
      margin: { l: 70, r: 8, t: 8, b: 44 },
      xaxis: { title: { text: `${view?.title ?? 'detector'} score (higher = more suspicious)` }, gridcolor: COLORS.grid },
      yaxis: { title: { text: 'Δ test loss if removed' }, gridcolor: COLORS.grid, exponentformat: 'e' },
    }),
    [view?.title],
  );
  return (
    <section className="panel plot-panel influence-scatter" aria-labelledby="influence-scatter-title">
      <div className="panel-head">
        <h2 id="influence-scatter-title">Influence vs detector score</h2>
        {sv && (
          <select value={view?.key} aria-label="Detector" onChange={(e) => setViewKey(e.target.value)}>
            {sv.views.map((v) => (
              <option key={v.key} value={v.key}>
                {v.title}
              </option>
            ))}
          </select>
        )}
        {view && <PlotExport plot={plotRef} filename={`assay-influence-vs-${view.key}`} />}
      </div>
      {view ? (
        <Plot
          testId="influence-scatter"
          label={`Scatter of training rows: ${view.title} score against estimated change in test loss if removed; click a point to inspect its row`}
          data={data}
          layout={layout}
          onClick={onClick}
          points={ranking.predictedChange.length}
          dataKey={`${ranking.modelId}-${view.key}`}
          divRef={plotRef}
        />
      ) : (
        <p className="muted small">Run a scan (left panel) to compare the influence with the detectors’ scores.</p>
      )}
    </section>
  );
}

/** Histogram of self-influence (log scale) with the top rows marked; click a marker to inspect its row. */
export function SelfInfluencePanel({ model }: { model: TrainedModel }) {
  const self = useStore((s) => s.selfInfluence);
  const selectRow = useStore((s) => s.selectRow);
  const plotRef = useRef<HTMLDivElement>(null);
  const onClick = useRowClick();
  const top = useMemo(() => {
    if (!self) return [];
    return Array.from(self.values.keys())
      .sort((a, b) => self.values[b] - self.values[a])
      .slice(0, MARKED);
  }, [self]);
  const data = useMemo<PlotData[]>(() => {
    if (!self) return [];
    const logs = Array.from(self.values, (v) => Math.log10(Math.max(v, 1e-300)));
    return [
      { type: 'histogram', x: logs, nbinsx: 60, marker: { color: COLORS.neutral }, hovertemplate: 'log₁₀ self-influence %{x}<br>%{y} rows<extra></extra>' } as PlotData,
      {
        type: 'scatter',
        mode: 'markers',
        x: top.map((i) => logs[i]),
        y: top.map(() => 0.96),
        yaxis: 'y2',
        customdata: top.map((i) => model.trainRows[i]),
        text: top.map((i) => model.classNames[model.trainLabels[i]]),
        marker: { symbol: 'triangle-down', size: 11, color: COLORS.marked },
        hovertemplate: 'row %{customdata} (label %{text})<br>self-influence 10^%{x:.2f}<extra>top ' + MARKED + '</extra>',
      } as PlotData,
    ];
  }, [self, top, model]);
  const layout = useMemo<Layout>(
    () => ({
      ...baseLayout,
      hovermode: 'closest',
      bargap: 0.05,
      margin: { l: 52, r: 8, t: 8, b: 44 },
      xaxis: { title: { text: 'log₁₀ self-influence gᵢᵀH⁻¹gᵢ' }, gridcolor: COLORS.grid },
      yaxis: { title: { text: 'rows' }, gridcolor: COLORS.grid },
      yaxis2: { overlaying: 'y', range: [0, 1], visible: false },
    }),
    [],
  );
  return (
    <section className="panel plot-panel influence-self" aria-labelledby="influence-self-title" data-testid="self-influence-panel">
      <div className="panel-head">
        <h2 id="influence-self-title">Self-influence</h2>
        {self && (
          <span className="muted small" data-testid="self-influence-summary">
            {self.method === 'exact' ? 'exact' : `low-rank (top ${self.rank} eigenpairs, upper-biased)`}, {nf.format(self.values.length)} rows, {self.parts} worker task
            {self.parts === 1 ? '' : 's'}, {self.seconds.toFixed(2)} s; ▼ top {MARKED}
          </span>
        )}
        <button type="button" className="btn small" data-testid="compute-self-influence" onClick={() => void computeSelfInfluence(model.modelId)}>
          {self ? 'Recompute' : 'Compute self-influence'}
        </button>
        {self && <PlotExport plot={plotRef} filename="assay-self-influence" />}
      </div>
      <p className="hint">Rows the model finds hardest to explain (Koh &amp; Liang 2017 §5.4): mislabelled rows tend to sit in the right tail.</p>
      {self && (
        <>
          <Plot
            testId="self-influence-histogram"
            label="Histogram of log self-influence of the training rows, the top rows marked; click a marker to inspect its row"
            data={data}
            layout={layout}
            onClick={onClick}
            points={self.values.length}
            dataKey={self.modelId}
            divRef={plotRef}
          />
          <ol className="influence-top small" data-testid="self-influence-top">
            {top.map((i) => (
              <li key={i} className="linkish" title="Inspect this row" onClick={() => selectRow(model.trainRows[i])}>
                row index {model.trainRows[i]} · {model.classNames[model.trainLabels[i]]} (predicted {model.classNames[model.trainPredicted[i]]}) ·{' '}
                {formatNumber(self.values[i])}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
