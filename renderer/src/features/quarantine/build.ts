/**
 * Assembles a quarantine set from the rows an analysis picked: distinct rows in ascending order, each with its
 * class name and, column by column, every reason the set records for it: each detector's verdict when the
 * dataset has a scan, and the picking analysis's own evidence (influence, leakage) when it gives some. Kept
 * apart from the store so the row bookkeeping can be tested on its own.
 */
import type { DetectorView } from '../../store/scan-views.ts';
import type { QuarantineReason, QuarantineSet } from './slice.ts';

/** Where a set's labels come from: the scan's per-row labels, or the class of each given row (aligned with them). */
export type LabelSource = { kind: 'scan'; labels: Int32Array; classNames: string[] } | { kind: 'given'; labels: ArrayLike<number>; classNames: string[] };

export interface SetInput {
  id: string;
  name: string;
  origin: string;
  createdAt: string;
  dataset: { id: string; name: string; sha256: string; rows: number };
  /** Dataset row indices in any order, duplicates allowed. */
  given: ArrayLike<number>;
  labels: LabelSource;
  /** The scan's views with the analyst's overrides (empty without a scan). */
  views: readonly DetectorView[];
  /** The picking analysis's reasons, columns aligned with `given`. */
  evidence: readonly QuarantineReason[];
}

/** Positions in `given` of its distinct rows, in ascending row order (the first position of a repeated row). */
export function distinctPositions(given: ArrayLike<number>): Int32Array {
  const order = new Int32Array(given.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => given[a] - given[b] || a - b);
  let k = 0;
  for (let i = 0; i < order.length; i++) if (k === 0 || given[order[i]] !== given[order[k - 1]]) order[k++] = order[i];
  return order.slice(0, k);
}

/** Throws on rows outside the dataset or columns not aligned with the rows: mistakes of the caller, not the analyst. */
function check(input: SetInput): void {
  const { given, dataset } = input;
  for (let i = 0; i < given.length; i++) {
    const r = given[i];
    if (!Number.isInteger(r) || r < 0 || r >= dataset.rows) throw new Error(`quarantine: row ${r} is not a row of '${dataset.name}' (${dataset.rows} rows)`);
  }
  if (input.labels.kind === 'given' && input.labels.labels.length !== given.length) {
    throw new Error(`quarantine: ${input.labels.labels.length} labels for ${given.length} rows`);
  }
  for (const e of input.evidence) {
    if (e.flagged.length !== given.length || e.scores.length !== given.length || (e.pValues && e.pValues.length !== given.length)) {
      throw new Error(`quarantine: the '${e.title}' reason has columns of another length than the ${given.length} rows`);
    }
  }
}

export function buildQuarantineSet(input: SetInput): QuarantineSet {
  check(input);
  const { given, labels, dataset } = input;
  const positions = distinctPositions(given);
  const rows = Int32Array.from(positions, (p) => given[p]);
  const classOf = labels.kind === 'scan' ? (i: number) => labels.labels[rows[i]] : (i: number) => labels.labels[positions[i]];
  const detectorReasons = input.views.map<QuarantineReason>((v) => ({
    detector: v.key,
    title: v.title,
    flagged: Uint8Array.from(rows, (r) => v.flagged[r]),
    scores: Float64Array.from(rows, (r) => v.scores[r]),
    pValues: v.pValues ? Float64Array.from(rows, (r) => v.pValues![r]) : null,
    flagNote: v.flagNote,
  }));
  const evidenceReasons = input.evidence.map<QuarantineReason>((e) => ({
    detector: e.detector,
    title: e.title,
    flagged: Uint8Array.from(positions, (p) => e.flagged[p]),
    scores: Float64Array.from(positions, (p) => e.scores[p]),
    pValues: e.pValues ? Float64Array.from(positions, (p) => e.pValues![p]) : null,
    flagNote: e.flagNote,
  }));
  return {
    id: input.id,
    name: input.name,
    origin: input.origin,
    createdAt: input.createdAt,
    datasetId: dataset.id,
    datasetName: dataset.name,
    datasetSha256: dataset.sha256,
    rows,
    // Class names are shared strings: the array holds references, not a new object per row.
    labels: Array.from(rows, (_, i) => {
      const c = classOf(i);
      return labels.classNames[c] ?? String(c);
    }),
    reasons: [...detectorReasons, ...evidenceReasons],
  };
}
