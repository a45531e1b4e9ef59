/**
 * Runs the built dist-electron/main.mjs against fake-electron.mjs and prints what it observed as one JSON line.
 * Usage: node --import ./register.mjs drive-main.mjs
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
process.resourcesPath = '/nonexistent';
await import(path.join(root, 'dist-electron/main.mjs'));
await new Promise((r) => setTimeout(r, 200));
const f = globalThis.__fake;
const w = f.windows[0];
const out = { sandbox: f.sandbox, privileged: f.privileged, webPreferences: w.opts.webPreferences, url: w.url, channels: [...f.handlers.keys()] };
const res = await f.protocol(new Request(w.url));
out.protocol = { status: res.status, type: res.headers.get('content-type'), csp: res.headers.get('content-security-policy') };
f.perm(null, 'media', (v) => (out.permissionGranted = v));
out.permissionCheck = f.check();
const navigate = (url) => {
  const e = { url, prevented: false, preventDefault() { this.prevented = true; } };
  w.webContents.emit('will-navigate', e);
  return e.prevented;
};
out.navigationBlocked = { evil: navigate('https://evil.example/'), file: navigate('file:///etc/passwd'), app: navigate('app://assay/index.html') };
out.windowOpen = w.webContents.openHandler({ url: 'https://example.org/' });
const frame = { parent: null, url: w.url, isDestroyed: () => false };
const ev = { sender: w.webContents, senderFrame: frame };
out.appInfo = await f.handlers.get('assay:getAppInfo')(ev, undefined);
out.foreignSender = await f.handlers.get('assay:listJobs')({ sender: {}, senderFrame: frame }, undefined);
out.badArgs = await f.handlers.get('assay:getRow')(ev, { datasetId: 5 });
const job = await f.handlers.get('assay:openSample')(ev, undefined);
for (let i = 0; i < 100; i++) {
  const jobs = (await f.handlers.get('assay:listJobs')(ev)).value;
  out.jobStatus = jobs.find((j) => j.id === job.value.id)?.status;
  if (out.jobStatus === 'done' || out.jobStatus === 'failed') break;
  await new Promise((r) => setTimeout(r, 200));
}
out.eventsSent = f.sent ?? [];
f.appEvents.emit('will-quit', { preventDefault() {} });
for (let i = 0; i < 50 && !f.quit; i++) await new Promise((r) => setTimeout(r, 100));
out.quitAfterHostClosed = Boolean(f.quit);
console.log(JSON.stringify(out));
process.exit(0);
