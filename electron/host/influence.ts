/**
 * Influence rankings and DPA certificates on the host: splits a dataset, trains the softmax model in a worker
 * and keeps it by id, and runs influence, self-influence, "what if removed" and Deep Partition Aggregation
 * against that model as pool tasks (electron/workers/influence.worker.ts), splitting the per-row work across
 * the pool's threads where it parallelises:
 * - the exact Hessian's data term (O(n·P²)) is summed from one part per thread, factored once in a worker and
 *   kept on a SharedArrayBuffer for the model's lifetime, so later influence, self-influence and what-if
 *   tasks reuse it without a copy;
 * - self-influence with that factor is split into row ranges, one per thread;
 * - DPA's k base classifiers are split into bucket ranges, one per thread, whose votes add up;
 * - the iterative loops (L-BFGS training, conjugate gradients) run in one task whose every pass over the rows
 *   is shared with helper tasks on the other threads (a team on shared memory, see the worker), as soon as
 *   they are running.
 */
import { randomUUID } from 'node:crypto';
import {
  SIGN_CONVENTION,
  splitNote,
  type CertifyRequest,
  type CertifyResult,
  type InfluenceRanking,
  type InfluenceRequest,
  type SelfInfluenceRequest,
  type SelfInfluenceResult,
  type SplitSpec,
  type TestPointChoice,
  type TrainedModel,
  type TrainRequest,
  type WhatIfRequest,
  type WhatIfResult,
} from '../../shared/domain/influence.ts';
import type { JobInfo } from '../../shared/domain/jobs.ts';
import { certifiedAccuracyCurve, certify } from '../../shared/engine/dpa.ts';
import type { SoftmaxModel } from '../../shared/engine/softmax.ts';
import { Random } from '../../shared/engine/random.ts';
import { closeTeam, teamControl } from '../../shared/engine/team-control.ts';
import type { InfluencePiece, Team, TrainedPiece, WhatIfPiece } from '../workers/influence.worker.ts';
import { checkColumns, readColumns } from './columns.ts';
import type { DatasetStore, LoadedDataset } from './datasets.ts';
import { HostError } from './errors.ts';
import { linkedAbort, workerProgress, type JobContext, type JobService } from './jobs.ts';
import { taskBounds, type WorkerPool } from './pool.ts';

/** Parameter counts up to which the exact Hessian is formed and factored (P² float64 = 72 MB at 3000). */
export const EXACT_LIMIT = 3000;
/** 'auto' forms the exact Hessian for an influence query only when that costs less than this many multiply-adds (~1 s); beyond it CG answers a few test points faster. */
const AUTO_EXACT_WORK = 2e9;
/** Rows per thread below which a CG team is not worth its synchronisation (one product per ~n·d·K·4 flops). */
const TEAM_ROWS = 4096;
/** Trained models kept (each with its factor, up to P² float64); the oldest goes first. */
const KEPT_MODELS = 8;
/** Share of a train job's progress bar given to reading a split column back from the file. */
const READ_SHARE = 0.2;

/** A column's values as codes into its distinct values (the shape of LoadedDataset.group). */
type Groups = NonNullable<LoadedDataset['group']>;

interface StoredModel {
  info: TrainedModel;
  model: SoftmaxModel;
  dataset: LoadedDataset;
  testDataset: LoadedDataset;
  /** Test labels of the test dataset's rows mapped onto the model's classes (all rows of that dataset). */
  testLabelsAll: Int32Array;
  /** Cholesky factor of Ĥ on a SharedArrayBuffer, once formed. */
  factor: Float64Array | null;
}

/** The training side of every worker task. */
function trainData(m: StoredModel) {
  const { dataset } = m;
  return {
    features: dataset.features,
    rows: dataset.summary.rows,
    cols: dataset.summary.dims,
    labels: dataset.labels,
    classCount: m.info.classNames.length,
    trainRows: m.info.trainRows,
  };
}

function testData(m: StoredModel, rows: Int32Array) {
  return { testFeatures: m.testDataset.features, testRowCount: m.testDataset.summary.rows, testLabels: m.testLabelsAll, testRows: rows };
}

/** Progress of several parallel tasks as one fraction of [from, from + span). */
function partsProgress(ctx: JobContext, parts: number, stage: string, from = 0, span = 1) {
  const done = new Float64Array(parts);
  return (part: number) => ({
    signal: ctx.signal,
    onProgress: (p: { fraction: number; message: string }) => {
      done[part] = p.fraction;
      ctx.progress(from + (span * done.reduce((s, f) => s + f, 0)) / parts, stage, p.message);
    },
  });
}

export class InfluenceService {
  private readonly models = new Map<string, StoredModel>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly datasets: DatasetStore,
    private readonly jobs: JobService,
  ) {}

  /** The stored model, or a not-found error naming the id. */
  model(modelId: string): StoredModel {
    const m = this.models.get(modelId);
    if (!m) throw new HostError('not-found', `no trained model with id '${modelId}' (the host keeps the last ${KEPT_MODELS}); train one first`);
    return m;
  }

  train(request: TrainRequest): JobInfo {
    const dataset = this.datasets.get(request.datasetId);
    const testDataset = request.split.kind === 'dataset' ? this.datasets.get(request.split.testDatasetId) : dataset;
    if (!(request.l2 > 0)) throw new HostError('bad-request', `'l2' must be > 0 (influence needs a positive-definite Hessian), got ${request.l2}`);
    if (dataset.summary.classNames.length < 2) throw new HostError('bad-request', `'${dataset.summary.name}' has one class; a classifier needs at least two (load it with a label column)`);
    const testLabelsAll = testDataset === dataset ? dataset.labels : mapLabels(dataset, testDataset);
    const fileColumn = splitFileColumn(dataset, request.split);
    // A split by the group column (or none) is checked before the job starts; a file column once it is read.
    const planned = fileColumn === null ? splitRows(dataset, request.split, testDataset) : null;
    const tol = request.tol ?? 1e-6;
    const maxIter = request.maxIter ?? 500;
    return this.jobs.submit('train', request, async (ctx) => {
      const started = performance.now();
      const { trainRows, testRows } = planned ?? splitRows(dataset, request.split, testDataset, await this.readGroups(dataset, fileColumn as string, ctx));
      const from = planned ? 0 : READ_SHARE;
      const classCount = dataset.summary.classNames.length;
      const data = { features: dataset.features, rows: dataset.summary.rows, cols: dataset.summary.dims, labels: dataset.labels, classCount, trainRows };
      const team = this.team('loss', trainRows.length, classCount, dataset.summary.dims);
      const [{ model, trainProb, testProb, threads }] = (await failFast<unknown>(ctx, (signal) => [
        coordinating(
          team,
          this.pool.run<TrainedPiece>(
            'influence',
            'train',
            { ...data, testFeatures: testDataset.features, testRowCount: testDataset.summary.rows, testLabels: testLabelsAll, testRows, l2: request.l2, tol, maxIter, team },
            { signal, onProgress: (p) => ctx.progress(from + (1 - from) * p.fraction, 'training', p.message) },
          ),
        ),
        ...this.helpers(data, team, request.l2, null, signal),
      ])) as [TrainedPiece & { threads: number }];
      const trainEval = evaluate(trainProb, dataset.labels, trainRows, classCount);
      const testEval = evaluate(testProb, testLabelsAll, testRows, classCount);
      const info: TrainedModel = {
        modelId: `model-${randomUUID().slice(0, 8)}`,
        datasetId: dataset.summary.id,
        datasetSha256: dataset.summary.sha256,
        testDatasetId: testDataset.summary.id,
        split: request.split,
        splitNote: splitNote(request.split),
        l2: request.l2,
        classNames: dataset.summary.classNames,
        parameterCount: (dataset.summary.dims + 1) * classCount,
        trainRows,
        trainLabels: Int32Array.from(trainRows, (r) => dataset.labels[r]),
        trainPredicted: trainEval.predicted,
        testRows,
        testLabels: Int32Array.from(testRows, (r) => testLabelsAll[r]),
        testPredicted: testEval.predicted,
        testConfidence: testEval.confidence,
        metrics: {
          train: { loss: trainEval.loss, accuracy: trainEval.accuracy, rows: trainRows.length },
          test: { loss: testEval.loss, accuracy: testEval.accuracy, rows: testRows.length },
          objective: model.loss,
          gradNorm: model.gradNorm,
          iterations: model.iterations,
          converged: model.converged,
          tol,
          confusion: testEval.confusion,
          threads,
          seconds: (performance.now() - started) / 1000,
        },
      };
      this.models.set(info.modelId, { info, model, dataset, testDataset, testLabelsAll, factor: null });
      for (const id of [...this.models.keys()].slice(0, Math.max(0, this.models.size - KEPT_MODELS))) this.models.delete(id);
      return info;
    });
  }

  influence(request: InfluenceRequest): JobInfo {
    const m = this.model(request.modelId);
    const testRows = resolveTestPoints(m.info, request.test);
    const method = this.chooseMethod(m, request.method);
    return this.jobs.submit('influence', request, async (ctx) => {
      const started = performance.now();
      const factor = method === 'exact' ? await this.ensureFactor(m, ctx, 0, 0.8) : null;
      const team = method === 'cg' ? this.team('hessian', m.info.trainRows.length, m.info.classNames.length, m.dataset.summary.dims) : null;
      const [piece] = (await failFast<unknown>(ctx, (signal) => [
        coordinating(
          team,
          this.pool.run<InfluencePiece>(
            'influence',
            'influence',
            { ...trainData(m), ...testData(m, testRows), model: m.model, method, factor, team },
            { signal, onProgress: (p) => ctx.progress((factor ? 0.8 : 0) + (factor ? 0.2 : 1) * p.fraction, method === 'cg' ? 'conjugate gradients' : 'solving', p.message) },
          ),
        ),
        ...this.helpers(trainData(m), team, m.model.l2, m.model, signal),
      ])) as [InfluencePiece];
      return {
        modelId: m.info.modelId,
        testRows,
        choice: request.test,
        method: piece.method,
        testLoss: piece.testLoss,
        predictedChange: piece.predictedChange,
        upweightInfluence: piece.upweightInfluence,
        helpful: piece.helpful,
        signConvention: SIGN_CONVENTION,
        cgIterations: piece.cgIterations,
        threads: piece.threads,
        seconds: (performance.now() - started) / 1000,
      } satisfies InfluenceRanking;
    });
  }

  selfInfluence(request: SelfInfluenceRequest): JobInfo {
    const m = this.model(request.modelId);
    return this.jobs.submit('selfInfluence', request, async (ctx) => {
      const started = performance.now();
      if (m.info.parameterCount > EXACT_LIMIT) {
        const rank = request.rank ?? 64;
        const r = await this.pool.run<{ values: Float64Array; rank: number }>('influence', 'selfInfluenceLowRank', { ...trainData(m), model: m.model, rank }, workerProgress(ctx, 'low-rank self-influence'));
        return { modelId: m.info.modelId, method: 'low-rank', rank: r.rank, values: r.values, parts: 1, seconds: (performance.now() - started) / 1000 } satisfies SelfInfluenceResult;
      }
      const factor = await this.ensureFactor(m, ctx, 0, 0.45);
      const n = m.info.trainRows.length;
      const parts = Math.max(1, Math.min(this.pool.threads, Math.ceil(n / 256)));
      const bounds = taskBounds(n, parts);
      const progress = partsProgress(ctx, parts, 'self-influence', 0.45, 0.55);
      const pieces = await failFast(ctx, (signal) =>
        bounds.slice(0, -1).map((start, i) =>
          this.pool.run<Float64Array>('influence', 'selfInfluenceRange', { ...trainData(m), model: m.model, factor, start, end: bounds[i + 1] }, { ...progress(i), signal }),
        ),
      );
      const values = new Float64Array(n);
      pieces.forEach((piece, i) => values.set(piece, bounds[i]));
      return { modelId: m.info.modelId, method: 'exact', rank: 0, values, parts, seconds: (performance.now() - started) / 1000 } satisfies SelfInfluenceResult;
    });
  }

  whatIf(request: WhatIfRequest): JobInfo {
    const m = this.model(request.modelId);
    const testRows = resolveTestPoints(m.info, request.test);
    const inTrain = new Uint8Array(m.dataset.summary.rows);
    for (const r of m.info.trainRows) inTrain[r] = 1;
    const removed = Int32Array.from(new Set(request.removeRows)).sort();
    const outside = removed.find((r) => !inTrain[r]);
    if (outside !== undefined) throw new HostError('bad-request', `row ${outside} is not a training row of model '${m.info.modelId}' (it is a test row or out of range); only training rows can be removed`);
    if (removed.length >= m.info.trainRows.length) throw new HostError('bad-request', `removing all ${m.info.trainRows.length} training rows leaves nothing to train on`);
    const method = this.chooseMethod(m, 'auto');
    return this.jobs.submit('whatIf', request, async (ctx) => {
      const started = performance.now();
      const factor = method === 'exact' ? await this.ensureFactor(m, ctx, 0, 0.5) : null;
      const r = await this.pool.run<WhatIfPiece>(
        'influence',
        'whatIf',
        { ...trainData(m), ...testData(m, testRows), model: m.model, method, factor, removed },
        workerProgress(ctx, 'what if removed', factor ? 0.5 : 0, factor ? 0.5 : 1),
      );
      return { modelId: m.info.modelId, removed: removed.length, testRows: testRows.length, ...r, seconds: (performance.now() - started) / 1000 } satisfies WhatIfResult;
    });
  }

  certify(request: CertifyRequest): JobInfo {
    const m = this.model(request.modelId);
    const exclude = new Uint8Array(m.dataset.summary.rows);
    for (const r of request.excludeRows) {
      if (r >= m.dataset.summary.rows) throw new HostError('bad-request', `excluded row ${r} is out of range: '${m.dataset.summary.name}' has ${m.dataset.summary.rows} rows`);
      exclude[r] = 1;
    }
    const kept = m.info.trainRows.filter((r) => !exclude[r]);
    if (kept.length === 0) throw new HostError('bad-request', 'every training row is excluded; nothing is left to partition');
    const k = request.buckets;
    return this.jobs.submit('certify', request, async (ctx) => {
      const started = performance.now();
      const parts = Math.max(1, Math.min(this.pool.threads, k));
      const bounds = taskBounds(k, parts);
      const progress = partsProgress(ctx, parts, 'training base classifiers');
      const testRows = m.info.testRows;
      const pieces = await failFast(ctx, (signal) =>
        bounds.slice(0, -1).map((start, i) =>
          this.pool.run<{ votes: Int32Array; sizes: Int32Array }>(
            'influence',
            'dpaBuckets',
            { ...trainData(m), trainRows: kept, ...testData(m, testRows), k, start, end: bounds[i + 1], l2: m.info.l2, tol: 1e-6, maxIter: 500 },
            { ...progress(i), signal },
          ),
        ),
      );
      const K = m.info.classNames.length;
      const votes = new Int32Array(testRows.length * K);
      for (const piece of pieces) for (let q = 0; q < votes.length; q++) votes[q] += piece.votes[q];
      const { prediction, radius } = certify(votes, K);
      const trueLabels = m.info.testLabels;
      const curve = certifiedAccuracyCurve(prediction, radius, trueLabels, Math.ceil(k / 2));
      return {
        modelId: m.info.modelId,
        buckets: k,
        excluded: m.info.trainRows.length - kept.length,
        prediction,
        radius,
        votes,
        trueLabels,
        curve,
        bucketSizes: Int32Array.from(pieces.flatMap((piece) => Array.from(piece.sizes))),
        parts,
        seconds: (performance.now() - started) / 1000,
      } satisfies CertifyResult;
    });
  }

  /**
   * The split column (electron/host/columns.ts, aligned with the rows) as groups, in [0, READ_SHARE) of the
   * job; a numeric (feature) column's values as their shortest decimal text.
   */
  private async readGroups(dataset: LoadedDataset, column: string, ctx: JobContext): Promise<Groups> {
    const [data] = await readColumns(this.pool, dataset, [column], {
      signal: ctx.signal,
      onProgress: (f) => ctx.progress(READ_SHARE * f, 'reading the split column', `'${column}'`),
    });
    return groupsOf(column, data.kind === 'text' ? data.values : Array.from(data.values, String));
  }

  /**
   * Shared memory for a team (electron/workers/influence.worker.ts): the rows split into one range per pool
   * thread, so every L-BFGS step or CG product runs on all threads; null on one thread or few rows.
   */
  private team(kind: Team['kind'], n: number, classCount: number, dims: number): Team | null {
    const helpers = Math.min(this.pool.threads - 1, Math.floor(n / TEAM_ROWS) - 1, 31);
    if (helpers < 1) return null;
    const shared = (count: number) => new Float64Array(new SharedArrayBuffer(count * 8));
    return {
      kind,
      control: teamControl(helpers),
      v: shared((dims + 1) * classCount),
      g: shared(helpers * classCount * dims),
      s: shared(helpers * classCount),
      ce: shared(helpers),
      bounds: taskBounds(n, helpers + 1),
    };
  }

  /** The helper tasks of a team; each returns at once if the coordinator has finished before it starts. */
  private helpers(data: ReturnType<typeof trainData>, team: Team | null, l2: number, model: SoftmaxModel | null, signal: AbortSignal): Promise<unknown>[] {
    if (!team) return [];
    return Array.from({ length: team.bounds.length - 2 }, (_, slot) =>
      this.pool.run<boolean>('influence', 'teamHelper', { ...data, team, slot, l2, model }, { signal }),
    );
  }

  /** 'auto': exact when the factor is already there, or cheap to form; CG otherwise. */
  private chooseMethod(m: StoredModel, asked: InfluenceRequest['method']): 'exact' | 'cg' {
    const P = m.info.parameterCount;
    if (asked === 'exact') {
      if (P > EXACT_LIMIT) throw new HostError('bad-request', `the exact Hessian has ${P}² entries (P = (d+1)·K = ${P} > ${EXACT_LIMIT}); use method 'cg'`);
      return 'exact';
    }
    if (asked === 'cg') return 'cg';
    if (m.factor) return 'exact';
    return P <= EXACT_LIMIT && m.info.trainRows.length * P * P <= AUTO_EXACT_WORK ? 'exact' : 'cg';
  }

  /**
   * The model's factor of Ĥ, formed on first use: one task per thread sums the data term over its row range,
   * the host adds them into a SharedArrayBuffer, one task factors it in place. Progress in [from, from + span).
   */
  private async ensureFactor(m: StoredModel, ctx: JobContext, from: number, span: number): Promise<Float64Array> {
    if (m.factor) return m.factor;
    const P = m.info.parameterCount;
    const n = m.info.trainRows.length;
    const parts = Math.max(1, Math.min(this.pool.threads, Math.ceil(n / 1024)));
    const bounds = taskBounds(n, parts);
    const progress = partsProgress(ctx, parts, 'forming the Hessian', from, 0.9 * span);
    const pieces = await failFast(ctx, (signal) =>
      bounds.slice(0, -1).map((start, i) =>
        this.pool.run<Float64Array>('influence', 'hessianRange', { ...trainData(m), model: m.model, start, end: bounds[i + 1] }, { ...progress(i), signal }),
      ),
    );
    const sum = new Float64Array(new SharedArrayBuffer(P * P * 8));
    for (const piece of pieces) for (let q = 0; q < P * P; q++) sum[q] += piece[q];
    ctx.progress(from + 0.9 * span, 'factoring the Hessian');
    await this.pool.run('influence', 'factor', { model: m.model, sum, n }, { signal: ctx.signal });
    m.factor = sum;
    return sum;
  }
}

/** Runs parallel tasks; the first failure aborts the others (and the job's cancel aborts all). */
/**
 * The coordinator's task, closing its team however it settles: if it threw before its loop began, was
 * cancelled or lost its thread, its helpers would otherwise wait for a pass forever and hold their threads.
 */
function coordinating<T>(team: Team | null, task: Promise<T>): Promise<T> {
  return team ? task.finally(() => closeTeam(team.control)) : task;
}

async function failFast<T>(ctx: JobContext, start: (signal: AbortSignal) => Promise<T>[]): Promise<T[]> {
  const link = linkedAbort(ctx.signal);
  try {
    return await Promise.all(start(link.signal).map((p) => link.fail(p)));
  } finally {
    link.done();
  }
}

/** Mean cross-entropy, accuracy, argmax predictions, their probabilities and the confusion matrix. */
function evaluate(prob: Float64Array, labels: Int32Array, rows: Int32Array, k: number) {
  const T = rows.length;
  const predicted = new Int32Array(T);
  const confidence = new Float64Array(T);
  const confusion = new Int32Array(k * k);
  let loss = 0;
  let correct = 0;
  for (let t = 0; t < T; t++) {
    const y = labels[rows[t]];
    let best = 0;
    for (let c = 1; c < k; c++) if (prob[t * k + c] > prob[t * k + best]) best = c;
    predicted[t] = best;
    confidence[t] = prob[t * k + best];
    loss -= Math.log(prob[t * k + y]);
    if (best === y) correct++;
    confusion[y * k + best]++;
  }
  return { predicted, confidence, confusion, loss: T ? loss / T : 0, accuracy: T ? correct / T : 0 };
}

/** The test dataset's labels as the training dataset's class indices, by class name. */
function mapLabels(dataset: LoadedDataset, test: LoadedDataset): Int32Array {
  const a = dataset.summary;
  const b = test.summary;
  if (a.dims !== b.dims) throw new HostError('bad-request', `the test dataset '${b.name}' has ${b.dims} features but '${a.name}' has ${a.dims}; they must have the same features`);
  const mismatch = a.featureNames.findIndex((name, j) => b.featureNames[j] !== name);
  if (mismatch >= 0) throw new HostError('bad-request', `feature ${mismatch + 1} is '${b.featureNames[mismatch]}' in the test dataset '${b.name}' but '${a.featureNames[mismatch]}' in '${a.name}'`);
  const classOf = new Map(a.classNames.map((name, c) => [name, c]));
  const codes = b.classNames.map((name) => {
    const c = classOf.get(name);
    if (c === undefined) throw new HostError('bad-request', `the test dataset '${b.name}' has class '${name}', which the training dataset '${a.name}' does not have`);
    return c;
  });
  return Int32Array.from(test.labels, (c) => codes[c]);
}

/**
 * The column a 'group' split reads with readColumns (the label, id or a feature from memory, any other column
 * back from the dataset's file), or null when it needs no read (not by column, or by the group column held in
 * memory). Throws, before any work starts, for a column the dataset does not have, naming it and its columns.
 */
export function splitFileColumn(dataset: LoadedDataset, split: SplitSpec): string | null {
  if (split.kind !== 'group' || split.column === undefined || split.column === dataset.group?.column) return null;
  const column = split.column;
  const { summary } = dataset;
  const inMemory = column === summary.labelColumn || (column === summary.idColumn && dataset.ids !== null) || summary.featureNames.includes(column);
  if (!inMemory && summary.path === null) {
    throw new HostError('bad-request', `'${summary.name}' was generated in memory: it has only its features and label, no column '${column}' to split by`);
  }
  if (!inMemory && summary.format === 'npy') {
    throw new HostError(
      'bad-request',
      `'${summary.name}' is a NumPy matrix: it has only its features (and labels), no column '${column}' to split by. Load a CSV, TSV, JSON Lines or Parquet file that holds it`,
    );
  }
  checkColumns(dataset, [column]);
  return column;
}

/** Values as codes into their distinct values, in order of first appearance. */
export function groupsOf(column: string, values: string[]): Groups {
  const index = new Map<string, number>();
  const codes = Int32Array.from(values, (v) => {
    let code = index.get(v);
    if (code === undefined) index.set(v, (code = index.size));
    return code;
  });
  return { column, names: [...index.keys()], codes };
}

/**
 * Training and test rows (row indices, ascending; test rows index `testDataset`, which is `dataset` unless the
 * split is 'dataset') for a split; a seeded partial Fisher–Yates shuffle picks
 * the test rows (random), the test rows of every class (stratified) or the test groups (group: of `group`,
 * the split column's values, by default the dataset's group column).
 */
export function splitRows(
  dataset: LoadedDataset,
  split: SplitSpec,
  testDataset: LoadedDataset,
  group: Groups | null = dataset.group ?? null,
): { trainRows: Int32Array; testRows: Int32Array } {
  const n = dataset.summary.rows;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (split.kind === 'dataset') return { trainRows: all, testRows: Int32Array.from({ length: testDataset.summary.rows }, (_, i) => i) };
  const isTest = new Uint8Array(n);
  const fraction = split.testFraction;
  const rng = new Random(split.seed);
  const pick = (candidates: number[], count: number) => {
    for (let i = 0; i < count; i++) {
      const j = i + rng.int(candidates.length - i);
      [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
      isTest[candidates[i]] = 1;
    }
  };
  if (split.kind === 'random') {
    pick(Array.from(all), Math.round(fraction * n));
  } else if (split.kind === 'stratified') {
    const byClass = dataset.summary.classNames.map(() => [] as number[]);
    for (let i = 0; i < n; i++) byClass[dataset.labels[i]].push(i);
    for (const rows of byClass) pick(rows, rows.length >= 2 ? Math.max(1, Math.round(fraction * rows.length)) : 0);
  } else {
    if (!group) throw new HostError('bad-request', `'${dataset.summary.name}' was loaded without a group column; name the column to split by, or reopen it with a column in the role "group"`);
    if (split.value !== null) {
      const code = group.names.indexOf(split.value);
      if (code < 0) throw new HostError('bad-request', `column '${group.column}' of '${dataset.summary.name}' has no value '${split.value}' (values: ${group.names.slice(0, 10).join(', ')}${group.names.length > 10 ? ', …' : ''})`);
      for (let i = 0; i < n; i++) if (group.codes[i] === code) isTest[i] = 1;
    } else {
      const codes = Array.from(group.names, (_, c) => c);
      const chosen = new Uint8Array(codes.length);
      const count = Math.max(1, Math.round(fraction * codes.length));
      for (let i = 0; i < count; i++) {
        const j = i + rng.int(codes.length - i);
        [codes[i], codes[j]] = [codes[j], codes[i]];
        chosen[codes[i]] = 1;
      }
      for (let i = 0; i < n; i++) if (chosen[group.codes[i]]) isTest[i] = 1;
    }
  }
  const testRows = all.filter((i) => isTest[i] === 1);
  const trainRows = all.filter((i) => isTest[i] === 0);
  if (testRows.length === 0) throw new HostError('bad-request', `the split (${splitNote(split)}) leaves no test rows; raise the test fraction`);
  if (trainRows.length < 2) throw new HostError('bad-request', `the split (${splitNote(split)}) leaves ${trainRows.length} training rows; lower the test fraction`);
  return { trainRows, testRows };
}

/** The test rows a choice names, checked against the model's test set. */
export function resolveTestPoints(info: TrainedModel, choice: TestPointChoice): Int32Array {
  const { testRows, testLabels, testPredicted } = info;
  let out: Int32Array;
  switch (choice.kind) {
    case 'all':
      out = testRows;
      break;
    case 'misclassified':
      out = testRows.filter((_, t) => testPredicted[t] !== testLabels[t]);
      if (out.length === 0) throw new HostError('bad-request', 'the model classifies every test row correctly; there is no misclassified test row to explain');
      break;
    case 'class': {
      if (choice.classIndex >= info.classNames.length) throw new HostError('bad-request', `class ${choice.classIndex} does not exist; the model has ${info.classNames.length} classes`);
      out = testRows.filter((_, t) => testLabels[t] === choice.classIndex);
      if (out.length === 0) throw new HostError('bad-request', `no test row has class '${info.classNames[choice.classIndex]}'`);
      break;
    }
    case 'rows': {
      const isTest = new Set(testRows);
      const bad = choice.rows.find((r) => !isTest.has(r));
      if (bad !== undefined) throw new HostError('bad-request', `row ${bad} is not a test row of model '${info.modelId}' (${info.splitNote}); pick test rows`);
      out = Int32Array.from(choice.rows);
      break;
    }
  }
  return out;
}
