import { EventEmitter } from 'node:events';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { AppInfo, AssayApi, AssayEvents, JobResult, Unsubscribe } from '../../shared/contract/api.ts';
import type { CleanedExport, SyntheticSpec } from '../../shared/domain/dataset.ts';
import type { JobInfo } from '../../shared/domain/jobs.ts';
import type { SyntheticData } from '../../shared/engine/synthetic.ts';
import type { LoadRequest } from '../../shared/domain/ingest.ts';
import { listDirectory } from './files.ts';
import { loadDataset, previewDataset } from './ingest.ts';
import { appVersion } from './app-root.ts';
import { DatasetStore } from './datasets.ts';
import { runScan, validateScan } from './scan.ts';
import { availableDetectors } from '../../shared/engine/detectors/registry.ts';
import { HostError } from './errors.ts';
import { JobService, JobStateError, type JobContext } from './jobs.ts';
import { WorkerPool } from './pool.ts';

export interface HostOptions {
  transport: AppInfo['transport'];
  /** Absolute path of the bundled sample CSV. */
  samplePath: string;
  initialDataset?: AppInfo['initialDataset'];
  /** Worker threads in the pool; defaults to the machine's available parallelism. */
  threads?: number;
}

/** The host services behind the contract: plain Node, no Electron import. */
export interface Host extends AssayApi {
  on<E extends keyof AssayEvents>(event: E, listener: (payload: AssayEvents[E]) => void): Unsubscribe;
  close(): Promise<void>;
  /** The services themselves, for the CLI and tests. */
  readonly pool: WorkerPool;
  readonly jobs: JobService;
  readonly datasets: DatasetStore;
}

export function createHost(options: HostOptions): Host {
  const events = new EventEmitter();
  const pool = new WorkerPool({ threads: options.threads });
  const jobs = new JobService((job) => events.emit('jobUpdate', job));
  const datasets = new DatasetStore();

  const loadFile = (request: LoadRequest): JobInfo =>
    jobs.submit('load', request, async (ctx) => {
      const loaded = await loadDataset(pool, request, ctx);
      return datasets.add(loaded.dataset);
    });

  const api: AssayApi = {
    async getAppInfo() {
      return {
        version: appVersion(),
        transport: options.transport,
        samplePath: options.samplePath,
        detectors: availableDetectors(),
        initialDataset: options.initialDataset ?? null,
        homePath: homedir(),
      };
    },
    async previewDataset({ path }) {
      return previewDataset(pool, resolve(path));
    },
    async openDataset(request) {
      return loadFile({ ...request, path: resolve(request.path), labelsPath: request.labelsPath && resolve(request.labelsPath) });
    },
    async openSample() {
      return loadFile({ path: options.samplePath, roles: { label: 'label', id: 'id', features: null, text: [], group: null }, badRows: 'stop' });
    },
    async generateSynthetic(spec: SyntheticSpec) {
      return jobs.submit('synthesize', spec, async (ctx) => {
        const data = await pool.run<SyntheticData & { sha256: string }>('load', 'synthesize', { spec }, workerOptions(ctx, 'generating'));
        return datasets.add({
          features: data.features,
          labels: data.labels,
          ids: data.ids,
          summary: {
            name: `synthetic ${spec.rows}×${spec.dims}, ${spec.classes} classes, ${(spec.poisonFraction * 100).toFixed(1)}% backdoor (seed ${spec.seed})`,
            path: null,
            sha256: data.sha256,
            sizeBytes: data.features.byteLength,
            rows: spec.rows,
            dims: spec.dims,
            featureNames: data.featureNames,
            labelColumn: 'label',
            idColumn: 'id',
            classNames: data.classNames,
            format: 'synthetic',
          },
          report: null,
        });
      });
    },
    async listDatasets() {
      return datasets.list();
    },
    async getDatasetReport({ datasetId }) {
      return datasets.get(datasetId).report;
    },
    async getRows({ datasetId, start, count }) {
      return datasets.rows(datasetId, start, count);
    },
    async findRow({ datasetId, id }) {
      return datasets.findRow(datasetId, id);
    },
    async listDirectory({ path }) {
      return listDirectory(path);
    },
    async getRow({ datasetId, index }) {
      return datasets.row(datasetId, index);
    },
    async getRowIds({ datasetId, indices }) {
      return datasets.rowIds(datasetId, indices);
    },
    async runScan(request) {
      const dataset = datasets.get(request.datasetId);
      const reference = request.referenceDatasetId === null ? null : datasets.get(request.referenceDatasetId);
      validateScan(request);
      return jobs.submit('scan', request, (ctx) => runScan(pool, dataset, reference, request, ctx));
    },
    async exportCleaned({ datasetId, excludeRows, path }) {
      const dataset = datasets.get(datasetId);
      const { summary } = dataset;
      const exclude = new Uint8Array(summary.rows);
      for (const row of excludeRows) {
        if (row >= summary.rows) throw new HostError('bad-request', `row ${row} is out of range: '${summary.name}' has ${summary.rows} rows`);
        exclude[row] = 1;
      }
      const target = resolve(path);
      // Re-reading the source keeps every column and its exact text, but only a CSV/TSV read without skipped
      // rows lines up row for row with the dataset; everything else is written from memory.
      const skipped = dataset.report?.validation.rowsSkipped ?? 0;
      const fromSource = summary.path !== null && (summary.format === 'csv' || summary.format === 'tsv') && skipped === 0;
      const format = summary.format === 'npy' ? 'npy' : 'csv';
      if (!fromSource && format === 'csv' && !/\.csv$/i.test(target)) {
        throw new HostError(
          'bad-request',
          `a cleaned copy of '${summary.name}' (${summary.format}${skipped ? `, ${skipped} bad rows skipped at load` : ''}) is written as CSV (id, label, features): give a path ending in .csv`,
        );
      }
      if (format === 'npy' && !/\.npy$/i.test(target)) throw new HostError('bad-request', `a cleaned copy of the .npy matrix '${summary.name}' is a .npy: give a path ending in .npy`);
      const memory = fromSource
        ? undefined
        : {
            format,
            header: [...(dataset.ids ? [summary.idColumn ?? 'id'] : []), summary.labelColumn ?? 'label', ...summary.featureNames],
            rows: summary.rows,
            dims: summary.dims,
            features: dataset.features,
            labels: summary.labelColumn === null ? null : Array.from(dataset.labels, (c) => summary.classNames[c]),
            ids: dataset.ids,
          };
      return jobs.submit('export', { datasetId, path: target, excluded: excludeRows.length }, (ctx) =>
        pool.run<CleanedExport>('export', 'writeCleaned', { source: fromSource ? summary.path : null, target, exclude, memory }, workerOptions(ctx, 'writing')),
      );
    },
    async cancelJob({ jobId }) {
      return asHostError(() => jobs.cancel(jobId));
    },
    async listJobs() {
      return jobs.list();
    },
    async getJobResult({ jobId }) {
      return asHostError(() => jobs.result(jobId) as JobResult);
    },
  };

  return {
    ...api,
    pool,
    jobs,
    datasets,
    on(event, listener) {
      events.on(event, listener);
      return () => events.off(event, listener);
    },
    async close() {
      events.removeAllListeners();
      await pool.close();
    },
  };
}

function workerOptions(ctx: JobContext, stage: string) {
  return { signal: ctx.signal, onProgress: (p: { fraction: number; message: string }) => ctx.progress(p.fraction, stage, p.message) };
}

function asHostError<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof JobStateError) throw new HostError(error.message.startsWith('no job') ? 'not-found' : 'bad-request', error.message);
    throw error;
  }
}
