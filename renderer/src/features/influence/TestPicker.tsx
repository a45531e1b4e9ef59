import { useEffect, useMemo, useState } from 'react';
import type { InfluenceMethod, TestPointChoice, TrainedModel } from '../../../../shared/domain/influence.ts';
import { getClient } from '../../api/client.ts';
import { useStore } from '../../store/index.ts';
import { formatPercent, nf } from '../../ui/format.ts';
import { ClassOptions } from '../../ui/options.tsx';
import { computeInfluence } from './actions.ts';

const LISTED = 200;

type Mode = 'picked' | 'misclassified' | 'class' | 'ids';

/** Which test points to explain: click misclassified ones, a whole class, or row ids; then rank the training rows. */
export function TestPicker({ model }: { model: TrainedModel }) {
  const picked = useStore((s) => s.influenceTestRows);
  const setPicked = useStore((s) => s.setInfluenceTestRows);
  const selectRow = useStore((s) => s.selectRow);
  const showError = useStore((s) => s.showError);
  const sameDataset = model.testDatasetId === model.datasetId;
  const [mode, setMode] = useState<Mode>('misclassified');
  const [classIndex, setClassIndex] = useState(0);
  const [idText, setIdText] = useState('');
  const [method, setMethod] = useState<InfluenceMethod>('auto');

  const wrong = useMemo(() => {
    const out: number[] = [];
    model.testRows.forEach((_, t) => model.testPredicted[t] !== model.testLabels[t] && out.push(t));
    return out;
  }, [model]);
  const [ids, setIds] = useState<string[]>([]);
  useEffect(() => {
    let stale = false;
    const rows = wrong.slice(0, LISTED).map((t) => model.testRows[t]);
    if (rows.length === 0) return setIds([]);
    getClient()
      .getRowIds({ datasetId: model.testDatasetId, indices: rows })
      .then((list) => !stale && setIds(list))
      .catch((err: unknown) => showError('Test rows', err));
    return () => {
      stale = true;
    };
  }, [wrong, model, showError]);

  const toggle = (row: number) => {
    setPicked(picked.includes(row) ? picked.filter((r) => r !== row) : [...picked, row]);
    setMode('picked');
    if (sameDataset) selectRow(row);
  };

  const explain = async () => {
    let test: TestPointChoice;
    if (mode === 'picked') {
      if (picked.length === 0) return showError('Influence', 'pick at least one test row in the list (or choose another option)');
      test = { kind: 'rows', rows: picked };
    } else if (mode === 'misclassified') test = { kind: 'misclassified' };
    else if (mode === 'class') test = { kind: 'class', classIndex };
    else {
      const wanted = idText.split(',').map((s) => s.trim()).filter(Boolean);
      if (wanted.length === 0) return showError('Influence', 'type one or more row ids, separated by commas');
      const rows: number[] = [];
      for (const id of wanted) {
        const row = await getClient().findRow({ datasetId: model.testDatasetId, id });
        if (row === null) return showError('Influence', `no row with id '${id}' in the test dataset`);
        rows.push(row);
      }
      test = { kind: 'rows', rows };
    }
    void computeInfluence({ modelId: model.modelId, test, method });
  };

  return (
    <section className="panel influence-picker" aria-labelledby="influence-picker-title" data-testid="influence-picker">
      <div className="panel-head">
        <h2 id="influence-picker-title">Test points to explain</h2>
        <span className="muted small">
          {nf.format(wrong.length)} of {nf.format(model.testRows.length)} test rows misclassified
        </span>
      </div>
      {wrong.length > 0 && (
        <div className="table-scroll influence-wrong">
          <table className="grid dense" data-testid="misclassified-list">
            <thead>
              <tr>
                <th />
                <th>id</th>
                <th>label</th>
                <th>predicted</th>
                <th className="num">confidence</th>
              </tr>
            </thead>
            <tbody>
              {wrong.slice(0, LISTED).map((t, i) => {
                const row = model.testRows[t];
                return (
                  <tr key={row} className={picked.includes(row) ? 'selected' : undefined} data-testid="misclassified-row" onClick={() => toggle(row)}>
                    <td>
                      <input type="checkbox" readOnly checked={picked.includes(row)} aria-label={`pick test row ${ids[i] ?? row}`} />
                    </td>
                    <td>{ids[i] ?? row + 1}</td>
                    <td>{model.classNames[model.testLabels[t]]}</td>
                    <td>{model.classNames[model.testPredicted[t]]}</td>
                    <td className="num">{formatPercent(model.testConfidence[t])}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {wrong.length > LISTED && <p className="hint">First {LISTED} listed.</p>}
        </div>
      )}
      <fieldset className="influence-choice">
        <label className="check">
          <input type="radio" name="influence-mode" checked={mode === 'picked'} onChange={() => setMode('picked')} /> the picked rows ({picked.length})
        </label>
        <label className="check">
          <input type="radio" name="influence-mode" checked={mode === 'misclassified'} disabled={wrong.length === 0} onChange={() => setMode('misclassified')} /> all
          misclassified test rows
        </label>
        <label className="check">
          <input type="radio" name="influence-mode" checked={mode === 'class'} data-testid="influence-mode-class" onChange={() => setMode('class')} /> all test rows of class{' '}
          <select value={classIndex} data-testid="influence-class" onChange={(e) => (setClassIndex(Number(e.target.value)), setMode('class'))}>
            <ClassOptions names={model.classNames} />
          </select>
        </label>
        <label className="check">
          <input type="radio" name="influence-mode" checked={mode === 'ids'} onChange={() => setMode('ids')} /> test rows by id{' '}
          <input type="text" value={idText} placeholder="id, id, …" data-testid="influence-ids" onChange={(e) => (setIdText(e.target.value), setMode('ids'))} />
        </label>
      </fieldset>
      <div className="influence-form">
        <label className="field inline" title="auto: the exact Hessian when it is already factored or cheap to form, else conjugate gradients with Hessian-vector products">
          <span>Hessian</span>
          <select value={method} onChange={(e) => setMethod(e.target.value as InfluenceMethod)}>
            <option value="auto">auto</option>
            <option value="exact">exact (Cholesky)</option>
            <option value="cg">conjugate gradients</option>
          </select>
        </label>
        <button type="button" className="btn primary" data-testid="influence-explain" onClick={() => void explain()}>
          Rank training rows
        </button>
      </div>
    </section>
  );
}
