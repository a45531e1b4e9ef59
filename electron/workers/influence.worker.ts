/**
 * Worker: the influence engine's heavy steps (shared/engine/softmax.ts, influence.ts, dpa.ts) on shared
 * feature matrices. Each task decodes its arguments, calls the engine, reports progress and moves its result;
 * the host (electron/host/influence.ts) splits the work into tasks and merges them.
 */
import type { MessagePort } from 'node:worker_threads';
import { addVotes, hashPartition, trainBucket } from '../../shared/engine/dpa.ts';
import { factorHessian, hessianPart, influenceEngine, type RemovalResult, type TestSet } from '../../shared/engine/influence.ts';
import type { Matrix } from '../../shared/engine/matrix.ts';
import {
  hessianFromRaw,
  hessianRawBuffers,
  lossFromRaw,
  predictProba,
  softmaxHessianPart,
  softmaxLossPart,
  softmaxProblem,
  trainSoftmax,
  type SoftmaxModel,
  type SoftmaxProblem,
} from '../../shared/engine/softmax.ts';
import { closeTeam, CLOSED, DONE, GEN, MASK, MASK_GEN, READY } from '../../shared/engine/team-control.ts';
import { progressReporter } from './progress.ts';
import { moveResult } from './transfer.ts';

/** The training data: a dataset's features (SharedArrayBuffer) and labels, and the training rows. */
interface TrainData {
  features: Float32Array;
  rows: number;
  cols: number;
  labels: Int32Array;
  classCount: number;
  trainRows: Int32Array;
  progressPort?: MessagePort;
}

/** Test points: rows `testRows` of a (possibly other) dataset, labels already mapped onto the model's classes. */
interface TestData {
  testFeatures: Float32Array;
  testRowCount: number;
  testLabels: Int32Array;
  testRows: Int32Array;
}

/**
 * A team of pool threads sharing each pass over the training rows, for the two iterative loops: L-BFGS
 * (every step needs f and ∇f) and conjugate gradients (every step needs H·v). The task running the loop (the
 * coordinator) and helper tasks on other threads each compute the pass over their own range of rows,
 * synchronised on shared memory (Atomics). The coordinator never waits for a helper that is not running: a
 * helper marks itself READY once it can compute, each pass goes only to the helpers marked when it starts
 * (MASK), and the coordinator computes the other ranges itself. So a busy pool, where a helper starts late or
 * never, costs speed, not a deadlock. The control words are in shared/engine/team-control.ts.
 */
export interface Team {
  /** 'loss': f and ∇f (softmaxLossPart); 'hessian': H·v at the model's weights (softmaxHessianPart). */
  kind: 'loss' | 'hessian';
  /** The control words (shared/engine/team-control.ts) on a SharedArrayBuffer. */
  control: Int32Array;
  /** The pass's input (weights or v), P entries. */
  v: Float64Array;
  /** Per helper slot: raw g (K×d), s (K) and Σ CE of its range. */
  g: Float64Array;
  s: Float64Array;
  ce: Float64Array;
  /** Row-range bounds: range 0 is the coordinator's, range h + 1 helper h's. */
  bounds: number[];
}

/** One range's pass: raw g and s into the buffers, Σ CE returned ('hessian' returns 0). */
type RangePass = (v: Float64Array, g: Float64Array, s: Float64Array) => number;

function rangePass(team: Team, problem: SoftmaxProblem, weights: Float64Array | null, start: number, end: number): RangePass {
  if (team.kind === 'loss') return softmaxLossPart(problem, start, end);
  const part = softmaxHessianPart(problem, weights!, start, end);
  return (v, g, s) => (part(v, g, s), 0);
}

/**
 * The whole pass with the ranges of ready helpers computed on their threads and the rest on this one: sums of
 * raw g and s into `g`/`s`, Σ CE returned. `release` ends the team and returns the most threads a pass used.
 */
function teamPass(problem: SoftmaxProblem, weights: Float64Array | null, team: Team): { pass: (v: Float64Array, g: Float64Array, s: Float64Array) => number; release: () => number } {
  const { control, bounds } = team;
  const helpers = bounds.length - 2;
  // Range r's pass on this thread, built when first needed (range 0 always; a helper's range only while it is not ready).
  const passes: RangePass[] = [];
  const passOf = (r: number) => (passes[r] ??= rangePass(team, problem, weights, bounds[r], bounds[r + 1]));
  const raw = hessianRawBuffers(problem);
  const slot = raw.g.length;
  const kk = raw.s.length;
  let mostThreads = 1;
  const pass = (v: Float64Array, g: Float64Array, s: Float64Array) => {
    let mask = 0;
    for (let h = 0; h < helpers; h++) if (Atomics.load(control, READY + h) === 1) mask |= 1 << h;
    const working = popcount(mask);
    mostThreads = Math.max(mostThreads, working + 1);
    if (working > 0) {
      team.v.set(v);
      const next = Atomics.load(control, GEN) + 1;
      Atomics.store(control, MASK, mask);
      Atomics.store(control, MASK_GEN, next);
      Atomics.store(control, DONE, 0);
      Atomics.store(control, GEN, next);
      Atomics.notify(control, GEN);
    }
    g.fill(0);
    s.fill(0);
    let ce = 0;
    const add = (from: Float64Array, fromS: Float64Array, offG: number, offS: number) => {
      for (let q = 0; q < slot; q++) g[q] += from[offG + q];
      for (let q = 0; q < kk; q++) s[q] += fromS[offS + q];
    };
    for (let r = 0; r <= helpers; r++) {
      if (r > 0 && mask & (1 << (r - 1))) continue;
      ce += passOf(r)(v, raw.g, raw.s);
      add(raw.g, raw.s, 0, 0);
    }
    for (let done = Atomics.load(control, DONE); done < working; done = Atomics.load(control, DONE)) Atomics.wait(control, DONE, done);
    for (let h = 0; h < helpers; h++) {
      if (!(mask & (1 << h))) continue;
      add(team.g, team.s, h * slot, h * kk);
      ce += team.ce[h];
    }
    return ce;
  };
  const release = () => {
    closeTeam(control);
    return mostThreads;
  };
  return { pass, release };
}

function popcount(bits: number): number {
  let c = 0;
  for (let b = bits; b; b &= b - 1) c++;
  return c;
}

/**
 * A team helper: builds the pass of its range, marks itself ready, then computes every pass it is given.
 * `model` is the fitted model for 'hessian' teams; a 'loss' team passes the ridge and builds the same
 * problem (standardisation of the training rows) as the coordinator's trainSoftmax.
 */
export function teamHelper(task: TrainData & { team: Team; slot: number; l2: number; model: SoftmaxModel | null }): boolean {
  const { team, slot } = task;
  const { control, bounds } = team;
  if (Atomics.load(control, CLOSED) === 1) return false;
  const problem = softmaxProblem(matrix(task), task.labels, task.classCount, { l2: task.l2, rowIndex: task.trainRows, standardization: task.model?.standardization });
  const pass = rangePass(team, problem, task.model?.weights ?? null, bounds[slot + 1], bounds[slot + 2]);
  const raw = hessianRawBuffers(problem);
  const v = new Float64Array(team.v.length);
  let gen = Atomics.load(control, GEN);
  Atomics.store(control, READY + slot, 1);
  for (;;) {
    Atomics.wait(control, GEN, gen);
    gen = Atomics.load(control, GEN);
    if (gen < 0) return true;
    // A mask published for the next pass before its GEN is not this pass's: computing it now would count
    // this helper's DONE for a pass it has not computed.
    if (Atomics.load(control, MASK_GEN) !== gen || !(Atomics.load(control, MASK) & (1 << slot))) continue;
    v.set(team.v);
    team.ce[slot] = pass(v, raw.g, raw.s);
    team.g.set(raw.g, slot * raw.g.length);
    team.s.set(raw.s, slot * raw.s.length);
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}

const matrix = (t: TrainData): Matrix => ({ data: t.features, rows: t.rows, cols: t.cols });
const testSet = (t: TestData, cols: number): TestSet => ({ x: { data: t.testFeatures, rows: t.testRowCount, cols }, labels: t.testLabels, rows: t.testRows });

/** Class probabilities of the training and test rows under the fitted model, for the host's metrics. */
export interface TrainedPiece {
  model: SoftmaxModel;
  trainProb: Float64Array;
  testProb: Float64Array;
}

export function train(task: TrainData & TestData & { l2: number; tol: number; maxIter: number; team: Team | null }): TrainedPiece & { threads: number } {
  const report = progressReporter(task.progressPort);
  let release = () => 1;
  const objective = task.team
    ? (problem: SoftmaxProblem) => {
        const team = teamPass(problem, null, task.team!);
        release = team.release;
        const raw = hessianRawBuffers(problem);
        return (w: Float64Array, grad: Float64Array) => lossFromRaw(problem, team.pass(w, raw.g, raw.s), raw.g, raw.s, w, grad);
      }
    : undefined;
  let model: SoftmaxModel;
  let threads = 1;
  try {
    model = trainSoftmax(matrix(task), task.labels, task.classCount, { l2: task.l2, rowIndex: task.trainRows, tol: task.tol, maxIter: task.maxIter, objective }, (f) =>
      report(0.97 * f, 'L-BFGS'),
    );
  } finally {
    threads = release();
  }
  const trainProb = predictProba(model, matrix(task), task.trainRows);
  const testProb = predictProba(model, testSet(task, task.cols).x, task.testRows);
  report(1, 'evaluated');
  return moveResult({ model, trainProb, testProb, threads }, [model.weights, model.standardization.mean, model.standardization.scale, trainProb, testProb]);
}

/** Σ over training positions start..end−1 of the Hessian's data term (hessianPart), moved to the host. */
export function hessianRange(task: TrainData & { model: SoftmaxModel; start: number; end: number }): Float64Array {
  const report = progressReporter(task.progressPort);
  const part = hessianPart(task.model, matrix(task), task.trainRows.subarray(task.start, task.end), (f) => report(f, 'forming the Hessian'));
  return moveResult(part, [part]);
}

/** Factors the summed data term in place (it lives on a SharedArrayBuffer the host keeps). */
export function factor(task: { model: SoftmaxModel; sum: Float64Array; n: number }): boolean {
  factorHessian(task.sum, task.model, task.n);
  return true;
}

export interface InfluencePiece {
  method: 'exact' | 'cg';
  testLoss: number;
  predictedChange: Float64Array;
  upweightInfluence: Float64Array;
  helpful: Uint8Array;
  cgIterations: number[];
  threads: number;
}

export function influence(task: TrainData & TestData & { model: SoftmaxModel; method: 'exact' | 'cg'; factor: Float64Array | null; team: Team | null }): InfluencePiece {
  const report = progressReporter(task.progressPort);
  let product: { hv: (v: Float64Array, out: Float64Array) => void; release: () => number } | null = null;
  if (task.team) {
    const problem = softmaxProblem(matrix(task), task.labels, task.classCount, { l2: task.model.l2, rowIndex: task.trainRows, standardization: task.model.standardization });
    const team = teamPass(problem, task.model.weights, task.team);
    const raw = hessianRawBuffers(problem);
    product = { hv: (v, out) => (team.pass(v, raw.g, raw.s), hessianFromRaw(problem, raw.g, raw.s, v, out)), release: team.release };
  }
  let r;
  let threads = 1;
  try {
    const engine = influenceEngine(task.model, matrix(task), task.labels, {
      trainRows: task.trainRows,
      method: task.method,
      factor: task.factor ?? undefined,
      hessianVectorProduct: product?.hv,
      onProgress: (f, stage) => report(f, stage),
    });
    r = engine.influence(testSet(task, task.cols), { perTest: false });
  } finally {
    threads = product?.release() ?? 1;
  }
  const helpful = Uint8Array.from(r.label, (l) => (l === 'helpful' ? 1 : 0));
  const piece: InfluencePiece = { method: r.method, testLoss: r.testLoss, predictedChange: r.predictedChange, upweightInfluence: r.upweightInfluence, helpful, cgIterations: r.cgIterations, threads };
  return moveResult(piece, [piece.predictedChange, piece.upweightInfluence, helpful]);
}

/** Exact self-influence of training positions start..end−1 with the shared factor. */
export function selfInfluenceRange(task: TrainData & { model: SoftmaxModel; factor: Float64Array; start: number; end: number }): Float64Array {
  const report = progressReporter(task.progressPort);
  const engine = influenceEngine(task.model, matrix(task), task.labels, { trainRows: task.trainRows, method: 'exact', factor: task.factor, onProgress: (f, stage) => report(f, stage) });
  const { values } = engine.selfInfluence({ start: task.start, end: task.end });
  return moveResult(values, [values]);
}

/** Low-rank self-influence (Lanczos on H): one task, the eigenpairs are not worth splitting for. */
export function selfInfluenceLowRank(task: TrainData & { model: SoftmaxModel; rank: number }): { values: Float64Array; rank: number } {
  const report = progressReporter(task.progressPort);
  report(0, 'Lanczos');
  const engine = influenceEngine(task.model, matrix(task), task.labels, { trainRows: task.trainRows, method: 'cg' });
  const r = engine.selfInfluence({ rank: task.rank });
  report(1, 'done');
  return moveResult({ values: r.values, rank: r.rank }, [r.values]);
}

export type WhatIfPiece = Omit<RemovalResult, 'model' | 'removed'> & { refitGradNorm: number; refitIterations: number };

export function whatIf(
  task: TrainData & TestData & { model: SoftmaxModel; method: 'exact' | 'cg'; factor: Float64Array | null; removed: Int32Array },
): WhatIfPiece {
  const report = progressReporter(task.progressPort);
  const engine = influenceEngine(task.model, matrix(task), task.labels, {
    trainRows: task.trainRows,
    method: task.method,
    factor: task.factor ?? undefined,
    onProgress: (f, stage) => report(0.3 * f, stage),
  });
  const test = testSet(task, task.cols);
  const predicted = engine.influence(test, { perTest: false });
  report(0.3, 'refitting');
  const r = engine.retrainWithout(task.removed, test, { influence: predicted, onProgress: (f) => report(0.3 + 0.7 * f, 'refitting') });
  report(1, 'done');
  return {
    testLossBefore: r.testLossBefore,
    testLossAfter: r.testLossAfter,
    actualChange: r.actualChange,
    predictedChange: r.predictedChange,
    accuracyBefore: r.accuracyBefore,
    accuracyAfter: r.accuracyAfter,
    refitGradNorm: r.model.gradNorm,
    refitIterations: r.model.iterations,
  };
}

/** Trains DPA base classifiers for a range of buckets and returns their summed votes on the test points (T×K). */
/**
 * Trains the DPA base classifiers of buckets start..end−1 of the hash partition of `trainRows` into k buckets
 * (every task hashes the rows itself: the partition depends only on each row) and returns their summed votes
 * on the test points (T×K) and the sizes of its buckets.
 */
export function dpaBuckets(
  task: TrainData & TestData & { k: number; start: number; end: number; l2: number; tol: number; maxIter: number },
): { votes: Int32Array; sizes: Int32Array } {
  const report = progressReporter(task.progressPort);
  const test = testSet(task, task.cols);
  const { buckets } = hashPartition(matrix(task), task.labels, task.k, task.trainRows);
  const mine = buckets.slice(task.start, task.end);
  const votes = new Int32Array(task.testRows.length * task.classCount);
  mine.forEach((rows, b) => {
    const model = trainBucket(matrix(task), task.labels, task.classCount, rows, { l2: task.l2, tol: task.tol, maxIter: task.maxIter });
    addVotes(model, test.x, votes, test.rows);
    report((b + 1) / mine.length, `bucket ${task.start + b + 1}/${task.k}`);
  });
  const sizes = Int32Array.from(mine, (rows) => rows.length);
  return moveResult({ votes, sizes }, [votes, sizes]);
}
