import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { samplePath } from '../../electron/host/app-root.ts';
import { createHost, type Host } from '../../electron/host/host.ts';
import { startServedMode, type ServedMode } from '../../electron/serve/server.ts';
import { decodeWire, encodeWire, WIRE_CONTENT_TYPE } from '../../shared/contract/wire.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

describe('served mode', () => {
  let host: Host;
  let served: ServedMode;
  let staticDir: string;

  beforeAll(async () => {
    staticDir = mkdtempSync(join(tmpdir(), 'assay-static-'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Assay</title>');
    host = createHost({ transport: 'served', samplePath: samplePath(), threads: 1 });
    served = await startServedMode({ host, staticDir });
  });
  afterAll(async () => {
    await served.close();
    await host.close();
  });

  const send = (path: string, options: { method?: string; headers?: Record<string, string>; body?: Uint8Array; address?: string } = {}) =>
    new Promise<Answer>((resolve, reject) => {
      const req = request(
        { host: options.address ?? '127.0.0.1', port: served.port, path, method: options.method ?? 'GET', headers: { Host: `127.0.0.1:${served.port}`, ...options.headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        },
      );
      req.on('error', reject);
      req.end(options.body);
    });
  const auth = () => ({ Authorization: `Bearer ${served.token}` });
  const call = (method: string, arg: unknown, headers: Record<string, string> = auth()) =>
    send(`/api/${method}`, { method: 'POST', headers: { 'Content-Type': WIRE_CONTENT_TYPE, ...headers }, body: encodeWire(arg) });

  it('prints a loopback URL carrying a long random token', () => {
    expect(served.url).toBe(`http://127.0.0.1:${served.port}/?token=${served.token}`);
    expect(served.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses pages and calls without the token, and gives no data', async () => {
    const page = await send('/');
    expect(page.status).toBe(401);
    expect(page.body.toString()).not.toContain('Assay');
    const api = await call('listDatasets', null, {});
    expect(api.status).toBe(401);
  });

  it('refuses a wrong token with 403', async () => {
    expect((await send('/?token=' + 'f'.repeat(64))).status).toBe(403);
    expect((await call('listDatasets', null, { Authorization: 'Bearer nope' })).status).toBe(403);
  });

  it('turns ?token= into an HttpOnly SameSite=Strict cookie that authenticates later requests', async () => {
    const first = await send(`/?token=${served.token}`);
    expect(first.status).toBe(200);
    expect(first.headers['content-security-policy']).toContain("default-src 'self'");
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const pair = cookie.split(';')[0];
    const later = await call('listDatasets', null, { Cookie: pair });
    expect(later.status).toBe(200);
    expect(decodeWire(new Uint8Array(later.body))).toEqual({ ok: true, value: [] });
  });

  it('refuses a foreign Host header even with the token (DNS rebinding)', async () => {
    const answer = await send(`/?token=${served.token}`, { headers: { Host: `evil.example:${served.port}` } });
    expect(answer.status).toBe(403);
  });

  it('refuses a foreign Origin even with the token (cross-site requests)', async () => {
    const answer = await call('listDatasets', null, { ...auth(), Origin: 'http://evil.example' });
    expect(answer.status).toBe(403);
    const same = await call('listDatasets', null, { ...auth(), Origin: `http://127.0.0.1:${served.port}` });
    expect(same.status).toBe(200);
  });

  it('needs the wire content type, so browsers must preflight cross-origin calls', async () => {
    const answer = await send('/api/listDatasets', { method: 'POST', headers: { ...auth(), 'Content-Type': 'text/plain' }, body: encodeWire(null) });
    expect(answer.status).toBe(415);
  });

  it('names the method and field of a bad argument', async () => {
    const answer = await call('getRow', { datasetId: 'ds-1', index: -1 });
    expect(answer.status).toBe(400);
    const reply = decodeWire(new Uint8Array(answer.body)) as { ok: boolean; message: string };
    expect(reply.ok).toBe(false);
    expect(reply.message).toContain("'index' passed to 'getRow'");
    expect((await call('noSuchMethod', null)).status).toBe(404);
  });

  it('serves no file outside the UI folder', async () => {
    expect((await send('/../package.json', { headers: auth() })).status).toBe(404);
    expect((await send('/%2e%2e/%2e%2e/package.json', { headers: auth() })).status).toBe(404);
  });

  it('does not listen on other interfaces', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!external) return; // a machine with loopback only has nothing else to try
    await expect(send('/', { address: external.address })).rejects.toThrow();
  });

  it('accepts event sockets only with the token and our Origin', async () => {
    const base = `ws://127.0.0.1:${served.port}/events`;
    const opens = (headers: Record<string, string>) =>
      new Promise<boolean>((resolve) => {
        const ws = new WebSocket(base, { headers });
        ws.on('open', () => {
          ws.close();
          resolve(true);
        });
        ws.on('error', () => resolve(false));
      });
    expect(await opens({})).toBe(false);
    expect(await opens({ ...auth(), Origin: 'http://evil.example' })).toBe(false);
    expect(await opens({ ...auth(), Origin: `http://127.0.0.1:${served.port}` })).toBe(true);
  });

  it('pushes job updates to event sockets', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${served.port}/events`, { headers: auth() });
    await new Promise((r) => ws.on('open', r));
    const messages: { event: string; payload: { id: string; status: string } }[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    const reply = decodeWire(new Uint8Array((await call('openSample', null)).body)) as { value: { id: string } };
    await host.jobs.settled(reply.value.id);
    await new Promise((r) => setTimeout(r, 50));
    ws.close();
    const mine = messages.filter((m) => m.payload.id === reply.value.id);
    expect(mine[0].event).toBe('jobUpdate');
    expect(mine.at(-1)?.payload.status).toBe('done');
  });
});
