/**
 * `assay drift` end to end, and drift/monitoring jobs through the host and the worker pool, on the bundled
 * sample and shifted copies of it whose answers are known exactly: an unchanged column has PSI, KL, JS, W₁ and
 * the KS statistic 0 and KS p = 1; a column shifted by a constant c has W₁ = |c| (float32 storage aside);
 * renamed columns are refused with their names; categorical columns read back from the files (--categorical)
 * give scipy's chi2_contingency X².
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePath } from '../../electron/host/app-root.ts';
import { createHost, type Host } from '../../electron/host/host.ts';
import type { DatasetSummary } from '../../shared/domain/dataset.ts';
import { DEFAULT_DRIFT_THRESHOLDS, DEFAULT_EMBEDDING_OPTIONS, DEFAULT_MONITOR_THRESHOLDS, type NumericColumnDrift } from '../../shared/domain/drift.ts';
import { assay } from './run-assay.ts';

const SHIFTED = ['f00', 'f01', 'f02', 'f03', 'f04', 'f05', 'f06', 'f07', 'f08', 'f09', 'f10', 'f11', 'f12', 'f13', 'f14', 'f15', 'f16', 'f17'];
const SHIFT = 2.5;

/** The sample with `SHIFT` added to the SHIFTED columns and, optionally, one class's rows dropped and a column renamed. */
function shiftedCopy(path: string, options: { dropClass?: string; rename?: [string, string] } = {}): void {
  const [header, ...lines] = readFileSync(samplePath(), 'utf8').trimEnd().split('\n');
  const names = header.split(',');
  const shift = new Set(SHIFTED.map((n) => names.indexOf(n)));
  const out = lines
    .map((line) => line.split(','))
    .filter((cells) => cells[1] !== options.dropClass)
    .map((cells) => cells.map((v, j) => (shift.has(j) ? (Number(v) + SHIFT).toFixed(5) : v)).join(','));
  const head = options.rename ? names.map((n) => (n === options.rename![0] ? options.rename![1] : n)).join(',') : header;
  writeFileSync(path, [head, ...out].join('\n') + '\n');
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('assay drift', () => {
  let dir: string;
  let shifted: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'assay-drift-'));
    shifted = join(dir, 'shifted.csv');
    shiftedCopy(shifted, { dropClass: 'cat' });
  });

  it('writes per-column metrics, label and embedding drift, the verdict, the thresholds and both SHA-256s', async () => {
    const out = join(dir, 'drift.json');
    const run = await assay(['drift', samplePath(), shifted, '--label', 'label', '--permutations', '50', '--json', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\d+ of 33 columns drifted/);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.format).toBe('assay-drift/1');
    expect(report.baseline.sha256).toBe(sha256(samplePath()));
    expect(report.current.sha256).toBe(sha256(shifted));
    expect(report.thresholds).toEqual(DEFAULT_DRIFT_THRESHOLDS);
    expect(report.columns).toHaveLength(32);
    for (const c of report.columns as NumericColumnDrift[]) {
      if (SHIFTED.includes(c.name)) {
        expect(c.drifted, c.name).toBe(true);
        expect(c.psiBand).toBe('significant');
        // W₁ between a sample and the same sample shifted by c is |c|; the rows of one class are missing, so
        // allow for that: the shift dominates.
        expect(c.wasserstein, c.name).toBeGreaterThan(SHIFT * 0.8);
        expect(c.ks.pValue).toBeLessThan(1e-10);
        expect(c.ks.method).toBe('exact');
      } else {
        // Unshifted, but a class is missing: its rows no longer weigh on the column.
        expect(c.psi, c.name).toBeLessThan(0.3);
      }
      expect(c.explain.psi).toMatch(/Population Stability Index/);
    }
    // One class of ten dropped: the label column drifted, and it is named.
    expect(report.label.name).toBe('label');
    expect(report.label.current[report.label.categories.indexOf('cat')]).toBe(0);
    expect(report.label.chiSquare.pValue).toBeLessThan(1e-10);
    expect(report.label.drifted).toBe(true);
    expect(report.embedding.domainAuc).toBeGreaterThan(0.95);
    expect(report.embedding.mmdPValue).toBeCloseTo(1 / 51, 12);
    expect(report.embedding.drifted).toBe(true);
    const drifted = (report.columns as NumericColumnDrift[]).filter((c) => c.drifted).length + 1;
    expect(report.verdict).toMatchObject({ drifted: true, driftedColumns: drifted, totalColumns: 33 });
    expect(run.stdout).toContain(`${drifted} of 33 columns drifted`);
  });

  it('--fail-on-drift exits 3 when the dataset drifted, 0 when it did not', async () => {
    const drifted = await assay(['drift', samplePath(), shifted, '--label', 'label', '--no-embedding', '--fail-on-drift', '--quiet']);
    expect(drifted.code).toBe(3);
    const same = await assay(['drift', samplePath(), samplePath(), '--label', 'label', '--no-embedding', '--fail-on-drift', '--drift-share', '0.9']);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('0 of 33 columns drifted');
  });

  it('names the columns one file lacks, and rejects bad thresholds with the usage', async () => {
    const renamed = join(dir, 'renamed.csv');
    shiftedCopy(renamed, { rename: ['f05', 'feature_5'] });
    const run = await assay(['drift', samplePath(), renamed, '--label', 'label', '--no-embedding']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("'f05'");
    expect(run.stderr).toContain("'feature_5'");
    const bad = await assay(['drift', samplePath(), renamed, '--psi-alert', 'high']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--psi-alert must be a number ≥ 0, got 'high'");
    expect(bad.stderr).toContain('usage: assay drift');
    const one = await assay(['drift', samplePath()]);
    expect(one.code).toBe(2);
    const help = await assay(['drift', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--psi-alert X');
  });

  describe('--categorical: columns not loaded, read back from both files', () => {
    // 200 rows each; 'region' shifts from 100/60/40 to 50/60/90 (north/south/east), 'device' barely moves
    // (phone 120 → 118 of 200); 'note' is free text (one value per row); 'batch' is in the baseline only.
    const write = (name: string, region: (i: number) => string, phones: number, extra: boolean) => {
      const lines = [`id,label,x1,x2,region,device,note${extra ? ',batch' : ''}`];
      for (let i = 0; i < 200; i++) {
        const device = (i * 7) % 200 < phones ? 'phone' : 'desktop';
        lines.push(`${name}${i},${i % 2 ? 'a' : 'b'},${((i * 0.37) % 5).toFixed(3)},${((i * 1.3) % 7).toFixed(3)},${region(i)},${device},${name} note ${i}${extra ? ',b1' : ''}`);
      }
      const path = join(dir, `${name}.csv`);
      writeFileSync(path, lines.join('\n') + '\n');
      return path;
    };
    let before: string;
    let after: string;
    beforeAll(() => {
      before = write('cat-before', (i) => (i < 100 ? 'north' : i < 160 ? 'south' : 'east'), 120, true);
      after = write('cat-after', (i) => (i < 50 ? 'north' : i < 110 ? 'south' : 'east'), 118, false);
    });
    const base = () => ['drift', before, after, '--label', 'label', '--id', 'id', '--features', 'x1,x2', '--no-embedding'];

    it('a shifted column drifts and a steady one does not; X² and PSI match scipy.stats.chi2_contingency (correction=False)', async () => {
      const out = join(dir, 'categorical.json');
      const run = await assay([...base(), '--categorical', 'region,device', '--test', 'ks', '--json', out]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const report = JSON.parse(readFileSync(out, 'utf8'));
      const region = report.categorical.find((c: { name: string }) => c.name === 'region');
      const device = report.categorical.find((c: { name: string }) => c.name === 'device');
      expect(report.categorical).toHaveLength(2);
      // scipy: chi2_contingency([[100,60,40],[50,60,90]], correction=False) → 35.8974358974359 (= 175000/4875), p 1.6031377382532828e-08
      expect(region.chiSquare.statistic).toBeCloseTo(175000 / 4875, 10);
      expect(region.chiSquare.dof).toBe(2);
      expect(region.chiSquare.pValue).toBeCloseTo(1.6031377382532828e-8, 15);
      expect(region.psi).toBeCloseTo(0.37601934919406854, 10);
      expect(region.drifted).toBe(true);
      expect(Object.fromEntries(region.categories.map((k: string, j: number) => [k, [region.baseline[j], region.current[j]]]))).toEqual({
        east: [40, 90],
        north: [100, 50],
        south: [60, 60],
      });
      // scipy: chi2_contingency([[120,80],[118,82]], correction=False) → 0.04149808071376698 (= 400/9639), p 0.8385795198717838
      expect(device.chiSquare.statistic).toBeCloseTo(400 / 9639, 12);
      expect(device.chiSquare.pValue).toBeCloseTo(0.8385795198717838, 10);
      expect(device.psi).toBeCloseTo(0.000414997309067526, 10);
      expect(device.drifted).toBe(false);
      // x1, x2 (identical), the label (identical), region, device.
      expect(report.verdict).toMatchObject({ driftedColumns: 1, totalColumns: 5 });
      expect(run.stdout).toContain("column 'region' (categorical)");
    });

    it('names a column one file lacks, refuses free text and loaded columns', async () => {
      const lacking = await assay([...base(), '--categorical', 'batch']);
      expect(lacking.code).toBe(1);
      expect(lacking.stderr).toContain("there is no column 'batch' in 'cat-after.csv'");
      const text = await assay([...base(), '--categorical', 'note']);
      expect(text.code).toBe(1);
      expect(text.stderr).toContain("column 'note' has 400 distinct values across 'cat-before.csv' and 'cat-after.csv'");
      const feature = await assay([...base(), '--categorical', 'x1']);
      expect(feature.code).toBe(1);
      expect(feature.stderr).toContain("'x1' is a feature column");
      const empty = await assay([...base(), '--categorical', 'region,']);
      expect(empty.code).toBe(2);
      const npy = fileURLToPath(new URL('../fixtures/npy/c-le-f4.npy', import.meta.url));
      const matrix = await assay(['drift', npy, npy, '--no-label', '--no-embedding', '--categorical', 'region']);
      expect(matrix.code).toBe(1);
      expect(matrix.stderr).toContain("'c-le-f4.npy' is a NumPy matrix: it has no columns besides its features");
    });
  });
});

describe('drift and monitoring jobs through the host', () => {
  let host: Host;
  let sample: DatasetSummary;
  let shiftedAll: DatasetSummary;
  let dir: string;
  const open = async (path: string) => {
    const job = await host.openDataset({ path, roles: { label: 'label', id: 'id', features: null, text: [], group: null }, badRows: 'stop' });
    const final = await host.jobs.settled(job.id);
    expect(final.error).toBeNull();
    return host.jobs.result<'load'>(job.id).value;
  };
  beforeAll(async () => {
    host = createHost({ transport: 'cli', samplePath: samplePath(), threads: 2 });
    dir = mkdtempSync(join(tmpdir(), 'assay-drift-host-'));
    const path = join(dir, 'shifted-all.csv');
    shiftedCopy(path);
    sample = await open(samplePath());
    shiftedAll = await open(path);
  });
  afterAll(() => host.close());

  it('a constant shift gives W₁ = |c| exactly (to float32), and unchanged columns give zeros and p = 1', async () => {
    const job = await host.runDrift({ baselineDatasetId: sample.id, currentDatasetId: shiftedAll.id, thresholds: DEFAULT_DRIFT_THRESHOLDS, embedding: { ...DEFAULT_EMBEDDING_OPTIONS, enabled: false } });
    const final = await host.jobs.settled(job.id);
    expect(final.error).toBeNull();
    const result = host.jobs.result<'drift'>(job.id).value;
    expect(result.embedding).toBeNull();
    for (const c of result.columns) {
      if (SHIFTED.includes(c.name)) {
        expect(Math.abs(c.wasserstein - SHIFT), c.name).toBeLessThan(2e-5 * 10);
        expect(c.currentMean - c.baselineMean).toBeCloseTo(SHIFT, 4);
      } else {
        expect([c.psi, c.kl, c.js, c.wasserstein, c.ks.statistic], c.name).toEqual([0, 0, 0, 0, 0]);
        expect(c.ks.pValue).toBe(1);
      }
    }
    expect(result.label?.chiSquare.statistic).toBe(0);
    expect(result.label?.drifted).toBe(false);
  });

  it('a group column both sets hold is a categorical column: X² of the 2 × 2 table is 800/21', async () => {
    const write = (name: string, web: number) => {
      const lines = ['id,label,source,x1,x2'];
      for (let i = 0; i < 100; i++) lines.push(`${name}${i},${i % 2 ? 'a' : 'b'},${i < web ? 'web' : 'vendor'},${(i * 0.37) % 5},${(i * 1.3) % 7}`);
      writeFileSync(join(dir, `${name}.csv`), lines.join('\n') + '\n');
      return join(dir, `${name}.csv`);
    };
    const openGrouped = async (path: string) => {
      const job = await host.openDataset({ path, roles: { label: 'label', id: 'id', features: ['x1', 'x2'], text: [], group: 'source' }, badRows: 'stop' });
      expect((await host.jobs.settled(job.id)).error).toBeNull();
      return host.jobs.result<'load'>(job.id).value;
    };
    const before = await openGrouped(write('before', 50));
    const after = await openGrouped(write('after', 90));
    const job = await host.runDrift({ baselineDatasetId: before.id, currentDatasetId: after.id, thresholds: DEFAULT_DRIFT_THRESHOLDS, embedding: { ...DEFAULT_EMBEDDING_OPTIONS, enabled: false } });
    expect((await host.jobs.settled(job.id)).error).toBeNull();
    const result = host.jobs.result<'drift'>(job.id).value;
    expect(result.categorical).toHaveLength(1);
    const source = result.categorical[0];
    expect(source.name).toBe('source');
    expect(source.chiSquare.statistic).toBeCloseTo(800 / 21, 10);
    expect(source.chiSquare.dof).toBe(1);
    expect(source.drifted).toBe(true);
    // x1, x2, the label and the source: two of four drifted columns would already be half.
    expect(result.verdict.totalColumns).toBe(4);
  });

  it('refuses datasets whose columns differ before starting a job', async () => {
    const renamed = join(dir, 'renamed.csv');
    shiftedCopy(renamed, { rename: ['f31', 'extra'] });
    const other = await open(renamed);
    await expect(
      host.runDrift({ baselineDatasetId: sample.id, currentDatasetId: other.id, thresholds: DEFAULT_DRIFT_THRESHOLDS, embedding: DEFAULT_EMBEDDING_OPTIONS }),
    ).rejects.toThrow(/lacks 1 feature column of the baseline: 'f31'.*'extra'/);
  });

  it('cancel stops a running drift job (its 10,000 MMD permutations alone would take minutes)', async () => {
    const job = await host.runDrift({ baselineDatasetId: sample.id, currentDatasetId: shiftedAll.id, thresholds: DEFAULT_DRIFT_THRESHOLDS, embedding: { ...DEFAULT_EMBEDDING_OPTIONS, permutations: 10_000 } });
    await new Promise<void>((resolve) => {
      const off = host.on('jobUpdate', (j) => {
        // Past 0.8 the columns are done and only the embedding tests run.
        if (j.id === job.id && j.progress.fraction >= 0.8 && j.status === 'running') {
          off();
          resolve();
        }
      });
    });
    await host.cancelJob({ jobId: job.id });
    expect((await host.jobs.settled(job.id)).status).toBe('cancelled');
    // The pool is free again: a small drift job runs to the end.
    const next = await host.runDrift({ baselineDatasetId: sample.id, currentDatasetId: sample.id, thresholds: DEFAULT_DRIFT_THRESHOLDS, embedding: { ...DEFAULT_EMBEDDING_OPTIONS, enabled: false } });
    expect((await host.jobs.settled(next.id)).status).toBe('done');
  }, 120_000);

  it('monitoring with one baseline snapshot: p chart, x̄ chart (σ/√n), and the PSI alert', async () => {
    const job = await host.runMonitor({
      snapshotIds: [sample.id, shiftedAll.id],
      baselinePeriod: 1,
      detectors: [{ name: 'knn-outlier', params: {} }],
      flag: { mode: 'fdr', q: 0.05 },
      columns: ['f00', 'f20'],
      thresholds: DEFAULT_MONITOR_THRESHOLDS,
    });
    const final = await host.jobs.settled(job.id);
    expect(final.error).toBeNull();
    const r = host.jobs.result<'monitor'>(job.id).value;
    expect(r.snapshots.map((s) => s.datasetId)).toEqual([sample.id, shiftedAll.id]);
    // A constant shift moves no row relative to the others: the same rows are flagged.
    const rates = r.anomalyRate!.values;
    expect(rates[1]).toBe(rates[0]);
    expect(r.anomalyRate!.centre).toBe(rates[0]);
    expect(r.anomalyRate!.sigma[0]).toBeCloseTo(Math.sqrt((rates[0] * (1 - rates[0])) / 3000), 15);
    expect(r.psi.mean[0]).toBe(0);
    expect(r.psi.chart).toBeNull();
    expect(r.psi.columnsOver[1]).toEqual(SHIFTED);
    const f00 = r.columnMeans.find((c) => c.column === 'f00')!.chart;
    const f20 = r.columnMeans.find((c) => c.column === 'f20')!.chart;
    expect(f00.outOfControl).toEqual([{ index: 1, rules: [1] }]);
    expect(f20.outOfControl).toEqual([]);
    expect(f00.upper[1] - f00.centre).toBeCloseTo(3 * f00.sigma[1], 10);
    expect(r.alerts.map((a) => `${a.snapshotIndex}:${a.kind}:${a.metric}`)).toEqual(['1:psi:PSI', '1:spc:mean of f00']);
    expect(r.alerts[0].message).toContain('18 columns with PSI above 0.2');
  });

  it('monitoring with a baseline period: individuals charts from the period’s spread', async () => {
    // Three thirds of the sample, then the first third with the SHIFTED columns moved.
    const [header, ...lines] = readFileSync(samplePath(), 'utf8').trimEnd().split('\n');
    const shiftAt = new Set(SHIFTED.map((n) => header.split(',').indexOf(n)));
    const part = (name: string, from: number, shift: boolean) => {
      const body = lines.slice(from, from + 1000).map((l) => (shift ? l.split(',').map((v, j) => (shiftAt.has(j) ? (Number(v) + SHIFT).toFixed(5) : v)).join(',') : l));
      writeFileSync(join(dir, name), [header, ...body].join('\n') + '\n');
      return open(join(dir, name));
    };
    const parts = [await part('p0.csv', 0, false), await part('p1.csv', 1000, false), await part('p2.csv', 2000, false), await part('p3.csv', 0, true)];
    const job = await host.runMonitor({
      snapshotIds: parts.map((p) => p.id),
      baselinePeriod: 3,
      detectors: [],
      flag: { mode: 'rule' },
      columns: ['f00', 'f20'],
      thresholds: DEFAULT_MONITOR_THRESHOLDS,
    });
    const final = await host.jobs.settled(job.id);
    expect(final.error).toBeNull();
    const r = host.jobs.result<'monitor'>(job.id).value;
    expect(r.anomalyRate).toBeNull();
    const f00 = r.columnMeans.find((c) => c.column === 'f00')!.chart;
    const f20 = r.columnMeans.find((c) => c.column === 'f20')!.chart;
    // Centre and σ: mean and sample standard deviation (n − 1) of the three baseline means.
    const m = f00.values.slice(0, 3);
    const centre = (m[0] + m[1] + m[2]) / 3;
    expect(f00.centre).toBeCloseTo(centre, 12);
    expect(f00.sigma[3]).toBeCloseTo(Math.sqrt(m.reduce((s, v) => s + (v - centre) ** 2, 0) / 2), 12);
    expect(f00.outOfControl.map((p) => p.index)).toEqual([3]);
    expect(f20.values[3]).toBe(f20.values[0]);
    expect(f20.outOfControl).toEqual([]);
    // PSI: limits from snapshots 2 and 3 (the first is the reference, PSI 0).
    expect(r.psi.chart).not.toBeNull();
    expect(r.psi.chart!.outOfControl.map((p) => p.index)).toEqual([3]);
    expect(r.alerts.map((a) => `${a.snapshotIndex}:${a.kind}:${a.metric}`)).toEqual(['3:psi:PSI', '3:spc:mean PSI', '3:spc:mean of f00']);
  });

  it('refuses a monitoring request without a snapshot after the baseline period', async () => {
    await expect(
      host.runMonitor({ snapshotIds: [sample.id, sample.id], baselinePeriod: 2, detectors: [], flag: { mode: 'rule' }, columns: [], thresholds: DEFAULT_MONITOR_THRESHOLDS }),
    ).rejects.toThrow(/at least one after the baseline period/);
  });
});
