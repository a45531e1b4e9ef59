/**
 * What the end-to-end specs share: the real host and served mode started in the test process (the built UI
 * from dist/renderer), torn down within a bounded time, and a watch on the page's console errors.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { createHost, type Host } from '../../electron/host/host.ts';
import { startServedMode, type ServedMode } from '../../electron/serve/server.ts';

export const root = fileURLToPath(new URL('../..', import.meta.url));

export interface PageWatch {
  /** Console errors and uncaught exceptions seen so far on the page. */
  problems: string[];
}

/** Starts host + served mode, hands them to `use`, and stops them (a stuck worker must not hang the run). */
export async function withServedMode(use: (running: { host: Host; served: ServedMode }) => Promise<void>): Promise<void> {
  const host = createHost({ transport: 'served', samplePath: join(root, 'samples', 'backdoor-embeddings.csv'), threads: 2 });
  const served = await startServedMode({ host, staticDir: join(root, 'dist', 'renderer'), port: 0 });
  await use({ host, served });
  await Promise.race([served.close().then(() => host.close()), new Promise((resolve) => setTimeout(resolve, 10_000))]);
}

/** The `watch` fixture: records console errors and page errors. */
export async function watchPage({ page }: { page: Page }, use: (watch: PageWatch) => Promise<void>): Promise<void> {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await use({ problems });
}
