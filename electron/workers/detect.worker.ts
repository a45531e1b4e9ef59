/** Worker: runs detector kernels from shared/engine on one class's rows of a shared feature matrix. */
import type { MessagePort } from 'node:worker_threads';
import type { SpectralParams } from '../../shared/domain/detectors.ts';
import { spectralSignatureClass } from '../../shared/engine/spectral.ts';
import { progressReporter } from './progress.ts';
import { moveResult } from './transfer.ts';

export interface ClassTask {
  /** The whole dataset's features, on a SharedArrayBuffer (shared with the host, not copied). */
  features: Float32Array;
  rows: number;
  cols: number;
  rowIndex: Int32Array;
  progressPort?: MessagePort;
}

export function spectralClass(task: ClassTask & { params: SpectralParams }) {
  const report = progressReporter(task.progressPort);
  const matrix = { data: task.features, rows: task.rows, cols: task.cols };
  const out = spectralSignatureClass(matrix, task.rowIndex, task.params, (f) => report(f, 'Lanczos iterations'));
  return moveResult(out, [out.scores, out.x, out.y, out.flagged]);
}

// Warm the kernel on a tiny class at load so V8 compiles the hot loops before the first real task
// (stack.md: a cold worker's loop was sometimes stuck ~3x slower after repeated deopts).
{
  const tiny = new Float32Array(64 * 8).map((_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
  const rows = Int32Array.from({ length: 64 }, (_, i) => i);
  for (let i = 0; i < 20; i++) spectralSignatureClass({ data: tiny, rows: 64, cols: 8 }, rows, { epsilon: 0.05, budgetFactor: 1.5 });
}
