/**
 * The Electron transport's main-process half: one `ipcMain.handle('assay:<method>')` per contract method,
 * and host events forwarded to the window on `assay:event:<event>`.
 *
 * Every call is checked in this order, and every outcome is a `Reply` envelope — nothing is thrown across
 * IPC, so the renderer gets the host's message rather than Electron's "Error invoking remote method":
 * 1. the sender is our window's main frame, currently showing our own origin (VS Code's validated ipcMain:
 *    an iframe, another webContents, or a page navigated elsewhere is refused);
 * 2. the argument matches the contract's schema (`parseArgs`, the same check the served mode makes);
 * 3. the host's method runs; a coded host error keeps its code, anything else is `failed` (and is logged).
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import {
  API_EVENTS,
  API_METHODS,
  type AssayCallError,
  type ApiMethod,
  type AssayEvents,
  type Reply,
} from '../../shared/contract/api.ts';
import { parseArgs } from '../../shared/contract/schemas.ts';
import type { Host } from '../host/host.ts';
import { EVENT_PREFIX, INVOKE_PREFIX, isAppUrl } from './channels.ts';

export interface IpcRouterOptions {
  host: Host;
  /** The one window allowed to call; null while there is none. */
  getWindow: () => BrowserWindow | null;
  /** Where refusals and unexpected failures are logged (defaults to console.error). */
  log?: (message: string) => void;
}

/** Why `event` may not call the host, or null when it may. */
export function senderProblem(event: IpcMainInvokeEvent, window: BrowserWindow | null): string | null {
  if (!window || window.isDestroyed()) return 'there is no Assay window';
  if (event.sender !== window.webContents) return 'the sender is not the Assay window';
  let frame: IpcMainInvokeEvent['senderFrame'];
  try {
    frame = event.senderFrame;
  } catch {
    frame = null;
  }
  if (!frame || frame.isDestroyed()) return 'the sending frame is gone (navigated or closed)';
  if (frame.parent !== null) return 'the sender is a subframe, not the main frame';
  if (!isAppUrl(frame.url)) return `the sender's page is not the Assay app (${frame.url || 'no URL'})`;
  return null;
}

const CODES: readonly string[] = ['bad-request', 'not-found', 'failed'] satisfies AssayCallError['code'][];

/** The host's coded errors (HostError, AssayCallError) keep their code; anything else is `failed`. */
function codeOf(err: unknown): AssayCallError['code'] | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CODES.includes(code) ? (code as AssayCallError['code']) : null;
}

function failure(err: unknown): Reply<never> {
  const code = codeOf(err);
  if (code !== null && err instanceof Error) return { ok: false, code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { ok: false, code: 'failed', message: message || 'The host failed without a message.' };
}

type AnyMethod = (this: Host, args: unknown) => Promise<unknown>;

/** Registers the handlers and the event relay; returns a function that removes them all. */
export function registerIpcRouter(options: IpcRouterOptions): () => void {
  const { host, getWindow } = options;
  const log = options.log ?? ((message: string) => console.error(message));

  const handle = async (method: ApiMethod, event: IpcMainInvokeEvent, raw: unknown): Promise<Reply<unknown>> => {
    const refused = senderProblem(event, getWindow());
    if (refused !== null) {
      log(`Assay: refused IPC call '${method}': ${refused}.`);
      return { ok: false, code: 'bad-request', message: `Refused '${method}': ${refused}.` };
    }
    const args = parseArgs(method, raw);
    if (!args.ok) return { ok: false, code: 'bad-request', message: args.message };
    try {
      const value = await (host[method] as AnyMethod).call(host, args.value);
      return { ok: true, value };
    } catch (err) {
      if (codeOf(err) === null) log(`Assay: '${method}' failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return failure(err);
    }
  };

  for (const method of API_METHODS) {
    ipcMain.handle(INVOKE_PREFIX + method, (event, raw: unknown) => handle(method, event, raw));
  }

  const forward = <E extends keyof AssayEvents>(name: E) =>
    host.on(name, (payload: AssayEvents[E]) => {
      const window = getWindow();
      if (!window || window.isDestroyed()) return;
      const contents = window.webContents;
      // Never push host data to a page that is not ours (navigation is blocked, but be sure).
      if (contents.isDestroyed() || !isAppUrl(contents.getURL())) return;
      contents.send(EVENT_PREFIX + name, payload);
    });
  const unsubscribes = API_EVENTS.map((name) => forward(name));

  return () => {
    for (const method of API_METHODS) ipcMain.removeHandler(INVOKE_PREFIX + method);
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}
