import { useEffect, useRef, type RefObject } from 'react';
import type {
  Config,
  Layout,
  PlotData,
  PlotMouseEvent,
  PlotRelayoutEvent,
  PlotSelectionEvent,
  PlotlyHTMLElement,
} from 'plotly.js-strict-dist-min';

// plotly is ~5 MB: load it with the first plot, not with the start screen.
let plotly: Promise<typeof import('plotly.js-strict-dist-min').default> | null = null;
const loadPlotly = () => (plotly ??= import('plotly.js-strict-dist-min').then((m) => m.default));
const withHandlers = new WeakSet<HTMLElement>();

export interface PlotHandlers {
  onClick?: (event: PlotMouseEvent) => void;
  onSelected?: (event: PlotSelectionEvent) => void;
  onDeselect?: () => void;
  onRelayout?: (event: PlotRelayoutEvent) => void;
}

export interface PlotProps extends PlotHandlers {
  data: PlotData[];
  layout: Layout;
  config?: Config;
  /** Number of data points drawn; exposed as `data-points` once plotly has drawn them. */
  points: number;
  /** What is drawn (e.g. the class name); exposed as `data-key` once drawn. */
  dataKey: string;
  testId: string;
  label: string;
  className?: string;
  /** The plot's element, for `exportPlot`. */
  divRef?: RefObject<HTMLDivElement | null>;
}

/** A thin wrapper over Plotly.react / Plotly.purge that forwards clicks, selections and relayouts. */
export function Plot({ data, layout, config, points, dataKey, testId, label, className, divRef, ...handlers }: PlotProps) {
  const ownRef = useRef<HTMLDivElement>(null);
  const ref = divRef ?? ownRef;
  const handlersRef = useRef<PlotHandlers>(handlers);
  handlersRef.current = handlers;

  useEffect(() => {
    let stale = false;
    void loadPlotly().then(async (Plotly) => {
      const el = ref.current;
      if (stale || !el) return;
      const gd: PlotlyHTMLElement = await Plotly.react(el, data, layout, {
        responsive: true,
        displaylogo: false,
        // PNG/SVG export has its own buttons in each panel (exportPlot); selection tools come from the layout.
        modeBarButtonsToRemove: ['toImage', 'select2d', 'lasso2d'],
        ...config,
      });
      if (!withHandlers.has(gd)) {
        withHandlers.add(gd);
        gd.on('plotly_click', (e) => handlersRef.current.onClick?.(e));
        gd.on('plotly_selected', (e) => handlersRef.current.onSelected?.(e));
        gd.on('plotly_deselect', () => handlersRef.current.onDeselect?.());
        gd.on('plotly_relayout', (e) => handlersRef.current.onRelayout?.(e));
      }
      if (stale) return;
      el.dataset.points = String(points);
      el.dataset.key = dataKey;
    });
    return () => {
      stale = true;
    };
  }, [data, layout, config, points, dataKey, ref]);

  useEffect(() => {
    const el = ref.current;
    return () => {
      if (el) void loadPlotly().then((Plotly) => Plotly.purge(el));
    };
  }, [ref]);

  return <div ref={ref} className={className ?? 'plot'} data-testid={testId} role="img" aria-label={label} />;
}

/** Downloads what the plot shows as PNG (2× for slides) or SVG; the browser's download works in Electron too. */
export async function exportPlot(el: HTMLElement | null, format: 'png' | 'svg', filename: string): Promise<void> {
  if (!el) return;
  const Plotly = await loadPlotly();
  const { width, height } = el.getBoundingClientRect();
  await Plotly.downloadImage(el, { format, filename, width: Math.round(width), height: Math.round(height), scale: format === 'png' ? 2 : 1 });
}

/** PNG and SVG buttons for one plot. */
export function PlotExport({ plot, filename }: { plot: RefObject<HTMLDivElement | null>; filename: string }) {
  return (
    <span className="plot-export">
      <button type="button" className="btn tiny" title="Download as PNG" onClick={() => void exportPlot(plot.current, 'png', filename)}>
        PNG
      </button>
      <button type="button" className="btn tiny" title="Download as SVG" onClick={() => void exportPlot(plot.current, 'svg', filename)}>
        SVG
      </button>
    </span>
  );
}
