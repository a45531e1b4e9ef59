import { useEffect, useRef } from 'react';
import type { Config, Layout, PlotData, PlotMouseEvent, PlotlyHTMLElement } from 'plotly.js-strict-dist-min';

// plotly is ~5 MB: load it with the first plot, not with the start screen.
let plotly: Promise<typeof import('plotly.js-strict-dist-min').default> | null = null;
const loadPlotly = () => (plotly ??= import('plotly.js-strict-dist-min').then((m) => m.default));
const withClickHandler = new WeakSet<HTMLElement>();

export interface PlotProps {
  data: PlotData[];
  layout: Layout;
  config?: Config;
  onClick?: (event: PlotMouseEvent) => void;
  /** Number of data points drawn; exposed as `data-points` once plotly has drawn them. */
  points: number;
  /** What is drawn (e.g. the class name); exposed as `data-key` once drawn. */
  dataKey: string;
  testId: string;
  label: string;
  className?: string;
}

/** A thin wrapper over Plotly.react / Plotly.purge. */
export function Plot({ data, layout, config, onClick, points, dataKey, testId, label, className }: PlotProps) {
  const ref = useRef<HTMLDivElement>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;

  useEffect(() => {
    let stale = false;
    void loadPlotly().then(async (Plotly) => {
      const el = ref.current;
      if (stale || !el) return;
      const gd: PlotlyHTMLElement = await Plotly.react(el, data, layout, {
        responsive: true,
        displaylogo: false,
        modeBarButtonsToRemove: ['select2d', 'lasso2d', 'toImage'],
        ...config,
      });
      if (!withClickHandler.has(gd)) {
        withClickHandler.add(gd);
        gd.on('plotly_click', (e) => clickRef.current?.(e));
      }
      if (stale) return;
      el.dataset.points = String(points);
      el.dataset.key = dataKey;
    });
    return () => {
      stale = true;
    };
  }, [data, layout, config, points, dataKey]);

  useEffect(() => {
    const el = ref.current;
    return () => {
      if (el) void loadPlotly().then((Plotly) => Plotly.purge(el));
    };
  }, []);

  return <div ref={ref} className={className ?? 'plot'} data-testid={testId} role="img" aria-label={label} />;
}
