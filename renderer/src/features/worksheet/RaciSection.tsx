/** The RACI matrix (activities × roles) with its validation: exactly one Accountable, at least one Responsible. */
import { useMemo } from 'react';
import { newId, type Worksheet } from '../../../../shared/domain/worksheet.ts';
import { removeRole } from '../../../../shared/engine/worksheet-edit.ts';
import { validateRaci } from '../../../../shared/engine/worksheet-raci.ts';
import { RemoveButton, TextInput } from './inputs.tsx';
import type { UpdateWorksheet } from './use-worksheet.ts';

const CELL_OPTIONS = ['', 'R', 'A', 'AR', 'C', 'I'];

export function RaciSection({ worksheet, update }: { worksheet: Worksheet; update: UpdateWorksheet }) {
  const { raci } = worksheet;
  const problems = useMemo(() => validateRaci(raci), [raci]);
  const bad = new Set(problems.map((p) => p.activityId));
  return (
    <div className="ws-section" data-testid="ws-raci">
      <div className="panel-head">
        <h2>RACI</h2>
        <button type="button" className="btn small" onClick={() => update((d) => void d.raci.roles.push({ id: newId('role'), name: 'New role' }))}>
          + role
        </button>
        <button type="button" className="btn small" data-testid="ws-add-activity" onClick={() => update((d) => void d.raci.activities.push({ id: newId('act'), name: 'New activity', assignments: {} }))}>
          + activity
        </button>
      </div>
      <p className="hint">R responsible (does the work), A accountable (owns the outcome: exactly one), C consulted, I informed.</p>
      <div className="table-scroll">
        <table className="grid ws-table ws-raci-table">
          <thead>
            <tr>
              <th>Activity</th>
              {raci.roles.map((r, j) => (
                <th key={r.id}>
                  <TextInput value={r.name} label="Role name" onCommit={(v) => update((d) => void (d.raci.roles[j].name = v))} />
                  <RemoveButton label={`Remove role ${r.name}`} onRemove={() => update((d) => removeRole(d, r.id))} />
                </th>
              ))}
              <th />
            </tr>
          </thead>
          <tbody>
            {raci.activities.map((a, i) => (
              <tr key={a.id} className={bad.has(a.id) ? 'ws-invalid' : undefined} data-testid="ws-raci-row">
                <td>
                  <TextInput value={a.name} label="Activity" wide onCommit={(v) => update((d) => void (d.raci.activities[i].name = v))} />
                </td>
                {raci.roles.map((r) => {
                  const value = a.assignments[r.id] ?? '';
                  return (
                    <td key={r.id} className="ws-raci-cell">
                      <select
                        className="ws-select"
                        aria-label={`${r.name} on ${a.name}`}
                        data-testid="ws-raci-cell"
                        value={value}
                        onChange={(e) =>
                          update((d) => {
                            const cells = d.raci.activities[i].assignments;
                            if (e.target.value) cells[r.id] = e.target.value;
                            else delete cells[r.id];
                          })
                        }
                      >
                        {(CELL_OPTIONS.includes(value) ? CELL_OPTIONS : [...CELL_OPTIONS, value]).map((o) => (
                          <option key={o} value={o}>
                            {o || '·'}
                          </option>
                        ))}
                      </select>
                    </td>
                  );
                })}
                <td>
                  <RemoveButton label={`Remove activity ${a.name}`} onRemove={() => update((d) => void d.raci.activities.splice(i, 1))} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {problems.length > 0 ? (
        <ul className="ws-problems" data-testid="ws-raci-problems" role="status">
          {problems.map((p, k) => (
            <li key={k} className="error-text">
              {p.message}
            </li>
          ))}
        </ul>
      ) : (
        <p className="small ok-text" data-testid="ws-raci-ok" role="status">
          Every activity has exactly one Accountable and at least one Responsible role.
        </p>
      )}
    </div>
  );
}
