import { useMemo, useRef } from 'react';
import type { Layout, PlotData, PlotMouseEvent, PlotRelayoutEvent } from 'plotly.js-strict-dist-min';
import { overrideKey, useStore } from '../../store/index.ts';
import { formatNumber, formatP, nf } from '../../ui/format.ts';
import { Plot, PlotExport } from '../../ui/Plot.tsx';
import { COLORS, baseLayout, exportName, useTriage } from './context.ts';
import { bhCutoff, classFlags, rowsInBin, scoreHistogram, sortedDescending } from './derive.ts';

/**
 * The class's scores with the flag threshold as a draggable line, a top-k slider and (where the detector has
 * p-values) an FDR level: each re-flags the class live, for every panel.
 */
export function ScoreHistogram() {
  const t = useTriage();
  const logCounts = useStore((s) => s.logCounts);
  const setLogCounts = useStore((s) => s.setLogCounts);
  const setOverride = useStore((s) => s.setOverride);
  const setSelection = useStore((s) => s.setSelection);
  const override = useStore((s) => (t ? s.overrides[overrideKey(t.view.key, t.classIndex)] : undefined));
  const plotRef = useRef<HTMLDivElement>(null);

  const scores = t?.view.scores;
  const rows = t?.rows;
  const flagsArr = t?.view.flagged;
  const hist = useMemo(() => (scores && rows && flagsArr ? scoreHistogram(scores, flagsArr, rows) : null), [scores, rows, flagsArr]);
  const desc = useMemo(() => (scores && rows ? sortedDescending(scores, rows) : null), [scores, rows]);
  const flags = useMemo(
    () => (t ? classFlags(t.view.scores, t.view.pValues, t.view.flagged, t.rows) : null),
    [t],
  );
  const threshold = flags && Number.isFinite(flags.threshold) ? flags.threshold : null;

  const data = useMemo<PlotData[]>(() => {
    if (!hist) return [];
    return [
      {
        type: 'bar',
        name: 'not flagged',
        x: hist.centres,
        y: hist.clean,
        width: hist.width,
        marker: { color: COLORS.clean },
        hovertemplate: 'score ≈ %{x:.4g}<br>%{y} rows<extra>not flagged · click: select</extra>',
      },
      {
        type: 'bar',
        name: 'flagged',
        x: hist.centres,
        y: hist.flagged,
        width: hist.width,
        marker: { color: COLORS.flagged, line: { color: '#5c2300', width: 0.5 } },
        hovertemplate: 'score ≈ %{x:.4g}<br>%{y} rows<extra>flagged · click: select</extra>',
      },
    ];
  }, [hist]);

  const layout = useMemo<Layout>(
    () => ({
      ...baseLayout,
      barmode: 'stack',
      bargap: 0,
      margin: { l: 56, r: 12, t: 20, b: 40 },
      uirevision: t?.key,
      xaxis: { title: { text: t?.view.key === 'consensus' ? 'consensus (mean percentile rank)' : 'score', standoff: 4 }, gridcolor: COLORS.grid, zeroline: false },
      yaxis: {
        title: { text: logCounts ? 'rows (log)' : 'rows' },
        type: logCounts ? 'log' : 'linear',
        gridcolor: COLORS.grid,
        ...(logCounts ? { tickformat: ',d' } : {}),
      },
      shapes:
        threshold === null
          ? []
          : [
              {
                type: 'line',
                xref: 'x',
                yref: 'paper',
                x0: threshold,
                x1: threshold,
                y0: 0,
                y1: 1,
                editable: true,
                line: { color: COLORS.threshold, width: 3, dash: 'dash' },
              },
            ],
      annotations:
        threshold === null
          ? []
          : [
              {
                x: threshold,
                y: 1,
                xref: 'x',
                yref: 'paper',
                yanchor: 'bottom',
                xanchor: 'left',
                showarrow: false,
                text: `⇔ drag · ${formatNumber(threshold)}`,
                font: { color: COLORS.threshold, size: 12 },
              },
            ],
    }),
    [t?.key, t?.view.key, logCounts, threshold],
  );

  if (!t || !hist || !desc || !flags) return null;
  const { view, classIndex } = t;
  const n = t.rows.length;

  const setThreshold = (score: number) => setOverride(view.key, classIndex, { kind: 'threshold', score });
  // Dragging the line moves both ends; its new x is where the analyst let go.
  const onRelayout = (e: PlotRelayoutEvent) => {
    const x0 = e['shapes[0].x0'];
    const x1 = e['shapes[0].x1'];
    if (typeof x0 === 'number' && typeof x1 === 'number') setThreshold((x0 + x1) / 2);
    else if (typeof x0 === 'number') setThreshold(x0);
  };
  const onClick = (e: PlotMouseEvent) => {
    const p = e.points[0];
    if (!p) return;
    const bin = rowsInBin(view.scores, t.rows, hist, p.pointNumber);
    setSelection({ rows: bin, source: `histogram bin ≈ ${formatNumber(hist.centres[p.pointNumber])} in ${t.className}` });
  };
  const topK = (k: number) => setThreshold(k <= 0 ? Infinity : desc[Math.min(k, n) - 1]);
  const cut = view.pValues && override?.kind === 'fdr' ? bhCutoff(view.pValues, t.rows, override.q) : null;

  return (
    <section className="panel plot-panel hist-panel" aria-labelledby="hist-title">
      <div className="panel-head">
        <h2 id="hist-title">
          Scores in <span className="accent">{t.className}</span>
        </h2>
        <label className="check">
          <input type="checkbox" checked={logCounts} onChange={(e) => setLogCounts(e.target.checked)} /> log counts
        </label>
        <PlotExport plot={plotRef} filename={exportName(t, 'scores')} />
      </div>
      <Plot
        testId="score-histogram"
        label={`Histogram of ${view.title} scores in class ${t.className}, flag threshold marked`}
        data={data}
        layout={layout}
        config={{ edits: { shapePosition: true } }}
        onRelayout={onRelayout}
        onClick={onClick}
        points={hist.total}
        dataKey={t.key}
        divRef={plotRef}
      />
      <div className="threshold-controls">
        <label className="field inline compact slider">
          <span>Flag top</span>
          <input
            type="range"
            data-testid="threshold-slider"
            min={0}
            max={n}
            step={1}
            value={flags.count}
            aria-valuetext={`${flags.count} rows flagged`}
            onChange={(e) => topK(Number(e.target.value))}
          />
          <b className="num" data-testid="threshold-count">
            {nf.format(flags.count)}
          </b>
        </label>
        {view.pValues && (
          <label className="field inline compact">
            <span title="Benjamini–Hochberg false-discovery rate for this class">FDR q</span>
            <input
              type="number"
              data-testid="threshold-q"
              step="0.01"
              min="0.0001"
              max="0.5"
              value={override?.kind === 'fdr' ? override.q : ''}
              placeholder={flags.impliedQ !== null ? formatP(flags.impliedQ) : '—'}
              onChange={(e) => {
                const q = Number(e.target.value);
                if (e.target.value !== '' && q > 0 && q <= 0.5) setOverride(view.key, classIndex, { kind: 'fdr', q });
              }}
            />
          </label>
        )}
        <span className="muted small" data-testid="threshold-summary">
          {threshold === null ? 'nothing flagged' : `score ≥ ${formatNumber(threshold)}`}
          {cut !== null && ` · p ≤ ${formatP(cut)}`}
          {cut === null && flags.pMax !== null && ` · p ≤ ${formatP(flags.pMax)} · ≈ FDR ${formatP(flags.impliedQ!)}`}
        </span>
        {override && (
          <button type="button" className="btn tiny" data-testid="threshold-reset" onClick={() => setOverride(view.key, classIndex, null)}>
            Scan's flags
          </button>
        )}
      </div>
    </section>
  );
}
