/**
 * The one place rows become dataset values, whatever the format or reader: a ChunkBuilder takes one row at a
 * time (features, label, id, text, group), checks it, and either keeps it (features into a float32 region
 * of the shared matrix, strings dictionary-encoded) or records why not. Every reader — the byte-level CSV
 * path, papaparse, JSON Lines, Parquet — goes through it, so they agree on every value and every message.
 * A chunk's result is plain data that merges with the other chunks' (mergeChunks).
 */
import { PROBLEM_CAP, type BadRowPolicy, type RowProblem } from '../../domain/ingest.ts';
import { DataError } from '../data-error.ts';
import { NumberState } from './numbers.ts';
import { MomentAccumulator, mergeMoments, type MomentScratch, type Moments } from './stats.ts';

/** Where each role's values come from, resolved from the user's RoleAssignment against the file's columns. */
export interface ColumnPlan {
  file: string;
  /** The file's columns, in order (for .npy: one pseudo-column). */
  columns: string[];
  /** One entry per feature: its name and the column it comes from (vector columns give several). */
  featureNames: string[];
  featureColumn: number[];
  /** Column indices, or -1. */
  labelAt: number;
  idAt: number;
  groupAt: number;
  textAt: number[];
}

/** What a chunk hands back: plain data (structured-clone friendly), merged across chunks by mergeChunks. */
export interface ChunkResult {
  /** Rows kept, written contiguously from the chunk's first row of the shared matrix. */
  rows: number;
  /** Data rows read (kept + skipped). */
  rowsRead: number;
  labelNames: string[];
  labelCodes: Int32Array;
  ids: string[] | null;
  texts: string[][];
  groupNames: string[];
  groupCodes: Int32Array | null;
  moments: Moments;
  /** Per file column. */
  missing: Int32Array;
  nonFinite: Int32Array;
  nonConforming: Int32Array;
  problems: RowProblem[];
  problemsTotal: number;
  skippedLines: number[];
  skippedTotal: number;
}

const NO_LABEL = '(unlabelled)';
/** Rows per block in ChunkBuilder.addMatrixRows (16 rows of 512 float32 features: 32 KB, about an L1 cache). */
const MATRIX_BLOCK_ROWS = 16;
/**
 * The same with the WebAssembly moments kernel, which walks a block four features at a time down the rows
 * (64 rows touch 64 cache lines at once) and costs a call and a check of d sums per block.
 */
const SIMD_BLOCK_ROWS = 64;

/** Codes for strings in order of first appearance. */
class Dictionary {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  codes: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.codes = new Int32Array(Math.max(16, capacity));
  }

  push(value: string): void {
    let code = this.index.get(value);
    if (code === undefined) {
      code = this.names.length;
      this.names.push(value);
      this.index.set(value, code);
    }
    if (this.length === this.codes.length) {
      const grown = new Int32Array(this.codes.length * 2);
      grown.set(this.codes);
      this.codes = grown;
    }
    this.codes[this.length++] = code;
  }

  /** push(value) `count` times. */
  pushRepeat(value: string, count: number): void {
    if (count <= 0) return;
    this.push(value);
    const code = this.codes[this.length - 1];
    if (this.length + count - 1 > this.codes.length) {
      const grown = new Int32Array(Math.max(this.codes.length * 2, this.length + count));
      grown.set(this.codes);
      this.codes = grown;
    }
    this.codes.fill(code, this.length, this.length + count - 1);
    this.length += count - 1;
  }
}

const shown = (text: string) => (text.length > 40 ? `'${text.slice(0, 40)}…' (${text.length} characters)` : `'${text}'`);

/**
 * Builds one chunk. `out` is the shared row-major matrix; this chunk writes rows from `rowBase` on and may
 * write at most `capacity` rows (the readers know an upper bound: the chunk's line count).
 */
export class ChunkBuilder {
  readonly d: number;
  /** Row index (within `out`) of the row being built. */
  private at: number;
  private line = 0;
  private readonly rowProblems: RowProblem[] = [];
  private label: string | null = null;
  private id: string | null = null;
  private group: string | null = null;
  private readonly text: (string | null)[];
  private readonly labels: Dictionary;
  private readonly groups: Dictionary | null;
  private readonly ids: string[] | null;
  private readonly texts: string[][];
  private readonly accumulator: MomentAccumulator;
  private rows = 0;
  private rowsRead = 0;
  private readonly missing: Int32Array;
  private readonly nonFinite: Int32Array;
  private readonly nonConforming: Int32Array;
  private readonly problems: RowProblem[] = [];
  private problemsTotal = 0;
  private readonly skippedLines: number[] = [];
  private skippedTotal = 0;

  constructor(
    readonly plan: ColumnPlan,
    readonly out: Float32Array,
    private readonly rowBase: number,
    private readonly capacity: number,
    private readonly policy: BadRowPolicy,
    /** Where the moments may run as WebAssembly (stats.MomentScratch); `out` must then lie in its memory. */
    scratch?: MomentScratch,
  ) {
    this.d = plan.featureNames.length;
    this.at = rowBase;
    this.text = plan.textAt.map(() => null);
    this.labels = new Dictionary(capacity);
    this.groups = plan.groupAt >= 0 ? new Dictionary(capacity) : null;
    this.ids = plan.idAt >= 0 ? [] : null;
    this.texts = plan.textAt.map(() => []);
    this.accumulator = new MomentAccumulator(this.d, scratch);
    const n = plan.columns.length;
    this.missing = new Int32Array(n);
    this.nonFinite = new Int32Array(n);
    this.nonConforming = new Int32Array(n);
  }

  /** Offset in `out` of the current row's first feature. */
  get rowOffset(): number {
    return this.at * this.d;
  }

  startRow(line: number): void {
    if (this.at - this.rowBase >= this.capacity) {
      // The readers size chunks from line counts; more rows than lines would be a reader bug, not bad data.
      throw new Error(`${this.plan.file}: chunk capacity ${this.capacity} exceeded at line ${line}`);
    }
    this.line = line;
    this.rowProblems.length = 0;
    this.label = this.id = this.group = null;
    this.text.fill(null);
  }

  /** A feature value that is not a finite number: `state` says which kind of problem, `text` what was there. */
  featureProblem(j: number, state: NumberState, text: string): void {
    const column = this.plan.featureColumn[j];
    if (state === NumberState.Missing) {
      this.missing[column]++;
      this.problem(column, 'a feature value is missing');
    } else if (state === NumberState.NonFinite) {
      this.nonFinite[column]++;
      this.problem(column, `feature values must be finite, found ${shown(text)}`);
    } else {
      this.nonConforming[column]++;
      this.problem(column, `feature values must be numbers, found ${shown(text)}`);
    }
  }

  /** A problem with the row as a whole or with one column (index into plan.columns, or -1). */
  problem(column: number, message: string): void {
    this.rowProblems.push({ file: this.plan.file, line: this.line, column: column >= 0 ? this.plan.columns[column] : null, message });
  }

  setLabel(value: string | null): void {
    this.label = this.present(this.plan.labelAt, value, 'the label is missing');
  }

  setId(value: string | null): void {
    this.id = this.present(this.plan.idAt, value, 'the id is missing');
  }

  setGroup(value: string | null): void {
    this.group = value === null ? '' : value.trim();
    if (this.group === '') this.missing[this.plan.groupAt]++;
  }

  setText(k: number, value: string | null): void {
    if (value === null || value === '') this.missing[this.plan.textAt[k]]++;
    this.text[k] = value ?? '';
  }

  private present(column: number, value: string | null, message: string): string | null {
    const trimmed = value === null ? '' : value.trim();
    if (trimmed !== '') return trimmed;
    this.missing[column]++;
    this.problem(column, message);
    return null;
  }

  /**
   * Ends the row. With `fields` given (delimited text), a row whose field count differs from the header's is
   * reported as ragged instead of field by field. Returns whether the row was kept.
   */
  endRow(fields = this.plan.columns.length): boolean {
    this.rowsRead++;
    if (fields !== this.plan.columns.length) {
      this.rowProblems.length = 0;
      this.problem(-1, `this row has ${fields} fields but the header has ${this.plan.columns.length}`);
    }
    if (this.rowProblems.length > 0) {
      if (this.policy === 'stop') {
        const first = this.rowProblems[0];
        const more = this.rowProblems.length > 1 ? ` (and ${this.rowProblems.length - 1} more problem(s) in this row)` : '';
        throw new DataError(first.file, `${first.message}${more}; fix the file, or load with bad rows skipped to list them all`, first.line, first.column);
      }
      for (const p of this.rowProblems) {
        if (this.problems.length < PROBLEM_CAP) this.problems.push(p);
        this.problemsTotal++;
      }
      if (this.skippedLines.length < PROBLEM_CAP) this.skippedLines.push(this.line);
      this.skippedTotal++;
      return false;
    }
    this.accumulator.addRow(this.out, this.at * this.d);
    this.labels.push(this.plan.labelAt >= 0 ? this.label! : NO_LABEL);
    if (this.ids) this.ids.push(this.id!);
    if (this.groups) this.groups.push(this.group!);
    for (let k = 0; k < this.texts.length; k++) this.texts[k].push(this.text[k]!);
    this.at++;
    this.rows++;
    return true;
  }

  /**
   * Adds rows `from` … `from + count − 1` of `out` that hold features only (a matrix read in place, no
   * label, id, group or text columns), numbered as lines `firstLine` on. Kept rows end up contiguous from
   * the builder's current row, as row-by-row building would leave them. Blocks of rows whose values are all
   * finite go through MomentAccumulator.addRows in one step; a block with a non-finite value (and the
   * first block, which sets the accumulator's shift) is checked row by row with the usual messages.
   */
  addMatrixRows(from: number, count: number, firstLine: number): void {
    const { plan, d, out } = this;
    if (plan.labelAt >= 0 || plan.idAt >= 0 || plan.groupAt >= 0 || plan.textAt.length > 0) {
      throw new Error(`${plan.file}: addMatrixRows takes feature-only rows`);
    }
    if (this.at - this.rowBase + count > this.capacity) throw new Error(`${plan.file}: chunk capacity ${this.capacity} exceeded at line ${firstLine + count - 1}`);
    const block = this.accumulator.simd ? SIMD_BLOCK_ROWS : MATRIX_BLOCK_ROWS;
    for (let i = 0; i < count; i += block) {
      const n = Math.min(block, count - i);
      const source = (from + i) * d;
      const to = this.at * d;
      if (this.accumulator.n > 0 && this.accumulator.addRows(out, source, n)) {
        if (to !== source) out.copyWithin(to, source, source + n * d);
        this.labels.pushRepeat(NO_LABEL, n);
        this.at += n;
        this.rows += n;
        this.rowsRead += n;
        continue;
      }
      for (let r = 0; r < n; r++) {
        this.startRow(firstLine + i + r);
        const row = this.rowOffset;
        const at = source + r * d;
        // Rows kept so far sit contiguously: after a skipped row, move this one up.
        if (row !== at) out.copyWithin(row, at, at + d);
        for (let j = 0; j < d; j++) {
          const x = out[row + j];
          if (!Number.isFinite(x)) this.featureProblem(j, NumberState.NonFinite, String(x));
        }
        this.endRow();
      }
    }
  }

  result(): ChunkResult {
    return {
      rows: this.rows,
      rowsRead: this.rowsRead,
      labelNames: this.labels.names,
      labelCodes: this.labels.codes.slice(0, this.labels.length),
      ids: this.ids,
      texts: this.texts,
      groupNames: this.groups?.names ?? [],
      groupCodes: this.groups ? this.groups.codes.slice(0, this.groups.length) : null,
      moments: this.accumulator.moments(),
      missing: this.missing,
      nonFinite: this.nonFinite,
      nonConforming: this.nonConforming,
      problems: this.problems,
      problemsTotal: this.problemsTotal,
      skippedLines: this.skippedLines,
      skippedTotal: this.skippedTotal,
    };
  }
}

/** Chunks merged, in file order, with labels and groups re-coded against one dictionary each. */
export interface MergedChunks extends Omit<ChunkResult, 'labelNames' | 'labelCodes' | 'groupNames' | 'groupCodes'> {
  /** Class names in natural sort order ("2" before "10"), so indices do not depend on row order. */
  classNames: string[];
  labels: Int32Array;
  groupNames: string[];
  groupCodes: Int32Array | null;
}

/**
 * Merges chunk results (in file order). Their rows must already be contiguous in the shared matrix; see
 * compactRows for chunks that kept fewer rows than their capacity.
 */
export function mergeChunks(parts: ChunkResult[]): MergedChunks {
  const rows = parts.reduce((s, p) => s + p.rows, 0);
  const recode = (names: string[][], codes: (Int32Array | null)[], sort: boolean) => {
    const all = [...new Set(names.flat())];
    if (sort) all.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    const index = new Map(all.map((name, i) => [name, i]));
    const merged = new Int32Array(rows);
    let at = 0;
    parts.forEach((_, k) => {
      const map = names[k].map((name) => index.get(name)!);
      for (const c of codes[k]!) merged[at++] = map[c];
    });
    return { names: all, codes: merged };
  };
  const labels = recode(parts.map((p) => p.labelNames), parts.map((p) => p.labelCodes), true);
  const groups = parts[0].groupCodes ? recode(parts.map((p) => p.groupNames), parts.map((p) => p.groupCodes), false) : null;
  const sumColumns = (pick: (p: ChunkResult) => Int32Array) => {
    const total = new Int32Array(pick(parts[0]).length);
    for (const p of parts) pick(p).forEach((v, i) => (total[i] += v));
    return total;
  };
  const problems = parts.flatMap((p) => p.problems).slice(0, PROBLEM_CAP);
  return {
    rows,
    rowsRead: parts.reduce((s, p) => s + p.rowsRead, 0),
    classNames: labels.names,
    labels: labels.codes,
    ids: parts[0].ids ? parts.flatMap((p) => p.ids!) : null,
    texts: parts[0].texts.map((_, k) => parts.flatMap((p) => p.texts[k])),
    groupNames: groups?.names ?? [],
    groupCodes: groups?.codes ?? null,
    moments: parts.map((p) => p.moments).reduce(mergeMoments),
    missing: sumColumns((p) => p.missing),
    nonFinite: sumColumns((p) => p.nonFinite),
    nonConforming: sumColumns((p) => p.nonConforming),
    problems,
    problemsTotal: parts.reduce((s, p) => s + p.problemsTotal, 0),
    skippedLines: parts.flatMap((p) => p.skippedLines).slice(0, PROBLEM_CAP),
    skippedTotal: parts.reduce((s, p) => s + p.skippedTotal, 0),
  };
}

/**
 * Moves each chunk's kept rows up against the previous chunk's, in place (chunk k wrote from row
 * `rowBases[k]`). Returns the total rows.
 */
export function compactRows(features: Float32Array, d: number, rowBases: number[], kept: number[]): number {
  let to = 0;
  rowBases.forEach((from, k) => {
    if (from !== to) features.copyWithin(to * d, from * d, (from + kept[k]) * d);
    to += kept[k];
  });
  return to;
}
