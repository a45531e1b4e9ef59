import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePath } from '../../electron/host/app-root.ts';
import { createHost, type Host } from '../../electron/host/host.ts';

describe('export of a cleaned dataset', () => {
  let host: Host;
  let dir: string;
  beforeAll(() => {
    host = createHost({ transport: 'served', samplePath: samplePath(), threads: 1 });
    dir = mkdtempSync(join(tmpdir(), 'assay-export-'));
  });
  afterAll(() => host.close());

  const open = async () => {
    const job = await host.openSample();
    await host.jobs.settled(job.id);
    return host.jobs.result<'load'>(job.id).value;
  };

  it('writes every row but the quarantined ones, in the input format, and leaves the source alone', async () => {
    const dataset = await open();
    const before = readFileSync(samplePath(), 'utf8');
    const exclude = [0, 5, 17, 2999];
    const target = join(dir, 'clean.csv');
    const job = await host.exportCleaned({ datasetId: dataset.id, excludeRows: exclude, path: target });
    const final = await host.jobs.settled(job.id);
    expect(final.error).toBeNull();
    const result = host.jobs.result<'export'>(job.id).value;
    expect(result).toMatchObject({ path: target, rowsWritten: 2996, rowsExcluded: 4 });

    const source = before.trim().split('\n');
    const expected = [source[0], ...source.slice(1).filter((_, i) => !exclude.includes(i))].join('\n') + '\n';
    const written = readFileSync(target, 'utf8');
    expect(written).toBe(expected);
    expect(result.sha256).toBe(createHash('sha256').update(written).digest('hex'));
    expect(readFileSync(samplePath(), 'utf8')).toBe(before);
  });

  it('refuses to overwrite the source and names a missing folder', async () => {
    const dataset = await open();
    const over = await host.exportCleaned({ datasetId: dataset.id, excludeRows: [1], path: samplePath() });
    expect((await host.jobs.settled(over.id)).error).toContain('cannot overwrite its source');
    const nowhere = await host.exportCleaned({ datasetId: dataset.id, excludeRows: [1], path: '/no/such/folder/x.csv' });
    expect((await host.jobs.settled(nowhere.id)).error).toContain('/no/such/folder');
  });

  it('writes generated datasets from memory', async () => {
    const gen = await host.generateSynthetic({ rows: 100, dims: 3, classes: 2, poisonFraction: 0.1, seed: 1 });
    await host.jobs.settled(gen.id);
    const dataset = host.jobs.result<'synthesize'>(gen.id).value;
    const target = join(dir, 'synthetic.csv');
    const job = await host.exportCleaned({ datasetId: dataset.id, excludeRows: [3], path: target });
    expect((await host.jobs.settled(job.id)).status).toBe('done');
    const lines = readFileSync(target, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,label,f0,f1,f2');
    expect(lines).toHaveLength(100);
    const row = await host.getRow({ datasetId: dataset.id, index: 0 });
    expect(lines[1].split(',').slice(2).map(Number)).toEqual(row.features);
  });
});
