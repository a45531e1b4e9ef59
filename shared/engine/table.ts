/**
 * Turns parsed delimited-text rows into the in-memory dataset: a row-major float32 feature matrix, class
 * indices and ids. Parsing bytes into fields is the caller's job (papaparse in a worker); this module decides
 * roles, checks every value and names the file, line and column of the first problem.
 */

export interface TableRoles {
  /** Column holding the class label; null = look for a conventional name (label, class, target, y). */
  labelColumn: string | null;
  /** Column holding row ids; null = look for a conventional name (id, row_id, uid), else number the rows. */
  idColumn: string | null;
}

export interface TableData {
  features: Float32Array;
  rows: number;
  featureNames: string[];
  labels: Int32Array;
  classNames: string[];
  classCounts: number[];
  labelColumn: string;
  idColumn: string | null;
  /** Row ids in row order; null when the file has no id column (ids are then the 1-based row numbers). */
  ids: string[] | null;
  /** Non-numeric columns that are neither label nor id, left out of the features. */
  ignoredColumns: string[];
}

/** A problem with the input, located as precisely as we can. */
export class DataError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly line: number | null = null,
    readonly column: string | null = null,
  ) {
    const where = [file, line !== null ? `line ${line}` : null, column !== null ? `column '${column}'` : null]
      .filter(Boolean)
      .join(', ');
    super(`${where}: ${detail}`);
    this.name = 'DataError';
  }
}

const LABEL_NAMES = ['label', 'labels', 'class', 'target', 'y'];
const ID_NAMES = ['id', 'row_id', 'rowid', 'uid', 'uuid'];

function findConventional(header: string[], names: string[]): number {
  const lower = header.map((h) => h.trim().toLowerCase());
  for (const name of names) {
    const at = lower.indexOf(name);
    if (at >= 0) return at;
  }
  return -1;
}

function parseNumber(text: string): number {
  // Number('') and Number('  ') are 0; an empty field is a missing value, not zero.
  return text.trim() === '' ? NaN : Number(text);
}

export class TableBuilder {
  private readonly labelAt: number;
  private readonly idAt: number;
  private featureAt: number[] | null = null;
  private ignored: string[] = [];
  private data = new Float32Array(0);
  private rowCount = 0;
  private labelCodes: number[] = [];
  private readonly labelIndex = new Map<string, number>();
  private readonly ids: string[] = [];

  constructor(
    private readonly file: string,
    private readonly header: string[],
    roles: TableRoles,
  ) {
    if (header.length === 0 || (header.length === 1 && header[0].trim() === '')) {
      throw new DataError(file, 'the file has no header row; the first line must name the columns');
    }
    const seen = new Map<string, number>();
    header.forEach((name, i) => {
      const previous = seen.get(name);
      if (previous !== undefined) {
        throw new DataError(file, `column name '${name}' appears twice (columns ${previous + 1} and ${i + 1}); rename one`, 1);
      }
      seen.set(name, i);
    });
    const shown = header.slice(0, 12).map((h) => `'${h}'`).join(', ');
    const columns = header.length > 12 ? `${shown}, … (${header.length} in all)` : shown;
    if (roles.labelColumn !== null) {
      this.labelAt = header.indexOf(roles.labelColumn);
      if (this.labelAt < 0) throw new DataError(file, `there is no label column '${roles.labelColumn}'; the columns are ${columns}`);
    } else {
      this.labelAt = findConventional(header, LABEL_NAMES);
      if (this.labelAt < 0) {
        throw new DataError(file, `no label column found (looked for ${LABEL_NAMES.join(', ')}); name one with --label; the columns are ${columns}`);
      }
    }
    if (roles.idColumn !== null) {
      this.idAt = header.indexOf(roles.idColumn);
      if (this.idAt < 0) throw new DataError(file, `there is no id column '${roles.idColumn}'; the columns are ${columns}`);
    } else {
      this.idAt = findConventional(header, ID_NAMES);
    }
    if (this.idAt === this.labelAt && this.idAt >= 0) {
      throw new DataError(file, `column '${header[this.idAt]}' cannot be both the label and the id`);
    }
  }

  /** Adds one data row; `line` is its 1-based line in the file, for messages. */
  addRow(fields: string[], line: number): void {
    const header = this.header;
    if (fields.length !== header.length) {
      throw new DataError(this.file, `this row has ${fields.length} fields but the header has ${header.length}`, line);
    }
    if (this.featureAt === null) this.chooseFeatures(fields, line);
    const featureAt = this.featureAt!;
    const d = featureAt.length;
    if ((this.rowCount + 1) * d > this.data.length) {
      const grown = new Float32Array(Math.max(1024 * d, this.data.length * 2));
      grown.set(this.data);
      this.data = grown;
    }
    const base = this.rowCount * d;
    for (let j = 0; j < d; j++) {
      const text = fields[featureAt[j]];
      const value = parseNumber(text);
      if (!Number.isFinite(value)) {
        const what = text.trim() === '' ? 'a missing value' : `'${text.length > 40 ? text.slice(0, 40) + '…' : text}'`;
        throw new DataError(this.file, `feature columns must hold finite numbers, found ${what}`, line, header[featureAt[j]]);
      }
      this.data[base + j] = value;
    }
    const label = fields[this.labelAt].trim();
    if (label === '') throw new DataError(this.file, 'the label is missing', line, header[this.labelAt]);
    let code = this.labelIndex.get(label);
    if (code === undefined) {
      code = this.labelIndex.size;
      this.labelIndex.set(label, code);
    }
    this.labelCodes.push(code);
    if (this.idAt >= 0) this.ids.push(fields[this.idAt]);
    this.rowCount++;
  }

  /** The first data row decides which columns are features: every numeric one that is not label or id. */
  private chooseFeatures(fields: string[], line: number): void {
    const featureAt: number[] = [];
    fields.forEach((text, i) => {
      if (i === this.labelAt || i === this.idAt) return;
      if (Number.isFinite(parseNumber(text))) featureAt.push(i);
      else this.ignored.push(this.header[i]);
    });
    if (featureAt.length === 0) {
      throw new DataError(this.file, 'no numeric feature columns: every column other than the label and id is non-numeric', line);
    }
    this.featureAt = featureAt;
  }

  /** Finishes the table; `alloc` places the features (e.g. on a SharedArrayBuffer for the workers). */
  finish(alloc: (length: number) => Float32Array = (n) => new Float32Array(n)): TableData {
    if (this.rowCount === 0) throw new DataError(this.file, 'the file has a header but no data rows');
    const d = this.featureAt!.length;
    const features = alloc(this.rowCount * d);
    features.set(this.data.subarray(0, this.rowCount * d));
    this.data = new Float32Array(0);

    // Classes in natural sort order ("2" before "10"), so indices do not depend on row order.
    const names = [...this.labelIndex.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    const remap = new Int32Array(names.length);
    names.forEach((name, sorted) => (remap[this.labelIndex.get(name)!] = sorted));
    const labels = new Int32Array(this.rowCount);
    const classCounts = new Array<number>(names.length).fill(0);
    for (let i = 0; i < this.rowCount; i++) {
      const c = remap[this.labelCodes[i]];
      labels[i] = c;
      classCounts[c]++;
    }
    return {
      features,
      rows: this.rowCount,
      featureNames: this.featureAt!.map((i) => this.header[i]),
      labels,
      classNames: names,
      classCounts,
      labelColumn: this.header[this.labelAt],
      idColumn: this.idAt >= 0 ? this.header[this.idAt] : null,
      ids: this.idAt >= 0 ? this.ids : null,
      ignoredColumns: this.ignored,
    };
  }
}
