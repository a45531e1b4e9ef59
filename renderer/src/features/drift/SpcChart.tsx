import { useMemo, useRef } from 'react';
import type { Layout, PlotData } from 'plotly.js-strict-dist-min';
import type { ControlChartData } from '../../../../shared/domain/drift.ts';
import { Plot, PlotExport } from '../../ui/Plot.tsx';
import { DRIFT_COLORS, baseLayout } from './plot-style.ts';

const RULES: Record<number, string> = {
  1: 'rule 1: beyond the limits',
  2: 'rule 2: 2 of 3 beyond 2σ',
  3: 'rule 3: 4 of 5 beyond 1σ',
  4: 'rule 4: 8 in a row on one side',
};

/**
 * A control chart over the snapshots: the values, the centre line, the ±kσ limits (stepped where σ changes
 * with the snapshot's size), the baseline period shaded, out-of-control points marked with the rules fired.
 * `chart` null draws the values with fixed alert lines instead (PSI has no baseline variability to chart).
 */
export function SpcChart(props: {
  title: string;
  testId: string;
  snapshots: string[];
  baselinePeriod: number;
  chart: ControlChartData | null;
  values?: number[];
  alertLines?: { y: number; label: string }[];
  percent?: boolean;
}) {
  const { title, testId, snapshots, baselinePeriod, chart, alertLines = [], percent = false } = props;
  const ref = useRef<HTMLDivElement>(null);
  const values = chart?.values ?? props.values ?? [];
  const data = useMemo<PlotData[]>(() => {
    const x = snapshots.map((name, i) => `${i + 1}. ${name}`);
    const traces: PlotData[] = [
      { type: 'scatter', mode: 'lines+markers', name: 'value', x, y: values, line: { color: DRIFT_COLORS.baseline }, hovertemplate: `%{x}<br>%{y:${percent ? '.2%' : '.4g'}}<extra></extra>` },
    ];
    if (chart) {
      traces.push(
        { type: 'scatter', mode: 'lines', name: `+${chart.k}σ`, x, y: chart.upper, line: { color: DRIFT_COLORS.limit, dash: 'dash', shape: 'hvh' }, hoverinfo: 'skip' },
        { type: 'scatter', mode: 'lines', name: `−${chart.k}σ`, x, y: chart.lower, line: { color: DRIFT_COLORS.limit, dash: 'dash', shape: 'hvh' }, hoverinfo: 'skip' },
        { type: 'scatter', mode: 'lines', name: 'centre', x, y: x.map(() => chart.centre), line: { color: DRIFT_COLORS.centre, width: 1 }, hoverinfo: 'skip' },
      );
      if (chart.outOfControl.length) {
        traces.push({
          type: 'scatter',
          mode: 'markers',
          name: 'out of control',
          x: chart.outOfControl.map((p) => x[p.index]),
          y: chart.outOfControl.map((p) => values[p.index]),
          text: chart.outOfControl.map((p) => p.rules.map((r) => RULES[r]).join('<br>')),
          marker: { color: DRIFT_COLORS.alarm, size: 13, symbol: 'x' },
          hovertemplate: '%{x}<br>%{text}<extra>out of control</extra>',
        });
      }
    }
    return traces;
  }, [chart, values, percent, snapshots]);
  const layout = useMemo<Layout>(
    () => ({
      ...baseLayout,
      height: 260,
      xaxis: { type: 'category', gridcolor: DRIFT_COLORS.grid },
      yaxis: { gridcolor: DRIFT_COLORS.grid, ...(percent ? { tickformat: '.1%' } : {}) },
      shapes: [
        { type: 'rect', xref: 'x', yref: 'paper', x0: -0.5, x1: baselinePeriod - 0.5, y0: 0, y1: 1, fillcolor: 'rgba(134,142,150,0.12)', line: { width: 0 }, layer: 'below' },
        ...alertLines.map((l) => ({ type: 'line', xref: 'paper', yref: 'y', x0: 0, x1: 1, y0: l.y, y1: l.y, line: { color: DRIFT_COLORS.alarm, dash: 'dot', width: 1 } })),
      ],
      annotations: [
        { xref: 'x', yref: 'paper', x: 0, y: 0, yanchor: 'bottom', showarrow: false, text: 'baseline period', font: { size: 11, color: DRIFT_COLORS.limit } },
        ...alertLines.map((l) => ({ xref: 'paper', yref: 'y', x: 1, y: l.y, xanchor: 'right', yanchor: 'bottom', showarrow: false, text: l.label, font: { size: 11, color: DRIFT_COLORS.alarm } })),
      ],
    }),
    [baselinePeriod, alertLines, percent],
  );
  return (
    <section className="panel drift-spc" aria-label={title}>
      <div className="panel-head">
        <h2 title={chart?.explain}>{title}</h2>
        {chart && <span className="muted small">{chart.outOfControl.length} out-of-control point{chart.outOfControl.length === 1 ? '' : 's'}</span>}
        <PlotExport plot={ref} filename={testId} />
      </div>
      <Plot divRef={ref} data={data} layout={layout} points={values.length} dataKey={title} testId={testId} label={title} className="plot drift-spc-plot" />
      {chart && <p className="muted small">{chart.explain}</p>}
    </section>
  );
}
