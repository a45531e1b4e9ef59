/**
 * The renderer's one way to the host. In Electron the preload exposes `window.assay`, already an
 * `AssayClient`; in a browser (served mode) the HTTP + WebSocket client stands in for it. Nothing else in the
 * renderer knows which transport it talks to.
 */
import type { AssayClient } from '../../../shared/contract/api.ts';
import { createServedClient } from './served-client.ts';

declare global {
  interface Window {
    assay?: AssayClient;
  }
}

let client: AssayClient | null = null;

export function getClient(): AssayClient {
  if (client) return client;
  if (window.assay) {
    client = window.assay;
  } else {
    // The server has already turned ?token= into an HttpOnly cookie; keep the token out of the address bar,
    // the history and any screenshot of the window.
    const url = new URL(window.location.href);
    if (url.searchParams.has('token')) {
      url.searchParams.delete('token');
      window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    }
    client = createServedClient();
  }
  return client;
}

/** For tests: use a fake client instead of a real transport. */
export function setClientForTests(fake: AssayClient | null): void {
  client = fake;
}
