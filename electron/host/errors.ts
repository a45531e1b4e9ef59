import type { AssayCallError } from '../../shared/contract/api.ts';

/** An error the host reports to the caller as such (bad argument, unknown id) rather than as a failure. */
export class HostError extends Error {
  constructor(
    readonly code: AssayCallError['code'],
    message: string,
  ) {
    super(message);
    this.name = 'HostError';
  }
}
