/**
 * Quarantine sets (renderer/src/features/quarantine): built with a scan (every detector's verdict after the
 * analyst's overrides, labels from the scan) and without one (labels given by the caller, only the picking
 * analysis's evidence as reasons); rows deduplicated and sorted with every column following its row.
 */
import { describe, expect, it } from 'vitest';
import { create } from 'zustand';
import { buildQuarantineSet, distinctPositions } from '../../renderer/src/features/quarantine/build.ts';
import { createQuarantineSlice, type QuarantineReason } from '../../renderer/src/features/quarantine/slice.ts';
import type { State } from '../../renderer/src/store/store.ts';
import type { DatasetSummary } from '../../shared/domain/dataset.ts';
import type { DetectorRun, ScanResult } from '../../shared/domain/detectors.ts';
import { renderHtml } from '../../shared/engine/report/html.ts';
import { fullReportInput } from './report-fixture.ts';

const dataset: DatasetSummary = {
  id: 'd1',
  name: 'train.csv',
  path: '/data/train.csv',
  sha256: 'a'.repeat(64),
  sizeBytes: 100,
  rows: 6,
  dims: 2,
  featureNames: ['x', 'y'],
  labelColumn: 'label',
  idColumn: null,
  format: 'csv',
  classNames: ['cat', 'dog'],
  classCounts: [3, 3],
};
// Row r's class, and a detector whose score of row r is 10·r, flagging rows 1 and 4.
const rowLabels = Int32Array.from([0, 1, 0, 1, 0, 1]);
const run = {
  detector: 'spectral',
  params: {},
  scores: Float64Array.from([0, 10, 20, 30, 40, 50]),
  pValues: Float64Array.from([0.9, 0.01, 0.8, 0.7, 0.02, 0.6]),
  flagged: Uint8Array.from([0, 1, 0, 0, 1, 0]),
  flagMode: 'fdr',
  flagNote: 'BH at q = 0.05',
  projection: null,
  projectionAxes: null,
  classes: [],
  diagnostics: {},
  seconds: 0,
} as unknown as DetectorRun;
const scan: ScanResult = {
  datasetId: 'd1',
  datasetSha256: dataset.sha256,
  labels: rowLabels,
  classNames: dataset.classNames,
  flag: { mode: 'fdr', q: 0.05 },
  reference: null,
  runs: [run],
  consensus: Float64Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]),
  agreement: Uint16Array.from([0, 1, 0, 0, 1, 0]),
} as ScanResult;

/** The quarantine slice over the few fields of the store it reads. */
function store(withScan: boolean) {
  return create<State>()(
    (...a) =>
      ({
        ...createQuarantineSlice(...a),
        dataset,
        scans: withScan ? { d1: scan } : {},
        overrides: {},
      }) as unknown as State,
  );
}

const influence = (scores: number[], flagged: number[]): QuarantineReason => ({
  detector: 'influence',
  title: 'Influence',
  flagged: Uint8Array.from(flagged),
  scores: Float64Array.from(scores),
  pValues: null,
  flagNote: 'flagged = harmful',
});

describe('distinctPositions', () => {
  it('gives the first position of each distinct row in ascending row order', () => {
    expect(Array.from(distinctPositions([5, 2, 5, 0, 2]))).toEqual([3, 1, 0]);
    expect(Array.from(distinctPositions([]))).toEqual([]);
  });
});

describe('quarantine sets without a scan', () => {
  it('takes the given labels and the evidence, reordered with the rows', () => {
    const s = store(false);
    // Rows given out of order with a repeat; labels and evidence aligned with them as given.
    const set = s.getState().addQuarantineSet('harmful', 'influence on all test rows', [4, 1, 3, 1], {
      labels: [0, 1, 1, 1],
      reasons: [influence([-0.4, -0.1, 0.3, -0.1], [1, 1, 0, 1])],
    });
    expect(set).not.toBeNull();
    expect(Array.from(set!.rows)).toEqual([1, 3, 4]);
    expect(set!.labels).toEqual(['dog', 'dog', 'cat']);
    expect(set!.reasons).toHaveLength(1);
    expect(set!.reasons[0].detector).toBe('influence');
    expect(Array.from(set!.reasons[0].scores)).toEqual([-0.1, 0.3, -0.4]);
    expect(Array.from(set!.reasons[0].flagged)).toEqual([1, 0, 1]);
    expect(set!.reasons[0].pValues).toBeNull();
    expect(set!.datasetSha256).toBe(dataset.sha256);
    expect(s.getState().quarantine).toEqual([set]);
  });

  it('keeps a set with no reasons at all', () => {
    const set = store(false).getState().addQuarantineSet('pii', 'PII scan', Int32Array.from([2, 0]), { labels: [0, 0] });
    expect(Array.from(set!.rows)).toEqual([0, 2]);
    expect(set!.labels).toEqual(['cat', 'cat']);
    expect(set!.reasons).toEqual([]);
  });

  it('is refused without labels, and with columns not aligned with the rows', () => {
    const s = store(false);
    expect(s.getState().addQuarantineSet('x', 'y', [1, 2])).toBeNull();
    expect(s.getState().quarantine).toEqual([]);
    expect(() => s.getState().addQuarantineSet('x', 'y', [1, 2], { labels: [0] })).toThrow(/1 labels for 2 rows/);
    expect(() => s.getState().addQuarantineSet('x', 'y', [1, 9], { labels: [0, 0] })).toThrow(/row 9 is not a row of 'train.csv'/);
    expect(() => s.getState().addQuarantineSet('x', 'y', [1, 2], { labels: [0, 0], reasons: [influence([1], [1])] })).toThrow(/'Influence' reason/);
  });
});

describe('quarantine sets with a scan', () => {
  it("records every detector's verdict after overrides, labels from the scan, then the evidence", () => {
    const s = store(true);
    // A threshold override on class dog (1) flags its rows scoring ≥ 30: rows 3 and 5, no longer row 1.
    s.setState({ overrides: { 'spectral|1': { kind: 'threshold', score: 30 } } } as Partial<State>);
    const set = s.getState().addQuarantineSet('', 'flags', [5, 3, 1], { labels: [0, 0, 0], reasons: [influence([5, 3, 1], [0, 1, 0])] });
    expect(set!.name).toBe('Set 1');
    expect(Array.from(set!.rows)).toEqual([1, 3, 5]);
    // The scan's labels win over those given.
    expect(set!.labels).toEqual(['dog', 'dog', 'dog']);
    expect(set!.reasons.map((r) => r.detector)).toEqual(['spectral', 'consensus', 'influence']);
    const [spectral, consensus, inf] = set!.reasons;
    expect(Array.from(spectral.scores)).toEqual([10, 30, 50]);
    expect(Array.from(spectral.pValues!)).toEqual([0.01, 0.7, 0.6]);
    expect(Array.from(spectral.flagged)).toEqual([0, 1, 1]);
    expect(spectral.flagNote).toBe('BH at q = 0.05');
    expect(Array.from(consensus.scores)).toEqual([0.2, 0.4, 0.6]);
    expect(Array.from(inf.scores)).toEqual([1, 3, 5]);
    expect(Array.from(inf.flagged)).toEqual([0, 1, 0]);
  });

  it('needs no labels from the caller', () => {
    const set = store(true).getState().addQuarantineSet('a', 'b', [0, 1]);
    expect(set!.labels).toEqual(['cat', 'dog']);
    expect(set!.reasons).toHaveLength(2);
  });
});

describe('the report of a case whose sets came without a scan', () => {
  it('lists the quarantined rows even when no detector results are stored', () => {
    const input = fullReportInput();
    input.findings = [];
    input.quarantine = [
      { name: 'Leaked into eval.csv', origin: 'train/test leakage', datasetName: 'train.csv', datasetSha256: dataset.sha256, createdAt: '2026-11-27T08:00:00.000Z', rows: [{ row: 101, label: 'yes', detectors: ['leakage'] }] },
    ];
    const html = renderHtml(input);
    expect(html).toContain('No detector results are stored in this case.');
    expect(html).toContain('Leaked into eval.csv — 1 row(s) of train.csv (train/test leakage)');
    expect(html).toMatch(/<td[^>]*>101<\/td><td[^>]*>yes<\/td><td[^>]*>leakage<\/td>/);
  });
});
