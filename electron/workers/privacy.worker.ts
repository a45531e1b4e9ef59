/**
 * Worker: the privacy and bias checks of shared/engine/privacy on data the host hands over (texts, column
 * values, feature matrices on SharedArrayBuffers). Each function decodes its task, calls the engine, reports
 * progress and moves typed-array results back.
 */
import type { MessagePort } from 'node:worker_threads';
import type { AnonymityReport, BiasReport, MembershipReport, QuasiIdentifier } from '../../shared/domain/privacy.ts';
import { crossDuplicates, type LeakageReport as CrossLeakage } from '../../shared/engine/detectors/duplicates.ts';
import type { Matrix } from '../../shared/engine/matrix.ts';
import { anonymity, type ColumnValues } from '../../shared/engine/privacy/anonymity.ts';
import { biasReport, outOfFoldPredictions, type BiasInput } from '../../shared/engine/privacy/bias.ts';
import { membershipInference } from '../../shared/engine/privacy/membership.ts';
import { findPii, scanTexts, type PiiChunk } from '../../shared/engine/privacy/pii.ts';
import { progressReporter } from './progress.ts';
import { moveResult } from './transfer.ts';

interface Progressing {
  progressPort?: MessagePort;
}

/** Texts[i] of one column is dataset row rowBase + i. */
export function scanPii(task: Progressing & { texts: string[]; column: string; rowBase: number }): PiiChunk {
  const report = progressReporter(task.progressPort);
  const chunk = scanTexts(task.texts, task.column, task.rowBase, (f) => report(f, `column '${task.column}'`));
  report(1, 'done');
  return moveResult(chunk, chunk.rows);
}

export function anonymityCheck(task: Progressing & { columns: ColumnValues[]; quasiIdentifiers: QuasiIdentifier[]; sensitive: string[]; k: number; sensitiveName: string }): AnonymityReport {
  const result = anonymity(task.columns, task.quasiIdentifiers, task.sensitive, task.k, task.sensitiveName);
  progressReporter(task.progressPort)(1, 'done');
  return result;
}

export function leakageCheck(task: Progressing & { train: Matrix; test: Matrix; trainLabels: Int32Array; testLabels: Int32Array; nearFactor: number }): CrossLeakage {
  const report = progressReporter(task.progressPort);
  report(0.05, 'hashing rows');
  const out = crossDuplicates(task.train, task.test, { nearFactor: task.nearFactor }, { train: task.trainLabels, test: task.testLabels });
  report(1, 'done');
  return moveResult(out, [out.testFlags, out.trainFlags]);
}

/** Members: rows `memberRows` of `x`; non-members: `nonMemberRows` of `x`, or all of `other` when given. */
export function membershipCheck(
  task: Progressing & {
    x: Matrix;
    labels: Int32Array;
    memberRows: Int32Array;
    nonMemberRows: Int32Array | null;
    other: { x: Matrix; labels: Int32Array } | null;
    classCount: number;
    l2: number;
  },
): Omit<MembershipReport, 'nonMembers'> {
  const report = progressReporter(task.progressPort);
  const train = pick(task.x, task.labels, task.memberRows);
  const test = task.other ?? pick(task.x, task.labels, task.nonMemberRows!);
  const result = membershipInference({
    train: train.x,
    trainLabels: train.labels,
    test: test.x,
    testLabels: test.labels,
    classCount: task.classCount,
    l2: task.l2,
    onProgress: (f) => report(f, 'training the model'),
  });
  report(1, 'done');
  return moveResult(result, [result.roc.fpr, result.roc.tpr]);
}

export function biasCheck(task: Progressing & Omit<BiasInput, 'predicted'> & { x: Matrix | null; l2: number; seed: number }): BiasReport {
  const report = progressReporter(task.progressPort);
  const predicted = task.x ? outOfFoldPredictions(task.x, task.labels, task.classNames.length, task.folds, task.l2, task.seed, (f) => report(0.95 * f, 'out-of-fold model')) : null;
  const result = biasReport({ ...task, predicted });
  report(1, 'done');
  return result;
}

function pick(x: Matrix, labels: Int32Array, rows: Int32Array): { x: Matrix; labels: Int32Array } {
  const data = new Float32Array(rows.length * x.cols);
  rows.forEach((r, i) => data.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols));
  return { x: { data, rows: rows.length, cols: x.cols }, labels: Int32Array.from(rows, (r) => labels[r]) };
}

// Warm the recognisers at load so V8 compiles the profile loop and the regular expressions before the first
// real chunk (stack.md "Worker threads").
for (let i = 0; i < 2000; i++) findPii(`order ${i} to jane.doe${i}@example.org, +44 20 7946 ${String(i).padStart(4, '0')}, 4111 1111 1111 1111`);
