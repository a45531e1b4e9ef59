/**
 * NumPy .npy files as a feature matrix, after the format's specification (NumPy Enhancement Proposal 1,
 * "A Simple File Format for NumPy Arrays", and numpy.lib.format):
 *
 *   "\x93NUMPY" major minor | header length (v1: uint16 LE; v2, v3: uint32 LE) | header | data
 *
 * The header is a Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (n, d), }` (ASCII
 * in v1/v2, UTF-8 in v3), padded with spaces and ended by '\n' so the data starts on a 64-byte boundary
 * (older writers padded to 16; either keeps float32 data 4-byte aligned). Data is n·d items in C (row-major) or Fortran (column-major) order.
 *
 * The output is always a row-major float32 matrix. A little-endian float32 C-order file already is one, so
 * the reader can view its bytes in place (npyInPlace); every other layout is converted chunk by chunk, so
 * the whole file never needs to sit in memory beside the result.
 */
import { DataError } from '../data-error.ts';

export interface NpyDtype {
  /** f: IEEE float; i: signed int; u: unsigned int; b: bool. */
  kind: 'f' | 'i' | 'u' | 'b';
  /** Bytes per item. */
  size: number;
  littleEndian: boolean;
}

export interface NpyHeader {
  version: 1 | 2 | 3;
  descr: string;
  dtype: NpyDtype;
  fortranOrder: boolean;
  shape: number[];
  rows: number;
  cols: number;
  /** Byte offset of the first item. */
  dataOffset: number;
  /** rows × cols × item size. */
  dataBytes: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Bytes a reader should have in hand to parse any header it will accept (the prefix plus the dict). */
export const NPY_HEAD_BYTES = 64 * 1024;

const SUPPORTED: Record<string, number[]> = { f: [2, 4, 8], i: [1, 2, 4, 8], u: [1, 2, 4, 8], b: [1] };

/**
 * Parses the header of an .npy file from its first bytes.
 * @example parseNpyHeader(first64KB, 'x.npy') → { descr: '<f4', shape: [200000, 512], dataOffset: 128, … }
 */
export function parseNpyHeader(head: Uint8Array, file: string): NpyHeader {
  if (head.length < 10 || MAGIC.some((b, i) => head[i] !== b)) {
    throw new DataError(file, 'is not a NumPy .npy file (it does not start with the "\\x93NUMPY" magic); save the matrix with numpy.save');
  }
  const major = head[6];
  if (major !== 1 && major !== 2 && major !== 3) {
    throw new DataError(file, `uses .npy format version ${major}.${head[7]}; Assay reads versions 1.0, 2.0 and 3.0`);
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const lengthAt = 8;
  const headerStart = major === 1 ? 10 : 12;
  if (head.length < headerStart) throw new DataError(file, 'is truncated inside its .npy header');
  const headerLength = major === 1 ? view.getUint16(lengthAt, true) : view.getUint32(lengthAt, true);
  const dataOffset = headerStart + headerLength;
  if (dataOffset > head.length) {
    throw new DataError(file, `declares a ${headerLength}-byte .npy header, more than the file's first ${head.length} bytes hold: the file is truncated or the header length is wrong`);
  }
  const text = decodeHeader(head.subarray(headerStart, dataOffset), major === 3, file);
  const descr = matchField(text, 'descr', /^'([^']*)'/, file);
  const fortran = matchField(text, 'fortran_order', /^(True|False)/, file);
  const shapeText = matchField(text, 'shape', /^\(([^)]*)\)/, file);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      if (!/^\d+L?$/.test(s)) throw new DataError(file, `has an .npy header whose shape (${shapeText}) is not a tuple of integers`);
      return Number.parseInt(s, 10);
    });
  const dtype = parseDescr(descr, file);
  if (shape.length === 0 || shape.length > 2) {
    throw new DataError(file, `holds an array of shape (${shape.join(', ')}); Assay reads a 2-D matrix (rows × features) or a 1-D vector`);
  }
  const rows = shape[0];
  const cols = shape.length === 2 ? shape[1] : 1;
  return {
    version: major,
    descr,
    dtype,
    fortranOrder: fortran === 'True',
    shape,
    rows,
    cols,
    dataOffset,
    dataBytes: rows * cols * dtype.size,
  };
}

function decodeHeader(bytes: Uint8Array, utf8: boolean, file: string): string {
  let text = '';
  for (const b of bytes) {
    // v1/v2 headers are latin-1/ASCII; a v3 header may hold UTF-8 only in field names of structured dtypes,
    // which Assay does not read, so any non-ASCII byte means a header we cannot use either way.
    if (b > 0x7e && !utf8) throw new DataError(file, 'has an .npy header with non-ASCII bytes; it is corrupt');
    text += String.fromCharCode(b);
  }
  if (!/^\s*\{.*\}\s*$/s.test(text)) throw new DataError(file, `has an .npy header that is not a Python dict: ${JSON.stringify(text.slice(0, 80))}`);
  return text;
}

function matchField(text: string, key: string, value: RegExp, file: string): string {
  const at = text.search(new RegExp(`['"]${key}['"]\\s*:\\s*`));
  if (at < 0) throw new DataError(file, `has an .npy header without '${key}'`);
  const rest = text.slice(at).replace(/^['"]\w+['"]\s*:\s*/, '');
  const match = value.exec(rest);
  if (!match) throw new DataError(file, `has an .npy header whose '${key}' cannot be read: ${JSON.stringify(rest.slice(0, 40))}`);
  return match[1];
}

/** Array-protocol type strings: byte order ('<' little, '>' big, '|' not applicable, '=' native) + kind + size. */
function parseDescr(descr: string, file: string): NpyDtype {
  const match = /^([<>|=]?)([a-zA-Z])(\d+)$/.exec(descr);
  const sizes = match ? SUPPORTED[match[2]] : undefined;
  if (!match || !sizes || !sizes.includes(Number(match[3]))) {
    throw new DataError(
      file,
      `has dtype '${descr}', which Assay cannot use as features; supported: float16/32/64, int8–64, uint8–64 and bool (e.g. '<f4'); convert with array.astype('float32')`,
    );
  }
  // '=' is the writer's native order; every platform numpy and Electron run on today is little-endian.
  return { kind: match[2] as NpyDtype['kind'], size: Number(match[3]), littleEndian: match[1] !== '>' };
}

/** Checks the header's promise (shape × item size) against the bytes the file holds. */
export function checkNpySize(header: NpyHeader, fileSize: number, file: string): void {
  const have = fileSize - header.dataOffset;
  if (have === header.dataBytes) return;
  const promise = `its header promises shape (${header.shape.join(', ')}) of '${header.descr}', ${header.dataBytes} bytes of data, but the file holds ${have}`;
  throw new DataError(file, have < header.dataBytes ? `is truncated: ${promise}` : `has a header that does not match its data: ${promise}`);
}

/** True when the data bytes already are a row-major little-endian float32 matrix at a 4-byte-aligned offset. */
export function npyInPlace(header: NpyHeader): boolean {
  const { dtype } = header;
  const rowMajor = !header.fortranOrder || header.cols === 1 || header.rows === 1;
  return dtype.kind === 'f' && dtype.size === 4 && dtype.littleEndian && rowMajor && header.dataOffset % 4 === 0;
}

/**
 * Converts whole items from `bytes` (item number `firstItem` onwards, in file order) into the row-major
 * float32 matrix `out` (rows × cols). Callers pass chunks whose length is a multiple of the item size and
 * whose byteOffset is aligned to it, so native-order data is read through typed-array views.
 * @example convertNpyChunk(bigEndianF8Header, chunk, 0, out) → out[0 .. chunk.length / 8) filled
 */
export function convertNpyChunk(header: NpyHeader, bytes: Uint8Array, firstItem: number, out: Float32Array): void {
  const { dtype, rows, cols } = header;
  const count = bytes.length / dtype.size;
  const items = readItems(dtype, bytes, count);
  if (!header.fortranOrder || cols === 1 || rows === 1) {
    for (let k = 0; k < count; k++) out[firstItem + k] = items(k);
    return;
  }
  // Fortran order: item t is element (t mod rows, ⌊t / rows⌋).
  let i = firstItem % rows;
  let j = (firstItem - i) / rows;
  for (let k = 0; k < count; k++) {
    out[i * cols + j] = items(k);
    if (++i === rows) {
      i = 0;
      j++;
    }
  }
}

/** An accessor for item k of the chunk as a number. */
function readItems(dtype: NpyDtype, bytes: Uint8Array, count: number): (k: number) => number {
  const { kind, size, littleEndian } = dtype;
  const aligned = bytes.byteOffset % size === 0;
  if ((littleEndian || size === 1) && aligned) {
    const buffer = bytes.buffer;
    const at = bytes.byteOffset;
    if (kind === 'f' && size === 4) {
      const a = new Float32Array(buffer, at, count);
      return (k) => a[k];
    }
    if (kind === 'f' && size === 8) {
      const a = new Float64Array(buffer, at, count);
      return (k) => a[k];
    }
    if (kind === 'i' && size === 8) {
      const a = new BigInt64Array(buffer, at, count);
      return (k) => Number(a[k]);
    }
    if (kind === 'u' && size === 8) {
      const a = new BigUint64Array(buffer, at, count);
      return (k) => Number(a[k]);
    }
    if (kind !== 'f') {
      const a = intView(`${kind}${size}`, buffer, at, count);
      return kind === 'b' ? (k) => (a[k] ? 1 : 0) : (k) => a[k];
    }
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = littleEndian;
  switch (`${kind}${size}`) {
    case 'f2':
      return (k) => halfToNumber(view.getUint16(k * 2, le));
    case 'f4':
      return (k) => view.getFloat32(k * 4, le);
    case 'f8':
      return (k) => view.getFloat64(k * 8, le);
    case 'i2':
      return (k) => view.getInt16(k * 2, le);
    case 'i4':
      return (k) => view.getInt32(k * 4, le);
    case 'i8':
      return (k) => Number(view.getBigInt64(k * 8, le));
    case 'u2':
      return (k) => view.getUint16(k * 2, le);
    case 'u4':
      return (k) => view.getUint32(k * 4, le);
    case 'u8':
      return (k) => Number(view.getBigUint64(k * 8, le));
    case 'i1':
      return (k) => view.getInt8(k);
    default: // u1, b1 (single bytes: no byte order)
      return kind === 'b' ? (k) => (view.getUint8(k) ? 1 : 0) : (k) => view.getUint8(k);
  }
}

function intView(type: string, buffer: ArrayBufferLike, at: number, count: number): ArrayLike<number> {
  switch (type) {
    case 'i1':
      return new Int8Array(buffer, at, count);
    case 'i2':
      return new Int16Array(buffer, at, count);
    case 'i4':
      return new Int32Array(buffer, at, count);
    case 'u2':
      return new Uint16Array(buffer, at, count);
    case 'u4':
      return new Uint32Array(buffer, at, count);
    default: // u1, b1
      return new Uint8Array(buffer, at, count);
  }
}

/** IEEE 754 binary16 → number (exact: every half is a float32). */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
