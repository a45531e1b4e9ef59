/** The Electron shell's plain-Node parts: its command line, and the app:// protocol handler. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler, CONTENT_SECURITY_POLICY, resolveAppPath } from '../../electron/main/app-protocol.ts';
import { parseShellArgs } from '../../electron/main/argv.ts';
import { isAppUrl } from '../../electron/main/channels.ts';

describe('parseShellArgs', () => {
  const cwd = '/home/analyst';
  it('reads [file] [--label col] [--id col]', () => {
    expect(parseShellArgs(['data.csv', '--label', 'y', '--id=row'], { cwd })).toEqual({
      initialDataset: { path: '/home/analyst/data.csv', labelColumn: 'y', idColumn: 'row' },
      warnings: [],
    });
  });
  it('skips the entry script, the app folder and Chromium/Node switches', () => {
    const args = ['--inspect=0', '--remote-debugging-port=0', '--no-sandbox', '/app/dist-electron/main.mjs', '.', 'x.tsv', '--port', '9000', '--no-open'];
    expect(parseShellArgs(args, { cwd: '/app', entryPaths: ['/app/dist-electron/main.mjs', '/app'] }).initialDataset).toEqual({
      path: '/app/x.tsv',
      labelColumn: null,
      idColumn: null,
    });
  });
  it('warns instead of failing on incomplete input', () => {
    expect(parseShellArgs([], { cwd }).initialDataset).toBeNull();
    const r = parseShellArgs(['a.csv', 'b.csv', '--label'], { cwd });
    expect(r.initialDataset?.path).toBe('/home/analyst/a.csv');
    expect(r.warnings).toHaveLength(2);
  });
});

describe('app:// origin', () => {
  it('accepts only app://assay', () => {
    expect(isAppUrl('app://assay/index.html')).toBe(true);
    for (const url of ['app://assay.evil/', 'app://other/', 'file:///index.html', 'https://assay/', 'app://u:p@assay/', 'app://assay:1/', '', null, 'nonsense']) {
      expect(isAppUrl(url)).toBe(false);
    }
  });
});

describe('app:// protocol handler', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'assay-protocol-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html>');
  writeFileSync(path.join(dir, 'assets', 'a b.js'), 'export {}');
  writeFileSync(path.join(dir, '..', path.basename(dir) + '-secret.txt'), 'secret');
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(path.join(dir, '..', path.basename(dir) + '-secret.txt'), { force: true });
  });
  const handle = createAppProtocolHandler(dir);

  it('serves files with their type and the security headers', async () => {
    const index = await handle(new Request('app://assay/'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    const script = await handle(new Request('app://assay/assets/a%20b.js'));
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toBe('export {}');
  });

  it('serves nothing outside its folder or for another host', async () => {
    const secret = `/${path.basename(dir)}-secret.txt`;
    for (const url of [`app://assay/..${secret}`, `app://assay/%2e%2e${secret}`, `app://assay/%2e%2e%2f${secret.slice(1)}`, 'app://other/index.html', 'app://assay/assets', 'app://assay/%00']) {
      expect((await handle(new Request(url))).status, url).toBe(404);
    }
    expect(resolveAppPath(dir, 'app://assay/%E0%A4%A')).toBeNull();
    expect((await handle(new Request('app://assay/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });
});
