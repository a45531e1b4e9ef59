import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../../electron/host/host.ts';
import { samplePath } from '../../electron/host/app-root.ts';
import type { JobInfo } from '../../shared/domain/jobs.ts';
import { rowsByClass } from '../../shared/engine/matrix.ts';
import { spectralSignatureClass } from '../../shared/engine/spectral.ts';

const probe = new URL('./workers/probe.worker.ts', import.meta.url).href;
const fakeParams = { datasetId: 'none', detectors: [], flag: { mode: 'rule' }, referenceDatasetId: null } as const;

describe('job service over the worker pool', () => {
  let host: Host;
  const updates: JobInfo[] = [];

  beforeAll(() => {
    // One thread: a job can only run after the previous one has really let go of the thread.
    host = createHost({ transport: 'served', samplePath: samplePath(), threads: 1 });
    host.on('jobUpdate', (job) => updates.push(job));
  });
  afterAll(() => host.close());

  /** Submits a job whose runner calls one function of the probe worker. */
  const probeJob = (fn: string, task: Record<string, unknown>) =>
    host.jobs.submit('scan', { ...fakeParams, detectors: [] }, (ctx) =>
      host.pool.run(fn, fn, task, {
        filename: probe,
        signal: ctx.signal,
        onProgress: (p) => ctx.progress(p.fraction, 'probe', p.message),
      }) as never,
    );

  it('runs the real spectral worker, streams progress and returns the engine result', async () => {
    // Large enough that the job outlives the 100 ms progress coalescing, small enough to be quick.
    const open = await host.generateSynthetic({ rows: 60_000, dims: 128, classes: 4, poisonFraction: 0.05, seed: 3 });
    expect((await host.jobs.settled(open.id)).status).toBe('done');
    const dataset = host.jobs.result<'load'>(open.id).value;

    const job = await host.runScan({
      datasetId: dataset.id,
      detectors: [{ name: 'spectral', params: {} }],
      flag: { mode: 'budget', epsilon: 0.15, budgetFactor: 1.5 },
      referenceDatasetId: null,
    });
    const final = await host.jobs.settled(job.id);
    expect(final.status).toBe('done');
    const mine = updates.filter((u) => u.id === job.id);
    expect(mine.map((u) => u.status)).toEqual(expect.arrayContaining(['queued', 'running', 'done']));
    expect(mine.some((u) => u.status === 'running' && u.progress.fraction > 0 && u.progress.fraction < 1)).toBe(true);

    const result = host.jobs.result<'scan'>(job.id).value.runs[0];
    const loaded = host.datasets.get(dataset.id);
    const byClass = rowsByClass(loaded.labels, dataset.classNames.length);
    const inProcess = spectralSignatureClass({ data: loaded.features, rows: dataset.rows, cols: dataset.dims }, byClass[3], { epsilon: 0.15, budgetFactor: 1.5 });
    byClass[3].forEach((row, r) => expect(result.scores[row]).toBe(inProcess.scores[r]));
  });

  it('cancels a busy worker within a fraction of a second, and the pool goes on', async () => {
    const job = probeJob('spin', { seconds: 30 });
    await waitFor(() => updates.some((u) => u.id === job.id && u.status === 'running' && u.progress.fraction > 0));
    const asked = performance.now();
    expect(host.jobs.cancel(job.id).status).toBe('cancelled');
    const next = probeJob('echo', { value: 42 });
    expect((await host.jobs.settled(next.id)).status).toBe('done');
    // The only thread was busy for 30 s: the next job ran only because cancel ended that thread.
    expect(performance.now() - asked).toBeLessThan(3000);
    expect(host.jobs.result(next.id).value).toBe(42);
    expect(host.jobs.get(job.id).status).toBe('cancelled');
  });

  it('fails only the job whose worker throws', async () => {
    const bad = probeJob('fail', {});
    const final = await host.jobs.settled(bad.id);
    expect(final.status).toBe('failed');
    expect(final.error).toContain('probe worker failed on purpose');
    const next = probeJob('echo', { value: 7 });
    expect((await host.jobs.settled(next.id)).status).toBe('done');
  });

  it('fails only the job whose worker thread dies', async () => {
    const dead = probeJob('die', {});
    const final = await host.jobs.settled(dead.id);
    expect(final.status).toBe('failed');
    const next = probeJob('echo', { value: 8 });
    expect((await host.jobs.settled(next.id)).status).toBe('done');
  });

  it('shares a SharedArrayBuffer with the worker instead of copying it', async () => {
    const target = new Int32Array(new SharedArrayBuffer(4 * 1000));
    const job = probeJob('fillShared', { target, value: 5 });
    expect((await host.jobs.settled(job.id)).status).toBe('done');
    expect(target.every((v) => v === 5)).toBe(true);
  });

  it('reports an unreadable file as a failed job naming the file', async () => {
    const job = await host.openDataset({ path: '/nonexistent/data.csv', roles: { label: null, id: null, features: null, text: [], group: null }, badRows: 'stop' });
    const final = await host.jobs.settled(job.id);
    expect(final.status).toBe('failed');
    expect(final.error).toContain('/nonexistent/data.csv');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
