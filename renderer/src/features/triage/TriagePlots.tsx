import { useMemo } from 'react';
import type { Layout, PlotData, PlotMouseEvent } from 'plotly.js-strict-dist-min';
import { useStore } from '../../store/index.ts';
import { Plot } from '../../ui/Plot.tsx';
import { formatNumber } from './ClassPicker.tsx';
import { rowsByClass, scatterSplit, scoreHistogram, topRows } from './derive.ts';

const COLORS = {
  clean: '#4c78a8',
  flagged: '#e8590c',
  flaggedEdge: '#5c2300',
  threshold: '#c92a2a',
  selected: '#111827',
  grid: '#e5e7eb',
  text: '#1f2937',
};

const FONT = { family: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', size: 13, color: COLORS.text };

const baseLayout = {
  font: FONT,
  paper_bgcolor: 'rgba(0,0,0,0)',
  plot_bgcolor: '#ffffff',
  autosize: true,
  showlegend: true,
  legend: { orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom', bgcolor: 'rgba(0,0,0,0)' },
};

/** Histogram and 2-D projection of the selected class, plus its most suspicious rows. */
export function TriagePlots() {
  const result = useStore((s) => s.spectral);
  const classIndex = useStore((s) => s.selectedClass);
  const logCounts = useStore((s) => s.logCounts);
  const setLogCounts = useStore((s) => s.setLogCounts);
  const selectedRow = useStore((s) => s.selectedRow);
  const selectRow = useStore((s) => s.selectRow);

  const cls = result?.classes.find((c) => c.classIndex === classIndex) ?? null;
  const rows = useMemo(
    () => (result && classIndex !== null ? (rowsByClass(result)[classIndex] ?? new Int32Array(0)) : new Int32Array(0)),
    [result, classIndex],
  );
  const hist = useMemo(() => (result ? scoreHistogram(result, rows) : null), [result, rows]);
  const split = useMemo(() => (result ? scatterSplit(result, rows) : null), [result, rows]);
  const top = useMemo(() => (result ? topRows(result, rows, 15) : new Int32Array(0)), [result, rows]);
  const key = cls ? `${cls.classIndex}:${cls.className}` : '';

  const histData = useMemo<PlotData[]>(() => {
    if (!hist) return [];
    return [
      {
        type: 'bar',
        name: 'not flagged',
        x: hist.centres,
        y: hist.clean,
        width: hist.width,
        marker: { color: COLORS.clean },
        hovertemplate: 'score ≈ %{x:.4g}<br>%{y} rows<extra>not flagged</extra>',
      },
      {
        type: 'bar',
        name: 'flagged',
        x: hist.centres,
        y: hist.flagged,
        width: hist.width,
        marker: { color: COLORS.flagged, line: { color: COLORS.flaggedEdge, width: 0.5 } },
        hovertemplate: 'score ≈ %{x:.4g}<br>%{y} rows<extra>flagged</extra>',
      },
    ];
  }, [hist]);

  const histLayout = useMemo<Layout>(() => {
    const threshold = cls && Number.isFinite(cls.threshold) ? cls.threshold : null;
    return {
      ...baseLayout,
      barmode: 'stack',
      showlegend: false,
      bargap: 0,
      margin: { l: 60, r: 16, t: 22, b: 44 },
      uirevision: key,
      xaxis: { title: { text: 'score ((r − μ)·v)²' }, gridcolor: COLORS.grid, zeroline: false },
      yaxis: {
        title: { text: logCounts ? 'rows (log)' : 'rows' },
        type: logCounts ? 'log' : 'linear',
        gridcolor: COLORS.grid,
        ...(logCounts ? { dtick: 1, tickformat: ',d' } : {}),
      },
      shapes: threshold === null ? [] : [
        {
          type: 'line',
          xref: 'x',
          yref: 'paper',
          x0: threshold,
          x1: threshold,
          y0: 0,
          y1: 1,
          line: { color: COLORS.threshold, width: 2, dash: 'dash' },
        },
      ],
      annotations: threshold === null ? [] : [
        {
          x: threshold,
          y: 1,
          xref: 'x',
          yref: 'paper',
          yanchor: 'bottom',
          xanchor: 'left',
          showarrow: false,
          text: `threshold ${formatNumber(threshold)}`,
          font: { color: COLORS.threshold, size: 12 },
        },
      ],
    };
  }, [cls, key, logCounts]);

  const scatterData = useMemo<PlotData[]>(() => {
    if (!split) return [];
    const traces: PlotData[] = [
      {
        type: 'scattergl',
        mode: 'markers',
        name: `not flagged (${split.clean.rows.length})`,
        x: split.clean.x,
        y: split.clean.y,
        customdata: split.clean.rows,
        marker: { color: COLORS.clean, size: 4, opacity: 0.55 },
        hovertemplate: 'row %{customdata}<br>PC1 %{x:.4g}, PC2 %{y:.4g}<extra></extra>',
      },
      {
        type: 'scattergl',
        mode: 'markers',
        name: `flagged (${split.flagged.rows.length})`,
        x: split.flagged.x,
        y: split.flagged.y,
        customdata: split.flagged.rows,
        marker: { color: COLORS.flagged, size: 8, opacity: 0.95, line: { color: COLORS.flaggedEdge, width: 1 } },
        hovertemplate: 'row %{customdata} · flagged<br>PC1 %{x:.4g}, PC2 %{y:.4g}<extra></extra>',
      },
    ];
    return traces;
  }, [split]);

  // The selected row is a separate small trace so that picking a row does not re-send the big ones' styles.
  const selectedTrace = useMemo<PlotData | null>(() => {
    if (!result || selectedRow === null || result.labels[selectedRow] !== classIndex) return null;
    return {
      type: 'scattergl',
      mode: 'markers',
      name: `row #${selectedRow}`,
      x: [result.projection[2 * selectedRow]],
      y: [result.projection[2 * selectedRow + 1]],
      customdata: [selectedRow],
      marker: { color: 'rgba(0,0,0,0)', size: 18, line: { color: COLORS.selected, width: 2.5 } },
      hoverinfo: 'skip',
    };
  }, [result, selectedRow, classIndex]);

  const scatterAll = useMemo(() => (selectedTrace ? [...scatterData, selectedTrace] : scatterData), [scatterData, selectedTrace]);

  const scatterLayout = useMemo<Layout>(
    () => ({
      ...baseLayout,
      hovermode: 'closest',
      dragmode: 'zoom',
      margin: { l: 56, r: 16, t: 36, b: 48 },
      uirevision: key,
      xaxis: { title: { text: 'spectral direction (PC1)' }, gridcolor: COLORS.grid, zerolinecolor: '#cbd5e1' },
      yaxis: { title: { text: 'PC2' }, gridcolor: COLORS.grid, zerolinecolor: '#cbd5e1' },
    }),
    [key],
  );

  const onScatterClick = (e: PlotMouseEvent) => {
    const p = e.points[0];
    if (!p) return;
    let row = typeof p.customdata === 'number' ? p.customdata : Number(p.customdata);
    if (!Number.isInteger(row) && split) {
      const source = p.curveNumber === 0 ? split.clean.rows : p.curveNumber === 1 ? split.flagged.rows : null;
      row = source ? source[p.pointNumber] : NaN;
    }
    if (Number.isInteger(row) && row >= 0) selectRow(row);
  };

  if (!result) {
    return (
      <section className="panel empty" data-testid="triage-empty">
        <h2>Per-class triage</h2>
        <p className="muted">Run spectral signatures to see, per class, which rows stand out.</p>
      </section>
    );
  }
  if (!cls || !hist || !split) return null;

  return (
    <div className="triage">
      <section className="panel plot-panel hist-panel" aria-labelledby="hist-title">
        <div className="panel-head">
          <h2 id="hist-title">
            Scores in <span className="accent">{cls.className}</span>
          </h2>
          <span className="muted small">
            {cls.flagged} of {cls.count} flagged
            {Number.isFinite(cls.threshold) ? ` · score ≥ ${formatNumber(cls.threshold)}` : ' · nothing flagged'}
          </span>
          <label className="check">
            <input type="checkbox" checked={logCounts} onChange={(e) => setLogCounts(e.target.checked)} /> log counts
          </label>
        </div>
        <Plot
          testId="score-histogram"
          label={`Histogram of spectral scores in class ${cls.className}, threshold marked`}
          data={histData}
          layout={histLayout}
          points={hist.total}
          dataKey={key}
        />
      </section>
      <section className="panel plot-panel scatter-panel" aria-labelledby="scatter-title">
        <div className="panel-head">
          <h2 id="scatter-title">
            Projection of <span className="accent">{cls.className}</span>
          </h2>
          <span className="muted small">class-local PCA; click a point to inspect its row</span>
        </div>
        <Plot
          testId="projection-scatter"
          label={`Scatter of class ${cls.className} on its top two principal directions, flagged rows highlighted`}
          data={scatterAll}
          layout={scatterLayout}
          onClick={onScatterClick}
          points={split.clean.rows.length + split.flagged.rows.length}
          dataKey={key}
        />
      </section>
      <section className="panel top-rows" aria-labelledby="top-title">
        <h2 id="top-title">Highest scores</h2>
        <ol data-testid="top-rows">
          {Array.from(top, (row) => (
            <li key={row} className={row === selectedRow ? 'selected' : undefined}>
              <button type="button" className="linkish" onClick={() => selectRow(row)} data-row={row}>
                <span>#{row}</span>
                <span className="num">{formatNumber(result.scores[row])}</span>
                {result.flagged[row] ? <span className="badge flagged">flagged</span> : <span />}
              </button>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
