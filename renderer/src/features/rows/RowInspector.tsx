import { useEffect } from 'react';
import { getClient } from '../../api/client.ts';
import { useScanViews, useStore } from '../../store/index.ts';
import { formatNumber, formatP } from '../../ui/format.ts';

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

/** 1-based rank of the row's score among `rows` (1 = most suspicious). */
function rankIn(scores: Float64Array, rows: Int32Array, row: number): number {
  const s = scores[row];
  let above = 0;
  for (const r of rows) if (scores[r] > s) above++;
  return above + 1;
}

/** Every detector's verdict on the row: score, rank in its class, p-value, flag (after hand-set thresholds). */
function RowVerdicts({ index }: { index: number }) {
  const sv = useScanViews();
  if (!sv || index >= sv.result.labels.length) return null;
  const rows = sv.byClass[sv.result.labels[index]];
  return (
    <table className="grid verdicts" data-testid="row-detectors">
      <thead>
        <tr>
          <th scope="col">Detector</th>
          <th scope="col" className="num">Score</th>
          <th scope="col" className="num" title="Rank of the score in the row's class (1 = most suspicious)">Rank</th>
          <th scope="col" className="num">p</th>
          <th scope="col">Flag</th>
        </tr>
      </thead>
      <tbody>
        {sv.views.map((v) => (
          <tr key={v.key} data-detector={v.key}>
            <td>{v.title}</td>
            <td className="num">{formatNumber(v.scores[index])}</td>
            <td className="num">{rankIn(v.scores, rows, index)}</td>
            <td className="num">{v.pValues ? formatP(v.pValues[index]) : '—'}</td>
            <td className={v.flagged[index] ? 'flag-on' : 'muted'} data-flagged={v.flagged[index] === 1} title={v.flagged[index] ? 'flagged' : 'not flagged'}>
              {v.flagged[index] ? '●' : '–'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RowInspector() {
  useRowLoader();
  const index = useStore((s) => s.selectedRow);
  const row = useStore((s) => s.row);
  const status = useStore((s) => s.rowStatus);
  const error = useStore((s) => s.rowError);
  const selectRow = useStore((s) => s.selectRow);

  if (index === null) {
    return (
      <section className="panel inspector" data-testid="row-inspector" aria-labelledby="inspector-title">
        <h2 id="inspector-title">Row inspector</h2>
        <p className="muted">Click a point in the projection or a row in any list to see it here, with every detector's verdict.</p>
      </section>
    );
  }

  const shown = row && row.index === index ? row : null;

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
          </dl>
          <RowVerdicts index={index} />
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
