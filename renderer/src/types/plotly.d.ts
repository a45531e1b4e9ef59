// The few parts of plotly.js the renderer uses. The strict bundle ships no typings of its own.
declare module 'plotly.js-strict-dist-min' {
  export type Datum = number | string | null;
  export type DataArray = ArrayLike<Datum> | Float32Array | Float64Array | Int32Array;
  export interface PlotData {
    type: 'scattergl' | 'scatter' | 'bar' | 'histogram';
    x?: DataArray;
    y?: DataArray;
    customdata?: ArrayLike<Datum>;
    [key: string]: unknown;
  }
  export type Layout = Record<string, unknown>;
  export type Config = Record<string, unknown>;
  export interface PlotPoint {
    curveNumber: number;
    pointNumber: number;
    pointIndex?: number;
    customdata?: Datum;
    x?: Datum;
    y?: Datum;
  }
  export interface PlotMouseEvent {
    points: PlotPoint[];
  }
  /** plotly_selected: undefined when a selection was cleared by a click. */
  export type PlotSelectionEvent = { points: PlotPoint[] } | undefined;
  /** plotly_relayout: the changed attributes, e.g. { 'shapes[0].x0': 1.2 }. */
  export type PlotRelayoutEvent = Record<string, unknown>;
  export interface PlotlyHTMLElement extends HTMLDivElement {
    on(event: 'plotly_click', handler: (event: PlotMouseEvent) => void): void;
    on(event: 'plotly_selected', handler: (event: PlotSelectionEvent) => void): void;
    on(event: 'plotly_deselect', handler: () => void): void;
    on(event: 'plotly_relayout', handler: (event: PlotRelayoutEvent) => void): void;
  }
  export interface ImageOptions {
    format: 'png' | 'svg';
    filename: string;
    width?: number;
    height?: number;
    scale?: number;
  }
  export function react(root: HTMLElement, data: PlotData[], layout?: Layout, config?: Config): Promise<PlotlyHTMLElement>;
  export function purge(root: HTMLElement): void;
  export function downloadImage(root: HTMLElement, options: ImageOptions): Promise<string>;
  export const Plots: { resize(root: HTMLElement): Promise<void> | void };
  const Plotly: {
    react: typeof react;
    purge: typeof purge;
    downloadImage: typeof downloadImage;
    Plots: typeof Plots;
  };
  export default Plotly;
}
