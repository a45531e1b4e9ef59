import type { NumericColumnDrift } from '../../../../shared/domain/drift.ts';
import { DRIFT_COLORS } from './plot-style.ts';

/**
 * Baseline and current shares of one column in the same equal-width bins, overlaid as two outlines (SVG, no
 * plotting library: a table of hundreds of columns renders at once).
 */
export function MiniHistogram({ histogram, width = 110, height = 26 }: { histogram: NumericColumnDrift['histogram']; width?: number; height?: number }) {
  const share = (counts: number[]) => {
    const total = counts.reduce((s, c) => s + c, 0) || 1;
    return counts.map((c) => c / total);
  };
  const b = share(histogram.baseline);
  const c = share(histogram.current);
  const max = Math.max(1e-12, ...b, ...c);
  const w = width / b.length;
  const path = (values: number[]) =>
    values.map((v, i) => `${i === 0 ? 'M' : 'L'}${(i * w).toFixed(1)},${(height - (v / max) * (height - 2)).toFixed(1)}h${w.toFixed(1)}`).join('');
  const lo = histogram.edges[0];
  const hi = histogram.edges[histogram.edges.length - 1];
  const title = `baseline (blue) vs current (orange), ${b.length} bins from ${lo.toPrecision(4)} to ${hi.toPrecision(4)}`;
  return (
    <svg className="drift-minihist" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
      <title>{title}</title>
      <path d={path(b)} fill="none" stroke={DRIFT_COLORS.baseline} strokeWidth={1.5} />
      <path d={path(c)} fill="none" stroke={DRIFT_COLORS.current} strokeWidth={1.5} />
    </svg>
  );
}
