import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

describe('export of a cleaned dataset read from other formats', () => {
  let host: Host;
  let dir: string;
  beforeAll(() => {
    host = createHost({ transport: 'served', samplePath: samplePath(), threads: 2 });
    dir = mkdtempSync(join(tmpdir(), 'assay-export2-'));
  });
  afterAll(() => host.close());

  const roles = (label: string | null, id: string | null) => ({ label, id, features: null, text: [], group: null });
  const load = async (path: string, label: string | null, id: string | null, badRows: 'stop' | 'skip' = 'stop') => {
    const job = await host.openDataset({ path, roles: roles(label, id), badRows });
    const final = await host.jobs.settled(job.id);
    expect(final.error).toBeNull();
    return host.jobs.result<'load'>(job.id).value;
  };
  const exportTo = async (datasetId: string, excludeRows: number[], path: string) => {
    const job = await host.exportCleaned({ datasetId, excludeRows, path });
    const final = await host.jobs.settled(job.id);
    expect(final.error).toBeNull();
    return host.jobs.result<'export'>(job.id).value;
  };

  it('writes a .npy as a .npy, with the kept rows in order', async () => {
    const rows = 9;
    const dims = 4;
    const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${dims}), }`;
    const length = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10;
    const header = Buffer.alloc(10 + length, 0x20);
    header.write('\x93NUMPY', 0, 'latin1');
    header[6] = 1;
    header.writeUInt16LE(length, 8);
    header.write(dict, 10, 'latin1');
    header[10 + length - 1] = 0x0a;
    const values = Float32Array.from({ length: rows * dims }, (_, i) => i * 0.25 - 3);
    const source = join(dir, 'm.npy');
    writeFileSync(source, Buffer.concat([header, Buffer.from(values.buffer)]));
    const dataset = await load(source, null, null);
    const result = await exportTo(dataset.id, [0, 4], join(dir, 'm-clean.npy'));
    expect(result).toMatchObject({ rowsWritten: 7, rowsExcluded: 2 });
    const again = await load(result.path, null, null);
    expect(again.rows).toBe(7);
    const kept = [1, 2, 3, 5, 6, 7, 8];
    for (const [k, r] of kept.entries()) {
      const row = await host.getRow({ datasetId: again.id, index: k });
      expect(row.features).toEqual(Array.from(values.subarray(r * dims, (r + 1) * dims)));
    }
  });

  it('writes a CSV loaded with skipped bad rows from memory, so rows still line up', async () => {
    const source = join(dir, 'bad.csv');
    const lines = ['id,label,a,b', ...Array.from({ length: 20 }, (_, i) => `r${i},${i % 2 ? 'x' : 'y'},${i},${i === 3 ? 'oops' : i * 2}`)];
    writeFileSync(source, lines.join('\n') + '\n');
    const dataset = await load(source, 'label', 'id', 'skip');
    expect(dataset.rows).toBe(19);
    const refused = await host.exportCleaned({ datasetId: dataset.id, excludeRows: [0], path: join(dir, 'clean.tsv') }).catch((e: Error) => e.message);
    expect(refused).toContain('give a path ending in .csv');
    // Row 3 of the dataset is r4 (r3 was skipped at load).
    expect((await host.getRow({ datasetId: dataset.id, index: 3 })).id).toBe('r4');
    const result = await exportTo(dataset.id, [3], join(dir, 'clean.csv'));
    const ids = readFileSync(result.path, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
    expect(ids).toHaveLength(18);
    expect(ids).not.toContain('r4');
    expect(ids).not.toContain('r3');
    expect(ids).toContain('r5');
  });
});
