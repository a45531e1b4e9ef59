/** The system in scope: the model, its training-data sources (trust, provenance validation) and pipeline stages. */
import { PIPELINE_STAGES, STAGE_NAMES, TRUST_LEVELS, newId, type PipelineStageKind, type TrustLevel, type Worksheet } from '../../../../shared/domain/worksheet.ts';
import { integrityConfidence } from '../../../../shared/engine/risk.ts';
import { NumberInput, Score, Select, TextArea, TextInput } from './inputs.tsx';
import type { UpdateWorksheet } from './use-worksheet.ts';

const TRUST_OPTIONS = TRUST_LEVELS.map((t) => [t, t] as const);
const STAGE_OPTIONS = PIPELINE_STAGES.map((k) => [k, STAGE_NAMES[k]] as const);

export function ContextSection({ worksheet, update }: { worksheet: Worksheet; update: UpdateWorksheet }) {
  const { context } = worksheet;
  return (
    <div className="ws-section" data-testid="ws-context">
      <div className="ws-form">
        <label className="field">
          <span>Model</span>
          <TextInput value={context.model} label="Model" testId="ws-model" wide onCommit={(v) => update((d) => void (d.context.model = v))} />
        </label>
        <label className="field">
          <span>Purpose and use</span>
          <TextArea value={context.purpose} label="Purpose and use" onCommit={(v) => update((d) => void (d.context.purpose = v))} />
        </label>
      </div>

      <div className="panel-head">
        <h2>Training-data sources</h2>
        <button
          type="button"
          className="btn small"
          data-testid="ws-add-source"
          onClick={() => update((d) => void d.context.sources.push({ id: newId('src'), name: 'New source', description: '', trust: 'public', validation: 0, compromise: 0.1 }))}
        >
          + source
        </button>
      </div>
      <p className="hint">p: prior probability that the source is compromised; V: share of its provenance validated (hashes, signatures, manifests).</p>
      <table className="grid ws-table" data-testid="ws-sources">
        <thead>
          <tr>
            <th>Source</th>
            <th>Trust</th>
            <th className="num">p (compromise)</th>
            <th className="num">V (validated)</th>
            <th>Notes</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {context.sources.map((s, i) => (
            <tr key={s.id}>
              <td>
                <TextInput value={s.name} label="Source name" wide onCommit={(v) => update((d) => void (d.context.sources[i].name = v))} />
              </td>
              <td>
                <Select<TrustLevel> value={s.trust} options={TRUST_OPTIONS} label="Trust level" onCommit={(v) => update((d) => void (d.context.sources[i].trust = v))} />
              </td>
              <td className="num">
                <NumberInput value={s.compromise} min={0} max={1} label="Probability of compromise" onCommit={(v) => update((d) => void (d.context.sources[i].compromise = v))} />
              </td>
              <td className="num">
                <NumberInput value={s.validation} min={0} max={1} label="Provenance validation score" onCommit={(v) => update((d) => void (d.context.sources[i].validation = v))} />
              </td>
              <td>
                <TextInput value={s.description} label="Notes" wide onCommit={(v) => update((d) => void (d.context.sources[i].description = v))} />
              </td>
              <td>
                <button type="button" className="btn tiny danger" aria-label={`Remove source ${s.name}`} onClick={() => update((d) => void d.context.sources.splice(i, 1))}>
                  ×
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="ws-scores">
        <Score label="Data-integrity confidence Π(1 − p·(1 − V))" value={integrityConfidence(context.sources)} testId="ws-context-integrity" />
      </div>

      <div className="panel-head">
        <h2>Pipeline stages</h2>
        <button type="button" className="btn small" onClick={() => update((d) => void d.context.stages.push({ id: newId('stage'), kind: 'training', name: 'New stage', description: '' }))}>
          + stage
        </button>
      </div>
      <table className="grid ws-table">
        <thead>
          <tr>
            <th>Stage</th>
            <th>Kind</th>
            <th>What happens there, what could go wrong</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {context.stages.map((s, i) => (
            <tr key={s.id}>
              <td>
                <TextInput value={s.name} label="Stage name" onCommit={(v) => update((d) => void (d.context.stages[i].name = v))} />
              </td>
              <td>
                <Select<PipelineStageKind> value={s.kind} options={STAGE_OPTIONS} label="Stage kind" onCommit={(v) => update((d) => void (d.context.stages[i].kind = v))} />
              </td>
              <td>
                <TextInput value={s.description} label="Stage description" wide onCommit={(v) => update((d) => void (d.context.stages[i].description = v))} />
              </td>
              <td>
                <button type="button" className="btn tiny danger" aria-label={`Remove stage ${s.name}`} onClick={() => update((d) => void d.context.stages.splice(i, 1))}>
                  ×
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
