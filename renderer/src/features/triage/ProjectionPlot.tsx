import { useDeferredValue, useMemo, useRef } from 'react';
import type { Layout, PlotData, PlotMouseEvent, PlotSelectionEvent } from 'plotly.js-strict-dist-min';
import { useStore } from '../../store/index.ts';
import { Plot, PlotExport } from '../../ui/Plot.tsx';
import { COLORS, baseLayout, exportName, useTriage } from './context.ts';
import { classRanks, projectRows } from './derive.ts';

// Low ranks recede (pale blue), the top of the class stands out (orange to dark red).
const RANK_SCALE = [
  [0, '#c6dbef'],
  [0.5, '#6baed6'],
  [0.8, '#3f6fb0'],
  [0.9, '#fd8d3c'],
  [1, '#a50f15'],
];

const DRAG_MODES = [
  { mode: 'zoom', label: 'Zoom' },
  { mode: 'select', label: 'Box' },
  { mode: 'lasso', label: 'Lasso' },
] as const;

/**
 * The class on the detector's 2-D view (WebGL, typed arrays: fluid at hundreds of thousands of points),
 * coloured by the row's score rank in the class, flagged rows ringed; box or lasso puts rows in the selection.
 */
export function ProjectionPlot() {
  const t = useTriage();
  const selectedRow = useStore((s) => s.selectedRow);
  const selectRow = useStore((s) => s.selectRow);
  const setSelection = useStore((s) => s.setSelection);
  const dragMode = useStore((s) => s.dragMode);
  const setDragMode = useStore((s) => s.setDragMode);
  const plotRef = useRef<HTMLDivElement>(null);

  const projection = t?.view.projection ?? null;
  const scores = t?.view.scores;
  const rows = t?.rows;
  // A threshold drag re-flags on every step; the ring redraw (a full plotly recalc) may lag behind it.
  const flags = useDeferredValue(t?.view.flagged);
  const all = useMemo(() => (projection && rows ? projectRows(projection, rows) : null), [projection, rows]);
  const ranks = useMemo(() => (scores && rows ? classRanks(scores, rows) : null), [scores, rows]);
  const flagged = useMemo(() => (projection && rows && flags ? projectRows(projection, rows, flags) : null), [projection, rows, flags]);
  const axes = t?.view.projectionAxes ?? ['x', 'y'];

  // The big trace depends only on the class and the scores, so re-flagging sends only the small ring trace.
  const base = useMemo<PlotData | null>(
    () =>
      all && ranks
        ? {
            type: 'scattergl',
            mode: 'markers',
            name: 'rows',
            x: all.x,
            y: all.y,
            customdata: all.rows,
            marker: {
              color: ranks,
              colorscale: RANK_SCALE,
              cmin: 0,
              cmax: 1,
              size: 5,
              opacity: 0.8,
              colorbar: { title: { text: 'score rank', side: 'right' }, thickness: 10, len: 0.8, tickformat: '.0%', outlinewidth: 0 },
            },
            hovertemplate: 'row %{customdata}<extra></extra>',
          }
        : null,
    [all, ranks],
  );
  const ring = useMemo<PlotData | null>(
    () =>
      flagged
        ? {
            type: 'scattergl',
            mode: 'markers',
            name: 'flagged',
            x: flagged.x,
            y: flagged.y,
            customdata: flagged.rows,
            marker: { symbol: 'circle-open', color: COLORS.flaggedEdge, size: 10, line: { width: 1.5, color: COLORS.flaggedEdge } },
            hovertemplate: 'row %{customdata} · flagged<extra></extra>',
          }
        : null,
    [flagged],
  );
  // The picked row is its own tiny trace so that picking does not re-send the big ones.
  const pick = useMemo<PlotData | null>(() => {
    if (!t || !projection || selectedRow === null || t.sv.result.labels[selectedRow] !== t.classIndex) return null;
    return {
      type: 'scattergl',
      mode: 'markers',
      name: `row ${selectedRow}`,
      x: [projection[2 * selectedRow]],
      y: [projection[2 * selectedRow + 1]],
      customdata: [selectedRow],
      marker: { symbol: 'circle-open', color: '#7c3aed', size: 20, line: { width: 3, color: '#7c3aed' } },
      hoverinfo: 'skip',
    };
  }, [t, projection, selectedRow]);
  const data = useMemo(() => [base, ring, pick].filter((d): d is PlotData => d !== null), [base, ring, pick]);

  const layout = useMemo<Layout>(
    () => ({
      ...baseLayout,
      hovermode: 'closest',
      dragmode: dragMode,
      // scattergl keeps the pixel positions box/lasso need only when it is drawn in a selecting mode, so a
      // change of mode must redraw the traces, not just restyle the layout.
      datarevision: dragMode,
      margin: { l: 52, r: 8, t: 8, b: 40 },
      uirevision: t?.key,
      selectionrevision: t?.key,
      xaxis: { title: { text: axes[0], standoff: 4 }, gridcolor: COLORS.grid, zerolinecolor: '#cbd5e1' },
      yaxis: { title: { text: axes[1], standoff: 4 }, gridcolor: COLORS.grid, zerolinecolor: '#cbd5e1' },
    }),
    [t?.key, dragMode, axes[0], axes[1]],
  );

  if (!t) return null;
  if (!all) {
    return (
      <section className="panel plot-panel scatter-panel empty">
        <p className="muted">{t.view.title} has no 2-D view of a class.</p>
      </section>
    );
  }

  const rowOf = (curve: number, k: number, custom: unknown) => {
    const v = Number(custom);
    if (Number.isInteger(v)) return v;
    const source = curve === 0 ? all.rows : curve === 1 ? flagged?.rows : null;
    return source ? source[k] : NaN;
  };
  const onClick = (e: PlotMouseEvent) => {
    const p = e.points[0];
    if (!p) return;
    const row = rowOf(p.curveNumber, p.pointNumber, p.customdata);
    if (Number.isInteger(row) && row >= 0) selectRow(row);
  };
  const onSelected = (e: PlotSelectionEvent) => {
    if (!e) return;
    // The ring trace repeats flagged rows of the base trace: count each row once.
    const picked = new Set<number>();
    for (const p of e.points) if (p.curveNumber === 0) picked.add(rowOf(0, p.pointIndex ?? p.pointNumber, p.customdata));
    setSelection({ rows: Int32Array.from(picked).sort(), source: `${dragMode === 'lasso' ? 'lasso' : 'box'} in ${t.className}` });
  };

  return (
    <section className="panel plot-panel scatter-panel" aria-labelledby="scatter-title">
      <div className="panel-head">
        <h2 id="scatter-title">
          Projection of <span className="accent">{t.className}</span>
        </h2>
        <span className="muted small" title="Click a point to inspect its row">○ flagged</span>
        <div className="segmented" role="group" aria-label="Drag on the plot to">
          {DRAG_MODES.map((d) => (
            <button
              key={d.mode}
              type="button"
              className={dragMode === d.mode ? 'active' : undefined}
              aria-pressed={dragMode === d.mode}
              data-testid={`drag-${d.mode}`}
              onClick={() => setDragMode(d.mode)}
            >
              {d.label}
            </button>
          ))}
        </div>
        <PlotExport plot={plotRef} filename={exportName(t, 'projection')} />
      </div>
      <Plot
        testId="projection-scatter"
        label={`Scatter of class ${t.className} on ${axes[0]} and ${axes[1]}, coloured by ${t.view.title} score rank, flagged rows ringed`}
        data={data}
        layout={layout}
        onClick={onClick}
        onSelected={onSelected}
        onDeselect={() => setSelection(null)}
        points={all.rows.length}
        dataKey={t.key}
        divRef={plotRef}
      />
    </section>
  );
}
