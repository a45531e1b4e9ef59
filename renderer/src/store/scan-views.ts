/**
 * What every feature sees of a scan: one view per detector run plus the consensus pseudo-detector, with the
 * analyst's live threshold overrides applied to the flags. Overrides live in the store, so the overview,
 * the triage plots, the agreement view, the inspector and the quarantine sets all agree on what is flagged.
 */
import type { DetectorClassResult, DetectorName, FlagRule, ScanResult } from '../../../shared/domain/detectors.ts';
import { DETECTORS } from '../../../shared/domain/detector-catalog.ts';
import { benjaminiHochberg } from '../../../shared/engine/calibration.ts';
import { rowsByClass as rowsOfClasses } from '../../../shared/engine/matrix.ts';

export type ViewKey = DetectorName | 'consensus';

/** A hand-set flag rule for one class of one view: a score threshold (histogram drag) or an FDR level. */
export type FlagOverride = { kind: 'threshold'; score: number } | { kind: 'fdr'; q: number };

/** Overrides keyed by `overrideKey(view, classIndex)`. */
export type FlagOverrides = Record<string, FlagOverride>;

export const overrideKey = (view: ViewKey, classIndex: number) => `${view}|${classIndex}`;

export interface DetectorView {
  key: ViewKey;
  title: string;
  /** Higher = more suspicious. For the consensus: mean within-class percentile rank over runs. */
  scores: Float64Array;
  pValues: Float64Array | null;
  /** Flags after overrides; `scanFlagged` are the scan's own. */
  flagged: Uint8Array;
  scanFlagged: Uint8Array;
  flagMode: FlagRule['mode'] | 'quorum';
  flagNote: string;
  projection: Float32Array | null;
  projectionAxes: [string, string] | null;
  /** Per-class results of the scan (the consensus has none). */
  classes: DetectorClassResult[] | null;
  /** Index into `result.runs`; -1 for the consensus. */
  run: number;
}

export interface ScanViews {
  result: ScanResult;
  byClass: Int32Array[];
  /** One per run, in run order, then the consensus. */
  views: DetectorView[];
  /** Bit r set when view r (a run) flags the row, after overrides. */
  agreement: Uint16Array;
  /** Flags a row needs to be flagged by the consensus. */
  quorum: number;
}

const byClassCache = new WeakMap<ScanResult, Int32Array[]>();

/** Row indices of each class, in row order; computed once per result. */
export function classRows(result: ScanResult): Int32Array[] {
  let rows = byClassCache.get(result);
  if (!rows) {
    rows = rowsOfClasses(result.labels, result.classNames.length);
    byClassCache.set(result, rows);
  }
  return rows;
}

/** Flags of `rows` under an override, written into `out`. */
function applyOverride(out: Uint8Array, rows: Int32Array, scores: Float64Array, pValues: Float64Array | null, o: FlagOverride): void {
  if (o.kind === 'threshold') {
    for (const r of rows) out[r] = scores[r] >= o.score ? 1 : 0;
    return;
  }
  if (!pValues) return;
  const bh = benjaminiHochberg(Float64Array.from(rows, (r) => pValues[r]), o.q);
  rows.forEach((r, i) => (out[r] = bh.flagged[i]));
}

function withOverrides(base: Uint8Array, key: ViewKey, s: Pick<DetectorView, 'scores' | 'pValues'>, byClass: Int32Array[], overrides: FlagOverrides): Uint8Array {
  let out: Uint8Array | null = null;
  byClass.forEach((rows, c) => {
    const o = overrides[overrideKey(key, c)];
    if (!o) return;
    out ??= Uint8Array.from(base);
    applyOverride(out, rows, s.scores, s.pValues, o);
  });
  return out ?? base;
}

let last: { result: ScanResult; overrides: FlagOverrides; views: ScanViews } | null = null;

/** The views of a scan under the given overrides (the last answer is cached: every panel asks for the same). */
export function scanViews(result: ScanResult, overrides: FlagOverrides): ScanViews {
  if (last && last.result === result && last.overrides === overrides) return last.views;
  const byClass = classRows(result);
  const n = result.labels.length;
  const views: DetectorView[] = result.runs.map((run, r) => ({
    key: run.detector,
    title: DETECTORS[run.detector].title,
    scores: run.scores,
    pValues: run.pValues,
    flagged: withOverrides(run.flagged, run.detector, run, byClass, overrides),
    scanFlagged: run.flagged,
    flagMode: run.flagMode,
    flagNote: run.flagNote,
    projection: run.projection,
    projectionAxes: run.projectionAxes,
    classes: run.classes,
    run: r,
  }));
  const agreement = new Uint16Array(n);
  views.forEach((v, r) => {
    const f = v.flagged;
    for (let i = 0; i < n; i++) if (f[i]) agreement[i] |= 1 << r;
  });
  // Two detectors, not a majority: they look for different things (a backdoor, a flipped label, a duplicate),
  // so a poisoned row is rarely caught by most of them, but two independent witnesses are rare by chance.
  const quorum = Math.min(2, views.length);
  const scanFlagged = new Uint8Array(n);
  for (let i = 0; i < n; i++) scanFlagged[i] = popcount(agreement[i]) >= quorum ? 1 : 0;
  const consensus = { scores: result.consensus, pValues: null };
  const withProjection = views.find((v) => v.projection);
  views.push({
    key: 'consensus',
    title: 'Consensus',
    ...consensus,
    flagged: withOverrides(scanFlagged, 'consensus', consensus, byClass, overrides),
    scanFlagged,
    flagMode: 'quorum',
    flagNote:
      views.length === 1
        ? 'One detector ran, so the consensus is its flags; the score is its within-class percentile rank.'
        : `Flagged by at least ${quorum} of the ${views.length} detectors; the score is the mean within-class percentile rank over detectors.`,
    projection: withProjection?.projection ?? null,
    projectionAxes: withProjection?.projectionAxes ?? null,
    classes: null,
    run: -1,
  });
  const out = { result, byClass, views, agreement, quorum };
  last = { result, overrides, views: out };
  return out;
}

export function popcount(bits: number): number {
  let c = 0;
  for (let b = bits; b; b &= b - 1) c++;
  return c;
}

/** Flagged rows of a view among `rows`. */
export function countFlagged(flags: Uint8Array, rows: Int32Array): number {
  let k = 0;
  for (const r of rows) k += flags[r];
  return k;
}

/**
 * The class whose strongest class test is most significant (smallest p-value over runs): where to start
 * triage. Ties (e.g. p underflowing to 0) go to the class with more flagged rows.
 */
export function mostSuspiciousClass(result: ScanResult): number | null {
  let best: number | null = null;
  let bestP = Infinity;
  let bestFlags = -1;
  result.classNames.forEach((_, c) => {
    let p = Infinity;
    let flags = 0;
    for (const run of result.runs) {
      const cls = run.classes[c];
      if (!cls) continue;
      if (cls.classTest && cls.classTest.pValue < p) p = cls.classTest.pValue;
      flags += cls.flagged;
    }
    if (p < bestP || (p === bestP && flags > bestFlags)) {
      best = c;
      bestP = p;
      bestFlags = flags;
    }
  });
  return best;
}
