/**
 * Plots for reports as inline SVG text: horizontal bars, histograms with a flagged part, and a 5 × 5 heat
 * map. Written here rather than exported from plotly so a report needs no script to show them and prints
 * crisply; each plot carries a <title> so screen readers and text extraction see what it shows.
 */

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Short numeric label: 3 significant digits, no exponent below 1e6. */
export function fmtNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-3) return x.toExponential(2);
  return Number(x.toPrecision(3)).toString();
}

const INK = '#1f2933';
const MUTED = '#7b8794';
const BAR = '#3e7cb1';
const FLAG = '#c0392b';

/** Horizontal bars, one per item, with its value at the end. */
export function barChart(title: string, items: { label: string; value: number }[], format: (v: number) => string = fmtNumber): string {
  const rowH = 18;
  const labelW = 170;
  const plotW = 320;
  const width = labelW + plotW + 70;
  const height = 24 + items.length * rowH + 6;
  const max = Math.max(0, ...items.map((i) => (Number.isFinite(i.value) ? i.value : 0)));
  const bars = items
    .map((item, k) => {
      const y = 24 + k * rowH;
      const w = max > 0 && Number.isFinite(item.value) ? Math.max(0, (item.value / max) * plotW) : 0;
      const label = item.label.length > 28 ? item.label.slice(0, 27) + '…' : item.label;
      return (
        `<text x="${labelW - 6}" y="${y + 12}" text-anchor="end" fill="${INK}">${escapeXml(label)}</text>` +
        `<rect x="${labelW}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowH - 5}" fill="${BAR}"/>` +
        `<text x="${labelW + w + 4}" y="${y + 12}" fill="${MUTED}">${escapeXml(format(item.value))}</text>`
      );
    })
    .join('');
  return svg(title, width, height, `<text x="0" y="14" font-weight="600" fill="${INK}">${escapeXml(title)}</text>${bars}`);
}

/** A histogram of counts over bins (edges has one more entry than the counts), flagged counts in red in front. */
export function histogram(title: string, edges: number[], all: number[], flagged: number[]): string {
  const width = 460;
  const height = 170;
  const left = 40;
  const bottom = 30;
  const top = 24;
  const plotW = width - left - 10;
  const plotH = height - top - bottom;
  const max = Math.max(1, ...all);
  const n = all.length;
  const bw = n > 0 ? plotW / n : plotW;
  // Counts on a log scale (log(1 + c)): the flagged tail is a few rows beside thousands in the bulk.
  const scale = (c: number) => (Math.log1p(c) / Math.log1p(max)) * plotH;
  let bars = '';
  for (let i = 0; i < n; i++) {
    const h = scale(all[i]);
    const hf = scale(flagged[i] ?? 0);
    const x = left + i * bw;
    bars += `<rect x="${x.toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${Math.max(0.5, bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${BAR}"/>`;
    if (hf > 0) bars += `<rect x="${x.toFixed(1)}" y="${(top + plotH - hf).toFixed(1)}" width="${Math.max(0.5, bw - 1).toFixed(1)}" height="${hf.toFixed(1)}" fill="${FLAG}"/>`;
  }
  const axis =
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="${MUTED}"/>` +
    `<text x="${left - 4}" y="${top + 8}" text-anchor="end" fill="${MUTED}">${max}</text>` +
    `<text x="${left - 4}" y="${top + plotH}" text-anchor="end" fill="${MUTED}">0</text>` +
    (edges.length > 1
      ? `<text x="${left}" y="${top + plotH + 14}" fill="${MUTED}">${escapeXml(fmtNumber(edges[0]))}</text>` +
        `<text x="${left + plotW}" y="${top + plotH + 14}" text-anchor="end" fill="${MUTED}">${escapeXml(fmtNumber(edges[edges.length - 1]))}</text>`
      : '') +
    `<text x="${left + plotW / 2}" y="${height - 4}" text-anchor="middle" fill="${MUTED}">score (flagged rows in red; counts on a log scale)</text>`;
  return svg(title, width, height, `<text x="0" y="14" font-weight="600" fill="${INK}">${escapeXml(title)}</text>${bars}${axis}`);
}

/** A 5 × 5 heat map of counts: rows = likelihood (bottom = lowest), columns = impact (left = lowest). */
export function heatMap(title: string, counts: number[][], rowLabel: string, columnLabel: string): string {
  const cell = 42;
  const left = 60;
  const top = 26;
  const width = left + 5 * cell + 10;
  const height = top + 5 * cell + 34;
  let cells = '';
  for (let l = 0; l < 5; l++) {
    for (let i = 0; i < 5; i++) {
      // Risk grows with likelihood × impact: green → amber → red by the cell's position.
      const risk = ((l + 1) * (i + 1)) / 25;
      const fill = risk >= 0.6 ? '#e8a39b' : risk >= 0.3 ? '#f6d68b' : '#bfe3c0';
      const x = left + i * cell;
      const y = top + (4 - l) * cell;
      const n = counts[l]?.[i] ?? 0;
      cells +=
        `<rect x="${x}" y="${y}" width="${cell - 2}" height="${cell - 2}" fill="${fill}"${n > 0 ? ` stroke="${INK}" stroke-width="1.5"` : ''}/>` +
        (n > 0 ? `<text x="${x + cell / 2 - 1}" y="${y + cell / 2 + 4}" text-anchor="middle" font-weight="600" fill="${INK}">${n}</text>` : '');
    }
  }
  const labels =
    `<text x="${left + 2.5 * cell}" y="${height - 6}" text-anchor="middle" fill="${MUTED}">${escapeXml(columnLabel)} →</text>` +
    `<text transform="translate(14 ${top + 2.5 * cell}) rotate(-90)" text-anchor="middle" fill="${MUTED}">${escapeXml(rowLabel)} →</text>`;
  return svg(title, width, height, `<text x="0" y="14" font-weight="600" fill="${INK}">${escapeXml(title)}</text>${cells}${labels}`);
}

function svg(title: string, width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11"><title>${escapeXml(title)}</title>${body}</svg>`;
}
