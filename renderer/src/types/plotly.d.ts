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
  export interface PlotlyHTMLElement extends HTMLDivElement {
    on(event: 'plotly_click', handler: (event: PlotMouseEvent) => void): void;
    removeAllListeners?(event: string): void;
  }
  export function react(root: HTMLElement, data: PlotData[], layout?: Layout, config?: Config): Promise<PlotlyHTMLElement>;
  export function purge(root: HTMLElement): void;
  export const Plots: { resize(root: HTMLElement): Promise<void> | void };
  const Plotly: {
    react: typeof react;
    purge: typeof purge;
    Plots: typeof Plots;
  };
  export default Plotly;
}
