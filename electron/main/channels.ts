/**
 * IPC channel names shared by the preload and the IPC router. Every call travels on `assay:<method>`, every
 * host event on `assay:event:<event>`; nothing else is handled or sent.
 */
export const INVOKE_PREFIX = 'assay:';
export const EVENT_PREFIX = 'assay:event:';

/** The page's origin: a privileged, standard, secure custom scheme serving only dist/renderer. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'assay';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * True when `url` belongs to our own origin. Compares scheme and host explicitly: Node's WHATWG `URL` reports
 * `origin === 'null'` for schemes it does not know as special, so `new URL(u).origin` cannot be used here.
 */
export function isAppUrl(url: string | null | undefined): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}
