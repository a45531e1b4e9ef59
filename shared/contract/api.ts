/**
 * The one contract between the renderer and the host. The Electron preload/IPC router and the served-mode
 * HTTP server both implement it; the renderer only ever sees an `AssayClient`.
 *
 * Every method takes one argument object (or none) so that both transports can validate it with the same
 * schema and carry it as one message.
 */
import { z } from 'zod';
import type { DatasetSummary, RowDetail } from '../domain/dataset.ts';
import type { JobInfo, JobKinds } from '../domain/jobs.ts';

export interface AppInfo {
  version: string;
  transport: 'electron' | 'served' | 'cli';
  /** Absolute path of the bundled sample dataset. */
  samplePath: string;
  /** Dataset the app was started on (command line), opened by the UI at start; null when none. */
  initialDataset: { path: string; labelColumn: string | null; idColumn: string | null } | null;
}

/** A job's result, typed by its kind. */
export type JobResult = { [K in keyof JobKinds]: { kind: K; value: JobKinds[K]['result'] } }[keyof JobKinds];

export interface AssayApi {
  getAppInfo(): Promise<AppInfo>;
  /** Opens a CSV/TSV file as a job; its result is the dataset's summary. */
  openDataset(args: OpenDatasetArgs): Promise<JobInfo>;
  /** Opens the bundled sample dataset (a backdoored embedding set) as a job. */
  openSample(): Promise<JobInfo>;
  /** Generates an embedding dataset with a planted backdoor, as a job. */
  generateSynthetic(args: SyntheticArgs): Promise<JobInfo>;
  listDatasets(): Promise<DatasetSummary[]>;
  getRow(args: GetRowArgs): Promise<RowDetail>;
  runDetector(args: RunDetectorArgs): Promise<JobInfo>;
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

const finite = z.number().finite();
const jobRef = z.object({ jobId: z.string().min(1).max(100) }).strict();

/** Argument schemas, one per method; `null` for methods without arguments. Both transports validate with these. */
export const apiArgSchemas = {
  getAppInfo: null,
  openDataset: z
    .object({
      path: z.string().min(1).max(4096),
      labelColumn: z.string().max(1000).nullable(),
      idColumn: z.string().max(1000).nullable(),
    })
    .strict(),
  openSample: null,
  generateSynthetic: z
    .object({
      rows: z.number().int().min(20).max(5_000_000),
      dims: z.number().int().min(2).max(4096),
      classes: z.number().int().min(2).max(1000),
      poisonFraction: finite.min(0).max(0.49),
      seed: z.number().int().min(0).max(2 ** 31 - 1),
    })
    .strict(),
  listDatasets: null,
  getRow: z.object({ datasetId: z.string().min(1).max(100), index: z.number().int().min(0) }).strict(),
  runDetector: z
    .object({
      datasetId: z.string().min(1).max(100),
      detector: z.literal('spectral'),
      params: z.object({ epsilon: finite.gt(0).max(0.5), budgetFactor: finite.gt(0).max(10) }).strict(),
    })
    .strict(),
  cancelJob: jobRef,
  listJobs: null,
  getJobResult: jobRef,
} as const satisfies { [M in ApiMethod]: z.ZodType<ApiArgs<M>> | null };

export type OpenDatasetArgs = { path: string; labelColumn: string | null; idColumn: string | null };
export type SyntheticArgs = import('../domain/dataset.ts').SyntheticSpec;
export type GetRowArgs = { datasetId: string; index: number };
export type RunDetectorArgs = {
  datasetId: string;
  detector: 'spectral';
  params: import('../domain/detectors.ts').SpectralParams;
};
export type JobRef = { jobId: string };

export const API_METHODS = Object.keys(apiArgSchemas) as ApiMethod[];
export const API_EVENTS: (keyof AssayEvents)[] = ['jobUpdate'];

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(apiArgSchemas, name);
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

/** Validates a call's argument against the contract; returns a message naming the method and field, or the value. */
export function parseArgs<M extends ApiMethod>(
  method: M,
  raw: unknown,
): { ok: true; value: ApiArgs<M> } | { ok: false; message: string } {
  const schema = apiArgSchemas[method];
  if (schema === null) {
    if (raw === undefined || raw === null) return { ok: true, value: undefined as ApiArgs<M> };
    return { ok: false, message: `'${method}' takes no argument` };
  }
  const parsed = (schema as z.ZodType).safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data as ApiArgs<M> };
  const issue = parsed.error.issues[0];
  const where = issue.path.length ? `'${issue.path.join('.')}'` : 'the argument';
  return { ok: false, message: `${where} passed to '${method}': ${issue.message}` };
}

/** The envelope both transports carry, so an error arrives as data rather than as a transport failure. */
export type Reply<T> = { ok: true; value: T } | { ok: false; code: AssayCallError['code']; message: string };
