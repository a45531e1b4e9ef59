/**
 * Delimited text (RFC 4180 CSV, and TSV) into a ChunkBuilder, two ways with one result:
 * - addFieldsRow: fields already split by a general parser (papaparse: quotes, embedded delimiters and
 *   newlines);
 * - parseCsvLines: a byte-level parser for files without a single quote character, where a field is exactly
 *   the bytes between delimiters. It parses simple decimals straight from the bytes (numbers.ts) and hands
 *   everything else to the same classifyNumber as the general path, so the float32 values, the kept rows
 *   and the messages are identical bit for bit. It runs on byte ranges, so chunks of one file parse in
 *   parallel workers.
 */
import type { ChunkBuilder, ColumnPlan } from './chunk.ts';
import { NumberState, classifyNumber, scanDecimal } from './numbers.ts';

/** Role codes per file column: ≥ 0 is the feature index; negatives are the other roles. */
const IGNORE = -1;
const LABEL = -2;
const ID = -3;
const GROUP = -4;
const TEXT = -5; // TEXT - k for text column k

export function columnRoles(plan: ColumnPlan): Int32Array {
  const roles = new Int32Array(plan.columns.length).fill(IGNORE);
  plan.featureColumn.forEach((column, j) => (roles[column] = j));
  if (plan.labelAt >= 0) roles[plan.labelAt] = LABEL;
  if (plan.idAt >= 0) roles[plan.idAt] = ID;
  if (plan.groupAt >= 0) roles[plan.groupAt] = GROUP;
  plan.textAt.forEach((column, k) => (roles[column] = TEXT - k));
  return roles;
}

function setField(builder: ChunkBuilder, role: number, text: string): void {
  if (role === LABEL) builder.setLabel(text);
  else if (role === ID) builder.setId(text);
  else if (role === GROUP) builder.setGroup(text);
  else if (role <= TEXT) builder.setText(TEXT - role, text);
}

/** A row of nothing but ASCII whitespace: dropped by both paths (the byte path's blankBytes rule). */
export const isBlankRow = (fields: string[]) => fields.every((f) => /^[ \t\r\v\f]*$/.test(f));

/** One row of fields from a general parser (blank rows are the caller's to drop). */
export function addFieldsRow(builder: ChunkBuilder, roles: Int32Array, fields: string[], line: number): boolean {
  builder.startRow(line);
  if (fields.length !== roles.length) return builder.endRow(fields.length);
  const out = builder.out;
  const base = builder.rowOffset;
  for (let c = 0; c < fields.length; c++) {
    const role = roles[c];
    if (role >= 0) {
      const { state, value } = classifyNumber(fields[c]);
      if (state === NumberState.Ok) out[base + role] = value;
      else builder.featureProblem(role, state, fields[c]);
    } else if (role !== IGNORE) setField(builder, role, fields[c]);
  }
  return builder.endRow(fields.length);
}

export type DecodeText = (bytes: Uint8Array, start: number, end: number) => string;

/**
 * Parses the complete lines of bytes[start, end) (end is just past a '\n', or the end of the data) into
 * `builder`, numbering them from `firstLine`. Lines end with LF or CRLF; blank lines (nothing but
 * delimiters and whitespace) are skipped, as the general path does. Returns the number of lines consumed.
 * @example parseCsvLines(bytesOf('1,2,a\n3,4,b\n'), 0, 12, 44, roles, builder, decode, 2) → 2 (lines 2 and 3)
 */
export function parseCsvLines(
  bytes: Uint8Array,
  start: number,
  end: number,
  delimiter: number,
  roles: Int32Array,
  builder: ChunkBuilder,
  decode: DecodeText,
  firstLine: number,
): number {
  const out = builder.out;
  const width = roles.length;
  const scratch = new Float64Array(1);
  let line = firstLine;
  let pos = start;
  while (pos < end) {
    let lineEnd = bytes.indexOf(10, pos);
    if (lineEnd < 0 || lineEnd >= end) lineEnd = end;
    const next = lineEnd + 1;
    let stop = lineEnd;
    if (stop > pos && bytes[stop - 1] === 13) stop--;
    // Stops at the first byte of any ordinary row, so this costs nothing on real data.
    if (blankBytes(bytes, pos, stop, delimiter)) {
      pos = next;
      line++;
      continue;
    }
    builder.startRow(line);
    const base = builder.rowOffset;
    let column = 0;
    let fieldStart = pos;
    for (;;) {
      const role = column < width ? roles[column] : IGNORE;
      let fieldEnd: number;
      if (role >= 0) {
        const after = scanDecimal(bytes, fieldStart, stop, scratch);
        if (after >= 0 && (after === stop || bytes[after] === delimiter)) {
          out[base + role] = scratch[0];
          fieldEnd = after;
        } else {
          fieldEnd = fieldStart;
          while (fieldEnd < stop && bytes[fieldEnd] !== delimiter) fieldEnd++;
          const text = decode(bytes, fieldStart, fieldEnd);
          const { state, value } = classifyNumber(text);
          if (state === NumberState.Ok) out[base + role] = value;
          else builder.featureProblem(role, state, text);
        }
      } else {
        fieldEnd = fieldStart;
        while (fieldEnd < stop && bytes[fieldEnd] !== delimiter) fieldEnd++;
        if (role !== IGNORE) setField(builder, role, decode(bytes, fieldStart, fieldEnd));
      }
      column++;
      if (fieldEnd >= stop) break;
      fieldStart = fieldEnd + 1;
    }
    builder.endRow(column);
    pos = next;
    line++;
  }
  return line - firstLine;
}

/** Whether bytes[start, end) hold only delimiters and whitespace (a row papaparse's 'greedy' mode drops). */
export function blankBytes(bytes: Uint8Array, start: number, end: number, delimiter: number): boolean {
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b !== delimiter && b !== 32 && b !== 9 && b !== 13 && b !== 11 && b !== 12) return false;
  }
  return true;
}

/**
 * Guesses the delimiter from the first lines: among comma, tab, semicolon and pipe, the one found the same
 * (non-zero) number of times on every line, preferring more fields. Quoted sections are skipped.
 * @example sniffDelimiter(['a;b;c', '1;2;3']) → ';'
 */
export function sniffDelimiter(lines: string[]): string {
  const candidates = [',', '\t', ';', '|'];
  let best = ',';
  let bestCount = 0;
  for (const delimiter of candidates) {
    const counts = lines.map((line) => line.replace(/"[^"]*"/g, '').split(delimiter).length - 1);
    const first = counts[0] ?? 0;
    if (first > 0 && counts.every((c) => c === first) && first > bestCount) {
      best = delimiter;
      bestCount = first;
    }
  }
  if (bestCount === 0) {
    // No delimiter is consistent (ragged lines): take the most frequent one on the header line.
    for (const delimiter of candidates) {
      const count = (lines[0] ?? '').split(delimiter).length - 1;
      if (count > bestCount) {
        best = delimiter;
        bestCount = count;
      }
    }
  }
  return best;
}

/**
 * The offset of the first byte of bytes[start, end) that breaks UTF-8 (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or -1. Readers call it only after a fast validity check failed, to
 * say where.
 */
export function firstInvalidUtf8(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    if (i + need >= end) return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}
