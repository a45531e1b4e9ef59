/**
 * The built Electron main bundle (dist-electron/main.mjs), run in plain Node against a stand-in for the
 * 'electron' module (electron-shell/fake-electron.mjs): checks the window's security settings, the app://
 * protocol, the permission/navigation/new-window guards, the IPC router with the real bundled host and
 * worker threads, and a clean quit. The real binary is exercised by test/e2e/electron.spec.ts where installed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = path.join(root, 'test/integration/electron-shell');
let out: Record<string, any>;

beforeAll(() => {
  // Always rebuilt (under a second), so the test never passes on a stale bundle.
  execFileSync(process.execPath, ['scripts/build-electron.mjs', '--quiet'], { cwd: root });
  if (!existsSync(path.join(root, 'dist/renderer/index.html'))) execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'], { cwd: root });
  const stdout = execFileSync(process.execPath, ['--import', path.join(here, 'register.mjs'), path.join(here, 'drive-main.mjs')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  out = JSON.parse(stdout.trim().split('\n').pop()!);
});

describe('dist-electron/main.mjs', () => {
  it('sandboxes and isolates the window and registers app:// as a privileged scheme', () => {
    expect(out.sandbox).toBe(true);
    expect(out.privileged).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    expect(out.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    });
    expect(out.webPreferences.preload).toMatch(/dist-electron[\\/]preload\.cjs$/);
    expect(out.url).toBe('app://assay/index.html');
  });

  it('serves the renderer with the CSP and denies permissions, navigation away and new windows', () => {
    expect(out.protocol).toMatchObject({ status: 200, type: expect.stringMatching(/^text\/html/) });
    expect(out.protocol.csp).toContain("script-src 'self'");
    expect(out.permissionGranted).toBe(false);
    expect(out.permissionCheck).toBe(false);
    expect(out.navigationBlocked).toEqual({ evil: true, file: true, app: false });
    expect(out.windowOpen).toEqual({ action: 'deny' });
  });

  it('routes IPC to the host, refusing foreign senders and bad arguments', () => {
    expect(out.channels.sort()).toContain('assay:openSample');
    expect(out.appInfo).toMatchObject({ ok: true, value: { transport: 'electron' } });
    expect(out.foreignSender).toMatchObject({ ok: false, code: 'bad-request' });
    expect(out.badArgs).toMatchObject({ ok: false, code: 'bad-request', message: expect.stringContaining('getRow') });
    expect(out.jobStatus).toBe('done');
    expect(out.eventsSent.length).toBeGreaterThan(0);
    expect(new Set(out.eventsSent)).toEqual(new Set(['assay:event:jobUpdate']));
    expect(out.quitAfterHostClosed).toBe(true);
  });
});

describe('dist-electron/serve.mjs (the bundled served mode that `npm start` falls back to)', () => {
  it('runs a scan whose workers move their results (one piscina copy per thread in the bundle)', async () => {
    const { spawn } = await import('node:child_process');
    const { encodeWire, decodeWire, WIRE_CONTENT_TYPE } = await import('../../shared/contract/wire.ts');
    const child = spawn(process.execPath, [path.join(root, 'dist-electron/serve.mjs'), '--no-open'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<URL>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => {
          text += chunk;
          const match = /http:\/\/\S+/.exec(text);
          if (match) resolve(new URL(match[0]));
        });
        child.on('exit', (code) => reject(new Error(`serve.mjs exited with ${code}`)));
      });
      const token = url.searchParams.get('token')!;
      const call = async (method: string, arg: unknown) => {
        const response = await fetch(new URL(`/api/${method}`, url), {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': WIRE_CONTENT_TYPE },
          body: encodeWire(arg) as Uint8Array<ArrayBuffer>,
        });
        const reply = decodeWire(new Uint8Array(await response.arrayBuffer())) as { ok: boolean; value: any; message?: string };
        if (!reply.ok) throw new Error(reply.message);
        return reply.value;
      };
      const settle = async (id: string) => {
        for (;;) {
          const job = (await call('listJobs', null)).find((j: { id: string }) => j.id === id);
          if (['done', 'failed', 'cancelled'].includes(job.status)) return job;
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      const open = await call('openSample', null);
      expect((await settle(open.id)).status).toBe('done');
      const dataset = (await call('getJobResult', { jobId: open.id })).value;
      const scan = await call('runScan', {
        datasetId: dataset.id,
        detectors: [{ name: 'spectral', params: {} }, { name: 'knn-outlier', params: {} }],
        flag: { mode: 'fdr', q: 0.05 },
        referenceDatasetId: null,
      });
      const final = await settle(scan.id);
      expect(final.error).toBeNull();
      const result = (await call('getJobResult', { jobId: scan.id })).value;
      expect(result.runs[0].scores).toBeInstanceOf(Float64Array);
      expect(result.runs[0].scores).toHaveLength(3000);
      expect(result.runs[0].flagged.reduce((a: number, b: number) => a + b, 0)).toBeGreaterThanOrEqual(45);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
