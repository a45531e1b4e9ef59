import { useEffect, useId, useState } from 'react';
import type { BadRowPolicy, FilePreview, LoadRequest } from '../../../../shared/domain/ingest.ts';
import { getClient } from '../../api/client.ts';
import { errorMessage } from '../../app/slice.ts';
import { startJob, useStore } from '../../store/index.ts';
import { formatBytes } from '../../ui/bytes.ts';
import { nf } from '../../ui/format.ts';
import { Modal } from '../../ui/Modal.tsx';
import { FileChooser } from './FileChooser.tsx';
import { baseName, folderOf } from './paths.ts';
import { rememberRecent } from './recent.ts';
import { ROLES, checkRoles, initialRoles, toAssignment, type LabelsChoice, type RoleMap } from './roles.ts';
import type { ImportRequest } from './slice.ts';

type Loaded<T> = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; value: T };

function usePreview(path: string | null): Loaded<FilePreview> | null {
  const [state, setState] = useState<Loaded<FilePreview> | null>(null);
  useEffect(() => {
    if (!path) {
      setState(null);
      return;
    }
    let stale = false;
    setState({ status: 'loading' });
    getClient()
      .previewDataset({ path })
      .then((value) => !stale && setState({ status: 'ready', value }))
      .catch((err: unknown) => !stale && setState({ status: 'error', message: errorMessage(err) }));
    return () => {
      stale = true;
    };
  }, [path]);
  return state;
}

/** Starts loading `request` as a job and remembers it among the recent files. */
export function loadFile(request: LoadRequest): void {
  rememberRecent({ path: request.path, roles: request.roles, badRows: request.badRows, labelsPath: request.labelsPath, joinBy: request.joinBy, openedAt: new Date().toISOString() });
  void startJob(`Open ${baseName(request.path)}`, () => getClient().openDataset(request));
}

/** The import dialog of the file the store names, if any. */
export function ImportDialogHost() {
  const request = useStore((s) => s.importRequest);
  const chooserOpen = useStore((s) => s.chooserOpen);
  const openImport = useStore((s) => s.openImport);
  const setChooserOpen = useStore((s) => s.setChooserOpen);
  return (
    <>
      {chooserOpen && <FileChooser title="Choose a dataset file" onChoose={(path) => openImport({ path })} onClose={() => setChooserOpen(false)} />}
      {request && <ImportDialog key={request.path} request={request} onClose={() => openImport(null)} />}
    </>
  );
}

function RoleTable({ preview, roles, setRoles }: { preview: FilePreview; roles: RoleMap; setRoles: (r: RoleMap) => void }) {
  return (
    <div className="table-scroll import-columns">
      <table className="grid" data-testid="import-columns">
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Looks like</th>
            <th scope="col">Role</th>
            <th scope="col" className="num">Missing</th>
            <th scope="col" className="num" title="Distinct values among the previewed rows">Distinct</th>
            <th scope="col">Samples</th>
          </tr>
        </thead>
        <tbody>
          {preview.columns.map((c) => (
            <tr key={c.index} data-column={c.name} className={`role-${roles[c.name]}`}>
              <td>
                <code>{c.name}</code>
              </td>
              <td data-testid="column-kind">
                {c.kind}
                {c.vectorLength !== undefined && <span className="muted"> ×{c.vectorLength}</span>}
              </td>
              <td>
                <select
                  aria-label={`Role of ${c.name}`}
                  data-testid="role-select"
                  value={roles[c.name]}
                  onChange={(e) => setRoles({ ...roles, [c.name]: e.target.value as RoleMap[string] })}
                >
                  {ROLES.map((r) => (
                    <option key={r.role} value={r.role} title={r.hint}>
                      {r.label}
                      {r.role === c.proposedRole ? ' (proposed)' : ''}
                    </option>
                  ))}
                </select>
              </td>
              <td className={`num ${c.missing > 0 ? 'warn' : ''}`}>{nf.format(c.missing)}</td>
              <td className="num">{nf.format(c.distinct)}</td>
              <td className="samples" title={c.samples.join('\n')}>
                {c.samples.map((s, i) => (
                  <code key={i}>{s}</code>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function FirstRows({ preview }: { preview: FilePreview }) {
  return (
    <details className="first-rows" open>
      <summary>First {preview.firstRows.length} rows</summary>
      <div className="table-scroll">
        <table className="grid mono" data-testid="import-first-rows">
          <thead>
            <tr>
              {preview.columns.map((c) => (
                <th scope="col" key={c.index}>
                  {c.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.firstRows.map((row, r) => (
              <tr key={r}>
                {row.map((v, k) => (
                  <td key={k} title={v}>
                    {v}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function ImportDialog({ request, onClose }: { request: ImportRequest; onClose: () => void }) {
  const titleId = useId();
  const preview = usePreview(request.path);
  const [roles, setRoles] = useState<RoleMap | null>(null);
  const [badRows, setBadRows] = useState<BadRowPolicy>(request.badRows ?? 'stop');
  const [labelsPath, setLabelsPath] = useState<string>(request.labelsPath ?? '');
  const [labelsChooser, setLabelsChooser] = useState(false);
  const labelsPreview = usePreview(labelsPath.trim() || null);
  const [labelColumn, setLabelColumn] = useState<string | null>(request.roles?.label ?? null);
  // Join by id: the matrix's row ids come from <name>.ids.txt beside it and are looked up in this column.
  const [joinBy, setJoinBy] = useState<'row' | 'id'>(request.joinBy ?? 'row');
  const [labelsIdColumn, setLabelsIdColumn] = useState<string | null>(request.joinBy === 'id' ? (request.roles?.id ?? null) : null);

  const ready = preview?.status === 'ready' ? preview.value : null;
  const npy = ready?.format === 'npy';
  useEffect(() => {
    if (ready) setRoles(initialRoles(ready, request.roles));
  }, [ready, request.roles]);

  // A new labels file: preset its label column to the one its own preview proposes.
  const labelsReady = labelsPreview?.status === 'ready' ? labelsPreview.value : null;
  useEffect(() => {
    if (!labelsReady) return;
    setLabelColumn((cur) =>
      cur !== null && labelsReady.columns.some((c) => c.name === cur) ? cur : (labelsReady.proposedRoles.label ?? labelsReady.columns[0]?.name ?? null),
    );
  }, [labelsReady]);

  const labels: LabelsChoice | null =
    npy && labelsPath.trim() ? { path: labelsPath.trim(), labelColumn, idColumn: joinBy === 'id' ? labelsIdColumn : null } : null;
  const joinMissingId = labels !== null && joinBy === 'id' && labelsIdColumn === null;
  const check = ready && roles ? checkRoles(ready.columns, roles, { npy, labels }) : { errors: [], notes: [] };
  const labelsBlocking = labels !== null && labelsPreview?.status !== 'ready';

  const load = () => {
    if (!ready || !roles || check.errors.length > 0 || labelsBlocking || joinMissingId) return;
    const req: LoadRequest = { path: ready.path, roles: toAssignment(ready.columns, roles, labels), badRows };
    if (labels) {
      req.labelsPath = labels.path;
      req.joinBy = joinBy;
    }
    onClose();
    loadFile(req);
  };

  return (
    <Modal labelledBy={titleId} onClose={onClose} testId="import-dialog" className="import">
      <div className="modal-body">
        <div className="modal-head">
          <h2 id={titleId}>
            Import <code>{baseName(request.path)}</code>
          </h2>
          <button type="button" className="btn small" onClick={onClose} aria-label="Close">
            ×
          </button>
        </div>
        <p className="muted small path-line" title={request.path}>
          {request.path}
        </p>
        {preview?.status === 'loading' && <p className="muted">Reading the head of the file…</p>}
        {preview?.status === 'error' && (
          <p className="error-text" role="alert" data-testid="import-error">
            {preview.message}
          </p>
        )}
        {ready && roles && (
          <>
            <dl className="facts inline-facts" data-testid="import-facts">
              <dt>Format</dt>
              <dd data-testid="import-format">
                {ready.format}
                {ready.delimiter && ready.format !== 'tsv' && ready.delimiter !== ',' && <span className="muted"> (delimiter {JSON.stringify(ready.delimiter)})</span>}
              </dd>
              <dt>Size</dt>
              <dd>{formatBytes(ready.sizeBytes)}</dd>
              <dt>Rows</dt>
              <dd data-testid="import-rows">
                {ready.rowsExact ? nf.format(ready.rowsEstimate) : `≈ ${nf.format(ready.rowsEstimate)} (estimated from the head)`}
              </dd>
              <dt>Columns</dt>
              <dd>{nf.format(ready.columns.length)}</dd>
            </dl>
            <h3>Columns and roles</h3>
            <RoleTable preview={ready} roles={roles} setRoles={setRoles} />
            {npy && (
              <fieldset className="labels-file">
                <legend>Labels file (optional)</legend>
                <p className="hint">A .npy holds only the matrix: labels come from a CSV/TSV/JSONL/.npy file with one row per matrix row, in the same order.</p>
                <div className="chooser-pathbar">
                  <input
                    type="text"
                    aria-label="Labels file path"
                    data-testid="labels-path"
                    spellCheck={false}
                    placeholder="none: every row in one class"
                    value={labelsPath}
                    onChange={(e) => setLabelsPath(e.target.value)}
                  />
                  <button type="button" className="btn small" data-testid="labels-browse" onClick={() => setLabelsChooser(true)}>
                    Browse…
                  </button>
                  {labelsPath && (
                    <button type="button" className="btn small" onClick={() => setLabelsPath('')}>
                      Clear
                    </button>
                  )}
                </div>
                {labelsPreview?.status === 'loading' && <p className="muted small">Reading the labels file…</p>}
                {labelsPreview?.status === 'error' && <p className="error-text small">{labelsPreview.message}</p>}
                {labelsReady && (
                  <label className="field inline">
                    <span>Label column</span>
                    <select
                      data-testid="labels-column"
                      value={labelColumn ?? ''}
                      onChange={(e) => setLabelColumn(e.target.value === '' ? null : e.target.value)}
                    >
                      <option value="">none</option>
                      {labelsReady.columns.map((c) => (
                        <option key={c.index} value={c.name}>
                          {c.name} ({c.kind})
                        </option>
                      ))}
                    </select>
                    <span className="muted small">
                      {nf.format(labelsReady.rowsEstimate)} rows{labelsReady.rowsExact ? '' : ' (estimated)'}
                    </span>
                  </label>
                )}
                {labelsReady && (
                  <label className="field inline">
                    <span>Line up by</span>
                    <select data-testid="labels-join" value={joinBy} onChange={(e) => setJoinBy(e.target.value as 'row' | 'id')}>
                      <option value="row">row order</option>
                      <option value="id">id (matrix ids from {baseName(request.path).replace(/\.npy$/i, '')}.ids.txt)</option>
                    </select>
                    {joinBy === 'id' && (
                      <select
                        aria-label="Id column of the labels file"
                        data-testid="labels-id-column"
                        value={labelsIdColumn ?? ''}
                        onChange={(e) => setLabelsIdColumn(e.target.value === '' ? null : e.target.value)}
                      >
                        <option value="">choose the id column…</option>
                        {labelsReady.columns.map((c) => (
                          <option key={c.index} value={c.name}>
                            {c.name}
                          </option>
                        ))}
                      </select>
                    )}
                  </label>
                )}
                {joinMissingId && <p className="error-text small">Choose the labels file's id column to line up by id.</p>}
              </fieldset>
            )}
            <fieldset className="bad-rows">
              <legend>Bad rows (ragged, a non-number in a feature, a missing label)</legend>
              <label className="check strong">
                <input type="radio" name="bad-rows" data-testid="bad-rows-stop" checked={badRows === 'stop'} onChange={() => setBadRows('stop')} />
                Stop at the first, naming its line and column
              </label>
              <label className="check strong">
                <input type="radio" name="bad-rows" data-testid="bad-rows-skip" checked={badRows === 'skip'} onChange={() => setBadRows('skip')} />
                Skip them and list them in the validation report
              </label>
            </fieldset>
            {(check.errors.length > 0 || check.notes.length > 0) && (
              <ul className="role-check" data-testid="import-check">
                {check.errors.map((m) => (
                  <li key={m} className="error-text">
                    {m}
                  </li>
                ))}
                {check.notes.map((m) => (
                  <li key={m} className="muted">
                    {m}
                  </li>
                ))}
              </ul>
            )}
            <FirstRows preview={ready} />
          </>
        )}
        <div className="modal-foot">
          <span className="spacer" />
          <button type="button" className="btn" data-testid="import-cancel" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="btn primary"
            data-testid="import-load"
            disabled={!ready || !roles || check.errors.length > 0 || labelsBlocking}
            onClick={load}
          >
            Load
          </button>
        </div>
      </div>
      {labelsChooser && (
        <FileChooser
          title="Choose the labels file"
          initialFolder={folderOf(request.path)}
          onChoose={(path) => {
            setLabelsPath(path);
            setLabelsChooser(false);
          }}
          onClose={() => setLabelsChooser(false)}
        />
      )}
    </Modal>
  );
}
