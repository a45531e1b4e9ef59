/**
 * The validation report and the per-column summaries of a loaded dataset, from the merged chunks plus one
 * pass over the loaded matrix (histograms and exact duplicate rows).
 */
import type { ColumnInfo, ColumnSummary, ColumnValidation, IngestFormat, Role, ValidationReport } from '../../domain/ingest.ts';
import type { ColumnPlan, MergedChunks } from './chunk.ts';
import { HISTOGRAM_BINS, addSampledHistograms, featureHistograms, histogramEdges } from './stats.ts';

/** What the pass over (a row range of) the loaded matrix finds: plain data, as it runs in workers. */
export interface MatrixFindings {
  /** d × bins counts (stats.featureHistograms); ranges merge by adding. */
  histograms: Int32Array;
  bins: number;
  /** Rows the histograms counted (every row of the range, or the histogram sample's rows in it). */
  histogramRows: number;
  /** One 52-bit hash of each row's float32 bits (rowHashes). */
  hashes: Float64Array;
}

/**
 * Hashes rows [start, end) of the row-major matrix: a 52-bit hash (exact in a double) of each row's float32
 * bits, for groupDuplicateRows, which confirms every candidate bit for bit, so the hash only has to spread
 * rows well. Four independent 32-bit multiply-xorshift lanes (feature j goes to lane j mod 4) keep the CPU's
 * multipliers busy instead of waiting on one chain; the lanes are mixed at the end.
 * @example rowHashes(m, 0, 2, d) → Float64Array [h(row 0), h(row 1)]
 */
export function rowHashes(features: Float32Array, start: number, end: number, d: number): Float64Array {
  const bits = new Uint32Array(features.buffer, features.byteOffset, end * d);
  const hashes = new Float64Array(end - start);
  const body = d - (d % 4);
  for (let i = start; i < end; i++) {
    let a = 0x9e3779b9;
    let b = 0x85ebca6b;
    let c = 0xc2b2ae35;
    let e = 0x27d4eb2f;
    const row = i * d;
    for (let j = row, stop = row + body; j < stop; j += 4) {
      a = Math.imul(a ^ bits[j], 0x5bd1e995);
      b = Math.imul(b ^ bits[j + 1], 0x5bd1e995);
      c = Math.imul(c ^ bits[j + 2], 0x5bd1e995);
      e = Math.imul(e ^ bits[j + 3], 0x5bd1e995);
      a ^= a >>> 15;
      b ^= b >>> 15;
      c ^= c >>> 15;
      e ^= e >>> 15;
    }
    for (let j = row + body; j < row + d; j++) {
      a = Math.imul(a ^ bits[j], 0x5bd1e995);
      a ^= a >>> 15;
    }
    let h1 = Math.imul(a ^ Math.imul(b, 0x27d4eb2d), 0x5bd1e995);
    h1 ^= h1 >>> 13;
    let h2 = Math.imul(c ^ Math.imul(e, 0x27d4eb2d), 0x85ebca6b);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2b2ae35);
    h2 ^= h1 >>> 7;
    hashes[i - start] = (h1 >>> 0) * 0x100000 + ((h2 >>> 12) & 0xfffff);
  }
  return hashes;
}

/**
 * Exact duplicate rows: rows whose features are identical bit for bit and whose labels are equal. Rows with
 * equal hashes are compared in full, so a collision never merges different rows. An open-addressing table
 * (linear probing, load ≤ 1/2) keeps one slot per distinct row.
 */
export function groupDuplicateRows(hashes: Float64Array, features: Float32Array, d: number, labels: Int32Array): { count: number; groups: number[][] } {
  const rows = hashes.length;
  const bits = new Uint32Array(features.buffer, features.byteOffset, rows * d);
  let bitsOfSize = 4;
  while (1 << bitsOfSize < rows * 2) bitsOfSize++;
  const size = 1 << bitsOfSize;
  const mask = size - 1;
  const keys = new Float64Array(size);
  const slots = new Int32Array(size); // row + 1; 0 = empty
  const groups = new Map<number, number[]>();
  let count = 0;
  const same = (a: number, b: number) => {
    if (labels[a] !== labels[b]) return false;
    for (let j = 0; j < d; j++) if (bits[a * d + j] !== bits[b * d + j]) return false;
    return true;
  };
  for (let i = 0; i < rows; i++) {
    const key = hashes[i];
    // The slot comes from all of the key's bits (Fibonacci hashing of its two halves), not from its low bits:
    // those carry only part of the row hash, and rows of one to three features all shared them, so the
    // table clustered into one probe run and the pass went quadratic.
    const high = Math.floor(key / 0x100000) | 0;
    const low = key - Math.floor(key / 0x100000) * 0x100000;
    let s = Math.imul(high ^ Math.imul(low, 0x85ebca6b), 0x9e3779b1) >>> (32 - bitsOfSize);
    let match = -1;
    while (slots[s] !== 0) {
      const other = slots[s] - 1;
      if (keys[s] === key && same(other, i)) {
        match = other;
        break;
      }
      s = (s + 1) & mask;
    }
    if (match < 0) {
      keys[s] = key;
      slots[s] = i + 1;
      continue;
    }
    count++;
    const group = groups.get(match);
    if (group) group.push(i);
    else groups.set(match, [match, i]);
  }
  return { count, groups: [...groups.values()].slice(0, 20).map((g) => g.slice(0, 10)) };
}

/**
 * The pass over rows [start, end) of the loaded matrix: histograms over the merged min/max, row hashes.
 * `sample` (stats.histogramSample of the dataset's rows, or null for every row) picks the rows the
 * histograms count; its indices are rows of the whole matrix, so ranges of one sample add up.
 */
export function scanMatrix(features: Float32Array, start: number, end: number, d: number, min: ArrayLike<number>, max: ArrayLike<number>, sample: Int32Array | null = null): MatrixFindings {
  let histograms: Int32Array;
  let histogramRows: number;
  if (sample) {
    const from = lowerBound(sample, start);
    const to = lowerBound(sample, end);
    histograms = new Int32Array(d * HISTOGRAM_BINS);
    addSampledHistograms(histograms, features, d, sample, from, to, min, max, HISTOGRAM_BINS);
    histogramRows = to - from;
  } else {
    histograms = featureHistograms(features.subarray(start * d, end * d), end - start, d, min, max, HISTOGRAM_BINS);
    histogramRows = end - start;
  }
  return { histograms, bins: HISTOGRAM_BINS, histogramRows, hashes: rowHashes(features, start, end, d) };
}

/** The first index of the increasing `values` whose value is ≥ `x`. */
function lowerBound(values: Int32Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Findings of consecutive row ranges merged: histograms added, hashes concatenated. */
export function mergeFindings(parts: MatrixFindings[]): MatrixFindings {
  const histograms = new Int32Array(parts[0].histograms.length);
  for (const p of parts) for (let k = 0; k < histograms.length; k++) histograms[k] += p.histograms[k];
  const hashes = new Float64Array(parts.reduce((s, p) => s + p.hashes.length, 0));
  let at = 0;
  for (const p of parts) {
    hashes.set(p.hashes, at);
    at += p.hashes.length;
  }
  return { histograms, bins: parts[0].bins, histogramRows: parts.reduce((s, p) => s + p.histogramRows, 0), hashes };
}

/** Ids that an earlier row already has: how many, and up to 20 of them. */
export function duplicateIds(ids: string[] | null): { count: number; examples: string[] } {
  if (!ids) return { count: 0, examples: [] };
  const seen = new Set<string>();
  const examples = new Set<string>();
  let count = 0;
  for (const id of ids) {
    if (!seen.has(id)) {
      seen.add(id);
      continue;
    }
    count++;
    if (examples.size < 20) examples.add(id);
  }
  return { count, examples: [...examples] };
}

function roleOf(plan: ColumnPlan, column: number): Role {
  if (column === plan.labelAt) return 'label';
  if (column === plan.idAt) return 'id';
  if (column === plan.groupAt) return 'group';
  if (plan.textAt.includes(column)) return 'text';
  if (plan.featureColumn.includes(column)) return 'feature';
  return 'ignore';
}

/** A loaded dataset with everything the ingest found out about it. */
export interface IngestedTable {
  format: IngestFormat;
  features: Float32Array;
  rows: number;
  featureNames: string[];
  labels: Int32Array;
  classNames: string[];
  labelColumn: string | null;
  ids: string[] | null;
  idColumn: string | null;
  textColumns: { column: string; values: string[] }[];
  group: { column: string; names: string[]; codes: Int32Array } | null;
  summaries: ColumnSummary[];
  validation: ValidationReport;
  sha256: string;
  sizeBytes: number;
}

export interface TableReport {
  validation: ValidationReport;
  summaries: ColumnSummary[];
}

/**
 * Builds the validation report and the column summaries. Ignored columns are listed but not checked: the
 * readers do not look at their values.
 */
export function buildReport(
  format: IngestFormat,
  plan: ColumnPlan,
  columns: ColumnInfo[],
  merged: MergedChunks,
  features: Float32Array,
  findings: MatrixFindings,
): TableReport {
  const { moments, rows } = merged;
  const d = plan.featureNames.length;
  const classCounts = new Array<number>(merged.classNames.length).fill(0);
  for (const c of merged.labels) classCounts[c]++;
  const constantFeature = (j: number) => rows > 0 && moments.min[j] === moments.max[j];
  const perColumn: ColumnValidation[] = plan.columns.map((name, column) => {
    const role = roleOf(plan, column);
    const features = plan.featureColumn.flatMap((c, j) => (c === column ? [j] : []));
    const checked = role !== 'ignore';
    const bad = merged.missing[column] + merged.nonFinite[column] + merged.nonConforming[column];
    return {
      name,
      kind: columns[column].kind,
      role,
      conforming: checked ? Math.max(0, merged.rowsRead - bad) : 0,
      nonConforming: merged.nonConforming[column],
      missing: merged.missing[column],
      nonFinite: merged.nonFinite[column],
      constant: features.length > 0 ? features.every(constantFeature) : role === 'label' ? merged.classNames.length === 1 : false,
    };
  });
  const validation: ValidationReport = {
    file: plan.file,
    format,
    rows,
    rowsRead: merged.rowsRead,
    rowsSkipped: merged.skippedTotal,
    skippedLines: merged.skippedLines,
    columns: plan.columns.length,
    perColumn,
    duplicateIds: duplicateIds(merged.ids),
    exactDuplicateRows: groupDuplicateRows(findings.hashes, features, d, merged.labels),
    labelCardinality: merged.classNames.length,
    classBalance: merged.classNames.map((name, c) => ({ name, count: classCounts[c] })),
    problems: merged.problems,
    problemsTotal: merged.problemsTotal,
  };

  const summaries: ColumnSummary[] = [];
  for (let j = 0; j < d; j++) {
    const column = plan.featureColumn[j];
    const present = rows > 0;
    const edges = present ? histogramEdges(moments.min[j], moments.max[j], findings.bins) : null;
    const counts = Array.from(findings.histograms.subarray(j * findings.bins, (j + 1) * findings.bins));
    summaries.push({
      name: plan.featureNames[j],
      kind: columns[column].kind,
      role: 'feature',
      count: rows,
      missing: merged.missing[column],
      min: present ? moments.min[j] : null,
      max: present ? moments.max[j] : null,
      mean: present ? moments.mean[j] : null,
      std: rows > 1 ? Math.sqrt(moments.m2[j] / (rows - 1)) : null,
      distinct: null,
      // A constant feature has one bin holding every row counted.
      histogram: edges ? { edges, counts: edges.length === 2 ? [findings.histogramRows] : counts } : null,
      ...(present ? { histogramRows: findings.histogramRows } : {}),
    });
  }
  const other = (column: number, role: Role, distinct: number | null) => {
    if (column < 0) return;
    summaries.push({
      name: plan.columns[column],
      kind: columns[column].kind,
      role,
      count: rows,
      missing: merged.missing[column],
      min: null,
      max: null,
      mean: null,
      std: null,
      distinct,
      histogram: null,
    });
  };
  other(plan.labelAt, 'label', merged.classNames.length);
  other(plan.idAt, 'id', merged.ids ? rows - validation.duplicateIds.count : null);
  other(plan.groupAt, 'group', merged.groupNames.length);
  plan.textAt.forEach((column, k) => other(column, 'text', new Set(merged.texts[k]).size));
  return { validation, summaries };
}

/** Assembles the load result from the merged chunks (in the worker or on the host). */
export function assemble(format: IngestFormat, columns: ColumnInfo[], plan: ColumnPlan, merged: MergedChunks, features: Float32Array, findings: MatrixFindings, sha256: string, sizeBytes: number): IngestedTable {
  const { validation, summaries } = buildReport(format, plan, columns, merged, features, findings);
  const d = plan.featureNames.length;
  return {
    format,
    features: new Float32Array(features.buffer, features.byteOffset, merged.rows * d),
    rows: merged.rows,
    featureNames: plan.featureNames,
    labels: merged.labels,
    classNames: merged.classNames,
    labelColumn: plan.labelAt >= 0 ? plan.columns[plan.labelAt] : null,
    ids: merged.ids,
    idColumn: plan.idAt >= 0 ? plan.columns[plan.idAt] : null,
    textColumns: plan.textAt.map((column, k) => ({ column: plan.columns[column], values: merged.texts[k] })),
    group: merged.groupCodes ? { column: plan.columns[plan.groupAt], names: merged.groupNames, codes: merged.groupCodes } : null,
    summaries,
    validation,
    sha256,
    sizeBytes,
  };
}

