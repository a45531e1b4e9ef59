import { useEffect, useRef, useState } from 'react';
import {
  INCIDENT_PHASES,
  PHASE_STATUSES,
  PHASE_TITLES,
  type CaseDatasetCheck,
  type CaseView,
  type Incident,
  type IncidentPhase,
  type TimelineEntry,
} from '../../../../shared/domain/case.ts';
import { useStore } from '../../store/index.ts';
import { nf } from '../../ui/format.ts';
import { closeCase, openCaseDataset, saveSection, showStoredScan, verifyAudit } from './actions.ts';
import './case.css';
import { ProvenancePanel } from '../provenance/index.ts';
import { ReportPanel } from '../report/index.ts';

const short = (sha: string) => `${sha.slice(0, 12)}…`;
const when = (iso: string) => (iso ? new Date(iso).toLocaleString() : '—');

/** Local edits of a section, saved `ms` after the last keystroke; the host's copy wins while nothing is pending. */
function useAutosaved<T>(remote: T, save: (value: T) => void, ms = 700): [T, (next: T) => void] {
  const [draft, setDraft] = useState(remote);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(draft);
  useEffect(() => {
    if (!pending.current) setDraft(remote);
  }, [remote]);
  useEffect(
    () => () => {
      // Leaving the view saves what was typed.
      if (pending.current) {
        clearTimeout(pending.current);
        save(latest.current);
      }
    },
    [],
  );
  const update = (next: T) => {
    setDraft(next);
    latest.current = next;
    if (pending.current) clearTimeout(pending.current);
    pending.current = setTimeout(() => {
      pending.current = null;
      save(next);
    }, ms);
  };
  return [draft, update];
}

function AuditBadge({ view }: { view: CaseView }) {
  const { audit } = view;
  return audit.ok ? (
    <span className="badge ok" data-testid="audit-status" title={`head ${audit.head}`}>
      ✓ audit log verified · {nf.format(audit.verified)} entries
    </span>
  ) : (
    <span className="badge bad" data-testid="audit-status" title={audit.firstBad?.reason}>
      ✗ audit log broken at entry {audit.firstBad?.seq ?? '?'} (line {audit.firstBad?.line}) — {audit.firstBad?.reason}
    </span>
  );
}

function Datasets({ view }: { view: CaseView }) {
  const open = useStore((s) => s.datasets);
  return (
    <section className="panel" aria-labelledby="case-datasets-title" data-testid="case-datasets">
      <h2 id="case-datasets-title">Datasets</h2>
      {view.document.datasets.length === 0 ? (
        <p className="muted small">None yet: every dataset opened while this case is open is recorded here, with its SHA-256.</p>
      ) : (
        <table className="case-table">
          <thead>
            <tr>
              <th>Dataset</th>
              <th>Rows × features</th>
              <th>SHA-256</th>
              <th>On disk</th>
              <th>Stored results</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {view.document.datasets.map((d) => {
              const check = view.datasets.find((c) => c.sha256 === d.sha256);
              const loaded = open.find((o) => o.sha256 === d.sha256);
              const results = view.document.results.filter((r) => r.datasetSha256 === d.sha256);
              const status = check?.status ?? 'unchecked';
              return (
                <tr key={d.sha256} data-testid="case-dataset" data-status={status}>
                  <td title={d.source.kind === 'file' ? d.source.request.path : 'generated'}>{d.summary.name}</td>
                  <td>
                    {nf.format(d.summary.rows)} × {d.summary.dims}
                  </td>
                  <td>
                    <code title={d.sha256}>{short(d.sha256)}</code>
                  </td>
                  <td className={`hash-${status}`} title={check?.message}>
                    {status === 'changed' ? '⚠ changed since added' : status === 'missing' ? '⚠ missing' : status === 'unreadable' ? '⚠ unreadable' : status === 'ok' ? 'same bytes' : status === 'generated' ? 'generated' : 'not checked'}
                  </td>
                  <td>{results.length ? results.map((r) => r.kind).join(', ') : '—'}</td>
                  <td>
                    <button
                      type="button"
                      className="btn small"
                      data-testid="case-dataset-open"
                      title={loaded ? 'Read the file again (a new load job)' : 'Load it with the roles it was read with; its stored results come back without recomputing'}
                      onClick={() => openCaseDataset(d)}
                      disabled={status === 'missing'}
                    >
                      {loaded ? 'Open again' : 'Open'}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {view.datasets.some((c) => c.status === 'changed') && (
        <p className="warning small" role="alert" data-testid="dataset-changed">
          A dataset changed on disk since it was added: its stored results belong to the old bytes and are not shown for the new ones.
        </p>
      )}
    </section>
  );
}

function PhaseRow({ phase, onChange }: { phase: IncidentPhase; onChange: (p: IncidentPhase) => void }) {
  const id = `phase-${phase.phase}`;
  return (
    <tr data-testid={id}>
      <th scope="row">{PHASE_TITLES[phase.phase]}</th>
      <td>
        <input aria-label={`${PHASE_TITLES[phase.phase]} owner`} value={phase.owner} onChange={(e) => onChange({ ...phase, owner: e.target.value })} data-testid={`${id}-owner`} />
      </td>
      <td>
        <select aria-label={`${PHASE_TITLES[phase.phase]} status`} value={phase.status} onChange={(e) => onChange({ ...phase, status: e.target.value as IncidentPhase['status'] })} data-testid={`${id}-status`}>
          {PHASE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.replace('-', ' ')}
            </option>
          ))}
        </select>
      </td>
      <td>
        <input type="date" aria-label={`${PHASE_TITLES[phase.phase]} started`} value={phase.started ?? ''} onChange={(e) => onChange({ ...phase, started: e.target.value || null })} />
      </td>
      <td>
        <input type="date" aria-label={`${PHASE_TITLES[phase.phase]} completed`} value={phase.completed ?? ''} onChange={(e) => onChange({ ...phase, completed: e.target.value || null })} />
      </td>
      <td>
        <textarea aria-label={`${PHASE_TITLES[phase.phase]} notes`} rows={1} value={phase.notes} onChange={(e) => onChange({ ...phase, notes: e.target.value })} />
      </td>
    </tr>
  );
}

function IncidentEditor({ view }: { view: CaseView }) {
  const [incident, setIncident] = useAutosaved<Incident>(view.document.incident, (value) => void saveSection('incident', value));
  const setPhase = (next: IncidentPhase) => setIncident({ ...incident, phases: incident.phases.map((p) => (p.phase === next.phase ? next : p)) });
  return (
    <section className="panel" aria-labelledby="incident-title" data-testid="incident">
      <h2 id="incident-title">Incident</h2>
      <div className="incident-head">
        <label>
          <input type="checkbox" checked={incident.declared} onChange={(e) => setIncident({ ...incident, declared: e.target.checked })} data-testid="incident-declared" /> Run this case as an
          incident
        </label>
        <label className="field inline">
          <span>Reference</span>
          <input value={incident.reference} onChange={(e) => setIncident({ ...incident, reference: e.target.value })} placeholder="e.g. IR-2026-041" />
        </label>
        <label className="field inline">
          <span>Severity</span>
          <select value={incident.severity ?? ''} onChange={(e) => setIncident({ ...incident, severity: (e.target.value || null) as Incident['severity'] })}>
            <option value="">unset</option>
            {['low', 'medium', 'high', 'critical'].map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      {incident.declared && (
        <table className="case-table phases">
          <thead>
            <tr>
              <th>Phase</th>
              <th>Owner</th>
              <th>Status</th>
              <th>Started</th>
              <th>Completed</th>
              <th>Notes</th>
            </tr>
          </thead>
          <tbody>
            {INCIDENT_PHASES.map((name) => {
              const phase = incident.phases.find((p) => p.phase === name)!;
              return <PhaseRow key={name} phase={phase} onChange={setPhase} />;
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Evidence({ entry, view }: { entry: TimelineEntry; view: CaseView }) {
  const datasets = useStore((s) => s.datasets);
  if (entry.evidence.length === 0) return null;
  return (
    <ul className="evidence">
      {entry.evidence.map((e, i) => {
        const stored = e.resultKey ? view.document.results.find((r) => r.key === e.resultKey) : undefined;
        const dataset = stored ? datasets.find((d) => d.sha256 === stored.datasetSha256) : undefined;
        return (
          <li key={i}>
            <span title={e.path}>{e.label}</span>
            {e.sha256 && <code title={e.sha256}> {short(e.sha256)}</code>}
            {stored?.kind === 'scan' && dataset && (
              <button type="button" className="btn small" onClick={() => void showStoredScan(stored, dataset, true)}>
                Show
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function Timeline({ view }: { view: CaseView }) {
  const { audit } = view;
  const entries = [...view.document.timeline].reverse();
  return (
    <section className="panel" aria-labelledby="timeline-title" data-testid="case-timeline">
      <h2 id="timeline-title">Timeline</h2>
      <ol className="timeline">
        {entries.map((t) => {
          const verified = t.auditSeq <= audit.verified;
          return (
            <li key={t.auditSeq} data-testid="timeline-entry" data-action={t.action} data-verified={verified ? 'yes' : 'no'}>
              <span className={`mark ${verified ? 'ok' : 'bad'}`} title={verified ? `audit entry ${t.auditSeq} verified` : `audit entry ${t.auditSeq} does not verify`}>
                {verified ? '✓' : '✗'}
              </span>
              <time dateTime={t.time}>{when(t.time)}</time>
              <span className="actor">{t.actor}</span>
              {t.phase && <span className="phase-tag">{PHASE_TITLES[t.phase]}</span>}
              <span className="summary">{t.summary}</span>
              <Evidence entry={t} view={view} />
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function Notes({ view }: { view: CaseView }) {
  const [notes, setNotes] = useAutosaved(view.document.notes, (value) => void saveSection('notes', value));
  return (
    <section className="panel" aria-labelledby="notes-title">
      <h2 id="notes-title">Notes</h2>
      <textarea className="case-notes" rows={8} value={notes} onChange={(e) => setNotes(e.target.value)} data-testid="case-notes" aria-labelledby="notes-title" />
      <p className="muted small">Saved as you type; every save is in the audit log.</p>
    </section>
  );
}

/** The open case: summary and audit status, datasets with their hash check, incident phases, timeline, notes. */
export function CasePage() {
  const view = useStore((s) => s.caseView);
  const hasDataset = useStore((s) => s.dataset !== null);
  const setView = useStore((s) => s.setView);
  if (!view) return null;
  const doc = view.document;
  const scans = doc.results.filter((r) => r.kind === 'scan').length;
  return (
    <main className="case-page" data-testid="case-page">
      <section className="panel case-summary">
        <h1 data-testid="case-title">{doc.name}</h1>
        <p className="muted small">
          <code>{view.folder}</code> · analyst {doc.analyst || '—'} · created {when(doc.createdAt)} · saved {when(doc.updatedAt)} · {doc.datasets.length} dataset
          {doc.datasets.length === 1 ? '' : 's'}, {scans} stored scan{scans === 1 ? '' : 's'}, {doc.quarantine.length} quarantine set{doc.quarantine.length === 1 ? '' : 's'}
          {view.migratedFrom !== null && ` · migrated from case version ${view.migratedFrom}`}
        </p>
        <div className="hero-actions">
          <AuditBadge view={view} />
          <button type="button" className="btn small" onClick={() => void verifyAudit()} data-testid="verify-audit">
            Verify again
          </button>
          {hasDataset && (
            <button type="button" className="btn small" onClick={() => setView('workspace')}>
              Back to the dataset
            </button>
          )}
          <button type="button" className="btn small" onClick={() => void closeCase()} data-testid="close-case">
            Close case
          </button>
        </div>
        {view.problems.length > 0 && (
          <div className="warning" role="alert" data-testid="case-problems">
            <strong>When this case was opened:</strong>
            <ul>
              {view.problems.map((p, i) => (
                <li key={i}>
                  {p.path && <code>{p.path}</code>} {p.message} {p.action !== 'kept' && <em>({p.action})</em>}
                </li>
              ))}
            </ul>
          </div>
        )}
      </section>
      <Datasets view={view} />
      <IncidentEditor view={view} />
      <Timeline view={view} />
      <Notes view={view} />
      <ProvenancePanel view={view} />
      <ReportPanel view={view} />
    </main>
  );
}

