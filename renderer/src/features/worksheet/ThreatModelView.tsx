/**
 * The "Threat model" view: the worksheets (one per case, several allowed) in a sidebar with the templates and
 * the ATLAS catalogs, and the open worksheet's sections in tabs; workshop mode takes the whole screen.
 */
import { useEffect, useMemo, useState } from 'react';
import { createWorksheet } from '../../../../shared/domain/worksheet.ts';
import { scorePortfolio, fmt } from '../../../../shared/engine/risk.ts';
import { WORKSHEET_TEMPLATES } from '../../../../shared/engine/worksheet-templates.ts';
import { useStore } from '../../store/index.ts';
import { AcceptanceSection } from './AcceptanceSection.tsx';
import { AdversariesSection } from './AdversariesSection.tsx';
import { ChecklistSection } from './ChecklistSection.tsx';
import { ContextSection } from './ContextSection.tsx';
import { ControlsSection } from './ControlsSection.tsx';
import { TextInput } from './inputs.tsx';
import { startWorksheetPersistence } from './persist.ts';
import { RaciSection } from './RaciSection.tsx';
import { RiskSection } from './RiskSection.tsx';
import { ThreatsSection } from './ThreatsSection.tsx';
import { useActiveWorksheet, useCatalogs } from './use-worksheet.ts';
import { WorkshopMode } from './WorkshopMode.tsx';
import { ExportDialog, ImportAtlasChooser, ImportWorksheetChooser } from './WorksheetFiles.tsx';
import './worksheet.css';

type Section = 'risk' | 'context' | 'adversaries' | 'threats' | 'controls' | 'raci' | 'checklist' | 'acceptance';

const SECTIONS: { key: Section; label: string }[] = [
  { key: 'risk', label: 'Risk' },
  { key: 'threats', label: 'Threats' },
  { key: 'controls', label: 'Controls' },
  { key: 'context', label: 'System context' },
  { key: 'adversaries', label: 'Adversaries' },
  { key: 'raci', label: 'RACI' },
  { key: 'checklist', label: 'Checklist' },
  { key: 'acceptance', label: 'Risk acceptance' },
];

function WorksheetList({ onImport }: { onImport: () => void }) {
  const worksheets = useStore((s) => s.worksheets);
  const activeId = useStore((s) => s.activeWorksheetId);
  const setActive = useStore((s) => s.setActiveWorksheet);
  const addWorksheet = useStore((s) => s.addWorksheet);
  const setAside = useStore((s) => s.setAsideWorksheets);
  const restoreSetAside = useStore((s) => s.restoreSetAside);
  const discardSetAside = useStore((s) => s.discardSetAside);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  return (
    <section className="panel" data-testid="ws-list">
      {setAside.length > 0 && (
        <div className="ws-set-aside" role="status" data-testid="ws-set-aside">
          <p className="small">
            {setAside.length} worksheet{setAside.length === 1 ? ' was' : 's were'} set aside when others were loaded (
            {setAside.map((w) => w.name || '(unnamed)').join(', ')}).
          </p>
          <button type="button" className="btn tiny" data-testid="ws-restore-set-aside" onClick={restoreSetAside}>
            Restore
          </button>{' '}
          {confirmDiscard ? (
            <button type="button" className="btn tiny danger" onClick={() => { discardSetAside(); setConfirmDiscard(false); }}>
              Discard them for good
            </button>
          ) : (
            <button type="button" className="btn tiny" onClick={() => setConfirmDiscard(true)}>
              Discard…
            </button>
          )}
        </div>
      )}
      <div className="panel-head">
        <h2>Worksheets</h2>
      </div>
      <ul className="ws-list">
        {worksheets.map((w) => {
          const residual = scorePortfolio(w).residual.value;
          return (
            <li key={w.id}>
              <button type="button" className={`linkish ws-list-item ${w.id === activeId ? 'active' : ''}`} aria-current={w.id === activeId} onClick={() => setActive(w.id)}>
                <span className="ws-list-name">{w.name || '(unnamed)'}</span>
                <span className="muted small">
                  {w.threats.length} threats · R {fmt(residual)}
                </span>
              </button>
            </li>
          );
        })}
        {worksheets.length === 0 && <li className="muted small">No worksheet yet: start a blank one or from a template.</li>}
      </ul>
      <div className="ws-list-actions">
        <button type="button" className="btn small primary" data-testid="ws-new" onClick={() => addWorksheet(createWorksheet('New worksheet', new Date().toISOString()))}>
          New blank worksheet
        </button>
        <button type="button" className="btn small" data-testid="ws-import" onClick={onImport}>
          Import JSON…
        </button>
      </div>
      <h3>From a template</h3>
      <ul className="ws-templates">
        {WORKSHEET_TEMPLATES.map((t) => (
          <li key={t.key}>
            <button type="button" className="btn small" data-testid={`ws-template-${t.key}`} title={t.summary} onClick={() => addWorksheet(t.build(new Date().toISOString()))}>
              {t.title}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function CatalogPanel({ onImport }: { onImport: () => void }) {
  const catalogs = useCatalogs();
  return (
    <section className="panel" data-testid="ws-catalogs">
      <div className="panel-head">
        <h2>MITRE ATLAS</h2>
      </div>
      <ul className="ws-catalogs">
        {catalogs.map((c) => (
          <li key={`${c.source}:${c.path ?? ''}:${c.version}`} title={c.path ?? 'built in'} data-testid="ws-catalog">
            <strong>{c.source === 'built-in' ? 'Built-in subset' : `Imported ${c.version}`}</strong>
            <span className="muted small">
              {' '}
              {c.tactics.length} tactics · {c.techniques.length} techniques · {c.mitigations.length} mitigations · {c.caseStudies.length} case studies
            </span>
          </li>
        ))}
      </ul>
      <button type="button" className="btn small" data-testid="ws-import-atlas" onClick={onImport}>
        Import ATLAS.yaml…
      </button>
    </section>
  );
}

export function ThreatModelView() {
  useEffect(() => startWorksheetPersistence(), []);
  const { worksheet, update } = useActiveWorksheet();
  const catalogs = useCatalogs();
  const removeWorksheet = useStore((s) => s.removeWorksheet);
  const [section, setSection] = useState<Section>('risk');
  const [pickedThreat, setPickedThreat] = useState<string | null>(null);
  const [dialog, setDialog] = useState<null | 'import' | 'atlas' | 'json' | 'csv'>(null);
  const [workshop, setWorkshop] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const updated = useMemo(() => (worksheet ? new Date(worksheet.updatedAt).toLocaleString() : ''), [worksheet]);

  useEffect(() => setConfirmDelete(false), [worksheet?.id]);

  const enterWorkshop = () => {
    setWorkshop(true);
    // Full screen where the browser allows it; the layout is full-window either way.
    void document.documentElement.requestFullscreen?.().catch(() => undefined);
  };
  const leaveWorkshop = () => {
    setWorkshop(false);
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
  };

  return (
    <main className="ws-view" data-testid="threat-model">
      <aside className="ws-side">
        <WorksheetList onImport={() => setDialog('import')} />
        <CatalogPanel onImport={() => setDialog('atlas')} />
      </aside>
      <div className="ws-main">
        {worksheet ? (
          <>
            <div className="panel ws-head">
              <TextInput value={worksheet.name} label="Worksheet name" testId="ws-name" wide onCommit={(v) => update((d) => void (d.name = v))} />
              <span className="muted small" title={`created ${worksheet.createdAt}`}>
                saved in this browser · edited {updated}
              </span>
              <span className="spacer" />
              <button type="button" className="btn small" data-testid="ws-export-json" onClick={() => setDialog('json')}>
                Export JSON
              </button>
              <button type="button" className="btn small" data-testid="ws-export-csv" onClick={() => setDialog('csv')}>
                Export CSV
              </button>
              <button type="button" className="btn small primary" data-testid="ws-workshop-enter" onClick={enterWorkshop}>
                Workshop mode
              </button>
              {confirmDelete ? (
                <button type="button" className="btn small danger" data-testid="ws-delete-confirm" onClick={() => removeWorksheet(worksheet.id)}>
                  Delete “{worksheet.name}” for good
                </button>
              ) : (
                <button type="button" className="btn small danger" onClick={() => setConfirmDelete(true)}>
                  Delete
                </button>
              )}
            </div>
            <div className="tabs ws-tabs" role="tablist" aria-label="Worksheet sections">
              {SECTIONS.map((s) => (
                <button
                  key={s.key}
                  type="button"
                  role="tab"
                  aria-selected={section === s.key}
                  className={`tab ${section === s.key ? 'active' : ''}`}
                  data-testid={`ws-tab-${s.key}`}
                  onClick={() => setSection(s.key)}
                >
                  {s.label}
                </button>
              ))}
            </div>
            <div className="ws-panel panel" role="tabpanel">
              {section === 'risk' && (
                <RiskSection
                  worksheet={worksheet}
                  onPickThreat={(id) => {
                    setPickedThreat(id);
                    setSection('threats');
                  }}
                />
              )}
              {section === 'context' && <ContextSection worksheet={worksheet} update={update} />}
              {section === 'adversaries' && <AdversariesSection worksheet={worksheet} update={update} />}
              {section === 'threats' && <ThreatsSection worksheet={worksheet} update={update} catalogs={catalogs} initialOpen={pickedThreat} />}
              {section === 'controls' && <ControlsSection worksheet={worksheet} update={update} catalogs={catalogs} />}
              {section === 'raci' && <RaciSection worksheet={worksheet} update={update} />}
              {section === 'checklist' && <ChecklistSection worksheet={worksheet} update={update} />}
              {section === 'acceptance' && <AcceptanceSection worksheet={worksheet} update={update} />}
            </div>
            {workshop && <WorkshopMode worksheet={worksheet} update={update} onExit={leaveWorkshop} />}
            {(dialog === 'json' || dialog === 'csv') && <ExportDialog worksheet={worksheet} format={dialog} onClose={() => setDialog(null)} />}
          </>
        ) : (
          <section className="panel empty">
            <h2>Threat model</h2>
            <p className="muted">Start a worksheet on the left: blank, from a template, or imported from a file.</p>
          </section>
        )}
        {dialog === 'import' && <ImportWorksheetChooser onClose={() => setDialog(null)} />}
        {dialog === 'atlas' && <ImportAtlasChooser onClose={() => setDialog(null)} />}
      </div>
    </main>
  );
}
