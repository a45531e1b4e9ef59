/**
 * Dataset ingest through the real worker pool (electron/host/ingest.ts → electron/workers/ingest.worker.ts):
 * every format, the parallel CSV path against the single-task path, and bad input, each message naming the
 * file and, where it applies, the line and column.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePath } from '../../electron/host/app-root.ts';
import { createHost, type Host } from '../../electron/host/host.ts';
import { loadDataset, previewDataset, type IngestOptions } from '../../electron/host/ingest.ts';
import type { BadRowPolicy, LoadRequest, RoleAssignment } from '../../shared/domain/ingest.ts';

const ctx = { signal: new AbortController().signal, progress() {} };
const roles = (over: Partial<RoleAssignment> = {}): RoleAssignment => ({ label: 'label', id: null, features: null, text: [], group: null, ...over });
const fixture = (path: string) => new URL(`../fixtures/${path}`, import.meta.url).pathname;

/** The bytes of a version 1.0 .npy of little-endian float32 in C order. */
function npyBytes(matrix: Float32Array, rows: number, d: number): Buffer {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${d}), }`;
  const padded = dict.padEnd(Math.ceil((10 + dict.length + 1) / 64) * 64 - 11, ' ') + '\n';
  const head = Buffer.alloc(10 + padded.length);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  head.writeUInt16LE(padded.length, 8);
  head.write(padded, 10, 'latin1');
  return Buffer.concat([head, Buffer.from(matrix.buffer, matrix.byteOffset, matrix.byteLength)]);
}

describe('dataset ingest', () => {
  let host: Host;
  let single: Host;
  let dir: string;
  beforeAll(() => {
    host = createHost({ transport: 'served', samplePath: samplePath(), threads: 2 });
    single = createHost({ transport: 'served', samplePath: samplePath(), threads: 1 });
    dir = mkdtempSync(join(tmpdir(), 'assay-ingest-'));
  });
  afterAll(async () => {
    await Promise.all([host.close(), single.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const file = (name: string, content: string | Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const load = (path: string, over: Partial<LoadRequest> = {}, options: IngestOptions = {}, on: Host = host) =>
    loadDataset(on.pool, { path, roles: roles(), badRows: 'stop' as BadRowPolicy, ...over }, ctx, options);

  it('previews a CSV: delimiter, kinds, proposed roles, first rows', async () => {
    const path = file('preview.csv', 'id;x;y;label;text\n' + Array.from({ length: 30 }, (_, i) => `r${i};${i / 4};${-i};${i % 3 ? 'cat' : 'dog'};some words here ${i}`).join('\n') + '\n');
    const preview = await previewDataset(host.pool, path);
    expect(preview).toMatchObject({ format: 'csv', delimiter: ';', rowsEstimate: 30, sizeBytes: expect.any(Number) });
    expect(preview.columns.map((c) => [c.name, c.kind, c.proposedRole])).toEqual([
      ['id', 'id', 'id'],
      ['x', 'numeric', 'feature'],
      ['y', 'numeric', 'feature'],
      ['label', 'categorical', 'label'],
      ['text', 'text', 'text'],
    ]);
    expect(preview.firstRows).toHaveLength(20);
    expect(preview.proposedRoles).toEqual({ label: 'label', id: 'id', features: ['x', 'y'], text: ['text'], group: null });
  });

  it('loads the same dataset bit for bit through the parallel byte path and the papaparse path', async () => {
    let seed = 3;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
    const forms = [(x: number) => x.toFixed(4), (x: number) => String(x), (x: number) => x.toExponential(3), (x: number) => ` ${x.toFixed(2)}`, (x: number) => String(Math.fround(x))];
    const lines = ['id,a,b,c,label'];
    for (let i = 0; i < 5000; i++) lines.push(`r${i},${forms[i % 5](rand() * 1e3)},${forms[(i + 1) % 5](rand())},${forms[(i + 2) % 5](rand() * 1e-5)},${['cat', 'dög', 'emu'][i % 3]}`);
    lines.splice(100, 0, '');
    const plain = file('plain.csv', lines.join('\r\n') + '\r\n');
    // One quoted label forces the general path on otherwise identical content.
    const quoted = file('quoted.csv', lines.join('\r\n').replace('r7,', '"r7",') + '\r\n');
    const request = { roles: roles({ id: 'id' }) };
    const [fast, general, oneThread] = await Promise.all([load(plain, request), load(quoted, request), load(plain, request, {}, single)]);
    for (const other of [general, oneThread]) {
      expect(other.dataset.summary.rows).toBe(5000);
      expect(Buffer.from(other.dataset.features.buffer, other.dataset.features.byteOffset, other.dataset.features.byteLength).equals(Buffer.from(fast.dataset.features.buffer, fast.dataset.features.byteOffset, fast.dataset.features.byteLength))).toBe(true);
      expect(Array.from(other.dataset.labels)).toEqual(Array.from(fast.dataset.labels));
      expect(other.dataset.ids).toEqual(fast.dataset.ids);
      // Moments merged from two chunks may differ from one chunk's in the last bits of a double.
      other.summaries.forEach((s, k) => {
        const f = fast.summaries[k];
        expect({ ...s, mean: null, std: null }).toEqual({ ...f, mean: null, std: null });
        if (f.mean !== null) expect(Math.abs(s.mean! - f.mean)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(f.mean)));
        if (f.std !== null) expect(Math.abs(s.std! - f.std) / f.std).toBeLessThan(1e-12);
      });
    }
    expect(fast.dataset.summary.classNames).toEqual(['cat', 'dög', 'emu']);
    expect(fast.validation).toMatchObject({ rows: 5000, rowsRead: 5000, rowsSkipped: 0, problemsTotal: 0, labelCardinality: 3 });
    expect(fast.summaries[0]).toMatchObject({ name: 'a', count: 5000, histogram: { edges: expect.any(Array), counts: expect.any(Array) } });
    expect(fast.summaries[0].histogram!.counts.reduce((s, c) => s + c, 0)).toBe(5000);
    expect(fast.summaries[0].histogramRows).toBe(5000);
  });

  it('reads a BOM, CRLF, quoted commas, quotes and newlines; names lines after a multi-line field', async () => {
    const path = file('quotes.csv', '\uFEFFid,x,label,note\r\n1,0.5,"a,b","say ""hi"""\r\n2,1.5,b,"two\r\nlines"\r\n3,oops,b,x\r\n');
    const loaded = await load(path, { badRows: 'skip', roles: roles({ id: 'id', text: ['note'], features: ['x'] }) });
    expect(loaded.dataset.ids).toEqual(['1', '2']);
    expect(loaded.dataset.summary.classNames).toEqual(['a,b', 'b']);
    expect(loaded.textColumns[0].values).toEqual(['say "hi"', 'two\r\nlines']);
    expect(loaded.validation.problems).toEqual([{ file: 'quotes.csv', line: 5, column: 'x', message: "feature values must be numbers, found 'oops'" }]);
  });

  it('skips and lists bad rows (ragged, non-numeric, NaN/Inf, missing label), or stops at the first', async () => {
    const path = file('bad.csv', 'x,y,label\n1,2,a\n1,2\n1,abc,a\nNaN,2,a\n1,inf,b\n3,4,\n5,6,b\n');
    const skipped = await load(path, { badRows: 'skip', roles: roles({ features: ['x', 'y'] }) });
    expect(skipped.validation).toMatchObject({ rows: 2, rowsRead: 7, rowsSkipped: 5, skippedLines: [3, 4, 5, 6, 7], problemsTotal: 5 });
    expect(skipped.validation.problems.map((p) => [p.line, p.column, p.message])).toEqual([
      [3, null, 'this row has 2 fields but the header has 3'],
      [4, 'y', "feature values must be numbers, found 'abc'"],
      [5, 'x', "feature values must be finite, found 'NaN'"],
      [6, 'y', "feature values must be finite, found 'inf'"],
      [7, 'label', 'the label is missing'],
    ]);
    expect(skipped.validation.perColumn.find((c) => c.name === 'x')).toMatchObject({ nonFinite: 1, nonConforming: 0 });
    await expect(load(path, { roles: roles({ features: ['x', 'y'] }) })).rejects.toThrow("bad.csv, line 3: this row has 2 fields but the header has 3; fix the file, or load with bad rows skipped to list them all");
  });

  it('reports duplicate ids, exact duplicate rows, constant columns and class balance', async () => {
    const path = file('dups.csv', 'id,x,k,label\na,1,7,p\nb,2,7,p\na,1,7,p\nc,1,7,q\nd,2,7,p\n');
    const { validation } = await load(path, { roles: roles({ id: 'id' }) });
    expect(validation.duplicateIds).toEqual({ count: 1, examples: ['a'] });
    expect(validation.exactDuplicateRows).toEqual({ count: 2, groups: [[0, 2], [1, 4]] });
    expect(validation.perColumn.find((c) => c.name === 'k')!.constant).toBe(true);
    expect(validation.classBalance).toEqual([{ name: 'p', count: 4 }, { name: 'q', count: 1 }]);
  });

  it('loads JSON Lines with an embedding array and separate numeric fields', async () => {
    const path = file('e.jsonl', '{"id":"a","embedding":[1,2,3],"s":0.5,"label":"x"}\n{"id":"b","embedding":[4,5,6],"s":1,"label":"y"}\n{"id":"c","embedding":[7,8],"s":1,"label":"y"}\n');
    const preview = await previewDataset(host.pool, path);
    expect(preview.columns.find((c) => c.name === 'embedding')).toMatchObject({ kind: 'vector', vectorLength: 3, proposedRole: 'feature' });
    const loaded = await load(path, { badRows: 'skip', roles: preview.proposedRoles });
    expect(loaded.dataset.summary.featureNames).toEqual(['embedding[0]', 'embedding[1]', 'embedding[2]', 's']);
    expect(Array.from(loaded.dataset.features)).toEqual([1, 2, 3, 0.5, 4, 5, 6, 1]);
    expect(loaded.validation.problems).toEqual([{ file: 'e.jsonl', line: 3, column: 'embedding', message: 'the vector has 2 elements but earlier rows have 3' }]);
  });

  it('loads an .npy matrix with labels from a CSV joined by row order', async () => {
    const labels = file('labels.csv', 'label,id\nu,a\nv,b\nu,c\n');
    const loaded = await load(fixture('npy/f-be-f8.npy'), { labelsPath: labels, roles: roles({ id: 'id' }) });
    expect(loaded.dataset.summary).toMatchObject({ rows: 3, dims: 4, classNames: ['u', 'v'] });
    expect(loaded.dataset.ids).toEqual(['a', 'b', 'c']);
    expect(Array.from(loaded.dataset.features)).toEqual([0.5, 1.5, 2.5, 3.5, 10.5, 11.5, 12.5, 13.5, 20.5, 21.5, 22.5, 23.5]);
    const inPlace = await load(fixture('npy/c-le-f4.npy'), { labelsPath: fixture('npy/vector-le-i8.npy') });
    expect(inPlace.dataset.summary.classNames).toEqual(['0', '1', '2']);
    expect(inPlace.dataset.features.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  // 8 features: the parallel path's moments run as WebAssembly SIMD on the shared memory; 7: as scalar JS.
  it.each([7, 8])('loads a float32 .npy the same bit for bit through the parallel path and one thread, with bad rows and duplicates (%i features)', async (d) => {
    const rows = 1000;
    const matrix = Float32Array.from({ length: rows * d }, (_, k) => Math.sin(k * 0.61) * 100 + (k % d));
    matrix.copyWithin(40 * d, 10 * d, 11 * d); // row 40 duplicates row 10
    matrix.copyWithin(900 * d, 10 * d, 11 * d); // and so does row 900, in the other half
    matrix[0 * d + 3] = NaN; // the very first row: the moments' shift comes from row 1
    matrix[500 * d + 6] = Infinity; // the first row of the second range
    matrix[777 * d + 0] = -Infinity;
    const path = file('m.npy', npyBytes(matrix, rows, d));
    const labels = file('m-labels.csv', 'label,note\n' + Array.from({ length: rows }, (_, i) => `${i === 600 ? '' : `c${i % 3 === 1 ? 1 : 0}`},n`).join('\n') + '\n');
    for (const over of [{ roles: roles({ label: null }) }, { labelsPath: labels }]) {
      const request = { ...over, badRows: 'skip' as BadRowPolicy };
      const [fast, oneThread] = await Promise.all([load(path, request), load(path, request, {}, single)]);
      const bytes = (l: typeof fast) => Buffer.from(l.dataset.features.buffer, l.dataset.features.byteOffset, l.dataset.features.byteLength);
      expect(fast.dataset.features.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(bytes(fast).equals(bytes(oneThread))).toBe(true);
      expect(Array.from(fast.dataset.labels)).toEqual(Array.from(oneThread.dataset.labels));
      expect(fast.dataset.summary).toEqual(oneThread.dataset.summary);
      expect(fast.validation).toEqual(oneThread.validation);
      const skipped = over.labelsPath ? [1, 501, 601, 778] : [1, 501, 778];
      expect(fast.validation).toMatchObject({ rows: rows - skipped.length, rowsRead: rows, skippedLines: skipped });
      expect(fast.validation.exactDuplicateRows.count).toBe(over.labelsPath ? 1 : 2);
      fast.summaries.forEach((s, k) => {
        const f = oneThread.summaries[k];
        expect({ ...s, mean: null, std: null }).toEqual({ ...f, mean: null, std: null });
        if (f.mean !== null) expect(Math.abs(s.mean! - f.mean)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(f.mean)));
        if (f.std !== null) expect(Math.abs(s.std! - f.std) / f.std).toBeLessThan(1e-12);
      });
    }
    await expect(load(path, { roles: roles({ label: null }) })).rejects.toThrow("m.npy, line 1, column 'features': feature values must be finite, found 'NaN'");
  });

  describe('an .npy matrix with a labels file joined by id (ids in <name>.ids.txt)', () => {
    const d = 2;
    const rows = 5;
    const matrix = Float32Array.from({ length: rows * d }, (_, k) => k + 0.5);
    const byId = (over: Partial<LoadRequest> = {}) => ({ roles: roles({ id: 'id' }), joinBy: 'id' as const, ...over });

    it('looks each row up by its id (both paths agree) and counts labels rows that match nothing', async () => {
      const path = file('j.npy', npyBytes(matrix, rows, d));
      file('j.ids.txt', 'r1\nr2\nr3\nr4\nr5\n');
      // Shuffled, and with two rows for ids the matrix does not have.
      const labels = file('j-labels.csv', 'id,label,note\nr3,c,n3\nzz,x,n\nr1,a,n1\nr5,a,n5\nr2,b,n2\nyy,x,n\nr4,b,n4\n');
      for (const on of [host, single]) {
        const loaded = await load(path, byId({ labelsPath: labels, roles: roles({ id: 'id', text: ['note'] }) }), {}, on);
        expect(loaded.dataset.ids).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
        expect(loaded.dataset.summary.classNames).toEqual(['a', 'b', 'c']);
        expect(Array.from(loaded.dataset.labels)).toEqual([0, 1, 2, 1, 0]);
        expect(loaded.textColumns).toEqual([{ column: 'note', values: ['n1', 'n2', 'n3', 'n4', 'n5'] }]);
        expect(Array.from(loaded.dataset.features)).toEqual(Array.from(matrix));
        expect(loaded.validation.unmatchedLabelRows).toEqual({ file: 'j-labels.csv', count: 2, examples: ['zz', 'yy'] });
      }
    });

    it('a feature id with no labels row stops the load naming both files and the id, or is skipped and listed', async () => {
      const path = file('k.npy', npyBytes(matrix, rows, d));
      file('k.ids.txt', 'r1\nr2\nr3\nr4\nr5');
      const labels = file('k-labels.jsonl', ['r1', 'r2', 'r4', 'r5'].map((id) => JSON.stringify({ id, label: 'a' })).join('\n') + '\n');
      await expect(load(path, byId({ labelsPath: labels }))).rejects.toThrow("k.npy, line 3: id 'r3' (from k.ids.txt) has no row in k-labels.jsonl; fix the file, or load with bad rows skipped");
      for (const on of [host, single]) {
        const loaded = await load(path, byId({ labelsPath: labels, badRows: 'skip' }), {}, on);
        expect(loaded.dataset.ids).toEqual(['r1', 'r2', 'r4', 'r5']);
        expect(loaded.validation).toMatchObject({ rows: 4, rowsRead: 5, skippedLines: [3], unmatchedLabelRows: { count: 0, examples: [] } });
        expect(loaded.validation.problems).toEqual([{ file: 'k.npy', line: 3, column: null, message: "id 'r3' (from k.ids.txt) has no row in k-labels.jsonl" }]);
      }
    });

    it('refuses duplicate ids in the labels file or the ids file, a missing ids file, and no id column', async () => {
      const path = file('m2.npy', npyBytes(matrix, rows, d));
      const labels = file('m2-labels.csv', 'id,label\nr1,a\nr2,b\nr3,a\nr2,a\nr4,a\nr5,b\n');
      await expect(load(path, byId({ labelsPath: labels }))).rejects.toThrow(/m2\.npy: joining m2-labels\.csv by id needs the ids of this matrix's rows in m2\.ids\.txt beside it/);
      file('m2.ids.txt', 'r1\nr2\nr3\nr4\nr5\n');
      await expect(load(path, byId({ labelsPath: labels }))).rejects.toThrow("m2-labels.csv, line 5, column 'id': id 'r2' appears twice (lines 3 and 5); each id may have one row of labels");
      const good = file('m2-good.csv', 'id,label\nr1,a\nr2,b\nr3,a\nr4,a\nr5,b\n');
      await expect(load(path, byId({ labelsPath: good, roles: roles() }))).rejects.toThrow("m2-good.csv: joining by id needs the column of m2-good.csv that holds the ids; choose it as the id column (the columns are 'id', 'label')");
      file('m2.ids.txt', 'r1\nr2\nr3\nr1\nr5\n');
      await expect(load(path, byId({ labelsPath: good }))).rejects.toThrow("m2.ids.txt, line 4: id 'r1' appears twice (lines 1 and 4)");
      file('m2.ids.txt', 'r1\nr2\n');
      await expect(load(path, byId({ labelsPath: good }))).rejects.toThrow('m2.ids.txt: has 2 ids but m2.npy has 5 rows');
      await expect(load(path, byId({ labelsPath: fixture('npy/vector-le-i8.npy') }))).rejects.toThrow('vector-le-i8.npy: a labels .npy holds no ids to join by');
    });
  });

  describe('a table with an id column and a labels file joined by id', () => {
    const table = 'id,x,y,note\nr1,1,10,a\nr2,2,20,b\nr3,3,30,c\nr4,4,40,d\n';
    const byId = (labelsPath: string, over: Partial<LoadRequest> = {}) => ({ labelsPath, joinBy: 'id' as const, roles: roles({ id: 'id', features: ['x', 'y'], text: ['note'] }), ...over });

    it('labels each row by its id and counts labels rows that match nothing', async () => {
      const path = file('t.csv', table);
      const labels = file('t-labels.tsv', 'label\tid\nb\tr2\na\tr1\nz\tgone\nb\tr4\na\tr3\n');
      const loaded = await load(path, byId(labels));
      expect(loaded.dataset.ids).toEqual(['r1', 'r2', 'r3', 'r4']);
      expect(loaded.dataset.summary).toMatchObject({ rows: 4, classNames: ['a', 'b'], labelColumn: 'label' });
      expect(Array.from(loaded.dataset.labels)).toEqual([0, 1, 0, 1]);
      expect(loaded.validation.unmatchedLabelRows).toEqual({ file: 't-labels.tsv', count: 1, examples: ['gone'] });
      expect(loaded.validation.classBalance).toEqual([{ name: 'a', count: 2 }, { name: 'b', count: 2 }]);
    });

    it('a row whose id has no labels row stops the load, or is dropped with the moments over the rows kept', async () => {
      const path = file('u.jsonl', ['r1', 'r2', 'r3', 'r4'].map((id, i) => JSON.stringify({ id, x: i + 1, y: 10 * (i + 1), note: 'n' })).join('\n') + '\n');
      const labels = file('u-labels.csv', 'id,label\nr1,a\nr2,b\nr4,a\n');
      await expect(load(path, byId(labels))).rejects.toThrow("u.jsonl, column 'id': id 'r3' has no row in u-labels.csv; fix the file, or load with bad rows skipped");
      const loaded = await load(path, byId(labels, { badRows: 'skip' }));
      expect(loaded.dataset.ids).toEqual(['r1', 'r2', 'r4']);
      expect(Array.from(loaded.dataset.features)).toEqual([1, 10, 2, 20, 4, 40]);
      expect(loaded.textColumns[0].values).toEqual(['n', 'n', 'n']);
      expect(loaded.validation).toMatchObject({ rows: 3, rowsRead: 4, rowsSkipped: 1, problemsTotal: 1 });
      expect(loaded.validation.problems).toEqual([{ file: 'u.jsonl', line: null, column: 'id', message: "id 'r3' has no row in u-labels.csv" }]);
      expect(loaded.summaries[0]).toMatchObject({ name: 'x', count: 3, min: 1, max: 4, histogramRows: 3 });
      expect(loaded.summaries[0].mean).toBeCloseTo(7 / 3, 12);
    });

    it('refuses duplicate ids in the labels file, a table without an id column, and a join by row order', async () => {
      const path = file('v.csv', table);
      const dup = file('v-labels.csv', 'id,label\nr1,a\nr2,b\nr1,b\n');
      await expect(load(path, byId(dup))).rejects.toThrow("v-labels.csv, line 4, column 'id': id 'r1' appears twice (lines 2 and 4); each id may have one row of labels");
      const good = file('v-good.csv', 'id,label\nr1,a\nr2,b\nr3,a\nr4,b\n');
      await expect(load(path, byId(good, { roles: roles({ features: ['x', 'y'] }) }))).rejects.toThrow("v.csv: joining v-good.csv by id needs this file's id column");
      const other = file('v-other.csv', 'key,label\nr1,a\n');
      await expect(load(path, byId(other))).rejects.toThrow("v-other.csv: has no column 'id' (the id column of v.csv) to join by; the columns are 'key', 'label'");
      await expect(load(path, { ...byId(good), joinBy: 'row' })).rejects.toThrow('v.csv: a labels file joined by row order goes with an .npy feature matrix');
    });
  });

  it('loads Parquet (hyparquet) and lists a null feature as missing', async () => {
    const path = fixture('parquet/small.parquet');
    const preview = await previewDataset(host.pool, path);
    expect(preview).toMatchObject({ format: 'parquet', rowsEstimate: 6, rowsExact: true });
    const loaded = await load(path, { badRows: 'skip', roles: roles({ id: 'id' }) });
    expect(loaded.dataset.ids).toEqual(['r1', 'r2', 'r3', 'r5', 'r6']);
    expect(loaded.validation.problems).toEqual([{ file: 'small.parquet', line: 4, column: 'x1', message: 'a feature value is missing' }]);
  });

  describe('bad input gets a clear message naming the file, line and column', () => {
    const cases: [string, () => string | Promise<string>, Partial<LoadRequest> | undefined, RegExp | string][] = [
      ['an empty file', () => file('empty.csv', ''), undefined, /empty\.csv: the file is empty/],
      ['a header only', () => file('header.csv', 'x,label\n'), undefined, 'header.csv: the file has a header but no data rows'],
      ['duplicate header names', () => file('duph.csv', 'x,x,label\n1,2,a\n'), undefined, "duph.csv, line 1: column name 'x' appears twice (columns 1 and 2); rename one"],
      ['a label column that does not exist', () => file('nolabel.csv', 'x,y\n1,2\n'), { roles: roles({ label: 'class' }) }, "nolabel.csv: there is no label column 'class'; the columns are 'x', 'y'"],
      ['invalid UTF-8', () => file('latin1.csv', Buffer.concat([Buffer.from('x,label\n1,a\n2,caf'), Buffer.from([0xe9]), Buffer.from('\n')])), undefined, "latin1.csv, line 3, column 'label': is not valid UTF-8 (byte 0xE9)"],
      ['a Parquet file that is not Parquet', () => file('fake.parquet', 'x,label\n1,a\n'), undefined, 'fake.parquet: is not a Parquet file'],
      ['a truncated .npy', () => fixture('npy/truncated.npy'), undefined, 'truncated.npy: is truncated'],
      ['an .npy with an unknown dtype', () => fixture('npy/complex.npy'), undefined, "complex.npy: has dtype '<c8'"],
      ['an .npy with a lying header', () => fixture('npy/lying.npy'), undefined, 'lying.npy: is truncated: its header promises shape (5, 4)'],
      ['a labels file with a different row count', () => fixture('npy/c-le-f4.npy'), { labelsPath: '' }, 'short.csv: has 2 rows but c-le-f4.npy has 3; joined by row order they must match'],
    ];
    it.each(cases)('%s', async (_, make, over, message) => {
      const path = await make();
      const request = over?.labelsPath === '' ? { ...over, labelsPath: file('short.csv', 'label\na\nb\n') } : over;
      await expect(load(path, request)).rejects.toThrow(message);
    });

    it('a single line of 100 MB', async () => {
      const huge = Buffer.alloc(100 * 1024 * 1024, 0x37);
      await expect(load(file('oneline.csv', huge))).rejects.toThrow('oneline.csv, line 1: the first line is longer than 4 MB without a line break');
      const row = Buffer.concat([Buffer.from('x,label\n'), huge, Buffer.from(',a\n')]);
      // The preview's head holds no complete data row here, so the features are named.
      const loaded = await load(file('longrow.csv', row), { badRows: 'skip', roles: roles({ features: ['x'] }) }).catch((e: Error) => e);
      expect(String(loaded)).toMatch(/longrow\.csv: every one of its 1 rows has a problem; the first: line 2, column 'x': feature values must be finite, found '7777777777777777777777777777777777777777…' \(104857600 characters\)/);
    });

    it('a file that would not fit in memory is refused before reading it, with the size needed', async () => {
      const path = file('big.csv', 'a,b,c,label\n' + '1.5,2.5,3.5,x\n'.repeat(2000));
      await expect(load(path, {}, { availableBytes: 64 * 1024 * 1024 })).rejects.toThrow(/big\.csv: is too big to load: about 2,000 rows × 3 features need 0\.00 GB as float32 plus 0\.29 GB of working memory \(0\.29 GB\), but only 0\.06 GB is available/);
    });
  });
});
