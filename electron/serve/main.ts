/**
 * Entry of the served mode (`npm run serve`, and `npm start` where no Electron binary is installed):
 * starts the host and the local server, prints the URL with its token, opens a browser when one is there.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { rendererDir, samplePath } from '../host/app-root.ts';
import { createHost } from '../host/host.ts';
import { parseLaunchArgs } from '../host/launch-args.ts';
import { startServedMode } from './server.ts';

async function main(): Promise<void> {
  let args;
  try {
    args = parseLaunchArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`assay: ${(error as Error).message}`);
    process.exit(2);
  }
  const initialDataset = args.initialDataset && { ...args.initialDataset, path: resolve(args.initialDataset.path) };
  const host = createHost({ transport: 'served', samplePath: samplePath(), initialDataset });
  let served;
  try {
    served = await startServedMode({ host, staticDir: rendererDir(), port: args.port });
  } catch (error) {
    console.error(`assay: cannot start the served mode: ${(error as Error).message}`);
    await host.close();
    process.exit(1);
  }
  console.log(`Assay is served at ${served.url}`);
  console.log('Only this machine can reach it (127.0.0.1); the token in the URL is needed. Ctrl+C stops it.');
  if (args.open) openBrowser(served.url);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Bounded: a worker stuck in a kernel must not keep the server from exiting.
    setTimeout(() => process.exit(0), 3000).unref();
    await served.close().catch(() => {});
    await host.close().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Best effort: a desktop session's default browser; silent where there is none (a server, CI). */
function openBrowser(url: string): void {
  const command =
    process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '', url] : ['xdg-open', url];
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return;
  const child = spawn(command[0], command.slice(1), { detached: true, stdio: 'ignore' });
  child.on('error', () => {});
  child.unref();
}

void main();
