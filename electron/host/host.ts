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
import { importAtlas } from './atlas.ts';
import { exportWorksheet, importWorksheet } from './worksheets.ts';
import { InfluenceService } from './influence.ts';
import { CaseService } from './cases.ts';
import { defaultConfigDir } from './case/recent.ts';
import { JobService, JobStateError, workerProgress } from './jobs.ts';
import { WorkerPool } from './pool.ts';
import { runPrivacy, validatePrivacy } from './privacy.ts';
import { checkDriftRequest, checkMonitorRequest, runDrift, runMonitor } from './drift.ts';
import { ProvenanceService } from './provenance/service.ts';
import { ReportService, type PrintToPdf } from './report/service.ts';

export interface HostOptions {
  transport: AppInfo['transport'];
  /** Absolute path of the bundled sample CSV. */
  samplePath: string;
  initialDataset?: AppInfo['initialDataset'];
  /** Worker threads in the pool; defaults to the machine's available parallelism. */
  threads?: number;
  /** The user's config folder (recent cases); defaults to ASSAY_CONFIG_DIR or the platform's config folder. */
  configDir?: string;
  /** HTML → PDF (Electron's printToPDF), given by the desktop shell; without it PDF reports are refused with a hint. */
  printToPdf?: PrintToPdf;
}

/** The host services behind the contract: plain Node, no Electron import. */
export interface Host extends AssayApi {
  on<E extends keyof AssayEvents>(event: E, listener: (payload: AssayEvents[E]) => void): Unsubscribe;
  close(): Promise<void>;
  /** The services themselves, for the CLI and tests. */
  readonly pool: WorkerPool;
  readonly jobs: JobService;
  readonly datasets: DatasetStore;
  readonly cases: CaseService;
}

export function createHost(options: HostOptions): Host {
  const events = new EventEmitter();
  const pool = new WorkerPool({ threads: options.threads });
  const jobs = new JobService((job) => events.emit('jobUpdate', job));
  const datasets = new DatasetStore();
  const influence = new InfluenceService(pool, datasets, jobs);
  const cases = new CaseService({ pool, datasets, jobs, configDir: options.configDir ?? defaultConfigDir(), appVersion: appVersion() });
  const provenance = new ProvenanceService(pool, jobs);
  const reports = new ReportService(pool, jobs, datasets, () => cases.view(), options.printToPdf ?? null);
  // Every job that ends while a case is open is recorded in it (audit entry, timeline, stored result).
  events.on('jobUpdate', (job: JobInfo) => cases.onJob(job));

  const loadFile = (request: LoadRequest): JobInfo =>
    jobs.submit('load', request, async (ctx) => {
      const loaded = await loadDataset(pool, request, ctx);
      return datasets.add({ ...loaded.dataset, group: loaded.group });
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
        const data = await pool.run<SyntheticData & { sha256: string }>('load', 'synthesize', { spec }, workerProgress(ctx, 'generating'));
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
    async getRowLabels({ datasetId, indices }) {
      return datasets.rowLabels(datasetId, indices);
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
        pool.run<CleanedExport>('export', 'writeCleaned', { source: fromSource ? summary.path : null, target, exclude, memory }, workerProgress(ctx, 'writing')),
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
    async importAtlas({ path }) {
      return importAtlas(pool, path);
    },
    async exportWorksheet(args) {
      return exportWorksheet(args);
    },
    async importWorksheet({ path }) {
      return importWorksheet(path);
    },
    async trainModel(request) {
      return influence.train(request);
    },
    async computeInfluence(request) {
      return influence.influence(request);
    },
    async computeSelfInfluence(request) {
      return influence.selfInfluence(request);
    },
    async runWhatIf(request) {
      return influence.whatIf(request);
    },
    async certifyRobustness(request) {
      return influence.certify(request);
    },
    async createCase(args) {
      return cases.create(args);
    },
    async openCase(args) {
      return cases.open(args);
    },
    async closeCase() {
      await cases.close();
      return null;
    },
    async getCase() {
      // Jobs that just ended are being recorded: answer with the case as it is once they are in.
      await cases.idle();
      return cases.view();
    },
    async listRecentCases() {
      return cases.listRecent();
    },
    async updateCase(args) {
      return cases.update(args);
    },
    async getStoredResult(args) {
      return cases.storedResult(args);
    },
    async verifyCaseAudit() {
      return cases.verify();
    },
    async runPrivacy(request) {
      validatePrivacy(request, datasets, jobs);
      return jobs.submit('privacy', request, (ctx) => runPrivacy(pool, datasets, jobs, request, ctx));
    },
    async runDrift(request) {
      const baseline = datasets.get(request.baselineDatasetId);
      const current = datasets.get(request.currentDatasetId);
      checkDriftRequest(request, baseline, current);
      return jobs.submit('drift', request, (ctx) => runDrift(pool, baseline, current, request, ctx));
    },
    async runMonitor(request) {
      const snapshots = request.snapshotIds.map((id) => datasets.get(id));
      checkMonitorRequest(request, snapshots);
      return jobs.submit('monitor', request, (ctx) => runMonitor(pool, snapshots, request, ctx));
    },
    async createManifest(args) {
      return provenance.createManifest(args);
    },
    async signManifest(args) {
      return provenance.signManifest(args);
    },
    async verifyManifest(args) {
      return provenance.verifyManifest(args);
    },
    async generateKeyPair(args) {
      return provenance.generateKeyPair(args);
    },
    async checkSplitView(args) {
      return provenance.checkSplitView(args);
    },
    async previewReport(args) {
      return reports.preview(args);
    },
    async exportReport(args) {
      return reports.export(args);
    },
  };

  return {
    ...api,
    pool,
    jobs,
    datasets,
    cases,
    on(event, listener) {
      events.on(event, listener);
      return () => events.off(event, listener);
    },
    async close() {
      events.removeAllListeners();
      await cases.idle();
      await pool.close();
    },
  };
}

function asHostError<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof JobStateError) throw new HostError(error.message.startsWith('no job') ? 'not-found' : 'bad-request', error.message);
    throw error;
  }
}
