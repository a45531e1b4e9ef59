/** Threats from the taxonomy, with ATLAS ids, P, I, weight, adversaries and controls, scored as they are edited. */
import { Fragment, useMemo, useState } from 'react';
import { caseStudiesUsing, type AtlasCatalog } from '../../../../shared/domain/atlas-catalog.ts';
import { THREAT_CATEGORIES, THREAT_KINDS, newId, type ThreatKind, type Worksheet } from '../../../../shared/domain/worksheet.ts';
import { combinedEffectiveness, fmt, scorePortfolio } from '../../../../shared/engine/risk.ts';
import { removeThreat, setLink } from '../../../../shared/engine/worksheet-edit.ts';
import { AtlasChips, AtlasPicker } from './AtlasPicker.tsx';
import { DetailRow, HowCell, NumberInput, RemoveButton, TextArea, TextInput } from './inputs.tsx';
import { threatLabel } from './plots.tsx';
import type { UpdateWorksheet } from './use-worksheet.ts';

const KIND_GROUPS = (Object.keys(THREAT_CATEGORIES) as (keyof typeof THREAT_CATEGORIES)[]).map((category) => ({
  category,
  kinds: (Object.keys(THREAT_KINDS) as ThreatKind[]).filter((k) => THREAT_KINDS[k].category === category),
}));

function KindSelect({ value, onCommit, label, testId }: { value: ThreatKind; onCommit: (k: ThreatKind) => void; label: string; testId?: string }) {
  return (
    <select className="ws-select" aria-label={label} data-testid={testId} value={value} onChange={(e) => onCommit(e.target.value as ThreatKind)}>
      {KIND_GROUPS.map((g) => (
        <optgroup key={g.category} label={THREAT_CATEGORIES[g.category]}>
          {g.kinds.map((k) => (
            <option key={k} value={k}>
              {THREAT_KINDS[k].label}
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}

export function ThreatsSection({ worksheet, update, catalogs, initialOpen }: { worksheet: Worksheet; update: UpdateWorksheet; catalogs: AtlasCatalog[]; initialOpen: string | null }) {
  const scores = useMemo(() => scorePortfolio(worksheet), [worksheet]);
  const [open, setOpen] = useState<string | null>(initialOpen);
  const [newKind, setNewKind] = useState<ThreatKind>('label-flipping');

  const add = () => {
    const id = newId('thr');
    update((d) =>
      void d.threats.push({
        id,
        title: THREAT_KINDS[newKind].label,
        kind: newKind,
        description: '',
        atlas: [...THREAT_KINDS[newKind].atlas],
        probability: 0.3,
        impact: 5,
        weight: 1,
        adversaries: [],
        controls: [],
      }),
    );
    setOpen(id);
  };

  return (
    <div className="ws-section" data-testid="ws-threats">
      <div className="panel-head">
        <h2>Threats</h2>
        <KindSelect value={newKind} onCommit={setNewKind} label="Kind of the new threat" testId="ws-new-threat-kind" />
        <button type="button" className="btn small primary" data-testid="ws-add-threat" onClick={add}>
          + threat
        </button>
      </div>
      <p className="hint">P: likelihood in [0, 1]; I: impact in [0, 10]; w: weight. Residual risk = w·P·I · Π(1 − E·Coverage) over the linked controls. Hover a score for its working.</p>
      <table className="grid ws-table" data-testid="ws-threat-table">
        <thead>
          <tr>
            <th />
            <th>Threat</th>
            <th>Kind</th>
            <th>ATLAS</th>
            <th className="num">P</th>
            <th className="num">I</th>
            <th className="num">w</th>
            <th className="num">Inherent</th>
            <th className="num">Residual</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {worksheet.threats.map((t, i) => {
            const s = scores.threats[i];
            const expanded = open === t.id;
            const above = s.residual.value > worksheet.tolerance;
            return (
              <Fragment key={t.id}>
                <tr data-testid="ws-threat-row" data-id={t.id} className={above ? 'ws-above' : undefined}>
                  <td>
                    <button type="button" className="btn tiny" aria-expanded={expanded} aria-label={`Details of ${threatLabel(i)}`} data-testid="ws-threat-expand" onClick={() => setOpen(expanded ? null : t.id)}>
                      {threatLabel(i)} {expanded ? '▾' : '▸'}
                    </button>
                  </td>
                  <td>
                    <TextInput value={t.title} label={`Title of ${threatLabel(i)}`} testId="ws-threat-title" wide onCommit={(v) => update((d) => void (d.threats[i].title = v))} />
                  </td>
                  <td>
                    <KindSelect value={t.kind} label={`Kind of ${threatLabel(i)}`} onCommit={(k) => update((d) => void (d.threats[i].kind = k))} />
                  </td>
                  <td className="ws-atlas-cell">
                    <AtlasChips ids={t.atlas} catalogs={catalogs} compact />
                  </td>
                  <td className="num">
                    <NumberInput value={t.probability} min={0} max={1} label={`P of ${threatLabel(i)}`} testId="ws-threat-p" onCommit={(v) => update((d) => void (d.threats[i].probability = v))} />
                  </td>
                  <td className="num">
                    <NumberInput value={t.impact} min={0} max={10} step={0.5} label={`I of ${threatLabel(i)}`} testId="ws-threat-i" onCommit={(v) => update((d) => void (d.threats[i].impact = v))} />
                  </td>
                  <td className="num">
                    <NumberInput value={t.weight} min={0} max={100} step={0.1} label={`w of ${threatLabel(i)}`} testId="ws-threat-w" onCommit={(v) => update((d) => void (d.threats[i].weight = v))} />
                  </td>
                  <HowCell value={s.inherent} testId="ws-threat-inherent" />
                  <HowCell value={s.residual} testId="ws-threat-residual" />
                  <td>
                    <RemoveButton label={`Remove ${threatLabel(i)}`} onRemove={() => update((d) => removeThreat(d, t.id))} />
                  </td>
                </tr>
                {expanded && (
                  <DetailRow colSpan={9} testId="ws-threat-detail">
                    <label className="field">
                      <span>Description</span>
                      <TextArea value={t.description} label="Threat description" onCommit={(v) => update((d) => void (d.threats[i].description = v))} />
                    </label>
                    <div className="field">
                      <span>ATLAS techniques</span>
                      <AtlasChips ids={t.atlas} catalogs={catalogs} testId="ws-threat-atlas" onRemove={(id) => update((d) => void (d.threats[i].atlas = d.threats[i].atlas.filter((a) => a !== id)))} />
                      <AtlasPicker
                        catalogs={catalogs}
                        kinds={['technique']}
                        exclude={t.atlas}
                        testId="ws-technique-picker"
                        placeholder="Search ATLAS techniques (id or words)"
                        onPick={(id) => update((d) => void d.threats[i].atlas.push(id))}
                      />
                    </div>
                    <fieldset className="ws-checks">
                      <legend>Adversaries who would carry it out</legend>
                      {worksheet.adversaries.map((a) => (
                        <label key={a.id} className="check">
                          <input
                            type="checkbox"
                            checked={t.adversaries.includes(a.id)}
                            onChange={(e) =>
                              update((d) => {
                                const list = d.threats[i].adversaries.filter((x) => x !== a.id);
                                d.threats[i].adversaries = e.target.checked ? [...list, a.id] : list;
                              })
                            }
                          />
                          {a.name}
                        </label>
                      ))}
                    </fieldset>
                    <fieldset className="ws-checks">
                      <legend>Controls (combined E = {fmt(combinedEffectiveness(s.controls).value)})</legend>
                      {worksheet.controls.length === 0 && <span className="muted small">No controls yet: add them under Controls.</span>}
                      {worksheet.controls.map((c) => (
                        <label key={c.id} className="check">
                          <input type="checkbox" checked={t.controls.includes(c.id)} onChange={(e) => update((d) => setLink(d, t.id, c.id, e.target.checked))} />
                          {c.name} <span className="muted">(E {fmt(c.effectiveness)} · coverage {fmt(c.coverage)})</span>
                        </label>
                      ))}
                    </fieldset>
                    <div className="field">
                      <span>ATLAS case studies using these techniques</span>
                      <ul className="ws-case-studies" data-testid="ws-threat-case-studies">
                        {caseStudiesUsing(catalogs, t.atlas).map((c) => (
                          <li key={c.id} title={c.summary}>
                            <code>{c.id}</code> {c.name}
                            {c.date && <span className="muted"> ({c.date.slice(0, 4)}{c.type ? `, ${c.type}` : ''})</span>}
                          </li>
                        ))}
                      </ul>
                    </div>
                    <p className="small">
                      <code data-testid="ws-threat-residual-how">{s.residual.how}</code>
                    </p>
                  </DetailRow>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {worksheet.threats.length === 0 && <p className="muted">No threats yet.</p>}
    </div>
  );
}
