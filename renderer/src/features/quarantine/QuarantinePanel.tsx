import { useState } from 'react';
import { getClient } from '../../api/client.ts';
import { countFlagged, startJob, useScanViews, useStore, type ScanViews } from '../../store/index.ts';
import { nf } from '../../ui/format.ts';
import { download, fileStem, quarantineCsv, quarantineJson, rowIds } from './export.ts';
import type { QuarantineSet } from './slice.ts';

const SHOWN = 100;

/**
 * `/data/train.csv` → `/data/train.cleaned.csv`, `emb.npy` → `emb.cleaned.npy`; JSON Lines and Parquet are
 * written as CSV by the host, hence `.cleaned.csv`. Empty for data generated in memory (no file to sit beside).
 */
function cleanedPath(source: string | null): string {
  if (!source) return '';
  const dot = source.lastIndexOf('.');
  const slash = Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\'));
  const ext = dot > slash ? source.slice(dot) : '';
  const stem = ext ? source.slice(0, dot) : source;
  return /^\.(csv|tsv|npy)$/i.test(ext) ? `${stem}.cleaned${ext}` : `${stem}.cleaned.csv`;
}

/** Has the host write the dataset without the set's rows, and shows what it wrote. */
function CleanedExport({ set }: { set: QuarantineSet }) {
  const sourcePath = useStore((s) => s.datasets.find((d) => d.id === set.datasetId)?.path ?? s.dataset?.path ?? null);
  const showError = useStore((s) => s.showError);
  const [path, setPath] = useState(() => cleanedPath(sourcePath));
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useStore((s) => (jobId ? s.jobs[jobId] : undefined));
  const written = useStore((s) => (jobId ? s.cleanedExports[jobId] : undefined));

  const write = async () => {
    if (!path.trim()) return showError('Export cleaned dataset', 'Enter the path of the file to write, e.g. /data/train.cleaned.csv.');
    const started = await startJob('Export cleaned dataset', () =>
      getClient().exportCleaned({ datasetId: set.datasetId, excludeRows: Array.from(set.rows), path: path.trim() }),
    );
    if (started) setJobId(started.id);
  };

  return (
    <details className="cleaned">
      <summary className="small">Export cleaned dataset…</summary>
      <label className="field">
        <span>Write the dataset without these {nf.format(set.rows.length)} rows to</span>
        <input type="text" spellCheck={false} value={path} placeholder="/data/train.cleaned.csv" data-testid="cleaned-path" onChange={(e) => setPath(e.target.value)} />
      </label>
      <button type="button" className="btn tiny" data-testid="cleaned-write" disabled={job !== undefined && job.status === 'running'} onClick={() => void write()}>
        Write
      </button>
      {written && (
        <p className="hint" data-testid="cleaned-result">
          Wrote {nf.format(written.rowsWritten)} rows ({nf.format(written.rowsExcluded)} left out) to <code>{written.path}</code>, SHA-256{' '}
          <code title={written.sha256}>{written.sha256.slice(0, 12)}…</code>
        </p>
      )}
    </details>
  );
}

function SetItem({ set }: { set: QuarantineSet }) {
  const remove = useStore((s) => s.removeQuarantineSet);
  const selectRow = useStore((s) => s.selectRow);
  const showError = useStore((s) => s.showError);
  const [busy, setBusy] = useState<string | null>(null);

  const save = async (format: 'csv' | 'json') => {
    try {
      setBusy(`ids 0/${set.rows.length}`);
      const ids = await rowIds(set, (done) => setBusy(`ids ${done}/${set.rows.length}`));
      if (format === 'csv') download(`${fileStem(set)}.csv`, quarantineCsv(set, ids), 'text/csv');
      else download(`${fileStem(set)}.json`, quarantineJson(set, ids), 'application/json');
    } catch (err) {
      showError(`Export ${set.name}`, err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <li className="qset" data-testid="quarantine-set" data-name={set.name}>
      <div className="qset-head">
        <b className="qset-name">{set.name}</b>
        <span className="num" data-testid="quarantine-count">
          {nf.format(set.rows.length)}
        </span>
      </div>
      <p className="hint">{set.origin}</p>
      <div className="row-actions">
        <button type="button" className="btn tiny" data-testid="export-csv" disabled={busy !== null} onClick={() => void save('csv')}>
          CSV
        </button>
        <button type="button" className="btn tiny" data-testid="export-json" disabled={busy !== null} onClick={() => void save('json')}>
          JSON
        </button>
        <button type="button" className="btn tiny danger" aria-label={`Delete ${set.name}`} onClick={() => remove(set.id)}>
          Delete
        </button>
        {busy && <span className="muted small">{busy}</span>}
      </div>
      <details>
        <summary className="small">Rows</summary>
        <ol className="row-list">
          {Array.from(set.rows.subarray(0, SHOWN), (row, i) => (
            <li key={row}>
              <button type="button" className="linkish" onClick={() => selectRow(row)}>
                <span>#{row}</span>
                <span className="muted">{set.labels[i]}</span>
                <span className="muted small">
                  {set.reasons
                    .filter((r) => r.detector !== 'consensus' && r.flagged[i])
                    .map((r) => r.title)
                    .join(', ') || (set.reasons.length ? 'by hand' : '')}
                </span>
              </button>
            </li>
          ))}
        </ol>
        {set.rows.length > SHOWN && <p className="muted small">and {nf.format(set.rows.length - SHOWN)} more (all are in the exports)</p>}
      </details>
      <CleanedExport set={set} />
    </li>
  );
}

/** The form that makes a set from the scan's flags or the selection. */
function NewSet({ sv }: { sv: ScanViews }) {
  const classIndex = useStore((s) => s.selectedClass);
  const viewKey = useStore((s) => s.selectedView);
  const selection = useStore((s) => s.selection);
  const addSet = useStore((s) => s.addQuarantineSet);
  const [source, setSource] = useState<'class' | 'all' | 'selection'>('class');

  const view = sv.views.find((v) => v.key === viewKey) ?? sv.views[sv.views.length - 1];
  const className = classIndex !== null ? sv.result.classNames[classIndex] : null;
  const classFlagged = classIndex !== null ? countFlagged(view.flagged, sv.byClass[classIndex]) : 0;
  const allFlagged = countFlagged(view.flagged, Int32Array.from(sv.result.labels.keys()));
  const options = [
    { key: 'class' as const, label: `${view.title} flags in ${className ?? '—'} (${nf.format(classFlagged)})`, n: classFlagged },
    { key: 'all' as const, label: `${view.title} flags in all classes (${nf.format(allFlagged)})`, n: allFlagged },
    ...(selection ? [{ key: 'selection' as const, label: `the selection (${nf.format(selection.rows.length)})`, n: selection.rows.length }] : []),
  ];
  const chosen = options.find((o) => o.key === source) ?? options[0];

  const create = () => {
    const mode = view.flagMode;
    if (chosen.key === 'selection' && selection) {
      addSet(`Selection (${selection.source})`, `rows picked by ${selection.source}`, selection.rows);
    } else if (chosen.key === 'class' && classIndex !== null) {
      addSet(`${view.title} · ${className}`, `flags of ${view.title} in ${className} (${mode})`, sv.byClass[classIndex].filter((r) => view.flagged[r] === 1));
    } else {
      const rows = Int32Array.from(sv.result.labels.keys()).filter((r) => view.flagged[r] === 1);
      addSet(`${view.title} · all classes`, `flags of ${view.title} in every class (${mode})`, rows);
    }
  };

  return (
    <div className="qnew">
      <label className="field">
        <span>New set from</span>
        <select data-testid="quarantine-source" value={chosen.key} onChange={(e) => setSource(e.target.value as typeof source)}>
          {options.map((o) => (
            <option key={o.key} value={o.key}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="btn small primary" data-testid="quarantine-create" disabled={chosen.n === 0} onClick={create}>
        Add set
      </button>
    </div>
  );
}

/**
 * Named sets of rows held back, built from flags, the selection or detector agreement, or sent here by the
 * Influence and Privacy tabs (which need no scan); exported as CSV/JSON or left out of a cleaned copy.
 */
export function QuarantinePanel() {
  const sv = useScanViews();
  const datasetId = useStore((s) => s.dataset?.id ?? null);
  const sets = useStore((s) => s.quarantine);
  if (datasetId === null) return null;

  const mine = sets.filter((s) => s.datasetId === datasetId);
  return (
    <section className="panel quarantine" aria-labelledby="quarantine-title" data-testid="quarantine">
      <h2 id="quarantine-title">Quarantine</h2>
      {sv ? (
        <NewSet sv={sv} />
      ) : (
        <p className="muted small" data-testid="quarantine-no-scan">
          Run a scan to make sets from detector flags; the Influence and Privacy tabs add rows without one.
        </p>
      )}
      {mine.length === 0 ? (
        <p className="muted small">No sets yet. Each row keeps every detector's score, p-value and flag, and the evidence of the analysis that picked it, as its reasons.</p>
      ) : (
        <ul className="qsets">
          {mine.map((s) => (
            <SetItem key={s.id} set={s} />
          ))}
        </ul>
      )}
    </section>
  );
}
