import { useEffect } from 'react';
import { getClient } from '../../api/client.ts';
import { refreshDatasets, startJob, useStore } from '../../store/index.ts';
import { DETECTORS, type ParamSpec } from '../../../../shared/domain/detector-catalog.ts';
import type { DetectorName, DetectorParams, FlagRule, ScanRequest } from '../../../../shared/domain/detectors.ts';
import { isFinal } from '../../../../shared/domain/jobs.ts';
import { defaultChoice, type DetectorChoice, type FlagForm } from './slice.ts';

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** A number field's text as a number in [min, max], or a message naming the field. */
function parseNumber(text: string, where: string, min: number, max: number, integer = false): Parsed<number> {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) return { ok: false, message: `${where} must be a number (got '${text}').` };
  if (integer && !Number.isInteger(v)) return { ok: false, message: `${where} must be a whole number (got ${text}).` };
  if (v < min || v > max) return { ok: false, message: `${where} must be in [${min}, ${max}] (got ${text}).` };
  return { ok: true, value: v };
}

function parseParams(name: DetectorName, choice: DetectorChoice): Parsed<DetectorParams> {
  const info = DETECTORS[name];
  const out: DetectorParams = {};
  for (const spec of info.params) {
    const raw = choice.values[spec.key] ?? spec.default;
    if (spec.kind === 'boolean' || spec.kind === 'choice') {
      out[spec.key] = raw;
      continue;
    }
    const v = parseNumber(String(raw), `${info.title}: '${spec.label}'`, spec.min ?? -Infinity, spec.max ?? Infinity, spec.kind === 'integer');
    if (!v.ok) return v;
    out[spec.key] = v.value;
  }
  return { ok: true, value: out };
}

/** The flag rules' number fields: their bounds, read by both the parser and the inputs. */
const FLAG_FIELDS = {
  q: { id: 'flag-q', label: 'q', title: "FDR 'q'", mode: 'fdr', step: 0.01, min: 0.0001, max: 0.5 },
  epsilon: { id: 'flag-epsilon', label: 'ε', title: "Budget 'ε'", mode: 'budget', step: 0.01, min: 0.001, max: 0.5 },
  budgetFactor: { id: 'flag-budget-factor', label: 'factor', title: "Budget 'factor'", mode: 'budget', step: 0.1, min: 0.1, max: 10 },
} as const;
type FlagField = keyof typeof FLAG_FIELDS;

function parseFlagField(form: FlagForm, key: FlagField): Parsed<number> {
  const f = FLAG_FIELDS[key];
  return parseNumber(form[key], f.title, f.min, f.max);
}

function parseFlag(form: FlagForm): Parsed<FlagRule> {
  if (form.mode === 'rule') return { ok: true, value: { mode: 'rule' } };
  if (form.mode === 'fdr') {
    const q = parseFlagField(form, 'q');
    return q.ok ? { ok: true, value: { mode: 'fdr', q: q.value } } : q;
  }
  const epsilon = parseFlagField(form, 'epsilon');
  if (!epsilon.ok) return epsilon;
  const budgetFactor = parseFlagField(form, 'budgetFactor');
  if (!budgetFactor.ok) return budgetFactor;
  return { ok: true, value: { mode: 'budget', epsilon: epsilon.value, budgetFactor: budgetFactor.value } };
}

/** One number field of a flag rule, enabled while its rule is chosen. */
function FlagNumber({ field, form, onChange }: { field: FlagField; form: FlagForm; onChange: (value: string) => void }) {
  const f = FLAG_FIELDS[field];
  return (
    <label className="field inline">
      <span>{f.label}</span>
      <input
        id={f.id}
        type="number"
        step={f.step}
        min={f.min}
        max={f.max}
        value={form[field]}
        disabled={form.mode !== f.mode}
        aria-invalid={!parseFlagField(form, field).ok}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}

function ParamField({ name, spec, value }: { name: DetectorName; spec: ParamSpec; value: string | boolean }) {
  const setChoice = useStore((s) => s.setChoice);
  const choice = useStore((s) => s.choices[name]) ?? defaultChoice(name);
  const set = (v: string | boolean) => setChoice(name, { values: { ...choice.values, [spec.key]: v } });
  const id = `param-${name}-${spec.key}`;
  let input;
  if (spec.kind === 'boolean') {
    input = <input id={id} type="checkbox" checked={value === true} onChange={(e) => set(e.target.checked)} />;
  } else if (spec.kind === 'choice') {
    input = (
      <select id={id} value={String(value)} onChange={(e) => set(e.target.value)}>
        {spec.choices?.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    );
  } else {
    const ok = parseNumber(String(value), spec.label, spec.min ?? -Infinity, spec.max ?? Infinity, spec.kind === 'integer').ok;
    input = (
      <input
        id={id}
        type="number"
        step={spec.kind === 'integer' ? 1 : 'any'}
        min={spec.min}
        max={spec.max}
        value={String(value)}
        aria-invalid={!ok}
        onChange={(e) => set(e.target.value)}
      />
    );
  }
  return (
    <div className="param">
      <label className="field inline" htmlFor={id}>
        <span>{spec.label}</span>
        {input}
      </label>
      <p className="hint">{spec.help}</p>
    </div>
  );
}

function DetectorRow({ name }: { name: DetectorName }) {
  const info = DETECTORS[name];
  const choice = useStore((s) => s.choices[name]) ?? defaultChoice(name);
  const setChoice = useStore((s) => s.setChoice);
  return (
    <li className="detector" data-detector={name}>
      <label className="check strong" title={info.reference}>
        <input
          type="checkbox"
          data-testid={`detector-${name}`}
          checked={choice.enabled}
          onChange={(e) => setChoice(name, { enabled: e.target.checked })}
        />
        {info.title}
      </label>
      <p className="hint">{info.summary}</p>
      {info.params.length > 0 && (
        <details>
          <summary className="small">Parameters</summary>
          {info.params.map((spec) => (
            <ParamField key={spec.key} name={name} spec={spec} value={choice.values[spec.key] ?? spec.default} />
          ))}
          <p className="hint cite">{info.reference}</p>
        </details>
      )}
    </li>
  );
}

/** Which detectors to run, how to turn scores into flags, an optional clean reference, and Run. */
export function DetectorPanel() {
  const dataset = useStore((s) => s.dataset);
  const datasets = useStore((s) => s.datasets);
  const available = useStore((s) => s.appInfo?.detectors) ?? [];
  const choices = useStore((s) => s.choices);
  const flagForm = useStore((s) => s.flagForm);
  const setFlagForm = useStore((s) => s.setFlagForm);
  const referenceId = useStore((s) => s.referenceDatasetId);
  const setReference = useStore((s) => s.setReference);
  const showError = useStore((s) => s.showError);
  const running = useStore((s) =>
    Object.values(s.jobs).some((j) => j.kind === 'scan' && !isFinal(j.status) && (j.params as ScanRequest).datasetId === s.dataset?.id),
  );
  useEffect(refreshDatasets, [dataset?.id]);
  if (!dataset) return null;

  const references = datasets.filter((d) => d.id !== dataset.id);
  const enabled = available.filter((name) => (choices[name] ?? defaultChoice(name)).enabled);

  const run = () => {
    if (enabled.length === 0) return showError('Scan', 'Tick at least one detector.');
    const detectors: ScanRequest['detectors'] = [];
    for (const name of enabled) {
      const params = parseParams(name, choices[name] ?? defaultChoice(name));
      if (!params.ok) return showError('Scan', params.message);
      detectors.push({ name, params: params.value });
    }
    const flag = parseFlag(flagForm);
    if (!flag.ok) return showError('Scan', flag.message);
    const reference = references.some((d) => d.id === referenceId) ? referenceId : null;
    void startJob('Scan', () => getClient().runScan({ datasetId: dataset.id, detectors, flag: flag.value, referenceDatasetId: reference }));
  };

  return (
    <section className="panel" aria-labelledby="detect-title" data-testid="detector-panel">
      <h2 id="detect-title">Detectors</h2>
      <ul className="detectors">
        {available.map((name) => (
          <DetectorRow key={name} name={name} />
        ))}
      </ul>

      <h3>Flag rows by</h3>
      <fieldset className="flag-modes" data-testid="flag-mode">
        <label className="check strong">
          <input type="radio" name="flag-mode" value="fdr" checked={flagForm.mode === 'fdr'} onChange={() => setFlagForm({ mode: 'fdr' })} />
          False-discovery rate
        </label>
        <div className="mode-body">
          <FlagNumber field="q" form={flagForm} onChange={(q) => setFlagForm({ q })} />
          <p className="hint">
            Needs no poison rate: Benjamini–Hochberg over all rows' p-values, so about a fraction q of the flags are
            clean rows, and a clean class gets (almost) none.
          </p>
        </div>
        <label className="check strong">
          <input type="radio" name="flag-mode" value="budget" checked={flagForm.mode === 'budget'} onChange={() => setFlagForm({ mode: 'budget' })} />
          Budget
        </label>
        <div className="mode-body">
          <div className="field-pair">
            <FlagNumber field="epsilon" form={flagForm} onChange={(epsilon) => setFlagForm({ epsilon })} />
            <FlagNumber field="budgetFactor" form={flagForm} onChange={(budgetFactor) => setFlagForm({ budgetFactor })} />
          </div>
          <p className="hint">
            Flags the top ⌈factor·ε·n⌉ of every class: assumes at most ε of each class is poisoned and flags that many
            even in a clean class — what IBM ART does (Tran et al. use factor 1.5).
          </p>
        </div>
        <label className="check strong">
          <input type="radio" name="flag-mode" value="rule" checked={flagForm.mode === 'rule'} onChange={() => setFlagForm({ mode: 'rule' })} />
          Each detector's own rule
        </label>
        <p className="hint mode-body">As in its paper (a removal budget, a small cluster, a label disagreement…).</p>
      </fieldset>

      <label className="field">
        <span>Trusted clean reference</span>
        <select
          data-testid="reference-select"
          value={referenceId && references.some((d) => d.id === referenceId) ? referenceId : ''}
          onChange={(e) => setReference(e.target.value || null)}
        >
          <option value="">none</option>
          {references.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name} ({d.rows.toLocaleString('en-US')} rows)
            </option>
          ))}
        </select>
      </label>
      <p className="hint">
        {references.length === 0
          ? 'Open a second dataset of rows known to be clean (same features and classes) to use it here.'
          : 'p-values become conformal against these rows: exact under exchangeability, no normality assumed.'}
      </p>

      <button type="button" className="btn primary" data-testid="run-scan" disabled={running || enabled.length === 0} onClick={run}>
        {running ? 'Running…' : enabled.length === 1 ? `Run ${DETECTORS[enabled[0]].title}` : `Run ${enabled.length} detectors`}
      </button>
    </section>
  );
}
