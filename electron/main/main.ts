/**
 * The Electron shell: one window, the app:// protocol, the menu, and the IPC router in front of the host.
 * This folder is the only code that imports 'electron'; everything it drives (electron/host) is plain Node.
 *
 * Security (Electron's checklist, https://www.electronjs.org/docs/latest/tutorial/security): local content
 * only, served from a privileged custom scheme with a CSP header; sandboxed renderer with context isolation
 * and no Node integration; all permission requests and checks denied; navigation restricted to our origin,
 * new windows denied, <webview> refused, remote (http/ws) requests cancelled; every IPC sender validated
 * (ipc-router.ts); fuses set at packaging (electron-builder `electronFuses`).
 */
import { app, BrowserWindow, dialog, Menu, protocol, session, shell, type MenuItemConstructorOptions, type WebContents } from 'electron';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { appRoot, rendererDir, samplePath } from '../host/app-root.ts';
import { createHost, type Host } from '../host/host.ts';
import { createAppProtocolHandler } from './app-protocol.ts';
import { parseShellArgs } from './argv.ts';
import { APP_ENTRY_URL, APP_SCHEME, isAppUrl } from './channels.ts';
import { registerIpcRouter } from './ipc-router.ts';
import { printHtmlToPdf } from './print-pdf.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Bundled next to main.mjs by scripts/build-electron.mjs. */
const PRELOAD = path.join(here, 'preload.cjs');

// Stack traces point into the TypeScript sources (dist-electron/*.map).
process.setSourceMapsEnabled(true);

// ---- before `ready`: profile, sandbox every renderer, declare our scheme ----------------------------------
// Tests give each run a fresh profile folder (Signal's harness does the same).
if (process.env.ASSAY_USER_DATA_DIR) app.setPath('userData', path.resolve(process.env.ASSAY_USER_DATA_DIR));
app.enableSandbox();
protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    // standard: real origin and relative URL resolution; secure: a secure context like https;
    // supportFetchAPI: fetch() of our own assets; codeCache: V8 code cache for our scripts.
    privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
  },
]);

let mainWindow: BrowserWindow | null = null;
let host: Host | null = null;

function shellArgs(argv: readonly string[], cwd: string) {
  // Packaged: argv = [exe, ...ours]. Development: argv = [electron, ...switches, entry, ...ours], where the
  // entry is dist-electron/main.mjs or the app folder; parseShellArgs skips those and any --switch.
  const parsed = parseShellArgs(argv.slice(1), {
    cwd,
    entryPaths: app.isPackaged ? [] : [process.argv[1] ?? '.', fileURLToPath(import.meta.url), appRoot(), '.'],
  });
  for (const warning of parsed.warnings) console.warn(`Assay: ${warning}`);
  return parsed;
}

/** The sample ships outside the asar archive (extraResources) so that worker threads read it as a plain file. */
function bundledSamplePath(): string {
  const packaged = path.join(process.resourcesPath, 'samples', path.basename(samplePath()));
  return app.isPackaged && existsSync(packaged) ? packaged : samplePath();
}

// ---- hardening that applies to every webContents, present or future ---------------------------------------
function hardenContents(contents: WebContents): void {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    // No new windows, ever. A plain https link (a cited paper) goes to the system browser; nothing else.
    if (isSafeExternalUrl(url)) setImmediate(() => void shell.openExternal(url));
    return { action: 'deny' };
  });
}

function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

function hardenSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  // Local content only: the renderer never needs the network.
  ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (_details, callback) =>
    callback({ cancel: true }),
  );
  ses.protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir()));
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Assay',
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(APP_ENTRY_URL).catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    dialog.showErrorBox(
      'Assay could not load its interface',
      `${message}\n\nThe built renderer is expected in ${rendererDir()}. Run "npm run build" (or "npm start").`,
    );
  });
  return window;
}

function buildMenu(): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    // Datasets are opened in the page (path field, sample button): a job started here would not be the
    // page's own and would not open its workspace. A native "Open…" item needs a host→page request event.
    { label: '&File', submenu: [isMac ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }]),
      ],
    },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}

function start(): void {
  const { initialDataset } = shellArgs(process.argv, process.cwd());

  app.on('web-contents-created', (_event, contents) => hardenContents(contents));

  app.on('second-instance', (_event, argv, workingDirectory) => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
    const second = shellArgs(argv, workingDirectory).initialDataset;
    if (second) {
      // The running window owns its session; it cannot yet be asked to open a file (no such event in the
      // contract), so say where to do it rather than open it where the page would not show it.
      void dialog.showMessageBox({
        type: 'info',
        message: 'Assay is already running',
        detail: `Open ${second.path} from the start screen of the Assay window.`,
      });
    }
  });

  app.on('window-all-closed', () => app.quit());

  let closing = false;
  app.on('will-quit', (event) => {
    if (!host || closing) return;
    closing = true;
    event.preventDefault();
    const closingHost = host;
    host = null;
    // Bounded: a stuck worker must not keep the app from quitting.
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref());
    void Promise.race([closingHost.close(), timeout])
      .catch((err: unknown) => console.error('Assay: closing the host failed:', err))
      .finally(() => app.quit());
  });

  void app.whenReady().then(() => {
    try {
      hardenSession();
      host = createHost({ transport: 'electron', samplePath: bundledSamplePath(), initialDataset, printToPdf: printHtmlToPdf });
      registerIpcRouter({ host, getWindow: () => mainWindow });
    } catch (err) {
      dialog.showErrorBox('Assay could not start', err instanceof Error ? (err.stack ?? err.message) : String(err));
      app.exit(1);
      return;
    }
    Menu.setApplicationMenu(buildMenu());
    mainWindow = createWindow();
  });
}

if (app.requestSingleInstanceLock()) {
  start();
} else {
  // Another Assay is running: it gets our argv through 'second-instance' and comes to the front.
  app.quit();
}
