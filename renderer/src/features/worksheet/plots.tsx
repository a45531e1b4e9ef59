/**
 * The worksheet's plots: likelihood × impact heat map with the threats placed (inherent position, and where the
 * controls move their effective likelihood), the defence-in-depth waterfall from inherent to residual risk,
 * inherent vs residual per threat against the tolerance, and the adversary's utility as detection or cost rises.
 */
import { useMemo, useRef } from 'react';
import type { Layout, PlotData, PlotMouseEvent } from 'plotly.js-strict-dist-min';
import type { Adversary, ControlLayer, Worksheet } from '../../../../shared/domain/worksheet.ts';
import { fmt, layerWaterfall, sweepTradeoff, type PortfolioScore } from '../../../../shared/engine/risk.ts';
import { Plot, PlotExport } from '../../ui/Plot.tsx';

const FONT = { family: 'system-ui, sans-serif', size: 12 };
const BANDS = [
  { upTo: 1, color: '#d3f9d8', name: 'low' },
  { upTo: 2.5, color: '#fff3bf', name: 'medium' },
  { upTo: 5, color: '#ffd8a8', name: 'high' },
  { upTo: Infinity, color: '#ffc9c9', name: 'critical' },
];

/** Axis labels for the waterfall; the hover gives the layer's full name and working. */
const SHORT_LAYER: Record<ControlLayer, string> = {
  provenance: 'Provenance',
  'anomaly-detection': 'Anomaly detection',
  'robust-training': 'Robust training',
  privacy: 'Privacy',
  governance: 'Governance',
};

/** Short labels T1, T2… in worksheet order, shared by the plots and the threat table. */
export const threatLabel = (i: number) => `T${i + 1}`;

/** The export file name of one of the worksheet's plots: the worksheet's name, then which plot. */
const plotFile = (worksheet: Worksheet, plot: string): string => `${worksheet.name || 'worksheet'}-${plot}`;

function PlotPanel({ title, testId, label, data, layout, points, dataKey, filename, onClick }: { title: string; testId: string; label: string; data: PlotData[]; layout: Layout; points: number; dataKey: string; filename: string; onClick?: (event: PlotMouseEvent) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  return (
    <section className="panel ws-plot-panel">
      <div className="panel-head">
        <h2>{title}</h2>
        <PlotExport plot={ref} filename={filename} />
      </div>
      <Plot data={data} layout={layout} points={points} dataKey={dataKey} testId={testId} label={label} divRef={ref} className="plot ws-plot" onClick={onClick} />
    </section>
  );
}

/** Clicking a threat's marker opens it (`onPickThreat` with its id). */
export function RiskHeatMap({ worksheet, scores, onPickThreat }: { worksheet: Worksheet; scores: PortfolioScore; onPickThreat?: (threatId: string) => void }) {
  const { data, layout } = useMemo(() => {
    // 5 × 5 cells of the risk matrix, coloured by the band of P·I at the cell's centre.
    const shapes: Record<string, unknown>[] = [];
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 5; j++) {
        const centre = ((i + 0.5) / 5) * ((j + 0.5) * 2);
        const band = BANDS.find((b) => centre <= b.upTo)!;
        shapes.push({ type: 'rect', layer: 'below', x0: i / 5, x1: (i + 1) / 5, y0: j * 2, y1: (j + 1) * 2, fillcolor: band.color, line: { color: '#ffffff', width: 2 } });
      }
    }
    const ts = worksheet.threats;
    const above = (i: number) => scores.threats[i].residual.value > worksheet.tolerance;
    const hover = ts.map(
      (t, i) =>
        `<b>${threatLabel(i)} ${escapeHtml(t.title)}</b><br>P ${fmt(t.probability)} · I ${fmt(t.impact)} · w ${fmt(t.weight)}<br>inherent ${fmt(scores.threats[i].inherent.value)} → residual ${fmt(scores.threats[i].residual.value)}`,
    );
    // Controls lower the chance that a threat succeeds: the residual marker sits at P · Π(1 − E·Coverage).
    const moveX: (number | null)[] = [];
    const moveY: (number | null)[] = [];
    ts.forEach((t, i) => {
      moveX.push(t.probability, t.probability * scores.threats[i].passThrough.value, null);
      moveY.push(t.impact, t.impact, null);
    });
    const traces: PlotData[] = [
      { type: 'scatter', mode: 'lines', x: moveX, y: moveY, line: { color: '#495057', width: 1, dash: 'dot' }, hoverinfo: 'skip', showlegend: false },
      {
        type: 'scatter',
        mode: 'markers',
        name: 'after controls',
        x: ts.map((t, i) => t.probability * scores.threats[i].passThrough.value),
        y: ts.map((t) => t.impact),
        marker: { size: 9, color: 'rgba(0,0,0,0)', line: { color: '#1d4ed8', width: 2 } },
        hovertext: hover,
        hoverinfo: 'text',
      },
      {
        type: 'scatter',
        mode: 'text+markers',
        name: 'inherent',
        x: ts.map((t) => t.probability),
        y: ts.map((t) => t.impact),
        text: ts.map((_, i) => threatLabel(i)),
        textposition: 'top center',
        customdata: ts.map((t) => t.id),
        marker: { size: ts.map((t) => Math.min(28, 9 + 5 * t.weight)), color: ts.map((_, i) => (above(i) ? '#c92a2a' : '#1d4ed8')), line: { color: '#fff', width: 1 } },
        hovertext: hover,
        hoverinfo: 'text',
      },
    ];
    const layout: Layout = {
      margin: { l: 48, r: 12, t: 28, b: 44 },
      font: FONT,
      shapes,
      xaxis: { title: { text: 'Likelihood P' }, range: [0, 1], dtick: 0.2, zeroline: false, fixedrange: true },
      yaxis: { title: { text: 'Impact I' }, range: [0, 10], dtick: 2, zeroline: false, fixedrange: true },
      legend: { orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom' },
      showlegend: true,
      height: 360,
    };
    return { data: traces, layout };
  }, [worksheet.threats, worksheet.tolerance, scores]);
  return (
    <PlotPanel
      title="Likelihood × impact"
      testId="ws-heatmap"
      label="Risk heat map: each threat placed by likelihood and impact"
      data={data}
      layout={layout}
      points={worksheet.threats.length}
      dataKey={scores.residual.value.toFixed(6)}
      filename={plotFile(worksheet, 'heatmap')}
      onClick={(e) => {
        const id = e.points.find((p) => typeof p.customdata === 'string')?.customdata;
        if (typeof id === 'string') onPickThreat?.(id);
      }}
    />
  );
}

export function RiskWaterfall({ worksheet }: { worksheet: Worksheet }) {
  const { data, layout, total } = useMemo(() => {
    const w = layerWaterfall(worksheet);
    const steps = w.steps.filter((s) => s.reduction.value > 0);
    const x = ['Inherent', ...steps.map((s) => SHORT_LAYER[s.layer]), 'Residual'];
    const y: number[] = [w.inherent];
    const base: number[] = [0];
    let level = w.inherent;
    for (const s of steps) {
      level -= s.reduction.value;
      y.push(s.reduction.value);
      base.push(level);
    }
    y.push(w.residual);
    base.push(0);
    const colors = x.map((_, i) => (i === 0 ? '#868e96' : i === x.length - 1 ? '#1d4ed8' : '#2b8a3e'));
    const text = y.map((v, i) => (i === 0 || i === x.length - 1 ? fmt(v) : `−${fmt(v)}`));
    const traces: PlotData[] = [{ type: 'bar', x, y, base, marker: { color: colors }, text, textposition: 'outside', hovertext: ['Σ w·P·I', ...steps.map((s) => `${s.label}: ${s.reduction.how}`), 'Σ R_res'], hoverinfo: 'text' }];
    const layout: Layout = { margin: { l: 48, r: 12, t: 20, b: 84 }, font: FONT, yaxis: { title: { text: 'Risk' }, rangemode: 'tozero' }, height: 360, showlegend: false };
    return { data: traces, layout, total: w.residual };
  }, [worksheet]);
  return (
    <PlotPanel
      title="Inherent → residual, by defence layer"
      testId="ws-waterfall"
      label="Waterfall from inherent to residual risk by defence-in-depth layer"
      data={data}
      layout={layout}
      points={(data[0].x as unknown[]).length}
      dataKey={total.toFixed(6)}
      filename={plotFile(worksheet, 'waterfall')}
    />
  );
}

export function ThreatBars({ worksheet, scores }: { worksheet: Worksheet; scores: PortfolioScore }) {
  const { data, layout } = useMemo(() => {
    const x = worksheet.threats.map((t, i) => `${threatLabel(i)} ${t.title.length > 24 ? `${t.title.slice(0, 23)}…` : t.title}`);
    const traces: PlotData[] = [
      { type: 'bar', name: 'inherent', x, y: scores.threats.map((s) => s.inherent.value), marker: { color: '#adb5bd' }, hovertext: scores.threats.map((s) => s.inherent.how), hoverinfo: 'text' },
      { type: 'bar', name: 'residual', x, y: scores.threats.map((s) => s.residual.value), marker: { color: scores.threats.map((s) => (s.residual.value > worksheet.tolerance ? '#c92a2a' : '#1d4ed8')) }, hovertext: scores.threats.map((s) => s.residual.how), hoverinfo: 'text' },
    ];
    const layout: Layout = {
      margin: { l: 48, r: 12, t: 8, b: 100 },
      font: FONT,
      barmode: 'group',
      yaxis: { title: { text: 'Risk' }, rangemode: 'tozero' },
      xaxis: { tickangle: -30 },
      shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: worksheet.tolerance, y1: worksheet.tolerance, line: { color: '#c92a2a', dash: 'dash', width: 1 } }],
      annotations: [{ xref: 'paper', x: 1, y: worksheet.tolerance, text: `tolerance ${fmt(worksheet.tolerance)}`, showarrow: false, xanchor: 'right', yanchor: 'bottom', font: { color: '#c92a2a', size: 11 } }],
      legend: { orientation: 'h', y: 1.12 },
      height: 320,
    };
    return { data: traces, layout };
  }, [worksheet.threats, worksheet.tolerance, scores]);
  return (
    <PlotPanel
      title="Risk per threat"
      testId="ws-bars"
      label="Inherent and residual risk per threat"
      data={data}
      layout={layout}
      points={worksheet.threats.length}
      dataKey={scores.residual.value.toFixed(6)}
      filename={plotFile(worksheet, 'threats')}
    />
  );
}

export function TradeoffPlot({ adversary }: { adversary: Adversary }) {
  const { data, layout, points } = useMemo(() => {
    const t = adversary.tradeoff;
    const det = sweepTradeoff(t, 'detection');
    const cost = sweepTradeoff(t, 'cost');
    const traces: PlotData[] = [
      { type: 'scatter', mode: 'lines', name: 'raising P_detection', x: det.x, y: det.utility, line: { color: '#1d4ed8' } },
      { type: 'scatter', mode: 'lines', name: 'raising C_attack', x: cost.x, y: cost.utility, line: { color: '#e8590c' } },
      {
        type: 'scatter',
        mode: 'markers',
        name: 'today',
        x: [t.detection, t.cost],
        y: [t.alpha * t.success - t.beta * t.detection - t.gamma * t.cost, t.alpha * t.success - t.beta * t.detection - t.gamma * t.cost],
        marker: { color: ['#1d4ed8', '#e8590c'], size: 10, symbol: 'diamond' },
      },
    ];
    const layout: Layout = {
      margin: { l: 48, r: 12, t: 8, b: 40 },
      font: FONT,
      xaxis: { title: { text: 'P_detection or C_attack' }, range: [0, 1] },
      yaxis: { title: { text: 'Attacker utility U' }, zeroline: true, zerolinecolor: '#c92a2a', zerolinewidth: 2 },
      legend: { orientation: 'h', y: 1.15 },
      height: 300,
    };
    return { data: traces, layout, points: det.x.length + cost.x.length };
  }, [adversary]);
  return (
    <PlotPanel
      title={`Detection–evasion trade-off: ${adversary.name}`}
      testId="ws-tradeoff"
      label="Attacker utility as detection probability or attack cost rises"
      data={data}
      layout={layout}
      points={points}
      dataKey={adversary.id}
      filename={`tradeoff-${adversary.name}`}
    />
  );
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
