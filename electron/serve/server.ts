/**
 * The served mode: the same UI and contract over HTTP + WebSocket, for machines without an Electron binary,
 * for the end-to-end tests, and for a remote analysis box reached through an SSH tunnel.
 *
 * Like a notebook server it binds 127.0.0.1 only and requires a random per-launch token: given once as
 * `?token=` it becomes an HttpOnly, SameSite=Strict cookie; scripts may send `Authorization: Bearer`.
 * Host must be a loopback name (no DNS rebinding) and Origin, when sent, must equal http://<Host>
 * (no cross-site requests); calls also need the non-simple wire content type, so browsers preflight them.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { AssayCallError, isApiMethod, type AssayApi, type Reply } from '../../shared/contract/api.ts';
import { parseArgs } from '../../shared/contract/schemas.ts';
import { decodeWire, encodeWire, WIRE_CONTENT_TYPE } from '../../shared/contract/wire.ts';
import { HostError } from '../host/errors.ts';
import type { Host } from '../host/host.ts';

export interface ServedOptions {
  host: Host;
  /** Folder of the built renderer (vite build output, containing index.html). */
  staticDir: string;
  /** 0 or absent: any free port. */
  port?: number;
  /** Defaults to 32 random bytes, hex. */
  token?: string;
}

export interface ServedMode {
  /** http://127.0.0.1:PORT/?token=TOKEN — what to open in a browser. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);
// Calls carry row lists (quarantine sets of a million-row dataset, rows to exclude from an export) and whole
// worksheets, so the cap is generous; it only bounds what one authenticated request may make the host buffer.
const MAX_BODY = 64 << 20;
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self' ws: wss:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export async function startServedMode(options: ServedOptions): Promise<ServedMode> {
  const host = options.host;
  const staticDir = resolve(options.staticDir);
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new Error(`the UI is not built (no ${join(staticDir, 'index.html')}); run 'npm run build' first`);
  }
  const token = options.token ?? randomBytes(32).toString('hex');
  const tokenBytes = Buffer.from(token);
  let port = 0;
  const cookieName = () => `assay_token_${port}`;

  const tokenMatches = (candidate: string | undefined | null): boolean => {
    if (!candidate) return false;
    const bytes = Buffer.from(candidate);
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes);
  };

  /** null when the request may proceed; otherwise the status and reason to refuse it with. */
  const refusal = (req: IncomingMessage, url: URL): [number, string] | null => {
    const hostHeader = req.headers.host ?? '';
    const hostname = hostHeader.replace(/:\d+$/, '');
    if (!LOOPBACK_NAMES.has(hostname)) return [403, `Host '${hostHeader}' is not a loopback address`];
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${hostHeader}`) return [403, `Origin '${origin}' is not this server`];
    const cookies = parseCookies(req.headers.cookie);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const offered = [url.searchParams.get('token'), bearer, ...Object.entries(cookies).filter(([k]) => k.startsWith('assay_token')).map(([, v]) => v)];
    if (offered.some(tokenMatches)) return null;
    return offered.some((t) => t) ? [403, 'wrong token'] : [401, 'this server needs the token printed when it started (open the URL with ?token=…)'];
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refused = refusal(req, url);
    if (refused) return sendText(res, refused[0], refused[1]);
    if (url.searchParams.has('token')) {
      res.setHeader('Set-Cookie', `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    }
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return sendText(res, 405, 'API calls are POST');
      return void handleCall(host, url.pathname.slice(5), req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed');
    serveStatic(staticDir, url.pathname, res);
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refused = url.pathname === '/events' ? refusal(req, url) : ([404, 'not found'] as [number, string]);
    if (refused) {
      socket.end(`HTTP/1.1 ${refused[0]} ${refused[0] === 401 ? 'Unauthorized' : refused[0] === 404 ? 'Not Found' : 'Forbidden'}\r\nConnection: close\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws));
  });
  const clients = new Set<WebSocket>();
  sockets.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
  });
  const unsubscribe = host.on('jobUpdate', (payload) => {
    const message = JSON.stringify({ event: 'jobUpdate', payload });
    for (const ws of clients) ws.send(message);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function handleCall(host: Host, method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const reply = async (status: number, body: Reply<unknown>) => {
    res.writeHead(status, { 'Content-Type': WIRE_CONTENT_TYPE, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    res.end(encodeWire(body));
  };
  if (!isApiMethod(method)) return reply(404, { ok: false, code: 'not-found', message: `no API method '${method}'` });
  if (req.headers['content-type'] !== WIRE_CONTENT_TYPE) {
    return reply(415, { ok: false, code: 'bad-request', message: `calls must be sent as ${WIRE_CONTENT_TYPE}` });
  }
  let raw: unknown;
  try {
    const body = await readBody(req);
    raw = body.length ? decodeWire(body) : undefined;
  } catch (error) {
    return reply(400, { ok: false, code: 'bad-request', message: `'${method}': ${(error as Error).message}` });
  }
  const args = parseArgs(method, raw);
  if (!args.ok) return reply(400, { ok: false, code: 'bad-request', message: args.message });
  try {
    const call = host[method] as (arg: unknown) => Promise<unknown>;
    const value = await call.call(host as AssayApi, args.value);
    return reply(200, { ok: true, value });
  } catch (error) {
    const code = error instanceof HostError || error instanceof AssayCallError ? error.code : 'failed';
    const status = code === 'not-found' ? 404 : code === 'bad-request' ? 400 : 500;
    return reply(status, { ok: false, code, message: error instanceof Error ? error.message : String(error) });
  }
}

function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error(`request body over ${MAX_BODY} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

function serveStatic(root: string, pathname: string, res: ServerResponse): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
  } catch {
    return sendText(res, 400, 'malformed path');
  }
  const file = join(root, normalize(decoded).replace(/^([/\\])+/, ''));
  if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) return sendText(res, 404, 'not found');
  const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
  const headers: Record<string, string> = {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
  if (type.startsWith('text/html')) {
    headers['Content-Security-Policy'] = CSP;
    headers['X-Frame-Options'] = 'DENY';
  }
  res.writeHead(200, headers);
  createReadStream(file).pipe(res);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text + '\n');
}

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return out;
}
