/**
 * The one contract between the renderer and the host. The Electron preload/IPC router and the served-mode
 * HTTP server both implement it; the renderer only ever sees an `AssayClient`.
 *
 * Every method takes one argument object (or none) so that both transports can validate it with the same
 * schema (schemas.ts, kept apart so the renderer bundle carries no validator) and carry it as one message.
 */
import type { DatasetReport, DatasetSummary, DirectoryListing, RowDetail, RowsPage } from '../domain/dataset.ts';
import type { FilePreview, LoadRequest } from '../domain/ingest.ts';
import type { JobInfo, JobKinds } from '../domain/jobs.ts';

export interface AppInfo {
  version: string;
  transport: 'electron' | 'served' | 'cli';
  /** Absolute path of the bundled sample dataset. */
  samplePath: string;
  /** Detectors built into this version (the catalog in shared/domain describes them). */
  detectors: import('../domain/detectors.ts').DetectorName[];
  /** Dataset the app was started on (command line), opened by the UI at start; null when none. */
  initialDataset: { path: string; labelColumn: string | null; idColumn: string | null } | null;
  /** The user's home folder on the host: where the file chooser starts. */
  homePath: string;
}

/** A job's result, typed by its kind. */
export type JobResult = { [K in keyof JobKinds]: { kind: K; value: JobKinds[K]['result'] } }[keyof JobKinds];

export interface AssayApi {
  getAppInfo(): Promise<AppInfo>;
  /** Reads the head of a file: format, columns, their kinds and proposed roles, the first rows. */
  previewDataset(args: { path: string }): Promise<FilePreview>;
  /** Loads a CSV/TSV/JSONL/.npy/Parquet file with the roles given, as a job; its result is the dataset's summary. */
  openDataset(args: LoadRequest): Promise<JobInfo>;
  /** Opens the bundled sample dataset (a backdoored embedding set) as a job. */
  openSample(): Promise<JobInfo>;
  /** Generates an embedding dataset with a planted backdoor, as a job. */
  generateSynthetic(args: SyntheticArgs): Promise<JobInfo>;
  listDatasets(): Promise<DatasetSummary[]>;
  /** Validation report and column summaries of a loaded file; null for generated data. */
  getDatasetReport(args: { datasetId: string }): Promise<DatasetReport | null>;
  getRows(args: { datasetId: string; start: number; count: number }): Promise<RowsPage>;
  /** Row position of the row with this id, or null. */
  findRow(args: { datasetId: string; id: string }): Promise<number | null>;
  /** A folder of the host's disk (null: the home folder), for choosing files in the served mode. */
  listDirectory(args: { path: string | null }): Promise<DirectoryListing>;
  getRow(args: GetRowArgs): Promise<RowDetail>;
  /** The ids of many rows at once, in the order asked. */
  getRowIds(args: { datasetId: string; indices: number[] }): Promise<string[]>;
  /** Runs one or more detectors over a dataset as one job; its result is a ScanResult. */
  runScan(args: ScanRequest): Promise<JobInfo>;
  /** Writes the dataset without the given rows to `path` on the host, in the input's format, as a job. */
  exportCleaned(args: ExportCleanedArgs): Promise<JobInfo>;
  cancelJob(args: JobRef): Promise<JobInfo>;
  listJobs(): Promise<JobInfo[]>;
  getJobResult(args: JobRef): Promise<JobResult>;
}

/** Events pushed from the host to every connected renderer. */
export interface AssayEvents {
  jobUpdate: JobInfo;
}

export type ApiMethod = keyof AssayApi;
export type ApiArgs<M extends ApiMethod> = Parameters<AssayApi[M]> extends [infer A] ? A : undefined;
export type ApiResult<M extends ApiMethod> = Awaited<ReturnType<AssayApi[M]>>;
export type Unsubscribe = () => void;

/** What the renderer holds: the calls plus event subscription. */
export interface AssayClient extends AssayApi {
  on<E extends keyof AssayEvents>(event: E, listener: (payload: AssayEvents[E]) => void): Unsubscribe;
}

export type SyntheticArgs = import('../domain/dataset.ts').SyntheticSpec;
export type GetRowArgs = { datasetId: string; index: number };
export type ScanRequest = import('../domain/detectors.ts').ScanRequest;
export type JobRef = { jobId: string };
export type ExportCleanedArgs = { datasetId: string; excludeRows: number[]; path: string };

/** Every method, once: `satisfies` fails to compile when this list and AssayApi disagree. */
const METHODS = {
  getAppInfo: true,
  previewDataset: true,
  openDataset: true,
  openSample: true,
  generateSynthetic: true,
  listDatasets: true,
  getDatasetReport: true,
  getRows: true,
  findRow: true,
  listDirectory: true,
  getRow: true,
  getRowIds: true,
  runScan: true,
  exportCleaned: true,
  cancelJob: true,
  listJobs: true,
  getJobResult: true,
} as const satisfies Record<ApiMethod, true>;
export const API_METHODS = Object.keys(METHODS) as ApiMethod[];
export const API_EVENTS: (keyof AssayEvents)[] = ['jobUpdate'];

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(METHODS, name);
}

/** Thrown by a transport when the host refused or failed a call; `message` is meant for the analyst. */
export class AssayCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: 'bad-request' | 'not-found' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'AssayCallError';
  }
}

/** The envelope both transports carry, so an error arrives as data rather than as a transport failure. */
export type Reply<T> = { ok: true; value: T } | { ok: false; code: AssayCallError['code']; message: string };
