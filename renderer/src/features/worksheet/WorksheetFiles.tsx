/**
 * Worksheets and catalogs as files on the host: export as versioned JSON or CSV to a path (the host writes it
 * atomically), import a worksheet JSON of any version (migrated; what the migration assumed is shown), and
 * import MITRE's ATLAS.yaml. Paths are chosen with the app's host file chooser, the same in the served mode.
 */
import { useId, useState } from 'react';
import { WORKSHEET_VERSION, type Worksheet } from '../../../../shared/domain/worksheet.ts';
import { getClient } from '../../api/client.ts';
import { errorMessage } from '../../app/slice.ts';
import { useStore } from '../../store/index.ts';
import { FileChooser } from '../import/index.ts';
import { Modal } from '../../ui/Modal.tsx';

function slug(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'worksheet';
}

function joinHost(folder: string, name: string): string {
  const sep = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  return folder.endsWith(sep) ? folder + name : folder + sep + name;
}

export function ExportDialog({ worksheet, format, onClose }: { worksheet: Worksheet; format: 'json' | 'csv'; onClose: () => void }) {
  const titleId = useId();
  const home = useStore((s) => s.appInfo?.homePath ?? '');
  const [path, setPath] = useState(() => joinHost(home || '.', `${slug(worksheet.name)}.worksheet.${format}`));
  const [choosing, setChoosing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirmOverwrite, setConfirmOverwrite] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const write = async (overwrite: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const written = await getClient().exportWorksheet({ worksheet, path: path.trim(), format, overwrite });
      setDone(`Wrote ${written.path} (${written.bytes.toLocaleString()} bytes).`);
      setConfirmOverwrite(false);
    } catch (err) {
      const message = errorMessage(err);
      if (/already exists/.test(message)) setConfirmOverwrite(true);
      setError(message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal labelledBy={titleId} onClose={onClose} testId="ws-export-dialog">
      <form
        className="modal-body"
        onSubmit={(e) => {
          e.preventDefault();
          void write(false);
        }}
      >
        <div className="modal-head">
          <h2 id={titleId}>Export “{worksheet.name}” as {format.toUpperCase()}</h2>
          <button type="button" className="btn small" onClick={onClose} aria-label="Close">
            ×
          </button>
        </div>
        <p className="hint">
          {format === 'json'
            ? 'The whole worksheet, versioned: Assay (this or a later version) reads it back with Import.'
            : 'One row per threat with its P, I, weight, controls, inherent and residual risk, for spreadsheets.'}
        </p>
        <label className="field">
          <span>Path on the host</span>
          <input type="text" data-testid="ws-export-path" spellCheck={false} value={path} onChange={(e) => { setPath(e.target.value); setConfirmOverwrite(false); setDone(null); }} />
        </label>
        <button type="button" className="btn small" onClick={() => setChoosing(true)}>
          Browse…
        </button>
        {error && (
          <p className="error-text small" role="alert" data-testid="ws-export-error">
            {error}
          </p>
        )}
        {done && (
          <p className="small" role="status" data-testid="ws-export-done">
            {done}
          </p>
        )}
        <div className="modal-foot">
          <span className="spacer" />
          <button type="button" className="btn" onClick={onClose}>
            {done ? 'Close' : 'Cancel'}
          </button>
          {confirmOverwrite ? (
            <button type="button" className="btn danger" data-testid="ws-export-overwrite" disabled={busy} onClick={() => void write(true)}>
              Replace the file
            </button>
          ) : (
            <button type="submit" className="btn primary" data-testid="ws-export-write" disabled={busy || !path.trim()}>
              Write
            </button>
          )}
        </div>
      </form>
      {choosing && (
        <FileChooser
          title="Choose where to write (pick a file to replace, or a folder then edit the name)"
          onClose={() => setChoosing(false)}
          onChoose={(chosen) => {
            setPath(chosen);
            setChoosing(false);
          }}
        />
      )}
    </Modal>
  );
}

/** Reads a worksheet JSON from the host, adds it, and reports what migration changed. */
export function ImportWorksheetChooser({ onClose }: { onClose: () => void }) {
  const addWorksheet = useStore((s) => s.addWorksheet);
  const showError = useStore((s) => s.showError);
  const worksheets = useStore((s) => s.worksheets);
  const [report, setReport] = useState<{ name: string; fromVersion: number; warnings: string[] } | null>(null);
  const titleId = useId();
  if (report) {
    return (
      <Modal labelledBy={titleId} onClose={onClose} testId="ws-import-report">
        <div className="modal-body">
          <div className="modal-head">
            <h2 id={titleId}>Imported “{report.name}”</h2>
          </div>
          <p>
            {report.fromVersion === WORKSHEET_VERSION ? 'Read as it was saved.' : `Migrated from version ${report.fromVersion} to the current version.`}
          </p>
          {report.warnings.length > 0 && (
            <ul className="ws-problems" data-testid="ws-import-warnings">
              {report.warnings.map((w, i) => (
                <li key={i} className="warn">
                  {w}
                </li>
              ))}
            </ul>
          )}
          <div className="modal-foot">
            <span className="spacer" />
            <button type="button" className="btn primary" onClick={onClose}>
              OK
            </button>
          </div>
        </div>
      </Modal>
    );
  }
  return (
    <FileChooser
      title="Import a worksheet (.json)"
      onClose={onClose}
      onChoose={(path) => {
        void getClient()
          .importWorksheet({ path })
          .then((read) => {
            const w = read.worksheet;
            // The same worksheet imported twice stays two worksheets: the copy gets its own id.
            if (worksheets.some((x) => x.id === w.id)) w.id = `${w.id}-${Date.now().toString(36)}`;
            addWorksheet(w);
            if (read.warnings.length || read.fromVersion !== WORKSHEET_VERSION) setReport({ name: w.name, fromVersion: read.fromVersion, warnings: read.warnings });
            else onClose();
          })
          .catch((err: unknown) => {
            showError('Import worksheet', err);
            onClose();
          });
      }}
    />
  );
}

export function ImportAtlasChooser({ onClose }: { onClose: () => void }) {
  const addAtlasCatalog = useStore((s) => s.addAtlasCatalog);
  const showError = useStore((s) => s.showError);
  const [busy, setBusy] = useState(false);
  return (
    <FileChooser
      title={busy ? 'Reading ATLAS…' : "Import MITRE's ATLAS.yaml"}
      onClose={onClose}
      onChoose={(path) => {
        setBusy(true);
        void getClient()
          .importAtlas({ path })
          .then((catalog) => {
            addAtlasCatalog(catalog);
            onClose();
          })
          .catch((err: unknown) => {
            showError('Import ATLAS', errorMessage(err));
            onClose();
          });
      }}
    />
  );
}
