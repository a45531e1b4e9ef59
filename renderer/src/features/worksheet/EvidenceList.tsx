/** Links to evidence in the case (a detector run, a manifest verification…): opaque references the case resolves. */
import { EVIDENCE_KINDS, type EvidenceKind, type EvidenceLink } from '../../../../shared/domain/worksheet.ts';
import { jobTitle, useStore } from '../../store/index.ts';
import { RemoveButton, Select, TextInput } from './inputs.tsx';

const KIND_OPTIONS = EVIDENCE_KINDS.map((k) => [k, k] as const);

/** Finished jobs of this session, newest first, as candidate evidence (a scan's result is kept under its job id). */
function useFinishedJobs() {
  const jobs = useStore((s) => s.jobs);
  const order = useStore((s) => s.jobOrder);
  return order.map((id) => jobs[id]).filter((j) => j && j.status === 'done');
}

export function EvidenceList({ items, onChange, testId }: { items: EvidenceLink[]; onChange: (items: EvidenceLink[]) => void; testId: string }) {
  const finished = useFinishedJobs();
  const set = (i: number, patch: Partial<EvidenceLink>) => onChange(items.map((e, j) => (j === i ? { ...e, ...patch } : e)));
  return (
    <div className="ws-evidence" data-testid={testId}>
      {items.map((e, i) => (
        <div key={i} className="ws-evidence-row">
          <Select<EvidenceKind> value={e.kind} options={KIND_OPTIONS} label="Evidence kind" onCommit={(kind) => set(i, { kind })} />
          <TextInput value={e.id} label="Evidence reference (job id, manifest, file)" placeholder="reference" onCommit={(id) => set(i, { id })} />
          <TextInput value={e.label} label="What it shows" placeholder="what it shows" wide onCommit={(label) => set(i, { label })} />
          <RemoveButton label="Remove evidence" onRemove={() => onChange(items.filter((_, j) => j !== i))} />
        </div>
      ))}
      <button type="button" className="btn tiny" data-testid={`${testId}-add`} onClick={() => onChange([...items, { kind: 'scan', id: '', label: '' }])}>
        + evidence
      </button>
      {finished.length > 0 && (
        <select
          className="ws-select"
          aria-label="Link a finished job as evidence"
          value=""
          onChange={(e) => {
            const job = finished.find((j) => j.id === e.target.value);
            if (job) onChange([...items, { kind: job.kind === 'scan' ? 'scan' : 'job', id: job.id, label: `${jobTitle(job)} (${job.finishedAt ?? ''})` }]);
          }}
        >
          <option value="">Link a finished job…</option>
          {finished.map((j) => (
            <option key={j.id} value={j.id}>
              {jobTitle(j)} · {j.id}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}
