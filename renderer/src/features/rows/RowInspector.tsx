import { useEffect } from 'react';
import { getClient } from '../../api/client.ts';
import { useStore } from '../../store/index.ts';

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(3);
  return v.toFixed(4);
}

/** Loads the picked row from the host whenever the selection changes. */
function useRowLoader(): void {
  const datasetId = useStore((s) => s.dataset?.id ?? null);
  const index = useStore((s) => s.selectedRow);
  useEffect(() => {
    if (datasetId === null || index === null) return;
    let stale = false;
    getClient()
      .getRow({ datasetId, index })
      .then((row) => {
        if (!stale) useStore.getState().setRow({ row, rowStatus: 'ready', rowError: null });
      })
      .catch((err: unknown) => {
        if (!stale) {
          useStore.getState().setRow({ row: null, rowStatus: 'error', rowError: err instanceof Error ? err.message : String(err) });
        }
      });
    return () => {
      stale = true;
    };
  }, [datasetId, index]);
}

/** 1-based rank of the row's score among the rows of its class (1 = most suspicious). */
function rankInClass(scores: Float64Array, labels: Int32Array, row: number): { rank: number; of: number } {
  const s = scores[row];
  const c = labels[row];
  let rank = 1;
  let of = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== c) continue;
    of++;
    if (scores[i] > s) rank++;
  }
  return { rank, of };
}

export function RowInspector() {
  useRowLoader();
  const index = useStore((s) => s.selectedRow);
  const row = useStore((s) => s.row);
  const status = useStore((s) => s.rowStatus);
  const error = useStore((s) => s.rowError);
  const spectral = useStore((s) => s.spectral);
  const selectRow = useStore((s) => s.selectRow);

  if (index === null) {
    return (
      <section className="panel inspector" data-testid="row-inspector" aria-labelledby="inspector-title">
        <h2 id="inspector-title">Row inspector</h2>
        <p className="muted">Click a point in the projection, or a row under “Highest scores”, to see it here.</p>
      </section>
    );
  }

  const shown = row && row.index === index ? row : null;
  const score = spectral && index < spectral.scores.length ? spectral.scores[index] : null;
  const flagged = spectral && index < spectral.flagged.length ? spectral.flagged[index] === 1 : null;
  const rank = spectral && spectral.labels && index < spectral.labels.length ? rankInClass(spectral.scores, spectral.labels, index) : null;

  return (
    <section className="panel inspector" data-testid="row-inspector" aria-labelledby="inspector-title" aria-busy={status === 'loading'}>
      <div className="panel-head">
        <h2 id="inspector-title">{shown ? shown.id : `Row #${index}`}</h2>
        <button type="button" className="btn small" onClick={() => selectRow(null)} aria-label="Close row inspector">
          ×
        </button>
      </div>
      {status === 'error' && <p className="error-text">{error}</p>}
      {status === 'loading' && !shown && <p className="muted">Loading row {index}…</p>}
      {shown && (
        <>
          <dl className="facts">
            <dt>Id</dt>
            <dd data-testid="row-id">
              <code>{shown.id}</code>
            </dd>
            <dt>Label</dt>
            <dd data-testid="row-label">{shown.label}</dd>
            <dt>Index</dt>
            <dd data-testid="row-index">{shown.index}</dd>
            {score !== null && (
              <>
                <dt>Score</dt>
                <dd data-testid="row-score">
                  {fmt(score)}
                  {rank && (
                    <span className="muted">
                      {' '}
                      · rank {rank.rank} of {rank.of} in class
                    </span>
                  )}
                </dd>
                <dt>Flagged</dt>
                <dd data-testid="row-flagged">
                  {flagged ? <span className="badge flagged">flagged</span> : <span className="badge">no</span>}
                </dd>
              </>
            )}
          </dl>
          <h3>Features ({shown.features.length})</h3>
          <div className="table-scroll features">
            <table className="grid" data-testid="row-features">
              <thead>
                <tr>
                  <th scope="col">Feature</th>
                  <th scope="col" className="num">Value</th>
                </tr>
              </thead>
              <tbody>
                {shown.features.map((v, k) => (
                  <tr key={k}>
                    <td>
                      <code>{shown.featureNames[k] ?? `f${k}`}</code>
                    </td>
                    <td className="num">{fmt(v)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
