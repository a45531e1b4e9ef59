import { useEffect, useState, type FormEvent } from 'react';
import { isFinal } from '../../../../shared/domain/jobs.ts';
import { useStore } from '../../store/index.ts';
import { baseName } from './paths.ts';
import { forgetRecent, loadRecent, type RecentFile } from './recent.ts';

declare global {
  interface Window {
    /** Desktop-only helpers from the preload (absent in the served mode). */
    assayDesktop?: { pathForFile(file: File): string };
  }
}

function rolesLine(r: RecentFile): string {
  const parts: string[] = [];
  parts.push(r.roles.label ? `label ${r.roles.label}` : 'no label');
  if (r.roles.id) parts.push(`id ${r.roles.id}`);
  if (r.roles.features) parts.push(`${r.roles.features.length} feature column${r.roles.features.length === 1 ? '' : 's'}`);
  if (r.labelsPath) parts.push(`labels ${baseName(r.labelsPath)}`);
  if (r.badRows === 'skip') parts.push('skip bad rows');
  return parts.join(' · ');
}

/** Files dropped on the window: the desktop app knows their paths; a browser does not. */
function useFileDrop(onPath: (path: string) => void, onRefused: (message: string) => void): boolean {
  const [over, setOver] = useState(false);
  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setOver(true);
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const overHandler = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      const desktop = window.assayDesktop;
      const path = desktop ? desktop.pathForFile(file) : '';
      if (path) onPath(path);
      else if (desktop) onRefused(`'${file.name}' has no path on disk (dropped from another app?): save it first, or choose it with Browse….`);
      else
        onRefused(
          `Dropping a file needs the desktop app: a browser does not tell the page where '${file.name}' is on disk. Choose it with Browse… instead.`,
        );
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', overHandler);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', overHandler);
      window.removeEventListener('drop', drop);
    };
  }, [onPath, onRefused]);
  return over;
}

/** The start screen's way in for files: the chooser, a typed path, drag-and-drop, and the recent files. */
export function OpenFileCard() {
  const busy = useStore((s) =>
    Object.values(s.jobs).some((j) => s.ownJobIds[j.id] && (j.kind === 'load' || j.kind === 'synthesize') && !isFinal(j.status)),
  );
  const openImport = useStore((s) => s.openImport);
  const setChooserOpen = useStore((s) => s.setChooserOpen);
  const showError = useStore((s) => s.showError);
  const [path, setPath] = useState('');
  const [recent, setRecent] = useState<RecentFile[]>(loadRecent);
  const [dropMessage, setDropMessage] = useState<string | null>(null);
  const desktop = typeof window !== 'undefined' && window.assayDesktop !== undefined;
  // Re-read after a load started from the dialog (the list lives in localStorage).
  const importRequest = useStore((s) => s.importRequest);
  useEffect(() => setRecent(loadRecent()), [importRequest]);

  const [handlers] = useState(() => ({
    onPath: (p: string) => {
      setDropMessage(null);
      useStore.getState().openImport({ path: p });
    },
    onRefused: (m: string) => setDropMessage(m),
  }));
  const over = useFileDrop(handlers.onPath, handlers.onRefused);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!path.trim()) {
      showError('Open dataset', "Enter the file's path, e.g. /data/embeddings.csv, or choose it with Browse….");
      return;
    }
    openImport({ path: path.trim() });
  };

  return (
    <section className={`card open-card ${over ? 'drop-over' : ''}`} aria-labelledby="open-file-title" data-testid="open-file-card">
      <h2 id="open-file-title">Open a file</h2>
      <p className="muted small">CSV, TSV, JSON Lines, .npy or Parquet: you confirm each column's role before loading.</p>
      <div className="hero-actions">
        <button type="button" className="btn primary" data-testid="browse-files" disabled={busy} onClick={() => setChooserOpen(true)}>
          Browse…
        </button>
        <span className="muted small">{desktop ? 'or drop a file on this window' : 'files on the machine running Assay'}</span>
      </div>
      {over && <p className="drop-hint">Drop to open</p>}
      {dropMessage && (
        <p className="warn small" role="status" data-testid="drop-message">
          {dropMessage}{' '}
          <button type="button" className="btn tiny" onClick={() => setChooserOpen(true)}>
            Browse…
          </button>
        </p>
      )}
      <form onSubmit={submit} className="path-form">
        <label className="field">
          <span>Path</span>
          <span className="chooser-pathbar">
            <input
              id="open-path"
              data-testid="open-path"
              type="text"
              placeholder="/data/train-embeddings.csv"
              spellCheck={false}
              value={path}
              onChange={(e) => setPath(e.target.value)}
            />
            <button type="submit" className="btn small" data-testid="open-file" disabled={busy}>
              Preview
            </button>
          </span>
        </label>
      </form>
      {recent.length > 0 && (
        <div className="recent" data-testid="recent-files">
          <h3>Recent files</h3>
          <ul>
            {recent.map((r) => (
              <li key={r.path}>
                <button
                  type="button"
                  className="linkish"
                  title={`${r.path}\nopened ${new Date(r.openedAt).toLocaleString()}`}
                  disabled={busy}
                  onClick={() => openImport({ path: r.path, roles: r.roles, badRows: r.badRows, labelsPath: r.labelsPath, joinBy: r.joinBy })}
                >
                  <code>{baseName(r.path)}</code>
                </button>
                <span className="muted small recent-roles">{rolesLine(r)}</span>
                <button type="button" className="btn tiny" aria-label={`Forget ${baseName(r.path)}`} title="Remove from the list" onClick={() => setRecent(forgetRecent(r.path))}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
