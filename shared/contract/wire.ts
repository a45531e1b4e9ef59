/**
 * Binary framing for the served mode, so that per-row results (typed arrays of hundreds of thousands of
 * values) cross HTTP as raw bytes instead of JSON number lists. Electron's IPC needs none of this: its
 * structured clone carries typed arrays natively.
 *
 * Frame: u32 LE header length | header | zero padding to 8 | each buffer, starting 8-aligned.
 * The header is JSON `{"v": value, "b": [byteLength, …]}` in which a typed array is `{"$t": name, "i": k}`
 * and a non-finite number `{"$n": "NaN" | "Infinity" | "-Infinity"}`. Buffer offsets follow from the header
 * length and the byte lengths. Every non-ASCII character is escaped, so the header is ASCII and needs no
 * text codec (this module runs in the browser, Node and workers alike).
 */

const TYPED = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  BigInt64Array,
  BigUint64Array,
} as const;
type TypedName = keyof typeof TYPED;
type Typed = InstanceType<(typeof TYPED)[TypedName]>;

export const WIRE_CONTENT_TYPE = 'application/x-assay-wire';

const align8 = (n: number) => (n + 7) & ~7;

function typedName(value: unknown): TypedName | null {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return null;
  const name = value.constructor.name;
  if (Object.prototype.hasOwnProperty.call(TYPED, name)) return name as TypedName;
  // A subclass such as Node's Buffer (a Uint8Array) travels as its base type.
  for (const base of Object.keys(TYPED) as TypedName[]) if (value instanceof TYPED[base]) return base;
  return null;
}

function bufferOffsets(headerLength: number, byteLengths: number[]): number[] {
  let at = align8(4 + headerLength);
  return byteLengths.map((len) => {
    const start = at;
    at = align8(at + len);
    return start;
  });
}

export function encodeWire(value: unknown): Uint8Array {
  const buffers: Typed[] = [];
  const v = JSON.stringify(value, function (this: Record<string, unknown>, key: string, replaced: unknown) {
    // The replacer sees a typed array's toJSON-less original through the holder, before JSON flattens it.
    const raw = this[key];
    const name = typedName(raw);
    if (name) {
      buffers.push(raw as Typed);
      return { $t: name, i: buffers.length - 1 };
    }
    if (typeof replaced === 'number' && !Number.isFinite(replaced)) return { $n: String(replaced) };
    return replaced;
  });
  const byteLengths = buffers.map((b) => b.byteLength);
  const header = `{"v":${v ?? 'null'},"b":${JSON.stringify(byteLengths)}}`.replace(
    /[\u007f-\uffff]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
  const offsets = bufferOffsets(header.length, byteLengths);
  const total = buffers.length ? align8(offsets[offsets.length - 1] + byteLengths[byteLengths.length - 1]) : align8(4 + header.length);
  const out = new Uint8Array(total);
  new DataView(out.buffer).setUint32(0, header.length, true);
  for (let i = 0; i < header.length; i++) out[4 + i] = header.charCodeAt(i);
  buffers.forEach((b, k) => out.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), offsets[k]));
  return out;
}

export function decodeWire(frame: Uint8Array): unknown {
  if (frame.byteLength < 4) throw new Error(`wire frame of ${frame.byteLength} bytes is too short`);
  const headerLength = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0, true);
  if (4 + headerLength > frame.byteLength) throw new Error('wire frame is truncated inside its header');
  let header = '';
  for (let i = 0; i < headerLength; i += 8192) {
    header += String.fromCharCode(...frame.subarray(4 + i, 4 + Math.min(headerLength, i + 8192)));
  }
  const parsed = JSON.parse(header) as { v: unknown; b: number[] };
  const offsets = bufferOffsets(headerLength, parsed.b);
  const revive = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(revive);
    if (!node || typeof node !== 'object') return node;
    const o = node as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && typeof o.$n === 'string') return Number(o.$n);
    if (keys.length === 2 && typeof o.$t === 'string' && typeof o.i === 'number') {
      const Ctor = TYPED[o.$t as TypedName];
      const start = offsets[o.i];
      const bytes = parsed.b[o.i];
      if (!Ctor || start === undefined || start + bytes > frame.byteLength) {
        throw new Error(`wire frame is truncated inside buffer ${o.i}`);
      }
      // Copy into a fresh buffer: the frame's own offset need not be aligned for this element type. Not
      // frame.slice(): on a Node Buffer that is a view into Node's shared pool, not a copy.
      return new Ctor(new Uint8Array(frame.subarray(start, start + bytes)).buffer, 0, bytes / Ctor.BYTES_PER_ELEMENT);
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = revive(o[k]);
    return out;
  };
  return revive(parsed.v);
}
