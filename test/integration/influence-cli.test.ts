import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePath } from '../../electron/host/app-root.ts';
import { createHost, type Host } from '../../electron/host/host.ts';
import { addVotes, certify, hashPartition, trainBucket } from '../../shared/engine/dpa.ts';
import { influenceEngine } from '../../shared/engine/influence.ts';
import { Random } from '../../shared/engine/random.ts';
import { trainSoftmax } from '../../shared/engine/softmax.ts';
import { assay } from './run-assay.ts';

const CLASSES = ['cat', 'dog', 'eel'];
const SOURCES = ['web', 'lab', 'crowd'];

/** Three Gaussian classes in 6 dimensions with a source column; `flip` rows get a wrong label. */
function writeCsv(path: string, rows: number, seed: number, flip: Set<number>): void {
  const rng = new Random(seed);
  const lines = ['id,label,source,' + Array.from({ length: 6 }, (_, j) => `f${j}`).join(',')];
  for (let i = 0; i < rows; i++) {
    const c = i % 3;
    const f = Array.from({ length: 6 }, (_, j) => (j === c ? 3 : 0) + rng.normal());
    const label = flip.has(i) ? CLASSES[(c + 1) % 3] : CLASSES[c];
    lines.push(`r${seed}-${i},${label},${SOURCES[Math.floor(i / 7) % 3]},${f.map((v) => v.toFixed(5)).join(',')}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

describe('assay influence and assay certify', () => {
  let dir: string;
  let host: Host;
  let train: string;
  let test: string;
  const flipped = new Set([5, 17, 40, 77, 101, 150, 188, 230]);
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'assay-influence-cli-'));
    train = join(dir, 'train.csv');
    test = join(dir, 'test.csv');
    writeCsv(train, 270, 1, flipped);
    writeCsv(test, 60, 2, new Set());
    host = createHost({ transport: 'cli', samplePath: samplePath(), threads: 1 });
  });
  afterAll(() => host.close());

  const load = async (path: string) => {
    const job = await host.openDataset({ path, roles: { label: 'label', id: 'id', features: null, text: [], group: 'source' }, badRows: 'stop' });
    await host.jobs.settled(job.id);
    return host.jobs.result<'load'>(job.id).value;
  };

  it('splits by a column value, explains chosen test rows and writes per-row influence equal to the engine', async () => {
    const out = join(dir, 'influence.json');
    const run = await assay(['influence', train, '--label', 'label', '--split', 'column:source=lab', '--l2', '0.01', '--test-rows', 'r1-7,r1-8', '--json', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/most harmful/);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.format).toBe('assay-influence/1');
    expect(doc.signConvention).toMatch(/HELPFUL/);
    expect(doc.split).toMatchObject({ kind: 'group', value: 'lab' });
    expect(doc.testPoints.ids).toEqual(['r1-7', 'r1-8']);
    expect(doc.model.l2).toBe(0.01);
    expect(doc.model.gradNorm).toBeLessThanOrEqual(1e-6);

    // Test rows are exactly the rows whose source is 'lab'; training rows are the rest, in row order.
    const isLab = (i: number) => SOURCES[Math.floor(i / 7) % 3] === 'lab';
    const expectedTrain = Array.from({ length: 270 }, (_, i) => i).filter((i) => !isLab(i));
    expect(doc.influence.rows).toEqual(expectedTrain);
    expect(doc.influence.ids).toEqual(expectedTrain.map((i) => `r1-${i}`));
    expect(doc.testRows.rows).toEqual(Array.from({ length: 270 }, (_, i) => i).filter(isLab));

    // The same numbers from the engine in-process.
    const summary = await load(train);
    const ds = host.datasets.get(summary.id);
    const x = { data: ds.features, rows: summary.rows, cols: summary.dims };
    const rows = Int32Array.from(expectedTrain);
    const model = trainSoftmax(x, ds.labels, 3, { l2: 0.01, rowIndex: rows, tol: 1e-6 });
    const engine = influenceEngine(model, x, ds.labels, { trainRows: rows, method: 'exact' });
    const ref = engine.influence({ x, labels: ds.labels, rows: Int32Array.of(7, 8) }, { perTest: false });
    const scale = Math.max(...Array.from(ref.predictedChange, Math.abs));
    doc.influence.predictedChange.forEach((v: number, i: number) => expect(Math.abs(v - ref.predictedChange[i])).toBeLessThan(1e-6 * scale));
    doc.influence.verdict.forEach((v: string, i: number) => expect(v).toBe(doc.influence.predictedChange[i] >= 0 ? 'helpful' : 'harmful'));
    const self = engine.selfInfluence().values;
    doc.selfInfluence.values.forEach((v: number, i: number) => expect(Math.abs(v - self[i]) / self[i]).toBeLessThan(1e-6));

    // Self-influence puts the flipped training rows at the top.
    const flippedTrain = [...flipped].filter((i) => !isLab(i));
    const top = Array.from(doc.selfInfluence.values.keys() as Iterable<number>)
      .sort((a, b) => doc.selfInfluence.values[b] - doc.selfInfluence.values[a])
      .slice(0, flippedTrain.length)
      .map((i) => doc.influence.rows[i]);
    expect(top.filter((r) => flipped.has(r)).length).toBeGreaterThanOrEqual(flippedTrain.length - 1);
  });

  it('takes a separate test file and explains its misclassified rows (or all of them)', async () => {
    const out = join(dir, 'influence-test-file.json');
    const run = await assay(['influence', train, '--test', test, '--test-points', 'class:dog', '--method', 'cg', '--no-self-influence', '--json', out, '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.testDataset.path).toBe(test);
    expect(doc.influence.method).toBe('cg');
    expect(doc.influence.rows).toHaveLength(270);
    expect(doc.testPoints.ids).toEqual(Array.from({ length: 60 }, (_, i) => i).filter((i) => i % 3 === 1).map((i) => `r2-${i}`));
    expect(doc.selfInfluence).toBeNull();
  });

  it('certify writes DPA certificates equal to the serial computation, with a quarantine left out', async () => {
    const out = join(dir, 'certify.json');
    const exclude = join(dir, 'quarantine.txt');
    writeFileSync(exclude, '# flipped rows\n' + [...flipped].map((i) => `r1-${i}`).join('\n') + '\n');
    const run = await assay(['certify', train, '--test', test, '--buckets', '7', '--exclude', exclude, '--json', out, '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.dpa.buckets).toBe(7);
    expect(doc.dpa.excluded.ids).toEqual([...flipped].map((i) => `r1-${i}`));

    const summary = await load(train);
    const testSummary = await load(test);
    const ds = host.datasets.get(summary.id);
    const ts = host.datasets.get(testSummary.id);
    const x = { data: ds.features, rows: summary.rows, cols: summary.dims };
    const tx = { data: ts.features, rows: testSummary.rows, cols: testSummary.dims };
    const kept = Int32Array.from({ length: 270 }, (_, i) => i).filter((i) => !flipped.has(i));
    const { buckets } = hashPartition(x, ds.labels, 7, kept);
    const votes = new Int32Array(60 * 3);
    for (const b of buckets) addVotes(trainBucket(x, ds.labels, 3, b, { l2: 1e-3, tol: 1e-6, maxIter: 500 }), tx, votes);
    const ref = certify(votes, 3);
    expect(doc.testPoints.radius).toEqual(Array.from(ref.radius));
    expect(doc.testPoints.prediction).toEqual(Array.from(ref.prediction, (c) => summary.classNames[c]));
    expect(doc.dpa.bucketSizes.reduce((s: number, v: number) => s + v, 0)).toBe(270 - flipped.size);
    expect(doc.dpa.certifiedAccuracy[0]).toBeCloseTo(doc.testPoints.prediction.filter((p: string, t: number) => p === doc.testPoints.labels[t]).length / 60, 12);
  });

  it('splits by a file column that was not loaded (read back from the file), and names a missing one', async () => {
    // 'batch' is categorical and not named 'source'/'group'…, so it is loaded with no role: the split reads it back.
    const batchOf = (i: number) => (i % 5 === 2 ? 'b2' : i % 2 ? 'b1' : 'b3');
    const withBatch = join(dir, 'batch.csv');
    const lines = readFileSync(train, 'utf8').trimEnd().split('\n');
    writeFileSync(withBatch, [lines[0] + ',batch', ...lines.slice(1).map((line, i) => `${line},${batchOf(i)}`)].join('\n') + '\n');
    const all = Array.from({ length: 270 }, (_, i) => i);

    const out = join(dir, 'influence-batch.json');
    const run = await assay(['influence', withBatch, '--split', 'column:batch=b2', '--no-self-influence', '--json', out, '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.split).toMatchObject({ kind: 'group', column: 'batch', value: 'b2' });
    expect(doc.dataset.dims).toBe(6);
    expect(doc.testRows.rows).toEqual(all.filter((i) => batchOf(i) === 'b2'));
    expect(doc.influence.rows).toEqual(all.filter((i) => batchOf(i) !== 'b2'));

    // Whole batches held out at random: the test rows are the union of the chosen batches.
    const certOut = join(dir, 'certify-batch.json');
    const cert = await assay(['certify', withBatch, '--split', 'column:batch', '--test-fraction', '0.4', '--buckets', '5', '--json', certOut, '--quiet']);
    expect(cert.stderr).toBe('');
    expect(cert.code).toBe(0);
    const certDoc = JSON.parse(readFileSync(certOut, 'utf8'));
    const held = new Set<string>(certDoc.testPoints.rows.map((r: number) => batchOf(r)));
    expect(held.size).toBe(1);
    expect(certDoc.testPoints.rows).toEqual(all.filter((i) => held.has(batchOf(i))));

    const missing = await assay(['influence', withBatch, '--split', 'column:nosuch=x', '--quiet']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/there is no column 'nosuch' in 'batch.csv'; its columns are .*'batch'/);
    const noValue = await assay(['influence', withBatch, '--split', 'column:batch=b9', '--quiet']);
    expect(noValue.code).toBe(1);
    expect(noValue.stderr).toMatch(/column 'batch' of 'batch.csv' has no value 'b9' \(values: b3, b1, b2\)/);
  });

  it('rejects bad arguments with exit 2 and unknown ids with exit 1, naming the file and line', async () => {
    const bad = await assay(['influence', train, '--split', 'sideways']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--split must be random, stratified, column:NAME or column:NAME=VALUE, got 'sideways'/);
    const both = await assay(['influence', train, '--split', 'random', '--test', test]);
    expect(both.code).toBe(2);
    const unknownId = await assay(['influence', train, '--test-rows', 'nope', '--quiet']);
    expect(unknownId.code).toBe(1);
    expect(unknownId.stderr).toMatch(/no row with id 'nope'/);
    const notTest = await assay(['influence', train, '--split', 'column:source=lab', '--test-rows', 'r1-0', '--quiet']);
    expect(notTest.code).toBe(1);
    expect(notTest.stderr).toMatch(/row 0 is not a test row/);
    const exclude = join(dir, 'bad-quarantine.txt');
    writeFileSync(exclude, 'r1-1\nmissing-id\n');
    const badExclude = await assay(['certify', train, '--exclude', exclude, '--quiet']);
    expect(badExclude.code).toBe(1);
    expect(badExclude.stderr).toContain(`${exclude}, line 2: no row with id 'missing-id'`);
  });
});
