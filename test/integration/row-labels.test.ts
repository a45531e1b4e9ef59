/**
 * getRowLabels: the labels quarantine sets made without a scan take from the host, checked against the row
 * inspector's getRow one row at a time and against the sample file's label column.
 */
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePath } from '../../electron/host/app-root.ts';
import { createHost, type Host } from '../../electron/host/host.ts';

describe('getRowLabels', () => {
  let host: Host;
  beforeAll(() => {
    host = createHost({ transport: 'served', samplePath: samplePath(), threads: 1 });
  });
  afterAll(() => host.close());

  it('gives the class index of each row asked, in the order asked, as one typed array', async () => {
    const job = await host.openSample();
    await host.jobs.settled(job.id);
    const dataset = host.jobs.result<'load'>(job.id).value;
    const indices = [2999, 0, 17, 17, 1500, 5];
    const labels = await host.getRowLabels({ datasetId: dataset.id, indices });
    expect(labels).toBeInstanceOf(Int32Array);
    expect(labels).toHaveLength(indices.length);
    for (const [k, index] of indices.entries()) expect(labels[k]).toBe((await host.getRow({ datasetId: dataset.id, index })).labelIndex);
    // Against the file itself: the label column's text is the class name of the index given.
    const parsed = Papa.parse<Record<string, string>>(readFileSync(samplePath(), 'utf8'), { header: true, skipEmptyLines: true });
    const column = dataset.labelColumn!;
    expect(Array.from(labels, (c) => dataset.classNames[c])).toEqual(indices.map((i) => parsed.data[i][column]));
    expect(await host.getRowLabels({ datasetId: dataset.id, indices: [] })).toEqual(new Int32Array(0));
    await expect(host.getRowLabels({ datasetId: dataset.id, indices: [4, dataset.rows] })).rejects.toThrow(`row ${dataset.rows} is out of range: dataset '${dataset.name}' has ${dataset.rows} rows`);
  });
});
