import type { DatasetReport, DatasetSummary, RowDetail, RowsPage } from '../../shared/domain/dataset.ts';
import { HostError } from './errors.ts';

/** A dataset held by the host: features on a SharedArrayBuffer so workers read them without a copy. */
export interface LoadedDataset {
  summary: DatasetSummary;
  /** Row-major rows × dims. */
  features: Float32Array;
  labels: Int32Array;
  /** Row ids in row order; null = the 1-based row numbers. */
  ids: string[] | null;
  /** Validation report and column summaries of a loaded file; null for generated data. */
  report: DatasetReport | null;
  /** The group column (role "group" at load: source, annotator…) as codes into names; absent when none. */
  group?: { column: string; names: string[]; codes: Int32Array } | null;
}

export type NewDataset = Omit<LoadedDataset, 'summary'> & {
  summary: Omit<DatasetSummary, 'id' | 'classCounts'>;
};

export function rowId(dataset: Pick<LoadedDataset, 'ids'>, index: number): string {
  return dataset.ids ? dataset.ids[index] : String(index + 1);
}

/** The datasets open in this session, by id. */
export class DatasetStore {
  private readonly datasets = new Map<string, LoadedDataset>();
  /** Row position by id, built on the first lookup of each dataset. */
  private readonly idIndex = new Map<string, Map<string, number>>();
  private next = 1;

  add(data: NewDataset): DatasetSummary {
    const classCounts = new Array<number>(data.summary.classNames.length).fill(0);
    for (const c of data.labels) classCounts[c]++;
    const summary: DatasetSummary = { ...data.summary, id: `ds-${this.next++}`, classCounts };
    this.datasets.set(summary.id, { ...data, summary });
    return summary;
  }

  get(id: string): LoadedDataset {
    const dataset = this.datasets.get(id);
    if (!dataset) throw new HostError('not-found', `no open dataset with id '${id}'`);
    return dataset;
  }

  list(): DatasetSummary[] {
    return [...this.datasets.values()].map((d) => d.summary);
  }

  rows(id: string, start: number, count: number): RowsPage {
    const dataset = this.get(id);
    const { rows, dims } = dataset.summary;
    const end = Math.min(rows, start + count);
    const from = Math.min(start, end);
    return {
      start: from,
      ids: Array.from({ length: end - from }, (_, k) => rowId(dataset, from + k)),
      labels: dataset.labels.slice(from, end),
      features: dataset.features.slice(from * dims, end * dims),
    };
  }

  /** The first row with this id, or null. */
  findRow(id: string, rowIdText: string): number | null {
    const dataset = this.get(id);
    let index = this.idIndex.get(id);
    if (!index) {
      index = new Map();
      for (let i = dataset.summary.rows - 1; i >= 0; i--) index.set(rowId(dataset, i), i);
      this.idIndex.set(id, index);
    }
    return index.get(rowIdText) ?? null;
  }

  rowIds(id: string, indices: number[]): string[] {
    const dataset = this.get(id);
    const bad = indices.find((i) => i >= dataset.summary.rows);
    if (bad !== undefined) throw new HostError('bad-request', `row ${bad} is out of range: dataset '${dataset.summary.name}' has ${dataset.summary.rows} rows`);
    return indices.map((i) => rowId(dataset, i));
  }

  /** Class indices of the rows asked, as one typed array (quarantine sets made without a scan take labels from it). */
  rowLabels(id: string, indices: number[]): Int32Array {
    const dataset = this.get(id);
    const bad = indices.find((i) => i >= dataset.summary.rows);
    if (bad !== undefined) throw new HostError('bad-request', `row ${bad} is out of range: dataset '${dataset.summary.name}' has ${dataset.summary.rows} rows`);
    return Int32Array.from(indices, (i) => dataset.labels[i]);
  }

  row(id: string, index: number): RowDetail {
    const dataset = this.get(id);
    const { rows, dims, featureNames, classNames } = dataset.summary;
    if (index >= rows) throw new HostError('bad-request', `row ${index} is out of range: dataset '${dataset.summary.name}' has ${rows} rows`);
    const labelIndex = dataset.labels[index];
    return {
      datasetId: id,
      index,
      id: rowId(dataset, index),
      labelIndex,
      label: classNames[labelIndex],
      features: Array.from(dataset.features.subarray(index * dims, (index + 1) * dims)),
      featureNames,
    };
  }
}
