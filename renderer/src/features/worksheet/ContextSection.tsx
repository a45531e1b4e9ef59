/** The system in scope: the model, its training-data sources (trust, provenance validation) and pipeline stages. */
import { useState } from 'react';
import type { JobInfo } from '../../../../shared/domain/jobs.ts';
import { PIPELINE_STAGES, STAGE_NAMES, TRUST_LEVELS, newId, type DataSource, type PipelineStageKind, type TrustLevel, type Worksheet } from '../../../../shared/domain/worksheet.ts';
import { validationScore } from '../../../../shared/engine/provenance-score.ts';
import { integrityConfidence } from '../../../../shared/engine/risk.ts';
import { getClient } from '../../api/index.ts';
import { useStore } from '../../store/index.ts';
import { NumberInput, RemoveButton, Score, Select, TextArea, TextInput } from './inputs.tsx';
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
              <td className="num ws-validation-cell" title={s.validationEvidence?.label}>
                <NumberInput
                  value={s.validation}
                  min={0}
                  max={1}
                  label="Provenance validation score"
                  testId="ws-source-v"
                  onCommit={(v) =>
                    update((d) => {
                      // A hand-typed V is no longer what the manifest check found: the link goes.
                      d.context.sources[i].validation = v;
                      delete d.context.sources[i].validationEvidence;
                    })
                  }
                />
                <ManifestScore source={s} update={update} />
              </td>
              <td>
                <TextInput value={s.description} label="Notes" wide onCommit={(v) => update((d) => void (d.context.sources[i].description = v))} />
              </td>
              <td>
                <RemoveButton label={`Remove source ${s.name}`} onRemove={() => update((d) => void d.context.sources.splice(i, 1))} />
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
                <RemoveButton label={`Remove stage ${s.name}`} onRemove={() => update((d) => void d.context.stages.splice(i, 1))} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const MAX_LABEL = 20_000;
const fileName = (path: string): string => path.split(/[\\/]/).pop() || path;

/** The manifest checks this session finished, newest first: the candidates a source's V can be read from. */
function useFinishedManifestChecks(): JobInfo<'verifyManifest'>[] {
  const jobs = useStore((s) => s.jobs);
  const order = useStore((s) => s.jobOrder);
  return order.map((id) => jobs[id]).filter((j): j is JobInfo<'verifyManifest'> => j !== undefined && j.kind === 'verifyManifest' && j.status === 'done');
}

/**
 * "From manifest check…": sets a source's V to the share of its rows a finished manifest verification vouches
 * for (shared/engine/provenance-score.ts), links the check as the evidence, and shows the working under the cell.
 */
function ManifestScore({ source, update }: { source: DataSource; update: UpdateWorksheet }) {
  const checks = useFinishedManifestChecks();
  const showError = useStore((s) => s.showError);
  const [busy, setBusy] = useState(false);

  const apply = async (job: JobInfo<'verifyManifest'>) => {
    setBusy(true);
    try {
      const result = await getClient().getJobResult({ jobId: job.id });
      if (result.kind !== 'verifyManifest') throw new Error(`job ${job.id} is a ${result.kind} job, not a manifest check`);
      const score = validationScore(result.value);
      const text = `${job.params.path}, checked ${job.finishedAt ?? ''}: ${score.how}`;
      const label = text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;
      update((d) => {
        // Found by id: the table may have changed while the result was on its way.
        const target = d.context.sources.find((x) => x.id === source.id);
        if (!target) return;
        target.validation = score.value;
        target.validationEvidence = { kind: 'manifest', id: job.id, label };
      });
    } catch (err) {
      showError(`V of ${source.name} from a manifest check`, err);
    } finally {
      setBusy(false);
    }
  };

  const evidence = source.validationEvidence;
  return (
    <div className="ws-validation-from">
      {evidence && (
        <div className="ws-validation-how muted" data-testid="ws-source-v-how" data-job={evidence.id}>
          {evidence.label}
        </div>
      )}
      {checks.length > 0 && (
        <select
          className="ws-select"
          aria-label={`Set V of ${source.name} from a manifest check`}
          data-testid="ws-source-from-manifest"
          value=""
          disabled={busy}
          onChange={(e) => {
            const job = checks.find((j) => j.id === e.target.value);
            if (job) void apply(job);
          }}
        >
          <option value="">From manifest check…</option>
          {checks.map((j) => (
            <option key={j.id} value={j.id}>
              {fileName(j.params.path)} · {j.finishedAt?.slice(11, 19) ?? ''} · {j.id}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}
