/** Controls in defence-in-depth layers: effectiveness, coverage, owner, ATLAS mitigations, evidence, threats covered. */
import { Fragment, useState } from 'react';
import type { AtlasCatalog } from '../../../../shared/domain/atlas-catalog.ts';
import { CONTROL_LAYERS, newId, type ControlLayer, type Worksheet } from '../../../../shared/domain/worksheet.ts';
import { removeControl, setLink } from '../../../../shared/engine/worksheet-edit.ts';
import { AtlasChips, AtlasPicker } from './AtlasPicker.tsx';
import { EvidenceList } from './EvidenceList.tsx';
import { DetailRow, NumberInput, RemoveButton, Select, TextArea, TextInput } from './inputs.tsx';
import { threatLabel } from './plots.tsx';
import type { UpdateWorksheet } from './use-worksheet.ts';

const LAYER_OPTIONS = (Object.keys(CONTROL_LAYERS) as ControlLayer[]).map((k) => [k, CONTROL_LAYERS[k]] as const);

export function ControlsSection({ worksheet, update, catalogs }: { worksheet: Worksheet; update: UpdateWorksheet; catalogs: AtlasCatalog[] }) {
  const [open, setOpen] = useState<string | null>(null);
  const add = () => {
    const id = newId('ctl');
    update((d) => void d.controls.push({ id, name: 'New control', layer: 'anomaly-detection', description: '', effectiveness: 0.5, coverage: 1, owner: '', mitigations: [], evidence: [] }));
    setOpen(id);
  };
  return (
    <div className="ws-section" data-testid="ws-controls">
      <div className="panel-head">
        <h2>Controls</h2>
        <button type="button" className="btn small primary" data-testid="ws-add-control" onClick={add}>
          + control
        </button>
      </div>
      <p className="hint">E: how much of an attack the control stops where it applies; coverage: the share of the attack surface it applies to. Controls are taken as independent.</p>
      <table className="grid ws-table" data-testid="ws-control-table">
        <thead>
          <tr>
            <th />
            <th>Control</th>
            <th>Layer</th>
            <th className="num">E</th>
            <th className="num">Coverage</th>
            <th>Owner</th>
            <th>Threats</th>
            <th>Evidence</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {worksheet.controls.map((c, i) => {
            const expanded = open === c.id;
            const covered = worksheet.threats.map((t, k) => [t, k] as const).filter(([t]) => t.controls.includes(c.id));
            return (
              <Fragment key={c.id}>
                <tr data-testid="ws-control-row" data-id={c.id}>
                  <td>
                    <button type="button" className="btn tiny" aria-expanded={expanded} aria-label={`Details of control ${c.name}`} data-testid="ws-control-expand" onClick={() => setOpen(expanded ? null : c.id)}>
                      {expanded ? '▾' : '▸'}
                    </button>
                  </td>
                  <td>
                    <TextInput value={c.name} label="Control name" testId="ws-control-name" wide onCommit={(v) => update((d) => void (d.controls[i].name = v))} />
                  </td>
                  <td>
                    <Select<ControlLayer> value={c.layer} options={LAYER_OPTIONS} label="Defence layer" onCommit={(v) => update((d) => void (d.controls[i].layer = v))} />
                  </td>
                  <td className="num">
                    <NumberInput value={c.effectiveness} min={0} max={1} label={`Effectiveness of ${c.name}`} testId="ws-control-e" onCommit={(v) => update((d) => void (d.controls[i].effectiveness = v))} />
                  </td>
                  <td className="num">
                    <NumberInput value={c.coverage} min={0} max={1} label={`Coverage of ${c.name}`} testId="ws-control-coverage" onCommit={(v) => update((d) => void (d.controls[i].coverage = v))} />
                  </td>
                  <td>
                    <TextInput value={c.owner} label="Owner" onCommit={(v) => update((d) => void (d.controls[i].owner = v))} />
                  </td>
                  <td className="small">{covered.map(([, k]) => threatLabel(k)).join(' ') || <span className="muted">none</span>}</td>
                  <td className="num small">{c.evidence.length}</td>
                  <td>
                    <RemoveButton label={`Remove control ${c.name}`} onRemove={() => update((d) => removeControl(d, c.id))} />
                  </td>
                </tr>
                {expanded && (
                  <DetailRow colSpan={8} testId="ws-control-detail">
                    <label className="field">
                      <span>Description</span>
                      <TextArea value={c.description} label="Control description" onCommit={(v) => update((d) => void (d.controls[i].description = v))} />
                    </label>
                    <fieldset className="ws-checks">
                      <legend>Threats it mitigates</legend>
                      {worksheet.threats.map((t, k) => (
                        <label key={t.id} className="check">
                          <input type="checkbox" checked={t.controls.includes(c.id)} onChange={(e) => update((d) => setLink(d, t.id, c.id, e.target.checked))} />
                          {threatLabel(k)} {t.title}
                        </label>
                      ))}
                    </fieldset>
                    <div className="field">
                      <span>ATLAS mitigations</span>
                      <AtlasChips ids={c.mitigations} catalogs={catalogs} onRemove={(id) => update((d) => void (d.controls[i].mitigations = d.controls[i].mitigations.filter((m) => m !== id)))} />
                      <AtlasPicker catalogs={catalogs} kinds={['mitigation']} exclude={c.mitigations} testId="ws-mitigation-picker" placeholder="Search ATLAS mitigations" onPick={(id) => update((d) => void d.controls[i].mitigations.push(id))} />
                    </div>
                    <div className="field">
                      <span>Evidence in the case</span>
                      <EvidenceList items={c.evidence} testId="ws-control-evidence" onChange={(items) => update((d) => void (d.controls[i].evidence = items))} />
                    </div>
                  </DetailRow>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {worksheet.controls.length === 0 && <p className="muted">No controls yet.</p>}
    </div>
  );
}
