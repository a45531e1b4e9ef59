// SIGNATURE STUB — being implemented now by the lead; the exported names and types below are stable.
import type { AppInfo, AssayApi, AssayEvents, Unsubscribe } from '../../shared/contract/api.ts';

export interface HostOptions {
  transport: AppInfo['transport'];
  /** Absolute path of the bundled sample CSV. */
  samplePath: string;
  initialDataset?: AppInfo['initialDataset'];
  /** Worker threads in the pool; defaults to the machine's available parallelism. */
  threads?: number;
}

/** The host services behind the contract: plain Node, no Electron import. */
export interface Host extends AssayApi {
  on<E extends keyof AssayEvents>(event: E, listener: (payload: AssayEvents[E]) => void): Unsubscribe;
  close(): Promise<void>;
}

export declare function createHost(options: HostOptions): Host;
