/**
 * The Electron transport without Electron: the real preload (electron/main/preload.ts) and IPC router
 * (electron/main/ipc-router.ts) wired together through a stand-in for the 'electron' module, in front of a
 * real host. What a real run adds (the binary, contextBridge's copying, the sandbox) is covered by
 * test/e2e/electron.spec.ts where the binary is installed.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AssayClient, JobResult } from '../../shared/contract/api.ts';
import type { JobInfo } from '../../shared/domain/jobs.ts';

const fake = vi.hoisted(() => {
  type Handler = (event: unknown, ...args: unknown[]) => unknown;
  const handlers = new Map<string, Handler>();
  const rendererBus = new (class {
    listeners = new Map<string, Set<(...args: unknown[]) => void>>();
    on(channel: string, fn: (...args: unknown[]) => void) {
      if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
      this.listeners.get(channel)!.add(fn);
    }
    off(channel: string, fn: (...args: unknown[]) => void) {
      this.listeners.get(channel)?.delete(fn);
    }
    emit(channel: string, ...args: unknown[]) {
      for (const fn of this.listeners.get(channel) ?? []) fn(...args);
    }
  })();
  const state = {
    pageUrl: 'app://assay/index.html',
    frame: { parent: null as unknown, url: 'app://assay/index.html', isDestroyed: () => false },
    exposed: new Map<string, unknown>(),
    sent: [] as string[],
  };
  const webContents = {
    isDestroyed: () => false,
    getURL: () => state.pageUrl,
    send: (channel: string, payload: unknown) => {
      state.sent.push(channel);
      // Structured clone, as Electron's IPC does.
      rendererBus.emit(channel, { sender: 'IpcRendererEvent' }, structuredClone(payload));
    },
  };
  const window = { isDestroyed: () => false, webContents };
  const ipcMain = {
    handle: (channel: string, fn: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, fn);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  };
  const ipcRenderer = {
    invoke: async (channel: string, ...args: unknown[]) => {
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      const event = { sender: webContents, senderFrame: { ...state.frame } };
      return structuredClone(await handler(event, ...args.map((a) => structuredClone(a))));
    },
    on: (channel: string, fn: (...args: unknown[]) => void) => rendererBus.on(channel, fn),
    removeListener: (channel: string, fn: (...args: unknown[]) => void) => rendererBus.off(channel, fn),
  };
  const contextBridge = { exposeInMainWorld: (key: string, api: unknown) => state.exposed.set(key, api) };
  return { handlers, state, window, ipcMain, ipcRenderer, contextBridge };
});

vi.mock('electron', () => ({ ipcMain: fake.ipcMain, ipcRenderer: fake.ipcRenderer, contextBridge: fake.contextBridge }));

const root = fileURLToPath(new URL('../..', import.meta.url));
let api: AssayClient;
let dispose: () => void;
let closeHost: () => Promise<void>;

beforeAll(async () => {
  const { createHost } = await import('../../electron/host/host.ts');
  const { registerIpcRouter } = await import('../../electron/main/ipc-router.ts');
  const host = createHost({ transport: 'electron', samplePath: join(root, 'samples', 'backdoor-embeddings.csv'), threads: 1 });
  closeHost = () => host.close();
  dispose = registerIpcRouter({ host, getWindow: () => fake.window as never, log: () => {} });
  await import('../../electron/main/preload.ts');
  api = fake.state.exposed.get('assay') as AssayClient;
});

afterAll(async () => {
  dispose?.();
  await closeHost?.();
});

describe('Electron transport (preload + IPC router)', () => {
  it('exposes exactly the contract on window.assay, and only a path helper on window.assayDesktop', async () => {
    const { API_METHODS } = await import('../../shared/contract/api.ts');
    expect([...fake.state.exposed.keys()]).toEqual(['assay', 'assayDesktop']);
    expect(Object.keys(fake.state.exposed.get('assayDesktop') as object)).toEqual(['pathForFile']);
    expect(Object.keys(api).sort()).toEqual([...API_METHODS, 'on'].sort());
    expect([...fake.handlers.keys()].sort()).toEqual(API_METHODS.map((m) => `assay:${m}`).sort());
  });

  it('calls the host and streams job updates (payload only) until unsubscribed', async () => {
    const info = await api.getAppInfo();
    expect(info.transport).toBe('electron');

    const updates: unknown[][] = [];
    let done!: (job: JobInfo) => void;
    const finished = new Promise<JobInfo>((resolve) => (done = resolve));
    const unsubscribe = api.on('jobUpdate', (...args: unknown[]) => {
      updates.push(args);
      const job = args[0] as JobInfo;
      if (job.status === 'done' || job.status === 'failed') done(job);
    });
    const job = await api.openSample();
    const last = await finished;
    expect(last.id).toBe(job.id);
    expect(last.status).toBe('done');
    expect(updates.every((args) => args.length === 1)).toBe(true);
    unsubscribe();

    const datasets = await api.listDatasets();
    expect(datasets.map((d) => d.name)).toContain('backdoor-embeddings.csv');
    const result: JobResult = await api.getJobResult({ jobId: job.id });
    expect(result.kind).toBe('load');

    const before = updates.length;
    const second = await api.openSample();
    await vi.waitFor(async () => expect((await api.listJobs()).find((j) => j.id === second.id)?.status).toBe('done'), { timeout: 30_000 });
    expect(updates.length).toBe(before);
  });

  it('turns bad arguments and host errors into rejected calls with the message', async () => {
    await expect(api.getRow({ datasetId: '', index: 0 })).rejects.toThrow(/getRow/);
    await expect((api.listJobs as (a: unknown) => Promise<unknown>)({ x: 1 })).rejects.toThrow(/'listJobs' takes no argument/);
    await expect(api.cancelJob({ jobId: 'no-such-job' })).rejects.toThrow(/no job|not found|unknown/i);
    await expect((api.getRow as (...a: unknown[]) => Promise<unknown>)({ datasetId: 'a', index: 0 }, 2)).rejects.toThrow(/one argument/);
  });

  it('refuses senders that are not our main frame on our origin', async () => {
    const frame = fake.state.frame;
    try {
      fake.state.frame = { ...frame, parent: {} };
      await expect(api.listJobs()).rejects.toThrow(/subframe/);
      fake.state.frame = { ...frame, url: 'https://evil.example/' };
      await expect(api.listJobs()).rejects.toThrow(/not the Assay app/);
      fake.state.frame = { ...frame, url: 'app://assay.evil/index.html' };
      await expect(api.listJobs()).rejects.toThrow(/not the Assay app/);
    } finally {
      fake.state.frame = frame;
    }
    await expect(api.listJobs()).resolves.toBeInstanceOf(Array);
  });

  it('rejects unknown events', () => {
    expect(() => api.on('nope' as 'jobUpdate', () => {})).toThrow(/unknown event 'nope'/);
  });

  it('pushes no events to a window showing another page', async () => {
    fake.state.sent.length = 0;
    fake.state.pageUrl = 'https://evil.example/';
    try {
      const job = await api.openSample();
      await vi.waitFor(async () => expect((await api.listJobs()).find((j) => j.id === job.id)?.status).toBe('done'), { timeout: 30_000 });
      expect(fake.state.sent).toEqual([]);
    } finally {
      fake.state.pageUrl = 'app://assay/index.html';
    }
  });
});
