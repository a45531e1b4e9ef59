/** Number formats shared by every panel, so one value reads the same everywhere. */

export const nf = new Intl.NumberFormat('en-US');

/** Four significant digits; exponent form for very large or small magnitudes. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(3);
  return v.toPrecision(4).replace(/\.?0+$/, '');
}

/** A p-value: three decimals down to 0.001, then one significant digit in exponent form. */
export function formatP(p: number): string {
  if (!Number.isFinite(p)) return '—';
  if (p === 0) return '< 1e-300';
  if (p >= 0.001) return p.toFixed(3);
  return p.toExponential(0);
}

export function formatPercent(f: number): string {
  if (!Number.isFinite(f)) return '—';
  const pct = f * 100;
  return `${pct < 10 && pct !== 0 ? pct.toFixed(1) : Math.round(pct)}%`;
}
