import { useMemo } from 'react';
import type { DetectorClassResult } from '../../../../shared/domain/detectors.ts';
import { useScanViews, useStore, type DetectorView, type ScanViews } from '../../store/index.ts';

export interface TriageContext {
  sv: ScanViews;
  view: DetectorView;
  classIndex: number;
  className: string;
  /** Row indices of the class. */
  rows: Int32Array;
  /** The scan's per-class result of the view's detector (null for the consensus). */
  cls: DetectorClassResult | null;
  /** `${view}:${class}`: what the triage plots show, for plotly's uirevision and tests. */
  key: string;
}

/** The selected class under the selected detector view, or null before a scan. */
export function useTriage(): TriageContext | null {
  const sv = useScanViews();
  const classIndex = useStore((s) => s.selectedClass);
  const viewKey = useStore((s) => s.selectedView);
  return useMemo(() => {
    if (!sv || classIndex === null || classIndex >= sv.byClass.length) return null;
    const view = sv.views.find((v) => v.key === viewKey) ?? sv.views[sv.views.length - 1];
    const className = sv.result.classNames[classIndex];
    return {
      sv,
      view,
      classIndex,
      className,
      rows: sv.byClass[classIndex],
      cls: view.classes?.[classIndex] ?? null,
      key: `${classIndex}:${className}:${view.key}`,
    };
  }, [sv, classIndex, viewKey]);
}

export const COLORS = {
  clean: '#4c78a8',
  flagged: '#e8590c',
  flaggedEdge: '#111827',
  threshold: '#c92a2a',
  grid: '#e5e7eb',
  text: '#1f2937',
};

export const FONT = { family: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', size: 13, color: COLORS.text };

export const baseLayout = {
  font: FONT,
  paper_bgcolor: 'rgba(0,0,0,0)',
  plot_bgcolor: '#ffffff',
  autosize: true,
  showlegend: false,
};

/** File name stem for a plot export: dataset-free, readable, no spaces. */
export function exportName(t: TriageContext, what: string): string {
  return `assay-${what}-${t.className}-${t.view.key}`.replace(/[^\w.-]+/g, '_');
}
