import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { getClient } from '../../api/client.ts';
import { openDataset, refreshDatasets, startJob, useStore } from '../../store/index.ts';
import { isFinal } from '../../../../shared/domain/jobs.ts';

const SYNTH_DEFAULTS = { rows: '200000', dims: '512', classes: '10', poisonFraction: '0.05', seed: '1' };

type SynthField = keyof typeof SYNTH_DEFAULTS;

const SYNTH_FIELDS: { key: SynthField; id: string; label: string; hint: string; step: string }[] = [
  { key: 'rows', id: 'synth-rows', label: 'Rows', hint: '20 – 5,000,000', step: '1' },
  { key: 'dims', id: 'synth-dims', label: 'Dimensions', hint: '2 – 4096', step: '1' },
  { key: 'classes', id: 'synth-classes', label: 'Classes', hint: '2 – 1000', step: '1' },
  { key: 'poisonFraction', id: 'synth-poison', label: 'Poison fraction', hint: 'of the target class, 0 – 0.49', step: '0.01' },
  { key: 'seed', id: 'synth-seed', label: 'Seed', hint: 'same seed, same data', step: '1' },
];

/** Parses the synthetic form; returns the first problem naming its field, or the spec. */
function parseSynthetic(form: typeof SYNTH_DEFAULTS) {
  const num = (key: SynthField, label: string, integer: boolean) => {
    const raw = form[key].trim();
    const v = Number(raw);
    if (raw === '' || !Number.isFinite(v)) return `'${label}' must be a number (got '${form[key]}').`;
    if (integer && !Number.isInteger(v)) return `'${label}' must be a whole number (got ${raw}).`;
    return v;
  };
  const values: Record<SynthField, number> = { rows: 0, dims: 0, classes: 0, poisonFraction: 0, seed: 0 };
  for (const f of SYNTH_FIELDS) {
    const v = num(f.key, f.label, f.key !== 'poisonFraction');
    if (typeof v === 'string') return { ok: false as const, message: v };
    values[f.key] = v;
  }
  return { ok: true as const, value: values };
}

/** `openFile`: the card that opens files (the import feature's), placed beside the generator. */
export function StartScreen({ openFile }: { openFile?: ReactNode }) {
  const busyLoading = useStore((s) =>
    Object.values(s.jobs).some((j) => s.ownJobIds[j.id] && (j.kind === 'load' || j.kind === 'synthesize') && !isFinal(j.status)),
  );
  const hasDataset = useStore((s) => s.dataset !== null);
  const currentId = useStore((s) => s.dataset?.id ?? null);
  const opened = useStore((s) => s.datasets);
  useEffect(refreshDatasets, []);
  const samplePath = useStore((s) => s.appInfo?.samplePath ?? null);
  const setView = useStore((s) => s.setView);
  const showError = useStore((s) => s.showError);

  const [synth, setSynth] = useState(SYNTH_DEFAULTS);

  const generate = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseSynthetic(synth);
    if (!parsed.ok) {
      showError('Generate synthetic dataset', parsed.message);
      return;
    }
    void startJob('Generate synthetic dataset', () => getClient().generateSynthetic(parsed.value));
  };

  return (
    <main className="start" data-testid="start-screen">
      <section className="start-hero">
        <h1>Assay</h1>
        <p className="lede">
          Assay looks for poisoned, backdoored or mislabeled rows in a training set: open the data, run detectors
          with calibrated verdicts, see which rows pushed the model (influence, certified robustness), check drift,
          privacy and bias, and keep it all in a case with a tamper-evident trail and a report — offline, on this machine.
        </p>
        <div className="hero-actions">
          <button
            type="button"
            className="btn primary big"
            data-testid="open-sample"
            disabled={busyLoading}
            onClick={() => void startJob('Open sample dataset', () => getClient().openSample())}
          >
            Open sample dataset
          </button>
          {hasDataset && (
            <button type="button" className="btn" onClick={() => setView('workspace')}>
              Back to the open dataset
            </button>
          )}
        </div>
        {samplePath && (
          <p className="muted small" title={samplePath}>
            A backdoored embedding set bundled with Assay.
          </p>
        )}
        {opened.length > 0 && (
          <div className="opened" data-testid="opened-datasets">
            <h2>Opened this session</h2>
            <ul>
              {opened.map((d) => (
                <li key={d.id}>
                  <button type="button" className="linkish" onClick={() => openDataset(d)} title={d.path ?? d.name}>
                    <code>{d.name}</code>
                  </button>
                  <span className="muted small">
                    {d.rows.toLocaleString('en-US')} × {d.dims}
                    {d.id === currentId && ' · open now'}
                  </span>
                </li>
              ))}
            </ul>
            <p className="muted small">A second dataset of rows known to be clean can serve as the detectors' trusted reference.</p>
          </div>
        )}
      </section>

      <div className="start-cards">
        {openFile}

        <form className="card" onSubmit={generate} aria-labelledby="synth-title">
          <h2 id="synth-title">Generate synthetic dataset</h2>
          <p className="muted small">Gaussian class clusters with a planted backdoor sub-population in one class.</p>
          <div className="field-grid">
            {SYNTH_FIELDS.map((f) => (
              <label className="field" key={f.key}>
                <span>{f.label}</span>
                <input
                  id={f.id}
                  type="number"
                  step={f.step}
                  value={synth[f.key]}
                  onChange={(e) => setSynth({ ...synth, [f.key]: e.target.value })}
                />
                <small className="muted">{f.hint}</small>
              </label>
            ))}
          </div>
          <button type="submit" className="btn" data-testid="generate-synthetic" disabled={busyLoading}>
            Generate
          </button>
        </form>
      </div>
    </main>
  );
}
