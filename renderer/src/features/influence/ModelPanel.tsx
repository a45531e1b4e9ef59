import { useMemo, useRef, useState } from 'react';
import type { Layout, PlotData } from 'plotly.js-strict-dist-min';
import type { DatasetSummary } from '../../../../shared/domain/dataset.ts';
import type { ColumnValidation } from '../../../../shared/domain/ingest.ts';
import { DEFAULT_L2, DEFAULT_TEST_FRACTION, L2_EXPLANATION, type SplitSpec, type TrainedModel } from '../../../../shared/domain/influence.ts';
import { useStore } from '../../store/index.ts';
import { formatNumber, formatPercent, nf } from '../../ui/format.ts';
import { Plot, PlotExport } from '../../ui/Plot.tsx';
import { trainModel } from './actions.ts';
import { baseLayout } from '../../ui/plot-style.ts';
import { DatasetOptions } from '../../ui/options.tsx';
import { useFileColumns } from '../privacy/columns.ts';

type SplitKind = SplitSpec['kind'];

/** Split choice, l2 with its explanation, and Train; then the model's metrics and confusion matrix. */
export function ModelPanel() {
  const dataset = useStore((s) => s.dataset);
  return dataset ? <ModelForm dataset={dataset} /> : null;
}

/**
 * The columns a split by column can use: the group column first, then the file's other columns (read back
 * from the file by the host), features last; not the label or id, nor vector columns.
 */
function splitColumns(columns: ColumnValidation[]): ColumnValidation[] {
  const order = (c: ColumnValidation) => (c.role === 'group' ? 0 : c.role === 'feature' ? 2 : 1);
  return columns.filter((c) => c.role !== 'label' && c.role !== 'id' && c.kind !== 'vector').sort((a, b) => order(a) - order(b));
}

const ROLE_NOTE: Partial<Record<ColumnValidation['role'], string>> = { group: 'group column', feature: 'feature', text: 'text', ignore: 'not loaded' };

function ModelForm({ dataset }: { dataset: DatasetSummary }) {
  const datasets = useStore((s) => s.datasets);
  const model = useStore((s) => s.influenceModel);
  const [kind, setKind] = useState<SplitKind>('stratified');
  const [fraction, setFraction] = useState(String(DEFAULT_TEST_FRACTION));
  const [seed, setSeed] = useState('1');
  const [splitColumn, setSplitColumn] = useState('');
  const [groupValue, setGroupValue] = useState('');
  const [testDatasetId, setTestDatasetId] = useState('');
  const [l2, setL2] = useState(String(DEFAULT_L2));
  const showError = useStore((s) => s.showError);
  const fileColumns = useFileColumns(dataset.id);
  const candidates = splitColumns(fileColumns ?? []);
  const column = candidates.some((c) => c.name === splitColumn) ? splitColumn : (candidates[0]?.name ?? '');
  const others = datasets.filter((d) => d.id !== dataset.id && d.dims === dataset.dims);

  const train = () => {
    const l2Value = Number(l2);
    const f = Number(fraction);
    const sd = Number(seed);
    if (!(l2Value > 0)) return showError('Train model', `l2 must be a number > 0, got '${l2}'`);
    if (kind !== 'dataset' && !(f > 0 && f < 1)) return showError('Train model', `the test fraction must be between 0 and 1, got '${fraction}'`);
    if (kind !== 'dataset' && !(Number.isInteger(sd) && sd >= 0)) return showError('Train model', `the seed must be a whole number ≥ 0, got '${seed}'`);
    let split: SplitSpec;
    if (kind === 'dataset') {
      if (!testDatasetId) return showError('Train model', 'choose the test dataset (open it first; it needs the same features)');
      split = { kind, testDatasetId };
    } else if (kind === 'group') {
      if (!column) return showError('Train model', `'${dataset.name}' has no column to split by besides its features and label (load a file that holds one)`);
      split = { kind, column, value: groupValue.trim() || null, testFraction: f, seed: sd };
    }
    else split = { kind, testFraction: f, seed: sd };
    void trainModel({ datasetId: dataset.id, split, l2: l2Value });
  };

  return (
    <section className="panel influence-model" aria-labelledby="influence-model-title" data-testid="influence-model">
      <div className="panel-head">
        <h2 id="influence-model-title">Model</h2>
        <span className="muted small">L2-regularised softmax regression on standardised features (L-BFGS)</span>
      </div>
      <div className="influence-form">
        <label className="field inline">
          <span>Test split</span>
          <select value={kind} data-testid="influence-split" onChange={(e) => setKind(e.target.value as SplitKind)}>
            <option value="stratified">stratified (per class)</option>
            <option value="random">random</option>
            <option value="group">by a column</option>
            <option value="dataset">separate test dataset</option>
          </select>
        </label>
        {kind !== 'dataset' && !(kind === 'group' && groupValue.trim()) && (
          <label className="field inline">
            <span>Test fraction</span>
            <input type="number" min={0.01} max={0.99} step={0.05} value={fraction} data-testid="influence-fraction" onChange={(e) => setFraction(e.target.value)} />
          </label>
        )}
        {kind !== 'dataset' && (
          <label className="field inline">
            <span>Seed</span>
            <input type="number" min={0} step={1} value={seed} onChange={(e) => setSeed(e.target.value)} />
          </label>
        )}
        {kind === 'group' && (
          <label className="field inline" title="The group column is in memory; any other column is read back from the dataset's file">
            <span>Column</span>
            <select value={column} data-testid="influence-split-column" disabled={candidates.length === 0} onChange={(e) => setSplitColumn(e.target.value)}>
              {fileColumns === null && <option value="">(reading the columns…)</option>}
              {fileColumns !== null && candidates.length === 0 && <option value="">(no column besides the features and label)</option>}
              {candidates.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                  {ROLE_NOTE[c.role] ? ` (${ROLE_NOTE[c.role]})` : ''}
                </option>
              ))}
            </select>
          </label>
        )}
        {kind === 'group' && (
          <label className="field inline" title="Empty: hold out a random share of the column's values (groups), whole">
            <span>Test value</span>
            <input type="text" value={groupValue} placeholder="(random groups)" data-testid="influence-split-value" onChange={(e) => setGroupValue(e.target.value)} />
          </label>
        )}
        {kind === 'dataset' && (
          <label className="field inline">
            <span>Test dataset</span>
            <select value={testDatasetId} onChange={(e) => setTestDatasetId(e.target.value)}>
              <option value="">{others.length ? 'choose…' : '(open one with the same features)'}</option>
              <DatasetOptions datasets={others} />
            </select>
          </label>
        )}
        <label className="field inline">
          <span>l2</span>
          <input type="number" min={0} step="any" value={l2} data-testid="influence-l2" onChange={(e) => setL2(e.target.value)} />
        </label>
        <button type="button" className="btn primary" data-testid="influence-train" onClick={train}>
          Train
        </button>
      </div>
      <p className="hint">{L2_EXPLANATION}</p>
      {model && model.datasetId === dataset.id && <ModelMetrics model={model} />}
    </section>
  );
}

function ModelMetrics({ model }: { model: TrainedModel }) {
  const m = model.metrics;
  return (
    <div className="influence-metrics">
      <table className="grid dense" data-testid="model-metrics">
        <tbody>
          <tr>
            <th>Split</th>
            <td colSpan={2}>
              {model.splitNote}: {nf.format(m.train.rows)} training, {nf.format(m.test.rows)} test rows
            </td>
          </tr>
          <tr>
            <th />
            <th className="num">accuracy</th>
            <th className="num">loss (mean CE)</th>
          </tr>
          <tr>
            <th>Train</th>
            <td className="num" data-testid="train-accuracy">{formatPercent(m.train.accuracy)}</td>
            <td className="num">{formatNumber(m.train.loss)}</td>
          </tr>
          <tr>
            <th>Test</th>
            <td className="num" data-testid="test-accuracy">{formatPercent(m.test.accuracy)}</td>
            <td className="num">{formatNumber(m.test.loss)}</td>
          </tr>
          <tr>
            <th>Optimiser</th>
            <td colSpan={2} data-testid="grad-norm">
              {m.iterations} L-BFGS iterations ({m.threads === 1 ? 'one thread' : `${m.threads} threads`}, {m.seconds.toFixed(1)} s), ‖∇f‖ = {m.gradNorm.toExponential(2)} {m.converged ? `≤ ${m.tol}` : <b className="error-text">(not converged: tol {m.tol})</b>}; objective{' '}
              {formatNumber(m.objective)}; l2 = {model.l2}; {nf.format(model.parameterCount)} parameters
            </td>
          </tr>
        </tbody>
      </table>
      <ConfusionHeatmap model={model} />
    </div>
  );
}

function ConfusionHeatmap({ model }: { model: TrainedModel }) {
  const plotRef = useRef<HTMLDivElement>(null);
  const K = model.classNames.length;
  const data = useMemo<PlotData[]>(() => {
    const z = Array.from({ length: K }, (_, a) => Array.from(model.metrics.confusion.subarray(a * K, (a + 1) * K)));
    return [
      {
        type: 'heatmap',
        z,
        x: model.classNames,
        y: model.classNames,
        // Zero light, the largest count dark: plotly's named 'Blues' runs the other way round.
        colorscale: [
          [0, '#f8fafc'],
          [1, '#1d4ed8'],
        ],
        zmin: 0,
        showscale: false,
        hovertemplate: 'true %{y}, predicted %{x}: %{z}<extra></extra>',
        text: z.map((row) => row.map(String)),
        texttemplate: K <= 20 ? '%{text}' : '',
      } as unknown as PlotData,
    ];
  }, [model, K]);
  const layout = useMemo<Layout>(
    () => ({
      ...baseLayout,
      margin: { l: 80, r: 8, t: 8, b: 60 },
      xaxis: { title: { text: 'predicted' }, type: 'category' },
      yaxis: { title: { text: 'true' }, type: 'category', autorange: 'reversed' },
    }),
    [],
  );
  return (
    <div className="plot-panel influence-confusion">
      <div className="panel-head">
        <h3>Test confusion matrix</h3>
        <PlotExport plot={plotRef} filename="assay-influence-confusion" />
      </div>
      <Plot testId="confusion-heatmap" label="Confusion matrix of the test rows: true class by predicted class" data={data} layout={layout} points={K * K} dataKey={model.modelId} divRef={plotRef} />
    </div>
  );
}
