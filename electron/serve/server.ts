// SIGNATURE STUB — being implemented now by the lead; the exported names and types below are stable.
import type { Host } from '../host/host.ts';

export interface ServedOptions {
  host: Host;
  /** Folder of the built renderer (vite build output, containing index.html). */
  staticDir: string;
  /** 0 or absent: any free port. */
  port?: number;
  /** Defaults to 32 random bytes, hex. */
  token?: string;
}

export interface ServedMode {
  /** http://127.0.0.1:PORT/?token=TOKEN — what to open in a browser. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export declare function startServedMode(options: ServedOptions): Promise<ServedMode>;
