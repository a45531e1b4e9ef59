import { useEffect, useState, type FormEvent } from 'react';
import { useStore } from '../../store/index.ts';
import { FileChooser } from '../import/index.ts';
import { createCase, openCase, refreshRecentCases } from './actions.ts';

/** A folder name from a case name: letters, digits and dashes. */
function slug(name: string): string {
  return (
    name
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'case'
  );
}

function parentOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut > 0 ? path.slice(0, cut) : path;
}

/** The start screen's case card: new case, open case, and the recent cases. */
export function CaseStartCard() {
  const home = useStore((s) => s.appInfo?.homePath ?? null);
  const recent = useStore((s) => s.recentCases);
  const open = useStore((s) => s.caseView);
  const setView = useStore((s) => s.setView);
  const [mode, setMode] = useState<'idle' | 'new' | 'open'>('idle');
  const [name, setName] = useState('');
  const [analyst, setAnalyst] = useState('');
  const [folder, setFolder] = useState('');
  const [folderEdited, setFolderEdited] = useState(false);
  const [openPath, setOpenPath] = useState('');
  const [browsing, setBrowsing] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => void refreshRecentCases(), []);
  const sep = home?.includes('\\') ? '\\' : '/';
  const suggested = home ? `${home}${sep}Assay cases${sep}${slug(name)}` : '';
  const target = folderEdited ? folder : suggested;

  const submitNew = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    if (await createCase(target.trim(), name, analyst)) setMode('idle');
    setBusy(false);
  };
  const submitOpen = async (e: FormEvent) => {
    e.preventDefault();
    const path = openPath.trim();
    setBusy(true);
    if (await openCase(/case\.json$/i.test(path) ? parentOf(path) : path)) setMode('idle');
    setBusy(false);
  };

  return (
    <section className="card case-card" aria-labelledby="case-card-title" data-testid="case-card">
      <h2 id="case-card-title">Cases</h2>
      <p className="muted small">
        A case folder keeps the datasets (by SHA-256), every result, quarantine set and worksheet, the incident
        workflow and a tamper-evident audit log — saved as you go.
      </p>
      {open && (
        <p>
          Open now: <strong>{open.document.name}</strong>{' '}
          <button type="button" className="btn small" onClick={() => setView('case')}>
            Show case
          </button>
        </p>
      )}
      <div className="hero-actions">
        <button type="button" className="btn" data-testid="new-case" onClick={() => setMode(mode === 'new' ? 'idle' : 'new')}>
          New case…
        </button>
        <button type="button" className="btn" data-testid="open-case" onClick={() => setMode(mode === 'open' ? 'idle' : 'open')}>
          Open case…
        </button>
      </div>

      {mode === 'new' && (
        <form className="case-form" onSubmit={submitNew} data-testid="new-case-form">
          <label className="field">
            <span>Case name</span>
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Backdoor in vendor embeddings" data-testid="case-name" required />
          </label>
          <label className="field">
            <span>Analyst</span>
            <input value={analyst} onChange={(e) => setAnalyst(e.target.value)} placeholder="your name" data-testid="case-analyst" />
          </label>
          <label className="field">
            <span>Folder (new or empty)</span>
            <input
              value={target}
              onChange={(e) => {
                setFolderEdited(true);
                setFolder(e.target.value);
              }}
              data-testid="case-folder"
              required
            />
          </label>
          <button type="submit" className="btn primary" disabled={busy} data-testid="create-case">
            Create case
          </button>
        </form>
      )}

      {mode === 'open' && (
        <form className="case-form" onSubmit={submitOpen} data-testid="open-case-form">
          <label className="field">
            <span>Case folder (or its case.json)</span>
            <input value={openPath} onChange={(e) => setOpenPath(e.target.value)} data-testid="open-case-path" required />
          </label>
          <div className="hero-actions">
            <button type="button" className="btn small" onClick={() => setBrowsing(true)}>
              Browse…
            </button>
            <button type="submit" className="btn primary" disabled={busy} data-testid="open-case-submit">
              Open
            </button>
          </div>
        </form>
      )}
      {browsing && (
        <FileChooser
          title="Open case: choose its case.json (tick “all files”)"
          onChoose={(path) => {
            setBrowsing(false);
            setOpenPath(path);
          }}
          onClose={() => setBrowsing(false)}
        />
      )}

      {recent.length > 0 && (
        <div className="recent-cases" data-testid="recent-cases">
          <h3>Recent cases</h3>
          <ul>
            {recent.map((r) => (
              <li key={r.folder}>
                <button type="button" className="linkish" title={r.folder} onClick={() => void openCase(r.folder)} data-testid="recent-case">
                  {r.name}
                </button>
                <span className="muted small"> {new Date(r.openedAt).toLocaleString()}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
