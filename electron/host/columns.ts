/**
 * Columns of a loaded dataset that the host does not keep in memory (text, quasi-identifiers, a protected
 * attribute, categorical columns for drift), read back from its source file and lined up with its rows.
 *
 * Features, the label, the id and the group column come from memory. Any other column is read by the loader
 * itself (`loadDataset`: the parallel byte-range path for a quote-free CSV/TSV, the ingest worker's
 * `loadTable` otherwise, so every format and every parsing rule is the same as at load) with the roles the
 * dataset was loaded with plus the wanted columns as text roles: the same rows are kept and the
 * same bad rows skipped (a text value never makes a row bad), so the i-th value belongs to the dataset's
 * row i. The reader then checks that: the file's SHA-256, the number of rows and the skipped lines must be
 * those of the load, or it refuses with a message saying the file changed.
 */
import type { RoleAssignment } from '../../shared/domain/ingest.ts';
import type { LoadedDataset } from './datasets.ts';
import { HostError } from './errors.ts';
import { loadDataset } from './ingest.ts';
import type { WorkerPool } from './pool.ts';

export type ColumnData = { name: string; kind: 'text'; values: string[] } | { name: string; kind: 'numeric'; values: Float64Array };

export interface ReadColumnsOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/**
 * The named columns of `dataset`, in the order asked, one value per dataset row.
 * @example const [notes] = await readColumns(pool, dataset, ['notes']); notes.values[17] // row 17's text
 */
export async function readColumns(pool: WorkerPool, dataset: LoadedDataset, names: string[], options: ReadColumnsOptions = {}): Promise<ColumnData[]> {
  const { summary } = dataset;
  const fromMemory = new Map<string, ColumnData>();
  const fromFile: string[] = [];
  for (const name of new Set(names)) {
    const inMemory = memoryColumn(dataset, name);
    if (inMemory) fromMemory.set(name, inMemory);
    else fromFile.push(name);
  }
  const fileColumns = fromFile.length ? await readFromFile(pool, dataset, fromFile, options) : new Map<string, ColumnData>();
  options.onProgress?.(1);
  return names.map((name) => fromMemory.get(name) ?? fileColumns.get(name) ?? missing(summary.name, name, dataset));
}

/** The dataset's columns by role, for choosers: what readColumns can read. */
export function columnNames(dataset: LoadedDataset): { name: string; role: string; kind: string }[] {
  const perColumn = dataset.report?.validation.perColumn;
  if (perColumn) return perColumn.map((c) => ({ name: c.name, role: c.role, kind: c.kind }));
  return [
    ...(dataset.summary.labelColumn ? [{ name: dataset.summary.labelColumn, role: 'label', kind: 'categorical' }] : []),
    ...dataset.summary.featureNames.map((name) => ({ name, role: 'feature', kind: 'numeric' })),
  ];
}

/** Throws the same message readColumns would for a name the dataset does not have, before any work starts. */
export function checkColumns(dataset: LoadedDataset, names: string[]): void {
  const known = new Set(columnNames(dataset).map((c) => c.name));
  const { summary } = dataset;
  for (const name of [summary.labelColumn, summary.idColumn, dataset.group?.column, ...summary.featureNames]) if (name) known.add(name);
  for (const name of names) if (!known.has(name)) missing(summary.name, name, dataset);
}

function memoryColumn(dataset: LoadedDataset, name: string): ColumnData | null {
  const { summary, features, labels, ids } = dataset;
  if (name === summary.labelColumn) return { name, kind: 'text', values: Array.from(labels, (c) => summary.classNames[c]) };
  if (name === summary.idColumn && ids) return { name, kind: 'text', values: ids };
  if (dataset.group && dataset.group.column === name) {
    const { names, codes } = dataset.group;
    return { name, kind: 'text', values: Array.from(codes, (c) => names[c] ?? '') };
  }
  const j = summary.featureNames.indexOf(name);
  if (j >= 0) {
    const d = summary.dims;
    const values = new Float64Array(summary.rows);
    for (let i = 0; i < summary.rows; i++) values[i] = features[i * d + j];
    return { name, kind: 'numeric', values };
  }
  return null;
}

function missing(file: string, name: string, dataset: LoadedDataset): never {
  const all = columnNames(dataset).map((c) => `'${c.name}'`);
  throw new HostError('bad-request', `there is no column '${name}' in '${file}'; its columns are ${all.slice(0, 30).join(', ')}${all.length > 30 ? `, … (${all.length} in all)` : ''}`);
}

async function readFromFile(pool: WorkerPool, dataset: LoadedDataset, wanted: string[], options: ReadColumnsOptions): Promise<Map<string, ColumnData>> {
  const { summary, report } = dataset;
  if (summary.path === null || report === null) {
    throw new HostError('bad-request', `'${summary.name}' was generated in memory; it has no column '${wanted[0]}' (only its features, label and id)`);
  }
  if (summary.format === 'npy') {
    throw new HostError('bad-request', `'${summary.name}' is a NumPy matrix; it has no column '${wanted[0]}'. Load a CSV, TSV, JSON Lines or Parquet file that holds it`);
  }
  const perColumn = report.validation.perColumn;
  for (const name of wanted) if (!perColumn.some((c) => c.name === name)) missing(summary.name, name, dataset);
  const roleOf = (name: string | null) => perColumn.find((c) => c.name === name)?.role;
  if (report.validation.unmatchedLabelRows || (summary.labelColumn !== null && roleOf(summary.labelColumn) !== 'label')) {
    throw new HostError('bad-request', `'${summary.name}' took its labels from a separate labels file; its other columns cannot be lined up with its rows from the file alone. Load a file that holds the labels and '${wanted[0]}' together`);
  }
  const skipped = report.validation.rowsSkipped;
  const features = perColumn.filter((c) => c.role === 'feature' && !wanted.includes(c.name)).map((c) => c.name);
  // Without skipped rows every row was good with all its features, so one of them keeps the same rows; with
  // skipped rows every feature is parsed again so that the same rows are skipped.
  const roles: RoleAssignment = {
    label: summary.labelColumn,
    id: summary.idColumn,
    features: skipped === 0 ? features.slice(0, 1) : features,
    text: wanted,
    group: null,
  };
  if (features.length === 0) throw new HostError('bad-request', `'${wanted[0]}' is the only feature of '${summary.name}'; read it from the features instead`);
  const table = await loadDataset(pool, { path: summary.path, roles, badRows: skipped > 0 ? 'skip' : 'stop' }, {
    signal: options.signal ?? new AbortController().signal,
    progress: (fraction) => options.onProgress?.(0.95 * fraction),
  });
  const changed = (what: string) =>
    new HostError('failed', `'${summary.name}' has changed since it was loaded (${what}); reload it before reading its columns`);
  const now = table.dataset.summary;
  if (now.sha256 !== summary.sha256) throw changed('its SHA-256 differs');
  if (now.rows !== summary.rows) throw changed(`${now.rows} rows now, ${summary.rows} then`);
  const lines = table.validation.skippedLines;
  if (lines.length !== report.validation.skippedLines.length || lines.some((l, i) => l !== report.validation.skippedLines[i])) throw changed('other rows are skipped');
  return new Map(table.textColumns.map((c) => [c.column, { name: c.column, kind: 'text' as const, values: c.values }]));
}
