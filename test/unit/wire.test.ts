/**
 * Binary wire frames (served mode): round trips of typed arrays of every kind, non-finite numbers, nested
 * values and non-ASCII strings; truncated frames must throw with a message naming the problem.
 */
import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from '../../shared/contract/wire.ts';

const roundTrip = <T>(value: T): unknown => decodeWire(encodeWire(value));

/** Bit-exact comparison of two typed arrays, including their kind (NaN payloads and −0 included). */
function expectSameTyped(actual: unknown, expected: ArrayBufferView & { length: number }): void {
  expect(actual).toBeInstanceOf(expected.constructor);
  const a = actual as ArrayBufferView & { length: number };
  expect(a.length).toBe(expected.length);
  expect(Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))).toEqual(
    Array.from(new Uint8Array(expected.buffer, expected.byteOffset, expected.byteLength)),
  );
}

const KINDS = [
  Float64Array.of(0, -0, 1.5, -2.25, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, -Infinity, Math.PI),
  Float32Array.of(0, -0, 1.5, -2.25, 3.4028234663852886e38, 1e-45, NaN, Infinity, -Infinity, Math.fround(Math.PI)),
  Int32Array.of(0, 1, -1, 2147483647, -2147483648),
  Uint32Array.of(0, 1, 4294967295, 123456789),
  Int16Array.of(0, 1, -1, 32767, -32768),
  Uint16Array.of(0, 1, 65535),
  Int8Array.of(0, 1, -1, 127, -128),
  Uint8Array.of(0, 1, 255, 128),
  Uint8ClampedArray.of(0, 1, 255, 128),
  BigInt64Array.of(0n, 1n, -1n, 9223372036854775807n, -9223372036854775808n),
  BigUint64Array.of(0n, 1n, 18446744073709551615n),
];

describe('wire codec', () => {
  it.each(KINDS.map((a) => [a.constructor.name, a] as const))('round-trips a %s bit for bit', (_, array) => {
    expectSameTyped(roundTrip(array), array);
    const out = roundTrip({ data: array }) as { data: unknown };
    expectSameTyped(out.data, array);
  });

  it.each(KINDS.map((a) => [a.constructor.name, a] as const))('round-trips an empty %s', (_, array) => {
    const Ctor = array.constructor as new (n: number) => ArrayBufferView & { length: number };
    const empty = new Ctor(0);
    expectSameTyped(roundTrip(empty), empty);
    const out = roundTrip({ before: 1, empty, after: new Ctor(0), tail: 'x' }) as Record<string, unknown>;
    expectSameTyped(out.empty, empty);
    expectSameTyped(out.after, empty);
    expect(out.before).toBe(1);
    expect(out.tail).toBe('x');
  });

  it('round-trips subarray views with a non-zero byteOffset (only the view travels)', () => {
    const base = Float64Array.from({ length: 20 }, (_, i) => i + 0.5);
    const view = base.subarray(3, 11);
    expect(view.byteOffset).toBe(24);
    const bytes = new Uint8Array(base.buffer, 5, 7); // odd offset, odd length
    const f32 = new Float32Array(Float32Array.from({ length: 10 }, (_, i) => -i).buffer, 4, 3);
    const i16 = new Int16Array(new Int16Array([1, 2, 3, 4, 5]).buffer, 2, 3);
    const out = roundTrip({ view, bytes, f32, i16 }) as Record<string, unknown>;
    expectSameTyped(out.view, view);
    expectSameTyped(out.bytes, bytes);
    expectSameTyped(out.f32, f32);
    expectSameTyped(out.i16, i16);
    expect(Array.from(out.view as Float64Array)).toEqual([3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5]);
  });

  it('decodes typed arrays with their own aligned buffers, from a frame at any offset', () => {
    const value = { a: Float64Array.of(1, 2, 3), b: Int8Array.of(-1), c: Float32Array.of(4, 5) };
    const frame = encodeWire(value);
    expect(frame.byteLength % 8).toBe(0);
    for (const shift of [1, 3, 4, 7]) {
      const host = new Uint8Array(frame.byteLength + shift + 5);
      host.set(frame, shift);
      const out = decodeWire(host.subarray(shift, shift + frame.byteLength)) as typeof value;
      expectSameTyped(out.a, value.a);
      expectSameTyped(out.b, value.b);
      expectSameTyped(out.c, value.c);
      expect(out.a.byteOffset % 8).toBe(0);
    }
  });

  it('decodes a frame held in a Node Buffer from the shared pool (as the served mode receives it)', () => {
    const value = { f: Float64Array.of(1.5, -2.5, 3.25), i: Int32Array.of(7, -8) };
    const frame = encodeWire(value);
    // A small Buffer lives at some offset of Node's shared 8 KiB pool: its .buffer is the whole pool.
    const pooled = Buffer.from(frame);
    const out = decodeWire(pooled) as typeof value;
    expectSameTyped(out.f, value.f);
    expectSameTyped(out.i, value.i);
    expect(out.f.buffer.byteLength).toBe(value.f.byteLength);
  });

  it('sends many arrays and Node Buffers (as Uint8Array)', () => {
    const arrays = Array.from({ length: 50 }, (_, i) => Float32Array.from({ length: i }, (_, k) => k * i));
    const out = roundTrip({ arrays, buf: Buffer.from('héllo') }) as { arrays: Float32Array[]; buf: Uint8Array };
    arrays.forEach((a, i) => expectSameTyped(out.arrays[i], a));
    expect(out.buf).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(out.buf).toString('utf8')).toBe('héllo');
  });

  it('carries NaN and ±Infinity in plain numbers, at any depth', () => {
    const value = { nan: NaN, inf: Infinity, ninf: -Infinity, list: [1, NaN, -Infinity, { deep: [Infinity] }], max: Number.MAX_VALUE, tiny: 5e-324 };
    const out = roundTrip(value) as typeof value;
    expect(out.nan).toBeNaN();
    expect(out.inf).toBe(Infinity);
    expect(out.ninf).toBe(-Infinity);
    expect(out.list[0]).toBe(1);
    expect(out.list[1]).toBeNaN();
    expect(out.list[2]).toBe(-Infinity);
    expect(out.list[3]).toEqual({ deep: [Infinity] });
    expect(out.max).toBe(Number.MAX_VALUE);
    expect(out.tiny).toBe(5e-324);
    expect(roundTrip(NaN)).toBeNaN();
    expect(roundTrip(-Infinity)).toBe(-Infinity);
  });

  it('round-trips nested objects and arrays mixing typed arrays and plain values', () => {
    const value = {
      detector: 'spectral',
      params: { epsilon: 0.05, budgetFactor: 1.5 },
      classes: [
        { classIndex: 0, eigenvalues: [3.2, 1.1], threshold: Infinity, scores: Float64Array.of(1, 2) },
        { classIndex: 1, eigenvalues: [], threshold: 0.25, scores: new Float64Array(0) },
      ],
      matrix: [
        [1, 2],
        [3, [4, [5, Int32Array.of(6)]]],
      ],
      flags: { ok: true, bad: false },
    };
    const out = roundTrip(value) as typeof value;
    expect(out.detector).toBe('spectral');
    expect(out.params).toEqual(value.params);
    expect(out.flags).toEqual(value.flags);
    expect(out.classes[0].threshold).toBe(Infinity);
    expectSameTyped(out.classes[0].scores, value.classes[0].scores);
    expectSameTyped(out.classes[1].scores, value.classes[1].scores);
    const inner = out.matrix[1][1] as unknown as [number, [number, Int32Array]];
    expect(inner[0]).toBe(4);
    expect(inner[1][0]).toBe(5);
    expectSameTyped(inner[1][1], Int32Array.of(6));
    expect(out.matrix[0]).toEqual([1, 2]);
  });

  it('round-trips unicode strings in values and keys (é, 漢字, emoji, lone surrogates, control characters)', () => {
    const strings = ['é', '漢字', '😀 👩‍🔬 🇫🇷', 'mixed ASCII é 漢 😀', '\u0000\u001f\u007f\u0080\u2028\u2029\ufeff\uffff', '\ud800', 'line\nbreak "quoted" \\ back', ''];
    const value = { strings, 'clé 漢字 😀': 'key', nested: { 名前: strings[3] } };
    const frame = encodeWire(value);
    // The header is pure ASCII.
    const headerLength = new DataView(frame.buffer).getUint32(0, true);
    for (let i = 4; i < 4 + headerLength; i++) expect(frame[i]).toBeLessThan(0x80);
    expect(decodeWire(frame)).toEqual(value);
  });

  it('null and undefined follow JSON: null kept, undefined properties dropped, undefined in arrays → null', () => {
    expect(roundTrip(null)).toBeNull();
    expect(roundTrip(undefined)).toBeNull();
    expect(roundTrip({ a: null, b: undefined, c: 1 })).toEqual({ a: null, c: 1 });
    expect(Object.keys(roundTrip({ a: null, b: undefined }) as object)).toEqual(['a']);
    expect(roundTrip([null, undefined, 1])).toEqual([null, null, 1]);
  });

  it('round-trips plain scalars and a header larger than the decoder’s 8 KiB chunk', () => {
    for (const v of [0, -1.5, 'text', true, false, [], {}]) expect(roundTrip(v)).toEqual(v);
    const big = { ids: Array.from({ length: 20000 }, (_, i) => `row-${i}-é`), values: Array.from({ length: 5000 }, (_, i) => i / 7) };
    expect(roundTrip(big)).toEqual(big);
  });

  it('throws a clear error on frames shorter than the length prefix', () => {
    expect(() => decodeWire(new Uint8Array(0))).toThrow('wire frame of 0 bytes is too short');
    expect(() => decodeWire(Uint8Array.of(1, 0, 0))).toThrow(/too short/);
  });

  it('throws a clear error on a frame truncated inside its header', () => {
    const frame = encodeWire({ name: 'x'.repeat(100), data: Float32Array.of(1, 2, 3) });
    const headerLength = new DataView(frame.buffer).getUint32(0, true);
    for (const cut of [4, 5, 50, 4 + headerLength - 1]) {
      expect(() => decodeWire(frame.subarray(0, cut))).toThrow('wire frame is truncated inside its header');
    }
  });

  it('throws a clear error on a frame truncated inside a buffer, at every cut point', () => {
    const value = { a: Float64Array.of(1, 2, 3), b: Uint8Array.of(9, 8, 7, 6, 5), c: Int32Array.of(-1, -2) };
    const frame = encodeWire(value);
    const headerLength = new DataView(frame.buffer).getUint32(0, true);
    const tail = frame.byteLength - 8; // c (8 bytes) ends the frame with no padding
    let threw = 0;
    for (let cut = 0; cut < frame.byteLength; cut++) {
      const part = frame.subarray(0, cut);
      if (cut < 4) expect(() => decodeWire(part)).toThrow(/too short/);
      else if (cut < 4 + headerLength) expect(() => decodeWire(part)).toThrow(/truncated inside its header/);
      else if (cut < tail + 8) {
        expect(() => decodeWire(part)).toThrow(/^wire frame is truncated inside buffer [0-2]$/);
        threw++;
      }
    }
    expect(threw).toBeGreaterThan(20);
    expect(() => decodeWire(frame.subarray(0, tail + 4))).toThrow('wire frame is truncated inside buffer 2');
  });
});
