import { useCallback, useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import type { DirectoryListing } from '../../../../shared/domain/dataset.ts';
import { getClient } from '../../api/client.ts';
import { errorMessage } from '../../app/slice.ts';
import { useStore } from '../../store/index.ts';
import { formatBytes } from '../../ui/bytes.ts';
import { Modal } from '../../ui/Modal.tsx';
import { DATA_EXTENSIONS, breadcrumbs, isDataFile, joinPath } from './paths.ts';
import { lastFolder, rememberFolder } from './recent.ts';

export interface FileChooserProps {
  title: string;
  /** Folder to start in; null: the last folder used, else the host's home folder. */
  initialFolder?: string | null;
  onChoose: (path: string) => void;
  onClose: () => void;
}

/**
 * Browses the host's disk through `listDirectory`: the same in the desktop app and the served mode (where a
 * browser cannot tell the host where a file is).
 */
export function FileChooser({ title, initialFolder, onChoose, onClose }: FileChooserProps) {
  const titleId = useId();
  const homePath = useStore((s) => s.appInfo?.homePath ?? null);
  const [listing, setListing] = useState<DirectoryListing | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [allFiles, setAllFiles] = useState(false);
  const [typed, setTyped] = useState('');
  const [picked, setPicked] = useState<string | null>(null);

  const show = useCallback((next: DirectoryListing) => {
    setListing(next);
    setTyped(next.path);
    setPicked(null);
    setError(null);
    rememberFolder(next.path);
  }, []);

  const browse = useCallback(async (path: string | null, fallbackHome = false): Promise<boolean> => {
    setLoading(true);
    try {
      show(await getClient().listDirectory({ path }));
      return true;
    } catch (err) {
      if (fallbackHome) return browse(null);
      setError(errorMessage(err));
      return false;
    } finally {
      setLoading(false);
    }
  }, [show]);

  useEffect(() => {
    const start = initialFolder ?? lastFolder();
    void browse(start, start !== null);
  }, [browse, initialFolder]);

  const entries = useMemo(
    () => (listing ? listing.entries.filter((e) => e.kind === 'dir' || allFiles || isDataFile(e.name)) : []),
    [listing, allFiles],
  );
  const hidden = listing ? listing.entries.length - entries.length : 0;

  /** The path field: a folder is opened, a file is chosen. */
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    const path = typed.trim();
    if (!path) return;
    if (listing && picked && path === joinPath(listing.path, picked)) {
      onChoose(path);
      return;
    }
    try {
      show(await getClient().listDirectory({ path }));
    } catch (err) {
      const message = errorMessage(err);
      // Not a folder: take it as the file to open (the preview says if it cannot be read).
      if (/is not a folder/.test(message)) onChoose(path);
      else setError(message);
    }
  };

  return (
    <Modal labelledBy={titleId} onClose={onClose} testId="file-chooser" className="chooser">
      <form className="modal-body" onSubmit={(e) => void submit(e)}>
        <div className="modal-head">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="btn small" onClick={onClose} aria-label="Close">
            ×
          </button>
        </div>
        <div className="chooser-pathbar">
          <input
            type="text"
            aria-label="Path of a folder or file on the host"
            data-testid="chooser-path"
            spellCheck={false}
            value={typed}
            onChange={(e) => {
              setTyped(e.target.value);
              setPicked(null);
            }}
          />
          <button type="submit" className="btn small" data-testid="chooser-go">
            Go
          </button>
        </div>
        {listing && (
          <nav className="crumbs" aria-label="Folder path" data-testid="chooser-crumbs">
            <button type="button" className="btn tiny" disabled={!listing.parent} data-testid="chooser-up" title="Parent folder" onClick={() => void browse(listing.parent)}>
              ↑ Up
            </button>
            {homePath && (
              <button type="button" className="btn tiny" onClick={() => void browse(null)} title={homePath}>
                Home
              </button>
            )}
            {breadcrumbs(listing.path).map((c, i, all) => (
              <span key={c.path} className="crumb">
                <button type="button" className="linkish" aria-current={i === all.length - 1 ? 'location' : undefined} onClick={() => void browse(c.path)}>
                  {c.label}
                </button>
                {i > 0 && i < all.length - 1 && <span className="muted">/</span>}
              </span>
            ))}
          </nav>
        )}
        {error && (
          <p className="error-text small" role="alert" data-testid="chooser-error">
            {error}
          </p>
        )}
        <div className="chooser-list" aria-busy={loading}>
          <table className="grid">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" className="num">Size</th>
              </tr>
            </thead>
            <tbody data-testid="chooser-entries">
              {entries.map((e) => {
                const path = listing ? joinPath(listing.path, e.name) : e.name;
                return (
                  <tr
                    key={e.name}
                    data-name={e.name}
                    data-kind={e.kind}
                    className={picked === e.name ? 'selected' : undefined}
                    aria-selected={picked === e.name}
                    onClick={() => {
                      if (e.kind === 'dir') void browse(path);
                      else {
                        setPicked(e.name);
                        setTyped(path);
                      }
                    }}
                    onDoubleClick={() => e.kind === 'file' && onChoose(path)}
                  >
                    <td>
                      <span className={`entry-icon ${e.kind}`} aria-hidden="true">
                        {e.kind === 'dir' ? '▸' : '·'}
                      </span>
                      <button type="button" className="linkish entry-name" aria-label={`${e.kind === 'dir' ? 'Folder' : 'File'} ${e.name}`}>
                        {e.name}
                        {e.kind === 'dir' && '/'}
                      </button>
                    </td>
                    <td className="num muted">{e.kind === 'file' ? formatBytes(e.sizeBytes) : ''}</td>
                  </tr>
                );
              })}
              {listing && entries.length === 0 && (
                <tr>
                  <td colSpan={2} className="muted">
                    {listing.entries.length === 0 ? 'This folder is empty.' : 'No data files here.'}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
        <div className="modal-foot">
          <label className="check">
            <input type="checkbox" data-testid="chooser-all-files" checked={allFiles} onChange={(e) => setAllFiles(e.target.checked)} />
            All files
          </label>
          <span className="muted small">
            {allFiles ? 'Showing every file' : `Showing ${DATA_EXTENSIONS.join(' ')}`}
            {!allFiles && hidden > 0 && ` · ${hidden} other hidden`}
          </span>
          <span className="spacer" />
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" data-testid="chooser-open" disabled={!picked}>
            Open
          </button>
        </div>
      </form>
    </Modal>
  );
}
