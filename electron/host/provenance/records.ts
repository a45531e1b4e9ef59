/**
 * Splits a text file streamed in chunks into its records, byte for byte, for row hashing (see RowKind in
 * shared/domain/provenance.ts). CSV/TSV records end at a line feed outside double quotes (RFC 4180 §2.6:
 * quoted fields may hold line breaks, "" is a quote inside them); a quote that does not open a field is an
 * ordinary character, as the loader's parser reads it (papaparse). Line records end at every line feed. A
 * trailing CR is not part of the record, so a file converted between LF and CRLF keeps its row hashes while
 * its file hash changes.
 */

export interface TextRecord {
  /** The record's bytes without its terminator (a view valid only during the callback). */
  bytes: Uint8Array;
  /** 1-based line on which the record starts. */
  line: number;
}

const LF = 10;
const CR = 13;
const QUOTE = 34;
/** Bytes after which a field starts: the delimiters the loader sniffs (comma, tab, semicolon, pipe). */
const DELIMITERS = new Set([44, 9, 59, 124]);

export class RecordSplitter {
  private carry: Uint8Array[] = [];
  private carryBytes = 0;
  private inQuotes = false;
  /** Inside quotes, a quote was just seen: it closes the field unless another quote follows. */
  private pendingQuote = false;
  private fieldStart = true;
  private line = 1;
  private recordLine = 1;

  constructor(
    private readonly quoted: boolean,
    private readonly onRecord: (record: TextRecord) => void,
  ) {}

  push(chunk: Uint8Array): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (this.inQuotes) {
        if (this.pendingQuote) {
          this.pendingQuote = false;
          if (b === QUOTE) continue; // "" inside quotes
          this.inQuotes = false; // the quote closed the field; b is read below
        } else {
          if (b === QUOTE) this.pendingQuote = true;
          else if (b === LF) this.line++;
          continue;
        }
      }
      if (b === QUOTE && this.quoted && this.fieldStart) {
        this.inQuotes = true;
        this.fieldStart = false;
      } else if (b === LF) {
        this.line++;
        this.emit(chunk.subarray(start, i));
        start = i + 1;
        this.recordLine = this.line;
        this.fieldStart = true;
      } else this.fieldStart = DELIMITERS.has(b);
    }
    if (start < chunk.length) {
      // Copied: the stream may reuse its buffer.
      this.carry.push(chunk.slice(start));
      this.carryBytes += chunk.length - start;
    }
  }

  /** Flushes the last record when the file does not end with a line feed. */
  end(): void {
    if (this.carryBytes > 0) this.emit(new Uint8Array(0));
  }

  private emit(tail: Uint8Array): void {
    let bytes = tail;
    if (this.carryBytes > 0) {
      bytes = new Uint8Array(this.carryBytes + tail.length);
      let o = 0;
      for (const part of this.carry) {
        bytes.set(part, o);
        o += part.length;
      }
      bytes.set(tail, o);
      this.carry = [];
      this.carryBytes = 0;
    }
    const end = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
    this.onRecord({ bytes: bytes.subarray(0, end), line: this.recordLine });
  }
}

/** Whether a record holds only whitespace and delimiters: not a row (the loader drops it too). */
export function isBlankRecord(bytes: Uint8Array, delimiter: number): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== delimiter && b !== 32 && b !== 9 && b !== 13 && b !== 11 && b !== 12) return false;
  }
  return true;
}

/** The fields of one CSV record (RFC 4180 quoting: "" inside quotes is a quote). */
export function splitCsvRecord(text: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}
