/** Adversary profiles (seeded with the framework's five) and the detection–evasion trade-off for one of them. */
import { DEFAULT_TRADEOFF, newId, type Adversary, type Worksheet } from '../../../../shared/domain/worksheet.ts';
import { attackerUtility, sweepTradeoff } from '../../../../shared/engine/risk.ts';
import { removeAdversary } from '../../../../shared/engine/worksheet-edit.ts';
import { NumberInput, RemoveButton, Score, TextInput } from './inputs.tsx';
import { TradeoffPlot } from './plots.tsx';
import type { UpdateWorksheet } from './use-worksheet.ts';

const TRADEOFF_FIELDS: { key: keyof Adversary['tradeoff']; label: string; max: number }[] = [
  { key: 'alpha', label: 'α (weight of success)', max: 100 },
  { key: 'success', label: 'S (chance of success)', max: 1 },
  { key: 'beta', label: 'β (weight of being caught)', max: 100 },
  { key: 'detection', label: 'P_det (chance of detection)', max: 1 },
  { key: 'gamma', label: 'γ (weight of cost)', max: 100 },
  { key: 'cost', label: 'C (cost of the attack)', max: 1 },
];

export function AdversariesSection({ worksheet, update }: { worksheet: Worksheet; update: UpdateWorksheet }) {
  const chosen = worksheet.adversaries.find((a) => a.id === worksheet.tradeoffAdversary) ?? null;
  const chosenIndex = chosen ? worksheet.adversaries.indexOf(chosen) : -1;
  return (
    <div className="ws-section" data-testid="ws-adversaries">
      <div className="panel-head">
        <h2>Adversary profiles</h2>
        <button
          type="button"
          className="btn small"
          onClick={() => update((d) => void d.adversaries.push({ id: newId('adv'), name: 'New adversary', capability: '', motivation: '', vector: '', tradeoff: { ...DEFAULT_TRADEOFF } }))}
        >
          + adversary
        </button>
      </div>
      <table className="grid ws-table">
        <thead>
          <tr>
            <th>Adversary</th>
            <th>Capability</th>
            <th>Motivation</th>
            <th>Typical vector</th>
            <th>Threats</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {worksheet.adversaries.map((a, i) => (
            <tr key={a.id}>
              <td>
                <TextInput value={a.name} label="Adversary name" onCommit={(v) => update((d) => void (d.adversaries[i].name = v))} />
              </td>
              <td>
                <TextInput value={a.capability} label="Capability" wide onCommit={(v) => update((d) => void (d.adversaries[i].capability = v))} />
              </td>
              <td>
                <TextInput value={a.motivation} label="Motivation" wide onCommit={(v) => update((d) => void (d.adversaries[i].motivation = v))} />
              </td>
              <td>
                <TextInput value={a.vector} label="Typical vector" wide onCommit={(v) => update((d) => void (d.adversaries[i].vector = v))} />
              </td>
              <td className="num">{worksheet.threats.filter((t) => t.adversaries.includes(a.id)).length}</td>
              <td>
                <RemoveButton label={`Remove adversary ${a.name}`} onRemove={() => update((d) => removeAdversary(d, a.id))} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <div className="panel-head">
        <h2>Detection–evasion trade-off</h2>
        <label className="field inline">
          <span>Adversary</span>
          <select
            className="ws-select"
            aria-label="Adversary for the trade-off"
            data-testid="ws-tradeoff-adversary"
            value={worksheet.tradeoffAdversary ?? ''}
            onChange={(e) => update((d) => void (d.tradeoffAdversary = e.target.value || null))}
          >
            <option value="">choose…</option>
            {worksheet.adversaries.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="hint">U = α·S − β·P_det − γ·C: the attack pays while U &gt; 0. Raise detection or the attack&apos;s cost until it does not.</p>
      {chosen && (
        <div className="ws-tradeoff">
          <div className="ws-tradeoff-inputs">
            {TRADEOFF_FIELDS.map((f) => (
              <label key={f.key} className="field">
                <span>{f.label}</span>
                <NumberInput value={chosen.tradeoff[f.key]} min={0} max={f.max} label={f.label} testId={`ws-tradeoff-${f.key}`} onCommit={(v) => update((d) => void (d.adversaries[chosenIndex].tradeoff[f.key] = v))} />
              </label>
            ))}
          </div>
          <div className="ws-scores">
            <Score label="Utility U today" value={attackerUtility(chosen.tradeoff)} testId="ws-utility" tone={attackerUtility(chosen.tradeoff).value > 0 ? 'bad' : 'ok'} />
            <Score label="Break-even detection P_det*" value={sweepTradeoff(chosen.tradeoff, 'detection').breakEven} testId="ws-breakeven-detection" />
            <Score label="Break-even cost C*" value={sweepTradeoff(chosen.tradeoff, 'cost').breakEven} testId="ws-breakeven-cost" />
          </div>
          <TradeoffPlot adversary={chosen} />
        </div>
      )}
    </div>
  );
}
