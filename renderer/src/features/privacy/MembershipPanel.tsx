import { useMemo, useRef, useState } from 'react';
import type { Layout, PlotData } from 'plotly.js-strict-dist-min';
import type { DatasetSummary } from '../../../../shared/domain/dataset.ts';
import type { MembershipReport } from '../../../../shared/domain/privacy.ts';
import { useStore } from '../../store/index.ts';
import { formatNumber, formatPercent, nf } from '../../ui/format.ts';
import { Plot, PlotExport } from '../../ui/Plot.tsx';
import { runPrivacyCheck, usePrivacyRunning } from './actions.ts';
import { useComparable } from './LeakagePanel.tsx';
import { baseLayout } from '../../ui/plot-style.ts';
import { COLORS } from './plot-style.ts';

/** Loss-threshold membership inference (Yeom et al. 2018) against the workbench's softmax model. */
export function MembershipPanel({ dataset }: { dataset: DatasetSummary }) {
  const others = useComparable(dataset);
  const result = useStore((s) => s.privacyResults[dataset.id]?.membership);
  const running = usePrivacyRunning(dataset.id, 'membership');
  const [source, setSource] = useState<'holdout' | 'dataset'>('holdout');
  const [fraction, setFraction] = useState('0.5');
  const [otherId, setOtherId] = useState('');
  const [l2, setL2] = useState('0.001');
  const chosenOther = others.some((d) => d.id === otherId) ? otherId : (others[0]?.id ?? '');
  const fractionOk = Number(fraction) > 0 && Number(fraction) < 1;
  const l2Ok = l2.trim() !== '' && Number(l2) >= 0;
  const valid = l2Ok && (source === 'holdout' ? fractionOk : chosenOther !== '');

  const run = () =>
    void runPrivacyCheck(dataset.id, 'membership', {
      evalDatasetId: source === 'dataset' ? chosenOther : null,
      holdoutFraction: fractionOk ? Number(fraction) : 0.5,
      l2: Number(l2),
      seed: 1,
    });

  return (
    <section className="panel privacy-panel" data-testid="membership-panel" aria-labelledby="membership-title">
      <div className="panel-head">
        <h2 id="membership-title">Membership-inference exposure</h2>
      </div>
      <p className="hint">
        Trains the workbench's softmax model on the training rows, then guesses "was in training" when its loss on a row is low (Yeom et al., CSF
        2018). AUC 0.5 and advantage 0 are chance; the further above, the more the model gives away who was in its training data.
      </p>
      <div className="privacy-form">
        <fieldset className="privacy-choice">
          <legend className="small">Non-members</legend>
          <label className="check">
            <input type="radio" name="membership-source" checked={source === 'holdout'} onChange={() => setSource('holdout')} data-testid="membership-holdout" />
            hold out
            <input type="number" className="narrow" min="0.05" max="0.95" step="0.05" value={fraction} aria-invalid={!fractionOk} disabled={source !== 'holdout'} onChange={(e) => setFraction(e.target.value)} aria-label="held-out fraction" />
            of this dataset (seeded)
          </label>
          <label className="check">
            <input type="radio" name="membership-source" checked={source === 'dataset'} disabled={others.length === 0} onChange={() => setSource('dataset')} data-testid="membership-other" />
            rows of
            <select value={chosenOther} disabled={source !== 'dataset'} onChange={(e) => setOtherId(e.target.value)} aria-label="non-member dataset">
              {others.length === 0 && <option value="">(open another dataset with the same features)</option>}
              {others.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
        </fieldset>
        <label className="field inline compact" title="L2 strength of the softmax model (mean cross-entropy + l2/2·‖W‖²)">
          <span>L2</span>
          <input type="number" className="narrow" min="0" step="any" value={l2} aria-invalid={!l2Ok} data-testid="membership-l2" onChange={(e) => setL2(e.target.value)} />
        </label>
        <button type="button" className="btn primary" data-testid="membership-run" disabled={running || !valid} onClick={run}>
          {running ? 'Attacking…' : 'Measure exposure'}
        </button>
      </div>
      {result && <MembershipResults result={result} name={dataset.name} />}
    </section>
  );
}

function MembershipResults({ result: r, name }: { result: MembershipReport; name: string }) {
  const rocRef = useRef<HTMLDivElement>(null);
  const lossRef = useRef<HTMLDivElement>(null);
  const roc = useMemo((): { data: PlotData[]; layout: Layout } => {
    const curve = { type: 'scatter', mode: 'lines', x: Array.from(r.roc.fpr), y: Array.from(r.roc.tpr), line: { color: COLORS.attack, width: 2 }, name: 'attack', hovertemplate: 'FPR %{x:.3f}<br>TPR %{y:.3f}<extra></extra>' } as Partial<PlotData>;
    const chance = { type: 'scatter', mode: 'lines', x: [0, 1], y: [0, 1], line: { color: COLORS.chance, dash: 'dot', width: 1 }, name: 'chance', hoverinfo: 'skip' } as Partial<PlotData>;
    const layout = {
      ...baseLayout,
      margin: { l: 52, r: 12, t: 28, b: 44 },
      title: { text: `ROC, AUC ${r.auc.toFixed(3)}`, font: { size: 13 } },
      xaxis: { title: { text: 'false-positive rate' }, range: [0, 1], gridcolor: COLORS.grid },
      yaxis: { title: { text: 'true-positive rate' }, range: [0, 1], gridcolor: COLORS.grid },
    } as Partial<Layout>;
    return { data: [chance, curve] as PlotData[], layout: layout as Layout };
  }, [r]);
  const losses = useMemo((): { data: PlotData[]; layout: Layout } => {
    const centres = r.lossHistogram.edges.slice(0, -1).map((e, i) => (e + r.lossHistogram.edges[i + 1]) / 2);
    const share = (counts: number[]) => {
      const total = counts.reduce((a, b) => a + b, 0) || 1;
      return counts.map((c) => c / total);
    };
    const bar = (y: number[], color: string, label: string) => ({ type: 'bar', x: centres, y, name: label, marker: { color }, opacity: 0.6 }) as Partial<PlotData>;
    const layout = {
      ...baseLayout,
      showlegend: true,
      legend: { orientation: 'h', y: 1.12 },
      barmode: 'overlay',
      margin: { l: 52, r: 12, t: 28, b: 44 },
      xaxis: { title: { text: 'loss −log p(label)' }, gridcolor: COLORS.grid },
      yaxis: { title: { text: 'share of rows' }, gridcolor: COLORS.grid },
    } as Partial<Layout>;
    return { data: [bar(share(r.lossHistogram.members), COLORS.member, 'members (training)'), bar(share(r.lossHistogram.nonMembers), COLORS.nonMember, 'non-members')] as PlotData[], layout: layout as Layout };
  }, [r]);

  return (
    <>
      <p className={`privacy-verdict ${r.level === 'low' ? 'ok' : 'bad'}`} data-testid="membership-reading" data-level={r.level}>
        {r.reading}
      </p>
      <dl className="privacy-stats" data-testid="membership-stats">
        <dt>AUC</dt>
        <dd data-testid="membership-auc">{r.auc.toFixed(3)}</dd>
        <dt>advantage</dt>
        <dd data-testid="membership-advantage">{r.advantage.toFixed(3)}</dd>
        <dt title="Yeom et al.'s threshold: the mean training loss">at mean training loss</dt>
        <dd>
          TPR {formatPercent(r.yeom.tpr)}, FPR {formatPercent(r.yeom.fpr)}
        </dd>
        <dt>accuracy</dt>
        <dd>
          training {formatPercent(r.trainAccuracy)}, held-out {formatPercent(r.testAccuracy)}
        </dd>
        <dt>rows</dt>
        <dd>
          {nf.format(r.members)} members,{' '}
          {r.nonMembers.source === 'holdout' ? `${nf.format(r.nonMemberCount)} held out (${formatPercent(r.nonMembers.fraction)})` : `${nf.format(r.nonMemberCount)} of '${r.nonMembers.name}'`}; L2 {formatNumber(r.l2)}
        </dd>
      </dl>
      <div className="privacy-plots">
        <div>
          <PlotExport plot={rocRef} filename={`${name}-membership-roc`} />
          <Plot divRef={rocRef} data={roc.data} layout={roc.layout} points={r.roc.fpr.length} dataKey={`roc-${r.auc}`} testId="membership-roc" label="ROC curve of the membership attack" />
        </div>
        <div>
          <PlotExport plot={lossRef} filename={`${name}-membership-losses`} />
          <Plot divRef={lossRef} data={losses.data} layout={losses.layout} points={2 * (r.lossHistogram.edges.length - 1)} dataKey={`loss-${r.auc}`} testId="membership-losses" label="Loss of members and non-members" />
        </div>
      </div>
    </>
  );
}
