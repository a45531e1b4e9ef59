/**
 * The served-mode transport: calls are `POST /api/<method>` carrying wire frames, events arrive over a
 * WebSocket at `/events`. Authentication is the HttpOnly `assay_token_<port>` cookie the server set when the page was
 * first opened with `?token=`; this module never sees the token.
 */
import {
  API_METHODS,
  AssayCallError,
  type ApiMethod,
  type AssayClient,
  type AssayEvents,
  type Reply,
  type Unsubscribe,
} from '../../../shared/contract/api.ts';
import { WIRE_CONTENT_TYPE, decodeWire, encodeWire } from '../../../shared/contract/wire.ts';

type Listener<E extends keyof AssayEvents> = (payload: AssayEvents[E]) => void;

export interface ServedClientOptions {
  /** Page URL the API and the event socket are relative to; defaults to the current location. */
  base?: string;
  /** Reconnect delays grow from `minDelayMs` to `maxDelayMs`. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

export function createServedClient(options: ServedClientOptions = {}): AssayClient {
  const base = options.base ?? window.location.href;
  const listeners: { [E in keyof AssayEvents]: Set<Listener<E>> } = { jobUpdate: new Set() };

  async function call(method: ApiMethod, arg: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(new URL(`/api/${method}`, base), {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': WIRE_CONTENT_TYPE },
        body: encodeWire(arg ?? null) as Uint8Array<ArrayBuffer>,
      });
    } catch (err) {
      throw new Error(`Assay could not reach its server for '${method}' (${String(err)}). Is the served mode still running?`);
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    let reply: Reply<unknown>;
    try {
      reply = decodeWire(bytes) as Reply<unknown>;
    } catch {
      if (response.status === 401 || response.status === 403) {
        throw new Error(`The server refused '${method}' (${response.status}): open the URL with ?token=… that it printed at start.`);
      }
      throw new Error(`The server answered '${method}' with ${response.status} ${response.statusText} and an unreadable body.`);
    }
    if (!reply || typeof reply !== 'object' || typeof (reply as { ok?: unknown }).ok !== 'boolean') {
      throw new Error(`The server answered '${method}' with a malformed reply (status ${response.status}).`);
    }
    if (!reply.ok) throw new AssayCallError(method, reply.code, reply.message);
    return reply.value;
  }

  function emit<E extends keyof AssayEvents>(event: E, payload: AssayEvents[E]): void {
    for (const listener of listeners[event]) {
      try {
        listener(payload);
      } catch (err) {
        console.error(`Assay: a '${event}' listener threw`, err);
      }
    }
  }

  // Event socket with reconnect. After a reconnect the job list is re-read so that updates missed while the
  // socket was down (a job finishing, say) still reach the listeners.
  const minDelay = options.minDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 5000;
  let delay = minDelay;
  let socket: WebSocket | null = null;
  let everConnected = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;

  function connect(): void {
    const url = new URL('/events', base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      delay = minDelay;
      if (everConnected) void resync();
      everConnected = true;
    };
    ws.onmessage = (message) => {
      if (typeof message.data !== 'string') return;
      let parsed: { event?: unknown; payload?: unknown };
      try {
        parsed = JSON.parse(message.data) as typeof parsed;
      } catch {
        console.warn('Assay: ignored an event that is not JSON');
        return;
      }
      if (parsed.event === 'jobUpdate' && parsed.payload && typeof parsed.payload === 'object') {
        emit('jobUpdate', parsed.payload as AssayEvents['jobUpdate']);
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      reconnectTimer = setTimeout(connect, delay);
      delay = Math.min(maxDelay, delay * 2);
    };
  }

  async function resync(): Promise<void> {
    try {
      const jobs = (await call('listJobs', null)) as AssayEvents['jobUpdate'][];
      for (const job of jobs) emit('jobUpdate', job);
    } catch (err) {
      console.warn('Assay: could not re-read jobs after reconnecting', err);
    }
  }

  connect();
  window.addEventListener('pagehide', () => {
    if (reconnectTimer) clearTimeout(reconnectTimer);
    const ws = socket;
    socket = null;
    ws?.close();
  });

  const client = {
    on<E extends keyof AssayEvents>(event: E, listener: Listener<E>): Unsubscribe {
      const set = listeners[event] as Set<Listener<E>>;
      set.add(listener);
      return () => set.delete(listener);
    },
  } as Record<string, unknown>;
  for (const method of API_METHODS) {
    client[method] = (arg?: unknown) => call(method, arg);
  }
  return client as unknown as AssayClient;
}
