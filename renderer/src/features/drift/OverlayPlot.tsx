import { useMemo, useRef } from 'react';
import type { Layout, PlotData } from 'plotly.js-strict-dist-min';
import type { NumericColumnDrift } from '../../../../shared/domain/drift.ts';
import { formatNumber } from '../../ui/format.ts';
import { Plot, PlotExport } from '../../ui/Plot.tsx';
import { DRIFT_COLORS, baseLayout } from './plot-style.ts';

/** One column's baseline and current distributions overlaid (shares per bin), with the PSI bin cuts dotted. */
export function OverlayPlot({ column }: { column: NumericColumnDrift }) {
  const ref = useRef<HTMLDivElement>(null);
  const { histogram: h } = column;
  const data = useMemo<PlotData[]>(() => {
    const centres = h.edges.slice(0, -1).map((e, i) => (e + h.edges[i + 1]) / 2);
    const width = h.edges.length > 1 ? h.edges[1] - h.edges[0] : 1;
    const share = (counts: number[]) => {
      const total = counts.reduce((s, c) => s + c, 0) || 1;
      return counts.map((c) => c / total);
    };
    return [
      { type: 'bar', name: 'baseline', x: centres, y: share(h.baseline), width, opacity: 0.55, marker: { color: DRIFT_COLORS.baseline }, hovertemplate: 'x ≈ %{x:.4g}<br>%{y:.2%} of baseline<extra></extra>' },
      { type: 'bar', name: 'current', x: centres, y: share(h.current), width, opacity: 0.55, marker: { color: DRIFT_COLORS.current }, hovertemplate: 'x ≈ %{x:.4g}<br>%{y:.2%} of current<extra></extra>' },
    ];
  }, [h]);
  const layout = useMemo<Layout>(
    () => ({
      ...baseLayout,
      barmode: 'overlay',
      bargap: 0,
      xaxis: { title: { text: column.name }, gridcolor: DRIFT_COLORS.grid, zeroline: false },
      yaxis: { title: { text: 'share of rows' }, tickformat: '.0%', gridcolor: DRIFT_COLORS.grid },
      shapes: column.bins.edges.map((x) => ({ type: 'line', xref: 'x', yref: 'paper', x0: x, x1: x, y0: 0, y1: 1, line: { color: DRIFT_COLORS.limit, width: 1, dash: 'dot' } })),
    }),
    [column],
  );
  return (
    <section className="panel drift-overlay" aria-label={`Distribution of ${column.name}`}>
      <div className="panel-head">
        <h2>{column.name}: baseline vs current</h2>
        <span className="muted small" title={column.explain.means}>
          mean {formatNumber(column.baselineMean)} → {formatNumber(column.currentMean)}; dotted lines: the PSI bins (baseline quantiles)
        </span>
        <PlotExport plot={ref} filename={`drift-${column.name}`} />
      </div>
      <Plot divRef={ref} data={data} layout={layout} points={h.baseline.length * 2} dataKey={column.name} testId="drift-overlay" label={`Overlay of ${column.name}`} className="plot drift-plot" />
    </section>
  );
}
