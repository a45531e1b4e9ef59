/**
 * The sandboxed preload (bundled to CommonJS: sandboxed preloads cannot be ES modules). It exposes
 * `window.assay`, an `AssayClient`, and `window.assayDesktop`, the desktop-only `pathForFile` for drag-and-drop.
 * `window.assay` is one function per contract method, each invoking the fixed
 * channel `assay:<method>` and unwrapping the `Reply` envelope, plus `on(event, listener)` for the contract's
 * events. Never `ipcRenderer` itself, never an `IpcRendererEvent`, never a channel chosen by the page.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
// Types only: the contract's runtime (zod schemas) stays out of the preload; the main process validates every
// argument against them (ipc-router.ts), so the preload only checks the argument's shape.
import type {
  ApiMethod,
  ApiResult,
  AssayApi,
  AssayClient,
  AssayEvents,
  Reply,
  Unsubscribe,
} from '../../shared/contract/api.ts';
import { EVENT_PREFIX, INVOKE_PREFIX } from './channels.ts';

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The contract's events. `satisfies Record<keyof AssayEvents, true>` fails to compile when an event is added to
 * or removed from the contract without updating this list.
 */
const EVENTS = { jobUpdate: true } as const satisfies Record<keyof AssayEvents, true>;
const EVENT_NAMES = Object.keys(EVENTS);

function isEvent(name: unknown): name is keyof AssayEvents {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(EVENTS, name);
}

/** Every method takes one plain argument object or nothing; the main process checks the fields. */
function isPlainArgument(value: unknown): boolean {
  if (value === undefined) return true;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The page-side function for one method. */
function call<M extends ApiMethod>(method: M): AssayApi[M] {
  const channel = INVOKE_PREFIX + method;
  const invoke = async (...rest: unknown[]): Promise<ApiResult<M>> => {
    const [args] = rest;
    if (rest.length > 1 || !isPlainArgument(args)) {
      throw new Error(`'${method}' takes one argument object or none.`);
    }
    let reply: Reply<ApiResult<M>>;
    try {
      reply = (await ipcRenderer.invoke(channel, args)) as Reply<ApiResult<M>>;
    } catch (err) {
      throw new Error(`'${method}' did not reach the Assay host: ${errorMessage(err)}`);
    }
    if (!reply.ok) throw new Error(reply.message);
    return reply.value;
  };
  // The cast only restates the method's signature: `invoke` takes the method's one optional argument object.
  return invoke as unknown as AssayApi[M];
}

function on<E extends keyof AssayEvents>(event: E, listener: (payload: AssayEvents[E]) => void): Unsubscribe {
  if (!isEvent(event)) {
    throw new Error(`assay.on: unknown event '${String(event)}'; known events: ${EVENT_NAMES.join(', ')}.`);
  }
  if (typeof listener !== 'function') throw new Error(`assay.on('${event}', listener): listener must be a function.`);
  const channel = EVENT_PREFIX + event;
  const relay = (_event: IpcRendererEvent, payload: AssayEvents[E]) => listener(payload);
  ipcRenderer.on(channel, relay);
  return () => {
    ipcRenderer.removeListener(channel, relay);
  };
}

// `satisfies` makes the compiler check that this object has exactly the contract's methods (excess and
// missing properties both fail), so it cannot drift from the contract (API_METHODS holds the same keys).
const api = {
  getAppInfo: call('getAppInfo'),
  previewDataset: call('previewDataset'),
  openDataset: call('openDataset'),
  openSample: call('openSample'),
  generateSynthetic: call('generateSynthetic'),
  listDatasets: call('listDatasets'),
  getDatasetReport: call('getDatasetReport'),
  getRows: call('getRows'),
  findRow: call('findRow'),
  listDirectory: call('listDirectory'),
  getRow: call('getRow'),
  getRowIds: call('getRowIds'),
  getRowLabels: call('getRowLabels'),
  runScan: call('runScan'),
  exportCleaned: call('exportCleaned'),
  cancelJob: call('cancelJob'),
  listJobs: call('listJobs'),
  getJobResult: call('getJobResult'),
  importAtlas: call('importAtlas'),
  exportWorksheet: call('exportWorksheet'),
  importWorksheet: call('importWorksheet'),
  trainModel: call('trainModel'),
  computeInfluence: call('computeInfluence'),
  computeSelfInfluence: call('computeSelfInfluence'),
  runWhatIf: call('runWhatIf'),
  certifyRobustness: call('certifyRobustness'),
  createCase: call('createCase'),
  openCase: call('openCase'),
  closeCase: call('closeCase'),
  getCase: call('getCase'),
  listRecentCases: call('listRecentCases'),
  updateCase: call('updateCase'),
  getStoredResult: call('getStoredResult'),
  verifyCaseAudit: call('verifyCaseAudit'),
  runPrivacy: call('runPrivacy'),
  runDrift: call('runDrift'),
  runMonitor: call('runMonitor'),
  createManifest: call('createManifest'),
  signManifest: call('signManifest'),
  verifyManifest: call('verifyManifest'),
  generateKeyPair: call('generateKeyPair'),
  checkSplitView: call('checkSplitView'),
  previewReport: call('previewReport'),
  exportReport: call('exportReport'),
  on,
} satisfies AssayClient;

contextBridge.exposeInMainWorld('assay', api);

/**
 * Desktop-only helpers, apart from the contract (the served mode has no equivalent). Electron 32 removed
 * `File.path`; a file dropped on the window gets its path on disk here, so the import dialog can preview it.
 */
type DroppedFile = Parameters<typeof webUtils.getPathForFile>[0];
const desktop = {
  pathForFile(file: DroppedFile): string {
    try {
      return webUtils.getPathForFile(file);
    } catch {
      // Not a File from a drop (or one without a path, e.g. dragged from a browser): no path.
      return '';
    }
  },
};
contextBridge.exposeInMainWorld('assayDesktop', desktop);
