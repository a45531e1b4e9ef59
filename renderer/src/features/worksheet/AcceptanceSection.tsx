/** Decisions on residual risks above the tolerance: accept, mitigate, transfer or avoid — by whom, when, why. */
import { useMemo } from 'react';
import { DECISIONS, newId, type Decision, type Worksheet } from '../../../../shared/domain/worksheet.ts';
import { fmt, scorePortfolio } from '../../../../shared/engine/risk.ts';
import { NumberInput, RemoveButton, Select, TextInput, today } from './inputs.tsx';
import { threatLabel } from './plots.tsx';
import type { UpdateWorksheet } from './use-worksheet.ts';

const DECISION_OPTIONS = DECISIONS.map((d) => [d, d] as const);

export function AcceptanceSection({ worksheet, update }: { worksheet: Worksheet; update: UpdateWorksheet }) {
  const scores = useMemo(() => scorePortfolio(worksheet), [worksheet]);
  const indexOf = new Map(worksheet.threats.map((t, i) => [t.id, i]));
  const above = new Set(scores.aboveTolerance.map((s) => s.threatId));
  const undecided = scores.aboveTolerance.filter((s) => !worksheet.acceptances.some((a) => a.threatId === s.threatId));
  return (
    <div className="ws-section" data-testid="ws-acceptance">
      <div className="panel-head">
        <h2>Risk acceptance</h2>
        <label className="field inline">
          <span>Tolerance</span>
          <NumberInput value={worksheet.tolerance} min={0} max={1000} step={0.5} label="Residual risk tolerance" testId="ws-tolerance" onCommit={(v) => update((d) => void (d.tolerance = v))} />
        </label>
      </div>
      <p className="hint">Every threat whose residual risk exceeds the tolerance needs a recorded decision.</p>
      {undecided.length > 0 ? (
        <ul className="ws-undecided" data-testid="ws-undecided-list">
          {undecided.map((s) => (
            <li key={s.threatId}>
              <strong>{threatLabel(indexOf.get(s.threatId)!)}</strong> {s.title}: residual {fmt(s.residual.value)} &gt; {fmt(worksheet.tolerance)}{' '}
              <button
                type="button"
                className="btn tiny"
                data-testid="ws-record-decision"
                onClick={() => update((d) => void d.acceptances.push({ id: newId('acc'), threatId: s.threatId, decision: 'mitigate', by: '', at: today(), rationale: '', reviewBy: null }))}
              >
                record a decision
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="small" data-testid="ws-all-decided">
          No residual risk above the tolerance lacks a decision.
        </p>
      )}
      {worksheet.acceptances.length > 0 && (
        <table className="grid ws-table" data-testid="ws-acceptance-table">
          <thead>
            <tr>
              <th>Threat</th>
              <th>Decision</th>
              <th>By</th>
              <th>On</th>
              <th>Rationale</th>
              <th>Review by</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {worksheet.acceptances.map((a, i) => {
              const k = indexOf.get(a.threatId)!;
              return (
                <tr key={a.id}>
                  <td>
                    {threatLabel(k)} {worksheet.threats[k].title}
                    {!above.has(a.threatId) && <span className="muted small"> (now within tolerance)</span>}
                  </td>
                  <td>
                    <Select<Decision> value={a.decision} options={DECISION_OPTIONS} label="Decision" testId="ws-decision" onCommit={(v) => update((d) => void (d.acceptances[i].decision = v))} />
                  </td>
                  <td>
                    <TextInput value={a.by} label="Decided by" onCommit={(v) => update((d) => void (d.acceptances[i].by = v))} />
                  </td>
                  <td>
                    <input type="date" className="ws-date" aria-label="Decided on" value={a.at ?? ''} onChange={(e) => update((d) => void (d.acceptances[i].at = e.target.value || null))} />
                  </td>
                  <td>
                    <TextInput value={a.rationale} label="Rationale" wide onCommit={(v) => update((d) => void (d.acceptances[i].rationale = v))} />
                  </td>
                  <td>
                    <input type="date" className="ws-date" aria-label="Review by" value={a.reviewBy ?? ''} onChange={(e) => update((d) => void (d.acceptances[i].reviewBy = e.target.value || null))} />
                  </td>
                  <td>
                    <RemoveButton label="Remove decision" onRemove={() => update((d) => void d.acceptances.splice(i, 1))} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
