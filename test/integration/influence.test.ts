/**
 * Influence through the host and the worker pool, checked against the same engine run in-process: the pooled
 * paths split the Hessian, the self-influence rows and the DPA buckets across threads, and must give the
 * same numbers as the serial engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePath } from '../../electron/host/app-root.ts';
import { createHost, type Host } from '../../electron/host/host.ts';
import { parseArgs } from '../../shared/contract/schemas.ts';
import type { DatasetSummary } from '../../shared/domain/dataset.ts';
import type { TrainedModel } from '../../shared/domain/influence.ts';
import type { JobInfo, JobKind, JobKinds } from '../../shared/domain/jobs.ts';
import { addVotes, certify, hashPartition, trainBucket } from '../../shared/engine/dpa.ts';
import { influenceEngine, testLossAccuracy } from '../../shared/engine/influence.ts';
import { trainSoftmax } from '../../shared/engine/softmax.ts';

const probe = new URL('./workers/probe.worker.ts', import.meta.url).href;

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / (scale || 1);
}

describe('influence through the host and the worker pool', () => {
  let host: Host;
  let data: DatasetSummary;
  let model: TrainedModel;
  const done = async <K extends JobKind>(job: JobInfo): Promise<JobKinds[K]['result']> => {
    const final = await host.jobs.settled(job.id);
    expect(final.error).toBeNull();
    expect(final.status).toBe('done');
    return host.jobs.result<K>(job.id).value;
  };
  const engineFor = () => {
    const ds = host.datasets.get(data.id);
    const x = { data: ds.features, rows: data.rows, cols: data.dims };
    const m = trainSoftmax(x, ds.labels, data.classNames.length, { l2: model.l2, rowIndex: model.trainRows, tol: 1e-6 });
    return { x, labels: ds.labels, m, engine: influenceEngine(m, x, ds.labels, { trainRows: model.trainRows, method: 'exact' }) };
  };

  beforeAll(async () => {
    host = createHost({ transport: 'cli', samplePath: samplePath(), threads: 2 });
    data = await done<'synthesize'>(await host.generateSynthetic({ rows: 900, dims: 12, classes: 4, poisonFraction: 0.05, seed: 7 }));
    model = await done<'train'>(await host.trainModel({ datasetId: data.id, split: { kind: 'stratified', testFraction: 0.2, seed: 3 }, l2: 1e-2 }));
  }, 60_000);
  afterAll(() => host.close());

  it('trains on a stratified split, to a tight gradient, with metrics that add up', () => {
    const perClass = data.classNames.map((_, c) => model.testLabels.filter((y) => y === c).length);
    data.classCounts.forEach((count, c) => expect(Math.abs(perClass[c] - 0.2 * count)).toBeLessThanOrEqual(1));
    expect(model.trainRows.length + model.testRows.length).toBe(data.rows);
    expect(new Set([...model.trainRows, ...model.testRows]).size).toBe(data.rows);
    expect(model.metrics.converged).toBe(true);
    expect(model.metrics.gradNorm).toBeLessThanOrEqual(1e-6);
    const K = data.classNames.length;
    let correct = 0;
    let total = 0;
    for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) {
      total += model.metrics.confusion[a * K + b];
      if (a === b) correct += model.metrics.confusion[a * K + b];
    }
    expect(total).toBe(model.testRows.length);
    expect(correct / total).toBeCloseTo(model.metrics.test.accuracy, 12);
    const { m, x, labels } = engineFor();
    expect(testLossAccuracy(m, { x, labels, rows: model.testRows }).loss).toBeCloseTo(model.metrics.test.loss, 6);
  });

  it('pooled exact influence (Hessian summed over threads) equals the in-process engine, and CG agrees', async () => {
    const testRows = Array.from(model.testRows.slice(0, 5));
    const exact = await done<'influence'>(await host.computeInfluence({ modelId: model.modelId, test: { kind: 'rows', rows: testRows }, method: 'exact' }));
    const cg = await done<'influence'>(await host.computeInfluence({ modelId: model.modelId, test: { kind: 'rows', rows: testRows }, method: 'cg' }));
    const { x, labels, engine } = engineFor();
    const ref = engine.influence({ x, labels, rows: Int32Array.from(testRows) }, { perTest: false });
    expect(exact.method).toBe('exact');
    expect(cg.method).toBe('cg');
    expect(maxRelDiff(exact.predictedChange, ref.predictedChange)).toBeLessThan(1e-8);
    expect(maxRelDiff(cg.predictedChange, exact.predictedChange)).toBeLessThan(1e-6);
    exact.predictedChange.forEach((v, i) => expect(exact.helpful[i]).toBe(v >= 0 ? 1 : 0));
    expect(exact.signConvention).toMatch(/HELPFUL/);
  });

  it('splits self-influence into row ranges over the shared factor, equal to the serial engine', async () => {
    const r = await done<'selfInfluence'>(await host.computeSelfInfluence({ modelId: model.modelId }));
    expect(r.method).toBe('exact');
    expect(r.parts).toBe(2);
    const { engine } = engineFor();
    expect(maxRelDiff(r.values, engine.selfInfluence().values)).toBeLessThan(1e-8);
  });

  it('what-if retrains without the rows: actual and predicted changes match the in-process refit', async () => {
    const inf = await done<'influence'>(await host.computeInfluence({ modelId: model.modelId, test: { kind: 'misclassified' }, method: 'auto' }));
    const order = Array.from(inf.predictedChange.keys()).sort((a, b) => inf.predictedChange[a] - inf.predictedChange[b]);
    const harmful = order.slice(0, 10).map((i) => model.trainRows[i]);
    const r = await done<'whatIf'>(await host.runWhatIf({ modelId: model.modelId, removeRows: harmful, test: { kind: 'misclassified' } }));
    const { x, labels, engine } = engineFor();
    const ref = engine.retrainWithout(Int32Array.from(harmful).sort(), { x, labels, rows: inf.testRows });
    expect(r.removed).toBe(10);
    expect(r.actualChange).toBeCloseTo(ref.actualChange, 5);
    expect(r.predictedChange).toBeCloseTo(ref.predictedChange, 5);
    expect(r.actualChange).toBeLessThan(0);
    expect(Math.sign(r.predictedChange)).toBe(Math.sign(r.actualChange));
  });

  it('DPA with buckets split over workers gives the serial votes, certificates and curve', async () => {
    const quarantine = Array.from(model.trainRows.slice(0, 40));
    const r = await done<'certify'>(await host.certifyRobustness({ modelId: model.modelId, buckets: 9, excludeRows: quarantine }));
    const ds = host.datasets.get(data.id);
    const x = { data: ds.features, rows: data.rows, cols: data.dims };
    const K = data.classNames.length;
    const kept = model.trainRows.filter((row) => !quarantine.includes(row));
    const { buckets } = hashPartition(x, ds.labels, 9, kept);
    const votes = new Int32Array(model.testRows.length * K);
    for (const b of buckets) addVotes(trainBucket(x, ds.labels, K, b, { l2: model.l2, tol: 1e-6, maxIter: 500 }), x, votes, model.testRows);
    expect(Array.from(r.votes)).toEqual(Array.from(votes));
    const ref = certify(votes, K);
    expect(Array.from(r.radius)).toEqual(Array.from(ref.radius));
    expect(r.parts).toBe(2);
    expect(r.excluded).toBe(40);
    expect(r.curve[0]).toBeCloseTo(Array.from(ref.prediction).filter((p, t) => p === model.testLabels[t]).length / model.testRows.length, 12);
    for (let q = 1; q < r.curve.length; q++) expect(r.curve[q]).toBeLessThanOrEqual(r.curve[q - 1]);
  });

  it('above the exact limit, self-influence is the stated low-rank approximation, as in process', async () => {
    const wide = await done<'synthesize'>(await host.generateSynthetic({ rows: 400, dims: 300, classes: 10, poisonFraction: 0, seed: 5 }));
    const m = await done<'train'>(await host.trainModel({ datasetId: wide.id, split: { kind: 'random', testFraction: 0.25, seed: 1 }, l2: 1e-1 }));
    expect(m.parameterCount).toBe(3010);
    const r = await done<'selfInfluence'>(await host.computeSelfInfluence({ modelId: m.modelId, rank: 16 }));
    expect(r.method).toBe('low-rank');
    expect(r.rank).toBe(16);
    const ds = host.datasets.get(wide.id);
    const x = { data: ds.features, rows: wide.rows, cols: wide.dims };
    const serial = trainSoftmax(x, ds.labels, 10, { l2: 1e-1, rowIndex: m.trainRows, tol: 1e-6 });
    const ref = influenceEngine(serial, x, ds.labels, { trainRows: m.trainRows }).selfInfluence({ rank: 16 });
    expect(ref.method).toBe('low-rank');
    expect(maxRelDiff(r.values, ref.values)).toBeLessThan(1e-6);
    await expect(host.computeInfluence({ modelId: m.modelId, test: { kind: 'all' }, method: 'exact' })).rejects.toThrow(/P = \(d\+1\)·K = 3010 > 3000/);
  });

  it('splits by a column held in memory that is not the group column (here the label), with no file to read', async () => {
    expect(data.labelColumn).toBe('label');
    const byLabel = await done<'train'>(
      await host.trainModel({ datasetId: data.id, split: { kind: 'group', column: 'label', value: data.classNames[1], testFraction: 0.2, seed: 1 }, l2: 1e-2 }),
    );
    const labels = host.datasets.get(data.id).labels;
    const all = Array.from({ length: data.rows }, (_, i) => i);
    expect(Array.from(byLabel.testRows)).toEqual(all.filter((i) => labels[i] === 1));
    expect(Array.from(byLabel.trainRows)).toEqual(all.filter((i) => labels[i] !== 1));
    expect(byLabel.splitNote).toBe(`test = rows whose 'label' is '${data.classNames[1]}'`);
  });

  it('refuses bad requests with messages naming the row or model', async () => {
    await expect(host.runWhatIf({ modelId: model.modelId, removeRows: [model.testRows[0]], test: { kind: 'all' } })).rejects.toThrow(/not a training row/);
    await expect(host.computeInfluence({ modelId: model.modelId, test: { kind: 'rows', rows: [model.trainRows[0]] }, method: 'auto' })).rejects.toThrow(
      new RegExp(`row ${model.trainRows[0]} is not a test row`),
    );
    await expect(host.computeInfluence({ modelId: 'model-nope', test: { kind: 'all' }, method: 'auto' })).rejects.toThrow(/no trained model with id 'model-nope'/);
    await expect(host.trainModel({ datasetId: data.id, split: { kind: 'group', value: null, testFraction: 0.2, seed: 1 }, l2: 1e-3 })).rejects.toThrow(/without a group column/);
    await expect(host.trainModel({ datasetId: data.id, split: { kind: 'group', column: 'batch', value: 'b2', testFraction: 0.2, seed: 1 }, l2: 1e-3 })).rejects.toThrow(
      /was generated in memory: it has only its features and label, no column 'batch' to split by/,
    );
    const fixture = (name: string) => new URL(`../fixtures/npy/${name}`, import.meta.url).pathname;
    const roles = { label: 'label', id: null, features: null, text: [], group: null };
    const matrix = await done<'load'>(
      await host.openDataset({ path: fixture('c-le-f4.npy'), labelsPath: fixture('vector-le-i8.npy'), joinBy: 'row', roles, badRows: 'stop' }),
    );
    await expect(host.trainModel({ datasetId: matrix.id, split: { kind: 'group', column: 'batch', value: null, testFraction: 0.5, seed: 1 }, l2: 1e-3 })).rejects.toThrow(
      /'c-le-f4.npy' is a NumPy matrix: it has only its features \(and labels\), no column 'batch' to split by/,
    );
  });

  it('the contract validates the arguments of the influence calls, naming the field', () => {
    const ok = parseArgs('trainModel', { datasetId: 'ds-1', split: { kind: 'stratified', testFraction: 0.2, seed: 1 }, l2: 1e-3 });
    expect(ok.ok).toBe(true);
    const zero = parseArgs('trainModel', { datasetId: 'ds-1', split: { kind: 'random', testFraction: 0.2, seed: 1 }, l2: 0 });
    expect(zero).toMatchObject({ ok: false, message: expect.stringMatching(/^'l2' passed to 'trainModel'/) });
    const fraction = parseArgs('trainModel', { datasetId: 'ds-1', split: { kind: 'random', testFraction: 1, seed: 1 }, l2: 1 });
    expect(fraction).toMatchObject({ ok: false, message: expect.stringMatching(/'split.testFraction'/) });
    const choice = parseArgs('computeInfluence', { modelId: 'm', test: { kind: 'rows', rows: [] }, method: 'auto' });
    expect(choice).toMatchObject({ ok: false, message: expect.stringMatching(/'test.rows'/) });
    const buckets = parseArgs('certifyRobustness', { modelId: 'm', buckets: 1, excludeRows: [] });
    expect(buckets).toMatchObject({ ok: false, message: expect.stringMatching(/'buckets'/) });
    expect(parseArgs('runWhatIf', { modelId: 'm', removeRows: [3], test: { kind: 'all' } }).ok).toBe(true);
  });

  it('cancels a running training job and stops its worker', async () => {
    const big = await done<'synthesize'>(await host.generateSynthetic({ rows: 40_000, dims: 64, classes: 10, poisonFraction: 0, seed: 1 }));
    const job = await host.trainModel({ datasetId: big.id, split: { kind: 'random', testFraction: 0.1, seed: 1 }, l2: 1e-4, tol: 1e-12, maxIter: 5000 });
    await new Promise((r) => setTimeout(r, 300));
    host.cancelJob({ jobId: job.id });
    const final = await host.jobs.settled(job.id);
    expect(final.status).toBe('cancelled');
  }, 60_000);
});

describe('L-BFGS and conjugate gradients split over the pool (a team of threads)', () => {
  let host: Host;
  let model: TrainedModel;
  let data: DatasetSummary;
  const done = async <K extends JobKind>(job: JobInfo): Promise<JobKinds[K]['result']> => {
    const final = await host.jobs.settled(job.id);
    expect(final.error).toBeNull();
    return host.jobs.result<K>(job.id).value;
  };
  const reference = (testRows: Int32Array) => {
    const ds = host.datasets.get(data.id);
    const x = { data: ds.features, rows: data.rows, cols: data.dims };
    const m = trainSoftmax(x, ds.labels, data.classNames.length, { l2: model.l2, rowIndex: model.trainRows, tol: 1e-6 });
    return influenceEngine(m, x, ds.labels, { trainRows: model.trainRows, method: 'cg' }).influence({ x, labels: ds.labels, rows: testRows }, { perTest: false });
  };

  beforeAll(async () => {
    host = createHost({ transport: 'cli', samplePath: samplePath(), threads: 2 });
    data = await done<'synthesize'>(await host.generateSynthetic({ rows: 11_000, dims: 40, classes: 6, poisonFraction: 0.05, seed: 4 }));
    model = await done<'train'>(await host.trainModel({ datasetId: data.id, split: { kind: 'random', testFraction: 0.2, seed: 2 }, l2: 1e-2 }));
    expect(model.trainRows.length).toBeGreaterThanOrEqual(8192);
  }, 60_000);
  afterAll(() => host.close());

  it('two threads computing each Hessian-vector product give the single-thread CG result', async () => {
    // Self-influence runs in two parts: both threads are started and have loaded the worker module, so the
    // helper is ready long before CG ends.
    await done<'selfInfluence'>(await host.computeSelfInfluence({ modelId: model.modelId }));
    const r = await done<'influence'>(await host.computeInfluence({ modelId: model.modelId, test: { kind: 'class', classIndex: 1 }, method: 'cg' }));
    const ref = reference(r.testRows);
    expect(r.method).toBe('cg');
    expect(r.threads).toBe(2);
    expect(r.cgIterations[0]).toBe(ref.cgIterations[0]);
    expect(maxRelDiff(r.predictedChange, ref.predictedChange)).toBeLessThan(1e-9);
  });

  it('L-BFGS with each step’s pass over the rows split over two threads reaches the same model', async () => {
    const again = await done<'train'>(await host.trainModel({ datasetId: data.id, split: { kind: 'random', testFraction: 0.2, seed: 2 }, l2: 1e-2 }));
    expect(again.metrics.threads).toBe(2);
    const ds = host.datasets.get(data.id);
    const x = { data: ds.features, rows: data.rows, cols: data.dims };
    const serial = trainSoftmax(x, ds.labels, data.classNames.length, { l2: 1e-2, rowIndex: model.trainRows, tol: 1e-6 });
    expect(again.metrics.gradNorm).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(again.metrics.objective - serial.loss)).toBeLessThan(1e-10);
    expect(Array.from(again.testPredicted)).toEqual(Array.from(model.testPredicted));
  });

  it('works alone, with the same result, when the pool is too busy to start its helper', async () => {
    // One of the two threads spins (the probe worker) for longer than the CG takes: the helper cannot start.
    const abort = new AbortController();
    const blocker = host.pool.run('probe', 'spin', { seconds: 60 }, { signal: abort.signal, filename: probe }).catch(() => 'aborted');
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const r = await done<'influence'>(await host.computeInfluence({ modelId: model.modelId, test: { kind: 'class', classIndex: 2 }, method: 'cg' }));
      expect(r.threads).toBe(1);
      expect(maxRelDiff(r.predictedChange, reference(r.testRows).predictedChange)).toBeLessThan(1e-9);
    } finally {
      abort.abort();
      expect(await blocker).toBe('aborted');
    }
  }, 120_000);
});
