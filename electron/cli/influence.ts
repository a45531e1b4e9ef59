import type { DatasetSummary } from '../../shared/domain/dataset.ts';
import {
  DEFAULT_L2,
  DEFAULT_TEST_FRACTION,
  L2_EXPLANATION,
  SIGN_CONVENTION,
  type InfluenceMethod,
  type SplitSpec,
  type TestPointChoice,
  type TrainedModel,
} from '../../shared/domain/influence.ts';
import { rowId } from '../host/datasets.ts';
import type { Host } from '../host/host.ts';
import { documentHeader, UsageError, withHost, writeJsonDocument, type CliSession, type Command } from './command.ts';
import { DATASET_USAGE, openWithRoles, type DatasetValues } from './dataset-options.ts';
import { numberOr, parseDatasetCommandArgs, runSettings, singleFile, type RunSettings } from './options.ts';

/** The options every command that trains the influence model takes: split, ridge, optimiser. */
export const MODEL_OPTIONS = {
  test: { type: 'string' },
  split: { type: 'string' },
  'test-fraction': { type: 'string' },
  seed: { type: 'string' },
  l2: { type: 'string' },
  tol: { type: 'string' },
} as const;

export const MODEL_USAGE = `  --test FILE            a separate test file (same columns; read with the same dataset options)
  --split KIND           random | stratified (default) | column:NAME (whole groups of the column NAME held
                         out) | column:NAME=VALUE (test = the rows whose NAME is VALUE); NAME is any column of
                         the file (the group column from memory, any other read back from the file; a
                         feature column stays a feature)
  --test-fraction F      share of the rows (or groups) held out for testing (default ${DEFAULT_TEST_FRACTION})
  --seed S               seed of the random split (default 1)
  --l2 L                 ${L2_EXPLANATION} (default ${DEFAULT_L2})
  --tol T                stop L-BFGS when the gradient norm is ≤ T (default 1e-6)
  --threads N            worker threads (default: all cores)
  --quiet                no summary on stdout`;

type Values = Record<string, string | boolean | string[] | undefined>;

export interface ModelOptions extends RunSettings {
  file: string;
  testFile: string | null;
  dataset: DatasetValues;
  split: SplitSpec | null;
  l2: number;
  tol: number;
}

/** Parses argv with the dataset, run and model options plus `extra`; the split is null for --test (known after loading). */
export function parseModelArgs<E extends Record<string, { type: 'string' | 'boolean'; default?: string | boolean; multiple?: boolean }>>(
  argv: string[],
  extra: E,
): { options: ModelOptions; values: Values } {
  const parsed = parseDatasetCommandArgs(argv, { ...MODEL_OPTIONS, ...extra });
  const values = parsed.values as Values & typeof parsed.values;
  const file = singleFile(parsed.positionals, 'training file');
  const str = (k: string) => values[k] as string | undefined;
  if (str('test') !== undefined && str('split') !== undefined) throw new UsageError('choose one of --test and --split');
  const fraction = numberOr('test-fraction', str('test-fraction'), DEFAULT_TEST_FRACTION, (v) => v > 0 && v < 1, 'a number in (0, 1)');
  const seed = numberOr('seed', str('seed'), 1, (v) => Number.isInteger(v) && v >= 0 && v < 2 ** 31, 'a whole number ≥ 0');
  const dataset = { ...values } as ModelOptions['dataset'];
  let split: SplitSpec | null = null;
  if (str('test') === undefined) {
    const kind = str('split') ?? 'stratified';
    const column = /^column:([^=]+)(?:=(.*))?$/.exec(kind);
    if (kind === 'random' || kind === 'stratified') split = { kind, testFraction: fraction, seed };
    else if (column) {
      const [, name, value] = column;
      split = { kind: 'group', column: name, value: value ?? null, testFraction: fraction, seed };
    } else throw new UsageError(`--split must be random, stratified, column:NAME or column:NAME=VALUE, got '${kind}'`);
  }
  return {
    values,
    options: {
      file,
      testFile: str('test') ?? null,
      dataset,
      split,
      l2: numberOr('l2', str('l2'), DEFAULT_L2, (v) => v > 0, 'a number > 0'),
      tol: numberOr('tol', str('tol'), 1e-6, (v) => v > 0 && v <= 1, 'a number in (0, 1]'),
      ...runSettings({ json: str('json'), threads: str('threads'), quiet: values.quiet === true }),
    },
  };
}

export interface Trained {
  dataset: DatasetSummary;
  testDataset: DatasetSummary;
  model: TrainedModel;
}

/** Opens the training (and test) file, trains the model and waits; prints its metrics unless quiet. */
export async function openAndTrain({ host, wait, outcome }: CliSession, opts: ModelOptions): Promise<Trained> {
  const dataset = await openWithRoles(host, opts.file, opts.dataset, wait);
  const testDataset = opts.testFile ? await openWithRoles(host, opts.testFile, { ...opts.dataset, labels: undefined }, wait) : dataset;
  const split: SplitSpec = opts.split ?? { kind: 'dataset', testDatasetId: testDataset.id };
  const job = await host.trainModel({ datasetId: dataset.id, split, l2: opts.l2, tol: opts.tol });
  const model = await outcome<'train'>(job.id, 'training');
  if (!opts.quiet) {
    const m = model.metrics;
    console.log(`${dataset.name}: ${dataset.rows} rows × ${dataset.dims} features, ${dataset.classNames.length} classes, sha256 ${dataset.sha256}`);
    console.log(`split: ${model.splitNote}; ${m.train.rows} training rows, ${m.test.rows} test rows`);
    console.log(
      `model: softmax regression, l2 = ${model.l2}, ${model.parameterCount} parameters; ${m.iterations} L-BFGS iterations (${m.threads} thread(s), ${m.seconds.toFixed(2)} s), gradient norm ${m.gradNorm.toExponential(2)}${m.converged ? '' : ' (NOT converged)'}`,
    );
    console.log(`train accuracy ${(m.train.accuracy * 100).toFixed(2)} %, loss ${m.train.loss.toFixed(4)}; test accuracy ${(m.test.accuracy * 100).toFixed(2)} %, loss ${m.test.loss.toFixed(4)}`);
  }
  return { dataset, testDataset, model };
}

/** The model's part of a --json document (after its documentHeader). */
export function modelReport(host: Host, { dataset, testDataset, model }: Trained) {
  const describe = (d: DatasetSummary) => ({ path: d.path, sha256: d.sha256, rows: d.rows, dims: d.dims, labelColumn: d.labelColumn, idColumn: d.idColumn, classNames: d.classNames });
  const K = model.classNames.length;
  const m = model.metrics;
  const test = host.datasets.get(testDataset.id);
  return {
    dataset: describe(dataset),
    testDataset: testDataset.id === dataset.id ? null : describe(testDataset),
    split: model.split.kind === 'dataset' ? { kind: 'test-file', note: 'the separate test file (testDataset)' } : { ...model.split, note: model.splitNote },
    model: {
      kind: 'L2-regularised multinomial logistic regression on standardised features (L-BFGS)',
      objective: 'mean cross-entropy + (l2/2)·‖W‖² (biases unpenalised)',
      l2: model.l2,
      l2Explanation: L2_EXPLANATION,
      tol: m.tol,
      parameterCount: model.parameterCount,
      iterations: m.iterations,
      gradNorm: m.gradNorm,
      converged: m.converged,
      objectiveValue: m.objective,
      train: m.train,
      test: m.test,
      confusion: { rowsAreTrue: true, classNames: model.classNames, counts: Array.from({ length: K }, (_, a) => Array.from(m.confusion.subarray(a * K, (a + 1) * K))) },
      seconds: m.seconds,
    },
    testRows: { rows: Array.from(model.testRows), ids: Array.from(model.testRows, (r) => rowId(test, r)) },
  };
}

const USAGE = `usage: assay influence <train file> [--test FILE | --split KIND] [dataset options] [--l2 L]
                       [--test-rows ID[,ID…] | --test-points misclassified|all|class:NAME] [--method auto|exact|cg]
                       [--no-self-influence] [--json OUT.json]
${DATASET_USAGE}
${MODEL_USAGE}
  --test-rows IDS        the test points to explain, by row id (ids of test rows; row numbers when the file has no id column)
  --test-points WHICH    or: misclassified (default; all when the model gets every test row right), all, or class:NAME
  --method               auto (default: the exact Hessian when it is cheap, else conjugate gradients), exact or cg
  --no-self-influence    skip the self-influence of every training row
  --json                 write per training row (row order, with ids): predicted change in test loss, Koh & Liang's
                         I_up,loss, helpful/harmful, self-influence; the sign convention; model metrics and parameters`;

export const influenceCommand: Command = {
  name: 'influence',
  summary: 'rank training rows by influence on chosen test points, and by self-influence',
  usage: USAGE,
  async run(argv) {
    const { options: opts, values } = parseModelArgs(argv, {
      'test-rows': { type: 'string' },
      'test-points': { type: 'string' },
      method: { type: 'string' },
      'no-self-influence': { type: 'boolean', default: false },
    });
    const method = (values.method as string | undefined) ?? 'auto';
    if (!['auto', 'exact', 'cg'].includes(method)) throw new UsageError(`--method must be auto, exact or cg, got '${method}'`);
    if (values['test-rows'] !== undefined && values['test-points'] !== undefined) throw new UsageError('choose one of --test-rows and --test-points');
    return withHost(opts, async (session) => {
      const { host, outcome } = session;
      const trained = await openAndTrain(session, opts);
      const { model, testDataset } = trained;
      const choice = await testChoice(host, trained, values['test-rows'] as string | undefined, values['test-points'] as string | undefined);
      const infJob = await host.computeInfluence({ modelId: model.modelId, test: choice, method: method as InfluenceMethod });
      const inf = await outcome<'influence'>(infJob.id, 'influence');
      let self = null;
      if (!values['no-self-influence']) {
        const selfJob = await host.computeSelfInfluence({ modelId: model.modelId });
        self = await outcome<'selfInfluence'>(selfJob.id, 'self-influence');
      }
      const train = host.datasets.get(trained.dataset.id);
      const test = host.datasets.get(testDataset.id);
      if (!opts.quiet) {
        console.log(`influence (${inf.method}${inf.method === 'cg' ? `, ${inf.cgIterations.join('+')} steps on ${inf.threads} thread(s)` : ''}, ${inf.seconds.toFixed(2)} s) on ${inf.testRows.length} test point(s), mean test loss ${inf.testLoss.toFixed(4)}:`);
        const order = Array.from(inf.predictedChange.keys()).sort((a, b) => inf.predictedChange[a] - inf.predictedChange[b]);
        const line = (i: number) => {
          const r = model.trainRows[i];
          return `  ${rowId(train, r).padEnd(14)} ${model.classNames[model.trainLabels[i]].slice(0, 12).padEnd(13)} ${inf.predictedChange[i].toExponential(3).padStart(11)}  ${inf.helpful[i] ? 'helpful' : 'harmful'}`;
        };
        console.log('  most harmful (removing them lowers the test loss most):');
        for (const i of order.slice(0, 5)) console.log(line(i));
        console.log('  most helpful:');
        for (const i of order.slice(-5).reverse()) console.log(line(i));
        if (self) console.log(`self-influence (${self.method}${self.rank ? `, rank ${self.rank}` : ''}, ${self.parts} parts, ${self.seconds.toFixed(2)} s)`);
      }
      if (opts.json) {
        const doc = {
          ...documentHeader('assay-influence/1'),
          ...modelReport(host, trained),
          signConvention: SIGN_CONVENTION,
          testPoints: { choice, rows: Array.from(inf.testRows), ids: Array.from(inf.testRows, (r) => rowId(test, r)) },
          influence: {
            reference: 'Koh & Liang, Understanding Black-box Predictions via Influence Functions, ICML 2017',
            method: inf.method,
            testLoss: inf.testLoss,
            cgIterations: inf.cgIterations,
            seconds: inf.seconds,
            rows: Array.from(model.trainRows),
            ids: Array.from(model.trainRows, (r) => rowId(train, r)),
            labels: Array.from(model.trainLabels, (c) => model.classNames[c]),
            predicted: Array.from(model.trainPredicted, (c) => model.classNames[c]),
            predictedChange: Array.from(inf.predictedChange),
            upweightInfluence: Array.from(inf.upweightInfluence),
            verdict: Array.from(inf.helpful, (h) => (h ? 'helpful' : 'harmful')),
          },
          selfInfluence: self && {
            meaning: 'g_iᵀH⁻¹g_i: how hard the model finds each training row to explain (higher = more likely mislabelled); aligned with influence.rows',
            method: self.method,
            rank: self.rank,
            seconds: self.seconds,
            values: Array.from(self.values),
          },
        };
        await writeJsonDocument(opts.json, doc, opts.quiet);
      }
      return 0;
    });
  },
};

/** The test points of --test-rows (ids of the test file's rows) or --test-points. */
async function testChoice(host: Host, { testDataset, model }: Trained, ids: string | undefined, which: string | undefined): Promise<TestPointChoice> {
  if (ids !== undefined) {
    const rows: number[] = [];
    for (const id of ids.split(',').map((s) => s.trim()).filter(Boolean)) {
      const row = await host.findRow({ datasetId: testDataset.id, id });
      if (row === null) throw new Error(`--test-rows: no row with id '${id}' in '${testDataset.name}'`);
      rows.push(row);
    }
    if (rows.length === 0) throw new UsageError('--test-rows needs at least one id');
    return { kind: 'rows', rows };
  }
  const anyWrong = model.testPredicted.some((c, t) => c !== model.testLabels[t]);
  const kind = which ?? (anyWrong ? 'misclassified' : 'all');
  if (kind === 'misclassified' || kind === 'all') return { kind };
  const cls = /^class:(.+)$/.exec(kind);
  if (cls) {
    const classIndex = model.classNames.indexOf(cls[1]);
    if (classIndex < 0) throw new UsageError(`--test-points class:${cls[1]}: no such class (classes: ${model.classNames.join(', ')})`);
    return { kind: 'class', classIndex };
  }
  throw new UsageError(`--test-points must be misclassified, all or class:NAME, got '${kind}'`);
}
