import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkNpySize, convertNpyChunk, npyInPlace, parseNpyHeader } from '../../shared/engine/ingest/npy.ts';

// Fixtures: test/reference/make_npy_fixtures.py (A[i, j] = 10 i + j, + 0.5 for floats; shape 3 × 4).
const dir = new URL('../fixtures/npy/', import.meta.url);
const read = (name: string) => new Uint8Array(readFileSync(new URL(name, dir)));

function load(name: string): Float32Array {
  const bytes = read(name);
  const header = parseNpyHeader(bytes, name);
  checkNpySize(header, bytes.length, name);
  const out = new Float32Array(header.rows * header.cols);
  // Copy to offset 0 so the data is aligned as the reader's blocks are; convert in two pieces to exercise
  // chunk boundaries (a Fortran-order chunk starting mid-column).
  const data = bytes.slice(header.dataOffset);
  const half = Math.floor(header.rows * header.cols / 2) * header.dtype.size;
  convertNpyChunk(header, data.subarray(0, half), 0, out);
  convertNpyChunk(header, data.slice(half), half / header.dtype.size, out);
  return out;
}

const expected = (float: boolean) => Float32Array.from({ length: 12 }, (_, k) => 10 * Math.floor(k / 4) + (k % 4) + (float ? 0.5 : 0));

describe('.npy (NEP-1)', () => {
  const matrices = readdirSync(dir).filter((f) => /^[cf]-|^v[23]-/.test(f) && f !== 'c-bool.npy');
  it.each(matrices)('reads %s as the row-major float32 matrix', (name) => {
    const float = /f[248]\.npy$/.test(name);
    expect(Array.from(load(name))).toEqual(Array.from(expected(float)));
  });

  it('reads bool as 0/1 and knows the header versions', () => {
    expect(Array.from(load('c-bool.npy'))).toEqual(Array.from(expected(false), (x) => x % 2));
    expect(parseNpyHeader(read('v2-le-f4.npy'), 'v2').version).toBe(2);
    expect(parseNpyHeader(read('v3-le-f4.npy'), 'v3').version).toBe(3);
  });

  it('views little-endian float32 C order in place, and nothing else', () => {
    expect(npyInPlace(parseNpyHeader(read('c-le-f4.npy'), 'x'))).toBe(true);
    for (const name of ['f-le-f4.npy', 'c-be-f4.npy', 'c-le-f8.npy']) expect(npyInPlace(parseNpyHeader(read(name), name)), name).toBe(false);
    expect(parseNpyHeader(read('c-le-f4.npy'), 'x').dataOffset % 64).toBe(0);
  });

  it('names the file and the problem for a truncated file, a lying header, an unknown dtype, a non-npy', () => {
    const size = (name: string) => () => {
      const bytes = read(name);
      checkNpySize(parseNpyHeader(bytes, name), bytes.length, name);
    };
    expect(size('truncated.npy')).toThrow(/^truncated\.npy: is truncated: its header promises shape \(3, 4\) of '<f4', 48 bytes of data, but the file holds 20/);
    expect(size('lying.npy')).toThrow(/^lying\.npy: is truncated: its header promises shape \(5, 4\)/);
    expect(() => parseNpyHeader(read('complex.npy'), 'complex.npy')).toThrow(/^complex\.npy: has dtype '<c8', which Assay cannot use as features/);
    expect(() => parseNpyHeader(new TextEncoder().encode('a,b\n1,2\n'), 'x.npy')).toThrow(/x\.npy: is not a NumPy \.npy file/);
  });
});
