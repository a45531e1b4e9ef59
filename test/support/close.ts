import { expect } from 'vitest';

/** |actual_i − expected_i| ≤ tol · scale for every i, reporting the worst element. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string, scale = 1): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = 0;
  let at = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `${what}: worst error at ${at} (${actual[at]} vs ${expected[at]})`).toBeLessThanOrEqual(tol * scale);
}
