/** The option lists several pickers share: the loaded datasets, a model's or scan's classes. */
import type { DatasetSummary } from '../../../shared/domain/dataset.ts';
import { nf } from './format.ts';

/** Datasets by id, each named with its row count. */
export function DatasetOptions({ datasets }: { datasets: readonly DatasetSummary[] }) {
  return datasets.map((d) => (
    <option key={d.id} value={d.id}>
      {d.name} ({nf.format(d.rows)} rows)
    </option>
  ));
}

/** Classes by index, each named. */
export function ClassOptions({ names }: { names: readonly string[] }) {
  return names.map((name, c) => (
    <option key={c} value={c}>
      {name}
    </option>
  ));
}
