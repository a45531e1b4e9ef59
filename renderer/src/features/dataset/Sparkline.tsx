import type { Histogram } from '../../../../shared/domain/ingest.ts';

/** A histogram as a mini bar chart (SVG, no plotting library: hundreds of them render at once). */
export function Sparkline({ histogram, width = 120, height = 22 }: { histogram: Histogram; width?: number; height?: number }) {
  const { counts, edges } = histogram;
  const max = Math.max(1, ...counts);
  const w = width / Math.max(1, counts.length);
  const title = `${counts.length} bins from ${edges[0]} to ${edges[edges.length - 1]}; tallest ${max}`;
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
      <title>{title}</title>
      {counts.map((c, i) => {
        if (c === 0) return null;
        // At least one pixel, so a lone outlier stays visible.
        const h = Math.max(1, (c / max) * (height - 1));
        return <rect key={i} x={i * w} y={height - h} width={Math.max(1, w - 0.5)} height={h} />;
      })}
      <line x1={0} x2={width} y1={height - 0.5} y2={height - 0.5} className="axis" />
    </svg>
  );
}
