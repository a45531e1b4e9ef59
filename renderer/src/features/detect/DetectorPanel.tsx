import { useState } from 'react';
import { getClient } from '../../api/client.ts';
import { startJob, useStore } from '../../store/index.ts';
import { isFinal } from '../../../../shared/domain/jobs.ts';
import { removalBudget } from '../../../../shared/engine/spectral.ts';

const nf = new Intl.NumberFormat('en-US');

/** Parameters and Run for the spectral-signatures detector (Tran, Li & Madry, NeurIPS 2018). */
export function DetectorPanel() {
  const dataset = useStore((s) => s.dataset);
  const params = useStore((s) => s.spectralParams);
  const setParams = useStore((s) => s.setSpectralParams);
  const showError = useStore((s) => s.showError);
  const running = useStore((s) =>
    Object.values(s.jobs).some(
      (j) => j.kind === 'spectral' && !isFinal(j.status) && (j.params as { datasetId: string }).datasetId === s.dataset?.id,
    ),
  );
  const [eps, setEps] = useState(String(params.epsilon));
  const [factor, setFactor] = useState(String(params.budgetFactor));
  if (!dataset) return null;

  const epsilon = Number(eps);
  const budgetFactor = Number(factor);
  const epsOk = eps.trim() !== '' && Number.isFinite(epsilon) && epsilon > 0 && epsilon <= 0.5;
  const factorOk = factor.trim() !== '' && Number.isFinite(budgetFactor) && budgetFactor > 0 && budgetFactor <= 10;
  const largest = Math.max(0, ...dataset.classCounts);
  const removed = epsOk && factorOk ? removalBudget({ epsilon, budgetFactor }, largest) : null;

  const run = () => {
    if (!epsOk) return showError('Spectral signatures', `'ε' must be a number in (0, 0.5] (got '${eps}').`);
    if (!factorOk) return showError('Spectral signatures', `'budget factor' must be a number in (0, 10] (got '${factor}').`);
    setParams({ epsilon, budgetFactor });
    void startJob('Spectral signatures', () =>
      getClient().runDetector({ datasetId: dataset.id, detector: 'spectral', params: { epsilon, budgetFactor } }),
    );
  };

  return (
    <section className="panel" aria-labelledby="detect-title">
      <h2 id="detect-title">Spectral signatures</h2>
      <p className="muted small">
        Scores each row by its squared projection on its class's top principal direction; a backdoor
        sub-population stands out along it (Tran, Li &amp; Madry, 2018).
      </p>
      <label className="field inline">
        <span>ε</span>
        <input
          id="spectral-epsilon"
          type="number"
          step="0.01"
          min="0.001"
          max="0.5"
          value={eps}
          aria-invalid={!epsOk}
          onChange={(e) => setEps(e.target.value)}
        />
      </label>
      <p className="hint">Upper bound on the poisoned fraction of each class, in (0, 0.5].</p>
      <label className="field inline">
        <span>Budget factor</span>
        <input
          id="spectral-budget"
          type="number"
          step="0.1"
          min="0.1"
          max="10"
          value={factor}
          aria-invalid={!factorOk}
          onChange={(e) => setFactor(e.target.value)}
        />
      </label>
      <p className="hint">
        Rows flagged per class = ⌈factor · ε · n<sub>c</sub>⌉; Tran et al. use 1.5.
        {removed !== null && (
          <>
            {' '}
            Largest class ({nf.format(largest)} rows): {nf.format(removed)} flagged.
          </>
        )}
      </p>
      <button type="button" className="btn primary" data-testid="run-spectral" disabled={running} onClick={run}>
        {running ? 'Running…' : 'Run spectral signatures'}
      </button>
    </section>
  );
}
