import { useState } from 'react';
import type { CategoricalColumnDrift, DriftResult, EmbeddingDrift } from '../../../../shared/domain/drift.ts';
import { openDataset, useStore } from '../../store/index.ts';
import { selectDriftResult } from '../../store/drift-slice.ts';
import { formatNumber, formatP, nf } from '../../ui/format.ts';
import { DatasetOptions } from '../../ui/options.tsx';
import { runDrift } from './actions.ts';
import { CategoricalColumns } from './CategoricalColumns.tsx';
import { DriftTable } from './DriftTable.tsx';
import { OverlayPlot } from './OverlayPlot.tsx';
import { ThresholdsEditor } from './ThresholdsEditor.tsx';

/** Drift of the open dataset against a baseline chosen among the loaded ones. */
export function ComparePanel() {
  const dataset = useStore((s) => s.dataset);
  const datasets = useStore((s) => s.datasets);
  const baselineId = useStore((s) => s.driftBaselineId);
  const setBaseline = useStore((s) => s.setDriftBaseline);
  const thresholds = useStore((s) => s.driftThresholds);
  const embedding = useStore((s) => s.driftEmbedding);
  const result = useStore(selectDriftResult);
  const running = useStore((s) => Object.values(s.jobs).some((j) => j.kind === 'drift' && (j.status === 'running' || j.status === 'queued')));
  const columnName = useStore((s) => s.driftColumn);
  // The chosen categorical columns belong to one baseline/current pair: another pair starts with none.
  const [picked, setPicked] = useState<{ pair: string; names: string[] }>({ pair: '', names: [] });
  if (!dataset) return null;
  const candidates = datasets.filter((d) => d.id !== dataset.id);
  const baseline = candidates.find((d) => d.id === baselineId) ?? null;
  const pair = baseline ? `${baseline.id}→${dataset.id}` : '';
  const categoricalColumns = picked.pair === pair ? picked.names : [];
  const column = result?.columns.find((c) => c.name === columnName) ?? null;
  return (
    <section className="panel drift-compare" aria-label="Drift against a baseline">
      <div className="panel-head">
        <h2>Drift against a baseline</h2>
        <span className="muted small">current: {dataset.name}</span>
      </div>
      <div className="drift-controls">
        <label>
          Baseline{' '}
          <select value={baseline?.id ?? ''} data-testid="drift-baseline" onChange={(e) => setBaseline(e.target.value || null)}>
            <option value="">choose a loaded dataset…</option>
            <DatasetOptions datasets={candidates} />
          </select>
        </label>
        <button
          type="button"
          className="btn small"
          title="Opens a file; it becomes the open (current) dataset, and the one open now stays loaded to choose as the baseline"
          onClick={() => useStore.getState().setChooserOpen(true)}
        >
          Open another dataset…
        </button>
        {baseline && (
          <button
            type="button"
            className="btn small"
            title="Make the baseline the open dataset and the open dataset the baseline"
            onClick={() => {
              setBaseline(dataset.id);
              openDataset(baseline);
              useStore.getState().setWorkspaceTab('drift');
            }}
          >
            Swap
          </button>
        )}
        <button
          type="button"
          className="btn primary"
          data-testid="drift-run"
          disabled={!baseline || running}
          onClick={() => baseline && void runDrift({ baselineDatasetId: baseline.id, currentDatasetId: dataset.id, thresholds, embedding, categoricalColumns })}
        >
          {running ? 'Comparing…' : 'Compare'}
        </button>
      </div>
      {candidates.length === 0 && <p className="muted small">Load a second dataset (the baseline, e.g. last month’s export) to compare the open one with it.</p>}
      {baseline && <CategoricalColumns baseline={baseline} current={dataset} selected={categoricalColumns} onChange={(names) => setPicked({ pair, names })} />}
      <ThresholdsEditor />
      {result && <Verdict result={result} stale={JSON.stringify(result.thresholds) !== JSON.stringify(thresholds)} />}
      {result && (
        <div className="drift-sides">
          {result.label && <CategoricalCard column={result.label} kind="Label" testId="drift-label" />}
          {result.categorical.map((c) => (
            <CategoricalCard key={c.name} column={c} kind="Column" testId={`drift-categorical-${c.name}`} />
          ))}
          {result.embedding && <EmbeddingCard embedding={result.embedding} />}
        </div>
      )}
      {result && <DriftTable result={result} />}
      {column && <OverlayPlot column={column} />}
    </section>
  );
}

function Verdict({ result, stale }: { result: DriftResult; stale: boolean }) {
  const v = result.verdict;
  return (
    <div className={`drift-verdict ${v.drifted ? 'drifted' : 'stable'}`} role="status" data-testid="drift-verdict" title={v.text}>
      <strong>{v.drifted ? 'Dataset drift' : 'No dataset drift'}</strong> — {v.text}
      {result.embedding && <span> Embedding set: {result.embedding.drifted ? 'drifted' : 'no drift'} ({result.embedding.decidedBy}).</span>}
      <span className="muted small">
        {' '}
        {nf.format(result.baseline.rows)} baseline rows vs {nf.format(result.current.rows)} current rows, {result.seconds.toFixed(1)} s.
        {stale ? ' Thresholds changed since this run: compare again to apply them.' : ''}
      </span>
    </div>
  );
}

/** A categorical column's drift (the label column, a group column): PSI, chi-square, shares per category. */
function CategoricalCard({ column: label, kind, testId }: { column: CategoricalColumnDrift; kind: string; testId: string }) {
  const total = (a: number[]) => a.reduce((s, v) => s + v, 0) || 1;
  const tb = total(label.baseline);
  const tc = total(label.current);
  return (
    <div className={`drift-card ${label.drifted ? 'drifted' : ''}`} data-testid={testId}>
      <h3 title={label.explain.decision}>
        {kind} '{label.name}': {label.drifted ? 'drifted' : 'no drift'}
      </h3>
      <p className="small">
        <span title={label.explain.psi}>PSI {formatNumber(label.psi)} ({label.psiBand})</span> ·{' '}
        <span title={label.explain.chiSquare}>
          χ² {formatNumber(label.chiSquare.statistic)} on {label.chiSquare.dof} df, p {formatP(label.chiSquare.pValue)}
        </span>
      </p>
      <p className="muted small">{label.explain.categories}</p>
      <details>
        <summary className="small">Shares per {kind === 'Label' ? 'class' : 'value'}</summary>
        <table className="grid small">
          <thead>
            <tr>
              <th scope="col">{kind === 'Label' ? 'class' : 'value'}</th>
              <th scope="col">baseline</th>
              <th scope="col">current</th>
            </tr>
          </thead>
          <tbody>
            {label.categories.map((c, k) => (
              <tr key={c}>
                <th scope="row">{c}</th>
                <td className="num">{((label.baseline[k] / tb) * 100).toFixed(1)}%</td>
                <td className="num">{((label.current[k] / tc) * 100).toFixed(1)}%</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}

function EmbeddingCard({ embedding: e }: { embedding: EmbeddingDrift }) {
  return (
    <div className={`drift-card ${e.drifted ? 'drifted' : ''}`} data-testid="drift-embedding">
      <h3 title={e.explain.decision}>Embedding set: {e.drifted ? 'drifted' : 'no drift'}</h3>
      <p className="small" title={e.explain.mmd}>
        MMD² {formatNumber(e.mmd2)} (kernel width {formatNumber(e.bandwidth)})
      </p>
      <p className="small" title={e.explain.mmdPValue}>
        permutation p {formatP(e.mmdPValue)} ({e.permutations} permutations)
      </p>
      <p className="small" title={e.explain.domainAuc}>
        domain classifier AUC {e.domainAuc.toFixed(3)}
      </p>
      <p className="small" title={e.explain.domainPValue}>
        Mann–Whitney p {formatP(e.domainPValue)}
      </p>
    </div>
  );
}
