import { useMemo, useRef } from 'react';
import type { Layout, PlotData } from 'plotly.js-strict-dist-min';
import { formatNumber } from '../../ui/format.ts';
import { Plot, PlotExport } from '../../ui/Plot.tsx';
import { COLORS, baseLayout, exportName, useTriage } from './context.ts';

/**
 * The class covariance's top eigenvalues where the detector reports them (spectral signatures): a planted
 * sub-population lifts λ₁ above the rest. The consensus shows the first run that has them.
 */
export function Spectrum() {
  const t = useTriage();
  const plotRef = useRef<HTMLDivElement>(null);
  const source = useMemo(() => {
    if (!t) return null;
    const candidates = t.view.classes ? [t.view] : t.sv.views.filter((v) => v.classes);
    for (const v of candidates) {
      const eig = v.classes?.[t.classIndex]?.diagnostics.eigenvalues;
      if (Array.isArray(eig) && eig.length > 0) return { view: v, eig };
    }
    return null;
  }, [t]);

  const data = useMemo<PlotData[]>(
    () =>
      source
        ? [
            {
              type: 'bar',
              x: source.eig.map((_, i) => `λ${i + 1}`),
              y: source.eig,
              marker: { color: source.eig.map((_, i) => (i === 0 ? COLORS.flagged : COLORS.clean)) },
              hovertemplate: '%{x} = %{y:.4g}<extra></extra>',
            },
          ]
        : [],
    [source],
  );
  const ratio = source && source.eig.length > 1 && source.eig[1] > 0 ? source.eig[0] / source.eig[1] : null;
  const layout = useMemo<Layout>(
    () => ({
      ...baseLayout,
      bargap: 0.25,
      margin: { l: 48, r: 8, t: 8, b: 28 },
      xaxis: { type: 'category', tickfont: { size: 11 } },
      yaxis: { title: { text: 'eigenvalue' }, gridcolor: COLORS.grid },
      // The spectral gap: a planted sub-population raises λ₁ above λ₂.
      annotations:
        ratio === null
          ? []
          : [{ xref: 'paper', yref: 'paper', x: 1, y: 1, xanchor: 'right', yanchor: 'top', showarrow: false, text: `λ₁/λ₂ = ${formatNumber(ratio)}`, font: { size: 13 } }],
    }),
    [ratio],
  );
  if (!t) return null;
  if (!source) {
    return (
      <section className="panel spectrum-panel">
        <h2>Spectrum</h2>
        <p className="muted small">{t.view.title} reports no eigenvalues for this class.</p>
      </section>
    );
  }
  return (
    <section className="panel plot-panel spectrum-panel" aria-labelledby="spectrum-title">
      <div className="panel-head">
        <h2 id="spectrum-title">Spectrum</h2>
        <PlotExport plot={plotRef} filename={exportName(t, 'spectrum')} />
      </div>
      <Plot
        testId="eigen-spectrum"
        label={`Top eigenvalues of the covariance of class ${t.className}`}
        data={data}
        layout={layout}
        points={source.eig.length}
        dataKey={t.key}
        divRef={plotRef}
        config={{ displayModeBar: false }}
      />
    </section>
  );
}
