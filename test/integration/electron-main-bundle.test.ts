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
