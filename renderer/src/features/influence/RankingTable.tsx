import { useEffect, useMemo, useState } from 'react';
import { testChoiceNote, type InfluenceRanking, type TrainedModel } from '../../../../shared/domain/influence.ts';
import { getClient } from '../../api/client.ts';
import { useScanViews, useStore } from '../../store/index.ts';
import { formatNumber, nf } from '../../ui/format.ts';
import { ClassOptions } from '../../ui/options.tsx';
import { quarantineRows } from '../quarantine/index.ts';

const PAGE = 50;
const PREVIEW_FEATURES = 4;

type Order = 'harmful' | 'helpful' | 'magnitude';

interface Preview {
  id: string;
  features: string;
}

/**
 * Training rows ranked by their estimated effect on the chosen test points' loss, with the verdict stated in
 * words (helpful / harmful), label and prediction, self-influence, the detectors that flag the row, a preview
 * of its values; filter by class; tick rows and add them to a quarantine set.
 */
export function RankingTable({ model, ranking }: { model: TrainedModel; ranking: InfluenceRanking }) {
  const self = useStore((s) => s.selfInfluence);
  const picked = useStore((s) => s.influencePicked);
  const setPicked = useStore((s) => s.setInfluencePicked);
  const selectRow = useStore((s) => s.selectRow);
  const selectedRow = useStore((s) => s.selectedRow);
  const showError = useStore((s) => s.showError);
  const sv = useScanViews();
  const [order, setOrder] = useState<Order>('harmful');
  const [classFilter, setClassFilter] = useState(-1);
  const [page, setPage] = useState(0);
  const [topN, setTopN] = useState('50');
  const [setName, setSetName] = useState('');
  const [previews, setPreviews] = useState<Map<number, Preview>>(new Map());

  const change = ranking.predictedChange;
  const ranked = useMemo(() => {
    const positions: number[] = [];
    for (let i = 0; i < change.length; i++) if (classFilter < 0 || model.trainLabels[i] === classFilter) positions.push(i);
    if (order === 'harmful') positions.sort((a, b) => change[a] - change[b]);
    else if (order === 'helpful') positions.sort((a, b) => change[b] - change[a]);
    else positions.sort((a, b) => Math.abs(change[b]) - Math.abs(change[a]));
    return positions;
  }, [change, order, classFilter, model]);
  const pages = Math.max(1, Math.ceil(ranked.length / PAGE));
  const current = Math.min(page, pages - 1);
  const visible = ranked.slice(current * PAGE, (current + 1) * PAGE);
  const visibleKey = visible.join(',');

  useEffect(() => {
    let stale = false;
    const rows = visible.map((i) => model.trainRows[i]).filter((r) => !previews.has(r));
    if (rows.length === 0) return;
    Promise.all(rows.map((index) => getClient().getRow({ datasetId: model.datasetId, index })))
      .then((details) => {
        if (stale) return;
        setPreviews((old) => {
          const next = new Map(old);
          details.forEach((d) =>
            next.set(d.index, {
              id: d.id,
              features: d.features.slice(0, PREVIEW_FEATURES).map((v) => formatNumber(v)).join(', ') + (d.features.length > PREVIEW_FEATURES ? ', …' : ''),
            }),
          );
          return next;
        });
      })
      .catch((err: unknown) => showError('Influence ranking', err));
    return () => {
      stale = true;
    };
  }, [visibleKey, model]);

  const flaggedBy = (row: number): string => {
    if (!sv) return '';
    const names = sv.views.filter((v) => v.key !== 'consensus' && v.flagged[row]).map((v) => v.title);
    return names.join(', ');
  };
  const pickedSet = new Set(picked);
  const toggle = (row: number) => setPicked(pickedSet.has(row) ? picked.filter((r) => r !== row) : [...picked, row]);
  const pickTopHarmful = () => {
    const n = Number(topN);
    if (!(Number.isInteger(n) && n > 0)) return showError('Influence ranking', `N must be a whole number > 0, got '${topN}'`);
    const harmful = ranked.filter((i) => change[i] < 0).sort((a, b) => change[a] - change[b]);
    setPicked(harmful.slice(0, n).map((i) => model.trainRows[i]));
  };
  const quarantine = async () => {
    if (picked.length === 0) return showError('Quarantine', 'tick the training rows to quarantine first');
    // The set keeps each row's influence as its evidence: the Δ test loss, flagged when harmful.
    const at = new Map(picked.map((row, k) => [row, k]));
    const scores = new Float64Array(picked.length).fill(Number.NaN);
    const harmful = new Uint8Array(picked.length);
    model.trainRows.forEach((row, i) => {
      const k = at.get(row);
      if (k === undefined) return;
      scores[k] = change[i];
      harmful[k] = ranking.helpful[i] ? 0 : 1;
    });
    const on = testChoiceNote(ranking.choice);
    const evidence = {
      detector: 'influence' as const,
      title: 'Influence',
      flagged: harmful,
      scores,
      pValues: null,
      flagNote: `score = Δ test loss on ${on} if the row is removed (Koh & Liang 2017, ${ranking.method}); flagged = harmful (removing it lowers the loss)`,
    };
    try {
      const made = await quarantineRows(setName, `influence on ${on} (${ranking.method}), ${picked.length} rows picked`, picked, [evidence]);
      if (made) setSetName('');
    } catch (err) {
      showError('Quarantine', err);
    }
  };

  return (
    <section className="panel influence-ranking" aria-labelledby="influence-ranking-title" data-testid="influence-ranking">
      <div className="panel-head">
        <h2 id="influence-ranking-title">Training rows by influence</h2>
        <span className="muted small" data-testid="ranking-summary">
          on {testChoiceNote(ranking.choice)} ({nf.format(ranking.testRows.length)} points, test loss {formatNumber(ranking.testLoss)}),{' '}
          {ranking.method === 'exact' ? 'exact Hessian' : `conjugate gradients (${ranking.cgIterations.join(', ')} steps on ${ranking.threads} thread${ranking.threads === 1 ? '' : 's'})`}, {ranking.seconds.toFixed(2)} s
        </span>
      </div>
      <p className="hint influence-sign">
        <b>Δ test loss if removed</b> is the estimated change in the mean test loss when the row is left out and the model refitted (Koh &amp; Liang
        2017). <span className="verdict helpful">helpful</span> = removing it would raise the loss; <span className="verdict harmful">harmful</span> =
        removing it would lower the loss.
      </p>
      <div className="table-tools">
        <label className="field inline">
          <span>Order</span>
          <select value={order} data-testid="ranking-order" onChange={(e) => (setOrder(e.target.value as Order), setPage(0))}>
            <option value="harmful">most harmful first</option>
            <option value="helpful">most helpful first</option>
            <option value="magnitude">largest effect first</option>
          </select>
        </label>
        <label className="field inline">
          <span>Class</span>
          <select value={classFilter} data-testid="ranking-class" onChange={(e) => (setClassFilter(Number(e.target.value)), setPage(0))}>
            <option value={-1}>all</option>
            <ClassOptions names={model.classNames} />
          </select>
        </label>
        <span className="muted small">
          rows {nf.format(current * PAGE + 1)}–{nf.format(Math.min(ranked.length, (current + 1) * PAGE))} of {nf.format(ranked.length)}
        </span>
        <button type="button" className="btn tiny" disabled={current === 0} onClick={() => setPage(current - 1)}>
          ‹ prev
        </button>
        <button type="button" className="btn tiny" disabled={current >= pages - 1} data-testid="ranking-next" onClick={() => setPage(current + 1)}>
          next ›
        </button>
      </div>
      <div className="table-scroll influence-table">
        <table className="grid dense" data-testid="ranking-table">
          <thead>
            <tr>
              <th />
              <th className="num">#</th>
              <th>id</th>
              <th>label</th>
              <th>predicted</th>
              <th className="num" title="Estimated change in mean test loss if the row is removed">Δ test loss if removed</th>
              <th>verdict</th>
              <th className="num" title="g_iᵀH⁻¹g_i: how hard the model finds the row to explain">self-influence</th>
              <th>flagged by</th>
              <th>values</th>
            </tr>
          </thead>
          <tbody>
            {visible.map((i, k) => {
              const row = model.trainRows[i];
              const preview = previews.get(row);
              const verdict = ranking.helpful[i] ? 'helpful' : 'harmful';
              return (
                <tr
                  key={row}
                  className={row === selectedRow ? 'selected' : undefined}
                  data-testid="ranking-row"
                  data-row={row}
                  data-verdict={verdict}
                  onClick={() => selectRow(row)}
                >
                  <td onClick={(e) => e.stopPropagation()}>
                    <input type="checkbox" checked={pickedSet.has(row)} aria-label={`pick row ${preview?.id ?? row + 1}`} onChange={() => toggle(row)} />
                  </td>
                  <td className="num">{nf.format(current * PAGE + k + 1)}</td>
                  <td>{preview?.id ?? '…'}</td>
                  <td>{model.classNames[model.trainLabels[i]]}</td>
                  <td className={model.trainPredicted[i] !== model.trainLabels[i] ? 'error-text' : undefined}>{model.classNames[model.trainPredicted[i]]}</td>
                  <td className="num">{change[i].toExponential(3)}</td>
                  <td>
                    <span className={`verdict ${verdict}`} data-testid="verdict">
                      {verdict}
                    </span>
                  </td>
                  <td className="num">{self ? formatNumber(self.values[i]) : '—'}</td>
                  <td className="small">{sv ? flaggedBy(row) || 'none' : 'no scan'}</td>
                  <td className="mono small">{preview?.features ?? ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="table-tools">
        <label className="field inline">
          <span>Pick the</span>
          <input type="number" min={1} step={1} value={topN} className="narrow" data-testid="pick-top-n" onChange={(e) => setTopN(e.target.value)} />
        </label>
        <button type="button" className="btn small" data-testid="pick-top-harmful" onClick={pickTopHarmful}>
          most harmful rows
        </button>
        <span className="muted small" data-testid="picked-count">
          {nf.format(picked.length)} picked
        </span>
        <button type="button" className="btn tiny" disabled={picked.length === 0} onClick={() => setPicked([])}>
          clear
        </button>
        <input type="text" value={setName} placeholder="quarantine set name" data-testid="quarantine-name" onChange={(e) => setSetName(e.target.value)} />
        <button type="button" className="btn small" disabled={picked.length === 0} data-testid="quarantine-picked" onClick={() => void quarantine()}>
          Add picked rows to quarantine
        </button>
      </div>
    </section>
  );
}
