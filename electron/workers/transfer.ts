import Piscina from 'piscina';

/**
 * Marks a worker's result so that the given typed arrays' buffers are moved to the host, not copied.
 * Piscina moves the buffers named by `transferableSymbol` and delivers `valueSymbol` as the result.
 */
export function moveResult<T>(value: T, views: ArrayBufferView[]): T {
  const buffers = views.map((v) => v.buffer).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  const movable = {
    get [Piscina.transferableSymbol]() {
      return [...new Set(buffers)];
    },
    get [Piscina.valueSymbol]() {
      return value;
    },
  };
  return Piscina.move(movable as never) as T;
}
