import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePath } from '../../electron/host/app-root.ts';
import { createHost, type Host } from '../../electron/host/host.ts';
import type { DatasetSummary } from '../../shared/domain/dataset.ts';
import type { ScanRequest } from '../../shared/domain/detectors.ts';
import { knnGraph } from '../../shared/engine/detectors/knn.ts';

const truth = JSON.parse(readFileSync(samplePath().replace('.csv', '.truth.json'), 'utf8')) as { poisonedIds: string[]; targetClass: string };

describe('scan: several detectors in one job', () => {
  let host: Host;
  let sample: DatasetSummary;
  beforeAll(async () => {
    host = createHost({ transport: 'served', samplePath: samplePath(), threads: 2 });
    const job = await host.openSample();
    await host.jobs.settled(job.id);
    sample = host.jobs.result<'load'>(job.id).value;
  });
  afterAll(() => host.close());

  const scan = async (request: Omit<ScanRequest, 'datasetId'>) => {
    const job = await host.runScan({ datasetId: sample.id, ...request });
    const final = await host.jobs.settled(job.id);
    expect(final.error).toBeNull();
    return host.jobs.result<'scan'>(job.id).value;
  };

  it('runs every available detector, with consensus and agreement over them', async () => {
    const { detectors } = await host.getAppInfo();
    const result = await scan({ detectors: detectors.map((name) => ({ name, params: {} })), flag: { mode: 'fdr', q: 0.05 }, referenceDatasetId: null });
    expect(result.runs.map((r) => r.detector)).toEqual(detectors);
    for (const run of result.runs) {
      expect(run.scores).toHaveLength(sample.rows);
      expect(run.classes).toHaveLength(sample.classNames.length);
      expect(run.flagNote.length).toBeGreaterThan(20);
      expect(['fdr', 'rule']).toContain(run.flagMode);
    }
    const planted = new Set(truth.poisonedIds.map((id) => Number(id.slice(4)) - 1));
    const spectral = result.runs.find((r) => r.detector === 'spectral')!;
    expect([...planted].every((row) => spectral.flagged[row])).toBe(true);
    const horse = sample.classNames.indexOf(truth.targetClass);
    expect(spectral.classes[horse].verdict).toBe('suspicious');
    // Consensus ranks the planted rows at the top of their class.
    const horseRows = Array.from(result.labels.keys()).filter((i) => result.labels[i] === horse);
    const top = horseRows.sort((a, b) => result.consensus[b] - result.consensus[a]).slice(0, planted.size);
    expect(top.filter((r) => planted.has(r)).length / planted.size).toBeGreaterThanOrEqual(0.9);
    // Agreement bit r is set exactly where run r flags.
    result.runs.forEach((run, r) => run.flagged.forEach((f, i) => expect(((result.agreement[i] >> r) & 1) === f).toBe(true)));
  });

  it('shares one k-NN graph between the graph detectors, equal to the exact graph', async () => {
    const result = await scan({
      detectors: [
        { name: 'knn-outlier', params: { k: 5 } },
        { name: 'knn-label', params: { k: 7 } },
      ],
      flag: { mode: 'rule' },
      referenceDatasetId: null,
    });
    const loaded = host.datasets.get(sample.id);
    const graph = knnGraph({ data: loaded.features, rows: sample.rows, cols: sample.dims }, 5);
    const outlier = result.runs[0];
    for (let i = 0; i < sample.rows; i += 97) {
      let mean = 0;
      for (let j = 0; j < 5; j++) mean += Math.sqrt(graph.distances[i * 5 + j]) / 5;
      expect(outlier.scores[i]).toBeCloseTo(mean, 4);
    }
  });

  it('fits the null to a trusted clean reference when one is given', async () => {
    const gen = await host.generateSynthetic({ rows: 4000, dims: 32, classes: 10, poisonFraction: 0, seed: 20181203 });
    await host.jobs.settled(gen.id);
    const clean = host.jobs.result<'synthesize'>(gen.id).value;
    const result = await scan({ detectors: [{ name: 'spectral', params: {} }], flag: { mode: 'fdr', q: 0.05 }, referenceDatasetId: clean.id });
    expect(result.reference).toMatchObject({ datasetId: clean.id, rows: 4000 });
    const p = result.runs[0].pValues!;
    expect(p.every((v) => v >= 0 && v <= 1)).toBe(true);
    // Clean rows of the sample follow the reference's null: few of them fall below 0.01.
    const plantedSet = new Set(truth.poisonedIds.map((id) => Number(id.slice(4)) - 1));
    const cleanP = Array.from(p).filter((_, i) => !plantedSet.has(i));
    expect(cleanP.filter((v) => v < 0.01).length / cleanP.length).toBeLessThan(0.03);
    const planted = truth.poisonedIds.map((id) => Number(id.slice(4)) - 1);
    expect(planted.filter((row) => result.runs[0].flagged[row]).length / planted.length).toBeGreaterThanOrEqual(0.9);
  });

  it('refuses a bad parameter before starting a job, naming it', async () => {
    await expect(host.runScan({ datasetId: sample.id, detectors: [{ name: 'spectral', params: { epsilon: 3 } }], flag: { mode: 'rule' }, referenceDatasetId: null })).rejects.toThrow(
      "Spectral signatures: 'epsilon' must be in [0.001, 0.5], got 3",
    );
    await expect(host.runScan({ datasetId: sample.id, detectors: [{ name: 'spectral', params: { nope: 1 } }], flag: { mode: 'rule' }, referenceDatasetId: null })).rejects.toThrow(
      "'nope' is not a parameter of Spectral signatures",
    );
  });
});
