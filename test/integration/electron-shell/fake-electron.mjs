/** A minimal stand-in for the Electron main-process API: records what the shell asks of it. */
import { EventEmitter } from 'node:events';
export const calls = globalThis.__fake = { handlers: new Map(), windows: [], protocol: null, privileged: null, appEvents: new EventEmitter(), sandbox: false, perm: null };
export const app = {
  isPackaged: false,
  enableSandbox() { calls.sandbox = true; },
  setPath() {},
  requestSingleInstanceLock: () => true,
  on: (e, f) => calls.appEvents.on(e, f),
  whenReady: () => Promise.resolve(),
  quit() { calls.quit = true; }, exit(c) { calls.exit = c; },
};
export const protocol = { registerSchemesAsPrivileged(s) { calls.privileged = s; } };
export const session = { defaultSession: {
  setPermissionRequestHandler(f) { calls.perm = f; }, setPermissionCheckHandler(f) { calls.check = f; }, setDevicePermissionHandler() {},
  webRequest: { onBeforeRequest(filter, f) { calls.blocked = filter; } },
  protocol: { handle(s, f) { calls.protocol = f; } },
} };
export class BrowserWindow {
  constructor(opts) { this.opts = opts; this.url = null; const self = this;
    this.webContents = Object.assign(new EventEmitter(), { setWindowOpenHandler(f) { this.openHandler = f; }, isDestroyed: () => false, getURL: () => self.url, send(ch, p) { (calls.sent ??= []).push(ch); }, mainFrame: null });
    calls.windows.push(this); calls.appEvents.emit('web-contents-created', {}, this.webContents); }
  once() {} on() {} isDestroyed() { return false; }
  async loadURL(u) { this.url = u; }
}
export const ipcMain = { handle(ch, f) { calls.handlers.set(ch, f); }, removeHandler(ch) { calls.handlers.delete(ch); } };
export const Menu = { buildFromTemplate: (t) => ({ t }), setApplicationMenu(m) { calls.menu = m; } };
export const dialog = { showErrorBox(a, b) { console.error('ERRORBOX', a, b); }, showMessageBox() {} };
export const shell = { openExternal() {} };
export default { app, protocol, session, BrowserWindow, ipcMain, Menu, dialog, shell };
