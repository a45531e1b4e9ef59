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
  /** The class index (into the summary's classNames) of many rows at once, in the order asked. */
  getRowLabels(args: { datasetId: string; indices: number[] }): Promise<Int32Array>;
  /** Runs one or more detectors over a dataset as one job; its result is a ScanResult. */
  runScan(args: ScanRequest): Promise<JobInfo>;
  /** Writes the dataset without the given rows to `path` on the host, in the input's format, as a job. */
  exportCleaned(args: ExportCleanedArgs): Promise<JobInfo>;
  cancelJob(args: JobRef): Promise<JobInfo>;
  listJobs(): Promise<JobInfo[]>;
  getJobResult(args: JobRef): Promise<JobResult>;
  /** Reads a MITRE ATLAS.yaml on the host into a catalog for the technique pickers (parsed in a worker). */
  importAtlas(args: { path: string }): Promise<import('../domain/atlas-catalog.ts').AtlasCatalog>;
  /** Writes a worksheet to a host path as versioned JSON or as CSV (threats with scores), atomically. */
  exportWorksheet(args: ExportWorksheetArgs): Promise<{ path: string; format: 'json' | 'csv'; bytes: number }>;
  /** Reads a worksheet JSON of any version from a host path, migrated, with what the migration assumed. */
  importWorksheet(args: { path: string }): Promise<import('../domain/worksheet.ts').ParsedWorksheet & { path: string }>;
  /** Trains the softmax model influence explains, on a train/test split, as a job; the host keeps it by modelId. */
  trainModel(args: import('../domain/influence.ts').TrainRequest): Promise<JobInfo>;
  /** Influence of every training row on the chosen test points' loss (Koh & Liang 2017), as a job. */
  computeInfluence(args: import('../domain/influence.ts').InfluenceRequest): Promise<JobInfo>;
  /** Self-influence of every training row, as a job. */
  computeSelfInfluence(args: import('../domain/influence.ts').SelfInfluenceRequest): Promise<JobInfo>;
  /** Retrains without the given rows: actual vs predicted change in test loss and accuracy, as a job. */
  runWhatIf(args: import('../domain/influence.ts').WhatIfRequest): Promise<JobInfo>;
  /** Deep Partition Aggregation certificates for the model's test rows, as a job. */
  certifyRobustness(args: import('../domain/influence.ts').CertifyRequest): Promise<JobInfo>;
  /** Creates a case in a new or empty folder and opens it; every job completed from now on is recorded in it. */
  createCase(args: { folder: string; name: string; analyst: string }): Promise<import('../domain/case.ts').CaseView>;
  /** Opens a case folder: migrates and checks its file, verifies its audit log and re-hashes its datasets. */
  openCase(args: { folder: string }): Promise<import('../domain/case.ts').CaseView>;
  closeCase(): Promise<null>;
  /** The open case, or null. */
  getCase(): Promise<import('../domain/case.ts').CaseView | null>;
  listRecentCases(): Promise<import('../domain/case.ts').RecentCase[]>;
  /** Replaces one section of the open case (audited); the same value again changes nothing. */
  updateCase(args: CaseUpdate): Promise<import('../domain/case.ts').CaseView>;
  /** A result stored in the open case, for an open dataset with the same SHA-256 (refused otherwise). */
  getStoredResult(args: { key: string; datasetId: string }): Promise<JobResult>;
  /** Re-reads and verifies the open case's audit log. */
  verifyCaseAudit(): Promise<import('../domain/case.ts').AuditStatus>;
  /** PII scan, k-anonymity/l-diversity, train/test leakage, membership inference and bias checks, as a job. */
  runPrivacy(args: import('../domain/privacy.ts').PrivacyRequest): Promise<JobInfo>;
  /** Drift of a current dataset against a baseline (per column, label, embedding set, verdict), as a job. */
  runDrift(args: import('../domain/drift.ts').DriftRequest): Promise<JobInfo>;
  /** Monitoring over an ordered series of loaded snapshots: control charts and alerts, as a job. */
  runMonitor(args: import('../domain/drift.ts').MonitorRequest): Promise<JobInfo>;
  /** Hashes files (SHA-256, per-row hashes, Merkle roots) into a manifest written to `out`, as a job. */
  createManifest(args: import('../domain/provenance.ts').CreateManifestArgs): Promise<JobInfo>;
  /** Signs a manifest as an in-toto statement in a DSSE envelope with an Ed25519 key. */
  signManifest(args: import('../domain/provenance.ts').SignManifestArgs): Promise<{ path: string; keyid: string; root: string }>;
  /** Verifies a manifest or signed manifest: signature, roots, every file down to the rows, as a job. */
  verifyManifest(args: import('../domain/provenance.ts').VerifyManifestArgs): Promise<JobInfo>;
  /** Generates an Ed25519 key pair at `<prefix>.pem` (mode 0600) and `<prefix>.pub`; never replaces a key. */
  generateKeyPair(args: { prefix: string }): Promise<import('../domain/provenance.ts').KeyPairFiles>;
  /** Split-view check of downloaded items against a URL index with content hashes (offline), as a job. */
  checkSplitView(args: import('../domain/provenance.ts').SplitViewArgs): Promise<JobInfo>;
  /** The open case's report as self-contained HTML, for a preview in a sandboxed frame. */
  previewReport(args: import('../domain/report.ts').ReportOptions): Promise<import('../domain/report.ts').ReportPreview>;
  /** Writes the open case's report (HTML, PDF in the desktop app, JSON, CSV, SARIF), optionally signed, as a job. */
  exportReport(args: import('../domain/report.ts').ExportReportArgs): Promise<JobInfo>;
}

export type CaseUpdate = {
  [S in import('../domain/case.ts').CaseSection]: { section: S; value: import('../domain/case.ts').CaseSectionValue[S] };
}[import('../domain/case.ts').CaseSection];

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
export type ExportWorksheetArgs = { worksheet: import('../domain/worksheet.ts').Worksheet; path: string; format: 'json' | 'csv'; overwrite: boolean };

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
  getRowLabels: true,
  runScan: true,
  exportCleaned: true,
  cancelJob: true,
  listJobs: true,
  getJobResult: true,
  importAtlas: true,
  exportWorksheet: true,
  importWorksheet: true,
  trainModel: true,
  computeInfluence: true,
  computeSelfInfluence: true,
  runWhatIf: true,
  certifyRobustness: true,
  createCase: true,
  openCase: true,
  closeCase: true,
  getCase: true,
  listRecentCases: true,
  updateCase: true,
  getStoredResult: true,
  verifyCaseAudit: true,
  runPrivacy: true,
  runDrift: true,
  runMonitor: true,
  createManifest: true,
  signManifest: true,
  verifyManifest: true,
  generateKeyPair: true,
  checkSplitView: true,
  previewReport: true,
  exportReport: true,
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
