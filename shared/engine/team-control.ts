/**
 * The control words of a team of threads sharing each pass over the training rows (the coordinator in
 * electron/workers/influence.worker.ts `teamPass`, its helpers in `teamHelper`), on one Int32Array over a
 * SharedArrayBuffer. Kept apart so the host, which allocates the words, can also close a team.
 */

/** Pass number (−1: stop). */
export const GEN = 0;
/** Helpers finished with the current pass. */
export const DONE = 1;
/** 1 once the coordinator is done. */
export const CLOSED = 2;
/** Bit h: helper h computes the pass numbered MASK_GEN. */
export const MASK = 3;
/** The pass MASK belongs to: a helper that reads GEN just before it moves on sees a mask for a later pass. */
export const MASK_GEN = 4;
/** Then one READY word per helper. */
export const READY = 5;

export function teamControl(helpers: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer((READY + helpers) * 4));
}

/**
 * Ends the team: helpers waiting for a pass return. The coordinator does this when its loop ends; the host
 * does it again when the coordinator's task settles in any way (thrown, cancelled, its thread gone), so a
 * helper never waits for a pass that will not come.
 */
export function closeTeam(control: Int32Array): void {
  Atomics.store(control, CLOSED, 1);
  Atomics.store(control, GEN, -1);
  Atomics.notify(control, GEN);
}
