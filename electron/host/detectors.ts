import type { SpectralParams, SpectralResult } from '../../shared/domain/detectors.ts';
import { rowsByClass } from '../../shared/engine/matrix.ts';
import type { SpectralClassOutput } from '../../shared/engine/spectral.ts';
import type { LoadedDataset } from './datasets.ts';
import type { JobContext } from './jobs.ts';
import type { WorkerPool } from './pool.ts';

/**
 * Runs spectral signatures with one worker task per class (classes are independent, so the pool's threads
 * share the work) and merges the per-class outputs into row-order arrays. If any class fails, or the job is
 * cancelled, the other classes' tasks are aborted too.
 */
export async function runSpectral(
  pool: WorkerPool,
  dataset: LoadedDataset,
  params: SpectralParams,
  context: JobContext,
): Promise<SpectralResult> {
  const { summary, features, labels } = dataset;
  const n = summary.rows;
  const byClass = rowsByClass(labels, summary.classNames.length);
  const fractions = new Float64Array(byClass.length);
  const abort = new AbortController();
  const onCancel = () => abort.abort();
  context.signal.addEventListener('abort', onCancel);
  let finishedClasses = 0;

  const report = () => {
    let done = 0;
    byClass.forEach((rows, c) => (done += fractions[c] * rows.length));
    context.progress(n ? done / n : 1, `class ${finishedClasses}/${byClass.length}`, 'spectral signatures: top singular vector per class');
  };

  try {
    const outputs = await Promise.all(
      byClass.map((rowIndex, c) =>
        pool
          .run<SpectralClassOutput>(
            'detect',
            'spectralClass',
            { features, rows: n, cols: summary.dims, rowIndex, params },
            {
              signal: abort.signal,
              onProgress: (p) => {
                fractions[c] = p.fraction;
                report();
              },
            },
          )
          .then((out) => {
            fractions[c] = 1;
            finishedClasses++;
            report();
            return out;
          })
          .catch((error: unknown) => {
            abort.abort();
            throw error;
          }),
      ),
    );

    const scores = new Float64Array(n);
    const flagged = new Uint8Array(n);
    const projection = new Float32Array(2 * n);
    outputs.forEach((out, c) => {
      const rows = byClass[c];
      for (let r = 0; r < rows.length; r++) {
        const i = rows[r];
        scores[i] = out.scores[r];
        flagged[i] = out.flagged[r];
        projection[2 * i] = out.x[r];
        projection[2 * i + 1] = out.y[r];
      }
    });
    return {
      detector: 'spectral',
      datasetId: summary.id,
      datasetSha256: summary.sha256,
      params,
      scores,
      flagged,
      labels: Int32Array.from(labels),
      projection,
      classes: outputs.map((out, c) => ({ classIndex: c, className: summary.classNames[c], ...out.stats })),
    };
  } finally {
    context.signal.removeEventListener('abort', onCancel);
  }
}
