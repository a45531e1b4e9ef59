/** The validation checklist: provenance, schema, statistical, integrity, privacy and bias validation. */
import { CHECKLIST_AREAS, CHECK_STATUSES, newId, type ChecklistArea, type CheckStatus, type Worksheet } from '../../../../shared/domain/worksheet.ts';
import { EvidenceList } from './EvidenceList.tsx';
import { RemoveButton, Select, TextInput, today } from './inputs.tsx';
import type { UpdateWorksheet } from './use-worksheet.ts';

const AREA_OPTIONS = (Object.keys(CHECKLIST_AREAS) as ChecklistArea[]).map((k) => [k, CHECKLIST_AREAS[k]] as const);
const STATUS_OPTIONS = CHECK_STATUSES.map((s) => [s, s.replace('-', ' ')] as const);

export function ChecklistSection({ worksheet, update }: { worksheet: Worksheet; update: UpdateWorksheet }) {
  const done = worksheet.checklist.filter((c) => c.status === 'passed' || c.status === 'waived').length;
  return (
    <div className="ws-section" data-testid="ws-checklist">
      <div className="panel-head">
        <h2>Validation checklist</h2>
        <span className="muted small">
          {done} of {worksheet.checklist.length} passed or waived
        </span>
        <button
          type="button"
          className="btn small"
          onClick={() => update((d) => void d.checklist.push({ id: newId('check'), area: 'statistical', item: '', status: 'not-started', owner: '', date: null, evidence: [], notes: '' }))}
        >
          + item
        </button>
      </div>
      <table className="grid ws-table">
        <thead>
          <tr>
            <th>Area</th>
            <th>Check</th>
            <th>Status</th>
            <th>Owner</th>
            <th>Date</th>
            <th>Evidence</th>
            <th>Notes</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {worksheet.checklist.map((c, i) => (
            <tr key={c.id} className={`ws-status-${c.status}`}>
              <td>
                <Select<ChecklistArea> value={c.area} options={AREA_OPTIONS} label="Area" onCommit={(v) => update((d) => void (d.checklist[i].area = v))} />
              </td>
              <td>
                <TextInput value={c.item} label="Check" wide onCommit={(v) => update((d) => void (d.checklist[i].item = v))} />
              </td>
              <td>
                <Select<CheckStatus>
                  value={c.status}
                  options={STATUS_OPTIONS}
                  label={`Status of ${CHECKLIST_AREAS[c.area]}`}
                  testId="ws-check-status"
                  onCommit={(v) =>
                    update((d) => {
                      d.checklist[i].status = v;
                      if (v !== 'not-started' && d.checklist[i].date === null) d.checklist[i].date = today();
                    })
                  }
                />
              </td>
              <td>
                <TextInput value={c.owner} label="Owner" onCommit={(v) => update((d) => void (d.checklist[i].owner = v))} />
              </td>
              <td>
                <input type="date" className="ws-date" aria-label="Date" value={c.date ?? ''} onChange={(e) => update((d) => void (d.checklist[i].date = e.target.value || null))} />
              </td>
              <td>
                <EvidenceList items={c.evidence} testId="ws-check-evidence" onChange={(items) => update((d) => void (d.checklist[i].evidence = items))} />
              </td>
              <td>
                <TextInput value={c.notes} label="Notes" onCommit={(v) => update((d) => void (d.checklist[i].notes = v))} />
              </td>
              <td>
                <RemoveButton label="Remove check" onRemove={() => update((d) => void d.checklist.splice(i, 1))} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
