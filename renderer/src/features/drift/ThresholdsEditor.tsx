import { COLUMN_TESTS, DEFAULT_DRIFT_THRESHOLDS, DEFAULT_EMBEDDING_OPTIONS, type ColumnTest, type DriftThresholds, type EmbeddingDriftOptions } from '../../../../shared/domain/drift.ts';
import { useStore } from '../../store/index.ts';

type NumericKey = Exclude<keyof DriftThresholds, 'columnTest'>;

const FIELDS: { key: NumericKey; label: string; hint: string; step: number }[] = [
  { key: 'psiAlert', label: 'PSI alert', hint: 'A column with PSI above this drifted (the seed’s monitoring alert: 0.2)', step: 0.01 },
  { key: 'psiModerate', label: 'PSI moderate', hint: 'PSI bands: below this, no shift (common reading: 0.1)', step: 0.01 },
  { key: 'psiSignificant', label: 'PSI significant', hint: 'Above this, a significant shift (common reading: 0.25)', step: 0.01 },
  { key: 'pValue', label: 'p-value', hint: 'Level of the KS, chi-square, MMD and domain-classifier tests', step: 0.01 },
  { key: 'wassersteinNormed', label: 'W₁/σ', hint: 'Normed Wasserstein threshold (Evidently: 0.1)', step: 0.01 },
  { key: 'jsDistance', label: 'JS', hint: 'Jensen–Shannon distance threshold (Evidently: 0.1)', step: 0.01 },
  { key: 'klDivergence', label: 'KL', hint: 'KL(baseline ‖ current) threshold (Evidently: 0.1)', step: 0.01 },
  { key: 'driftShare', label: 'Drifted share', hint: 'The dataset drifted when at least this share of its columns drifted (Evidently: 0.5)', step: 0.05 },
  { key: 'domainAuc', label: 'Domain AUC', hint: 'A domain classifier AUC above this, and significant, is embedding drift', step: 0.01 },
  { key: 'bins', label: 'Bins', hint: 'Baseline quantile bins for PSI, KL and JS (deciles: 10)', step: 1 },
];

const TEST_LABEL: Record<ColumnTest, string> = {
  psi: 'PSI > alert',
  ks: 'KS p < level',
  wasserstein: 'W₁/σ > threshold',
  js: 'JS > threshold',
  kl: 'KL > threshold',
};

/** Every threshold of a drift run, with its default named; a changed value applies to the next run. */
export function ThresholdsEditor() {
  const t = useStore((s) => s.driftThresholds);
  const e = useStore((s) => s.driftEmbedding);
  const setT = useStore((s) => s.setDriftThresholds);
  const setE = useStore((s) => s.setDriftEmbedding);
  const numberInput = (value: number, onValue: (v: number) => void, step: number, testId: string, label: string) => (
    <input
      type="number"
      step={step}
      defaultValue={value}
      aria-label={label}
      data-testid={testId}
      onChange={(ev) => {
        const v = ev.target.valueAsNumber;
        if (Number.isFinite(v)) onValue(v);
      }}
    />
  );
  const changed = JSON.stringify(t) !== JSON.stringify(DEFAULT_DRIFT_THRESHOLDS) || JSON.stringify(e) !== JSON.stringify(DEFAULT_EMBEDDING_OPTIONS);
  return (
    <details className="drift-thresholds" data-testid="drift-thresholds">
      <summary>
        Thresholds{changed ? ' (changed)' : ''}: column test {TEST_LABEL[t.columnTest]}, PSI alert {t.psiAlert}, p {t.pValue}, dataset drift at {Math.round(t.driftShare * 100)}% of columns
      </summary>
      <div className="drift-threshold-grid" key={changed ? 'changed' : 'defaults'}>
        <label title="The statistic that decides whether a numeric column drifted">
          Column test
          <select value={t.columnTest} data-testid="drift-column-test" onChange={(ev) => setT({ columnTest: ev.target.value as ColumnTest })}>
            {COLUMN_TESTS.map((k) => (
              <option key={k} value={k}>
                {TEST_LABEL[k]}
              </option>
            ))}
          </select>
        </label>
        {FIELDS.map((f) => (
          <label key={f.key} title={`${f.hint}. Default ${DEFAULT_DRIFT_THRESHOLDS[f.key]}.`}>
            {f.label}
            {numberInput(t[f.key], (v) => setT({ [f.key]: v } as Partial<DriftThresholds>), f.step, `drift-threshold-${f.key}`, f.label)}
          </label>
        ))}
        <label title="MMD and a domain classifier on the feature set as a whole">
          <input type="checkbox" checked={e.enabled} onChange={(ev) => setE({ enabled: ev.target.checked })} /> Embedding tests
        </label>
        {(
          [
            ['mmdSample', 'MMD rows per set', 'Rows drawn from each set for MMD (cost grows with the square)'],
            ['permutations', 'Permutations', 'Permutations for MMD’s p-value'],
            ['classifierSample', 'Classifier rows per set', 'Rows drawn from each set for the domain classifier'],
            ['folds', 'Folds', 'Cross-fitting folds of the domain classifier'],
          ] as [keyof EmbeddingDriftOptions, string, string][]
        ).map(([key, label, hint]) => (
          <label key={key} title={`${hint}. Default ${String(DEFAULT_EMBEDDING_OPTIONS[key])}.`}>
            {label}
            {numberInput(e[key] as number, (v) => setE({ [key]: Math.round(v) } as Partial<EmbeddingDriftOptions>), 1, `drift-embedding-${key}`, label)}
          </label>
        ))}
        <button
          type="button"
          className="btn small"
          onClick={() => {
            setT(DEFAULT_DRIFT_THRESHOLDS);
            setE(DEFAULT_EMBEDDING_OPTIONS);
          }}
        >
          Defaults
        </button>
      </div>
    </details>
  );
}
