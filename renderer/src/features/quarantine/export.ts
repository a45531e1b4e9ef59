/**
 * Quarantine sets as files: CSV (one row per quarantined row, a score / p-value / flag column triple per
 * reason: each detector, then the picking analysis's evidence; none for a set without reasons) and JSON (the
 * same plus the dataset hash and what each reason's flags assumed). Downloads go through a Blob and
 * `a.download`, which works in a browser and in Electron alike.
 */
import { getClient } from '../../api/client.ts';
import type { QuarantineSet } from './slice.ts';

/** The row ids of a set, in one call; `onProgress` reports completion for the export button. */
export async function rowIds(set: QuarantineSet, onProgress: (done: number) => void): Promise<string[]> {
  const ids = await getClient().getRowIds({ datasetId: set.datasetId, indices: Array.from(set.rows) });
  onProgress(ids.length);
  return ids;
}

/** RFC 4180 quoting: only fields with a comma, quote or line break are quoted. */
function csvField(v: string | number): string {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function quarantineCsv(set: QuarantineSet, ids: string[]): string {
  const head = ['row_index', 'id', 'label', 'flagged_by'];
  for (const r of set.reasons) {
    head.push(`${r.detector}_score`);
    if (r.pValues) head.push(`${r.detector}_p`);
    head.push(`${r.detector}_flagged`);
  }
  const lines = [head.map(csvField).join(',')];
  set.rows.forEach((row, i) => {
    const by = set.reasons.filter((r) => r.detector !== 'consensus' && r.flagged[i]).map((r) => r.detector);
    const fields: (string | number)[] = [row, ids[i], set.labels[i], by.join(';')];
    for (const r of set.reasons) {
      fields.push(r.scores[i]);
      if (r.pValues) fields.push(r.pValues[i]);
      fields.push(r.flagged[i]);
    }
    lines.push(fields.map(csvField).join(','));
  });
  return lines.join('\r\n') + '\r\n';
}

export function quarantineJson(set: QuarantineSet, ids: string[]): string {
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  return JSON.stringify(
    {
      format: 'assay-quarantine',
      version: 1,
      name: set.name,
      origin: set.origin,
      createdAt: set.createdAt,
      dataset: { id: set.datasetId, name: set.datasetName, sha256: set.datasetSha256 },
      detectors: set.reasons.map((r) => ({ detector: r.detector, title: r.title, flagNote: r.flagNote })),
      rows: Array.from(set.rows, (row, i) => ({
        index: row,
        id: ids[i],
        label: set.labels[i],
        reasons: set.reasons.map((r) => ({
          detector: r.detector,
          score: finite(r.scores[i]),
          pValue: r.pValues ? finite(r.pValues[i]) : null,
          flagged: r.flagged[i] === 1,
        })),
      })),
    },
    null,
    2,
  );
}

export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The click starts the download synchronously; revoke once the browser has taken the blob.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function fileStem(set: QuarantineSet): string {
  return `quarantine-${set.name}`.replace(/[^\w.-]+/g, '_').replace(/_+/g, '_').slice(0, 80);
}
