import { useState } from 'react';
import type { CaseView } from '../../../../shared/domain/case.ts';
import {
  defaultKeyPrefix,
  type FileVerification,
  type KeyPairFiles,
  type ManifestCreated,
  type ManifestVerification,
  type SplitViewArgs,
  type SplitViewResult,
} from '../../../../shared/domain/provenance.ts';
import { getClient } from '../../api/index.ts';
import { errorMessage } from '../../app/slice.ts';
import { startJob, useStore } from '../../store/index.ts';
import { awaitJob } from '../report/await-job.ts';
import './provenance.css';

const ROWS_SHOWN = 50;

/**
 * Provenance of the case's datasets: a manifest (per-file SHA-256, per-row hashes, Merkle roots), a key pair,
 * the manifest signed (in-toto statement, DSSE, Ed25519), and a verification that names the rows that changed.
 */
export function ProvenancePanel({ view }: { view: CaseView }) {
  const files = view.document.datasets.filter((d) => d.source.kind === 'file');
  const [picked, setPicked] = useState<string[]>(files.map((d) => d.sha256));
  const [manifestPath, setManifestPath] = useState(`${view.folder}/datasets.manifest.json`);
  const home = useStore((s) => s.appInfo?.homePath ?? null);
  const [keyPrefix, setKeyPrefix] = useState(() => defaultKeyPrefix(home ?? view.folder, view.document.analyst));
  const [signedPath, setSignedPath] = useState(`${view.folder}/datasets.manifest.dsse.json`);
  const [verifyPath, setVerifyPath] = useState('');
  const [created, setCreated] = useState<ManifestCreated | null>(null);
  const [keys, setKeys] = useState<KeyPairFiles | null>(null);
  const [signed, setSigned] = useState<{ path: string; keyid: string } | null>(null);
  const [verification, setVerification] = useState<ManifestVerification | null>(null);
  const [publicKey, setPublicKey] = useState('');
  const [split, setSplit] = useState<SplitViewArgs>({ index: '', directory: '', mapping: 'basename' });
  const [splitResult, setSplitResult] = useState<SplitViewResult | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = async (what: string, action: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  const create = () =>
    run('create', async () => {
      const chosen = files.filter((d) => picked.includes(d.sha256));
      // Rows are named by id when one text dataset with an id column is chosen (the id column is per manifest).
      const only = chosen.length === 1 && chosen[0].source.kind === 'file' ? chosen[0].source.request : null;
      const idColumn = only && /\.(csv|tsv|tab|jsonl|ndjson)$/i.test(only.path) ? only.roles.id : null;
      const job = await startJob('Create manifest', () =>
        getClient().createManifest({
          paths: chosen.map((d) => (d.source.kind === 'file' ? d.source.request.path : '')),
          out: manifestPath,
          idColumn,
          overwrite: false,
        }),
      );
      if (!job) return;
      const { result } = await awaitJob(job);
      if (result?.kind === 'manifest') {
        setCreated(result.value);
        setVerifyPath(result.value.path);
      }
    });

  const generate = () => run('keys', async () => setKeys(await getClient().generateKeyPair({ prefix: keyPrefix })));

  const signIt = () =>
    run('sign', async () => {
      const out = await getClient().signManifest({ manifestPath, keyPath: `${keyPrefix}.pem`, out: signedPath, overwrite: false });
      setSigned(out);
      setVerifyPath(out.path);
    });

  const verify = () =>
    run('verify', async () => {
      const isSigned = verifyPath.endsWith('.dsse.json');
      const job = await startJob('Verify manifest', () => getClient().verifyManifest({ path: verifyPath, publicKeyPath: isSigned ? publicKey || `${keyPrefix}.pub` : null, data: [] }));
      if (!job) return;
      const { result } = await awaitJob(job);
      if (result?.kind === 'verifyManifest') setVerification(result.value);
    });

  const checkSplit = () =>
    run('split', async () => {
      const job = await startJob('Split-view check', () => getClient().checkSplitView(split));
      if (!job) return;
      const { result } = await awaitJob(job);
      if (result?.kind === 'splitview') setSplitResult(result.value);
    });

  return (
    <section className="panel provenance-panel" aria-labelledby="provenance-title" data-testid="provenance-panel">
      <h2 id="provenance-title">Provenance</h2>
      <p className="muted small">
        A manifest records each file&apos;s SHA-256 and a hash per row folded into a Merkle root, so a later check names the rows that changed. Signed with an
        Ed25519 key, it is an in-toto statement in a DSSE envelope (<code>assay manifest verify</code> checks it too).
      </p>
      {files.length === 0 ? (
        <p className="muted">The case has no dataset read from a file.</p>
      ) : (
        <fieldset className="provenance-form">
          <legend>Datasets</legend>
          {files.map((d) => (
            <label key={d.sha256}>
              <input
                type="checkbox"
                checked={picked.includes(d.sha256)}
                onChange={() => setPicked((p) => (p.includes(d.sha256) ? p.filter((x) => x !== d.sha256) : [...p, d.sha256]))}
              />{' '}
              {d.summary.name}
            </label>
          ))}
        </fieldset>
      )}
      <div className="provenance-form">
        <label>
          Manifest <input type="text" value={manifestPath} onChange={(e) => setManifestPath(e.target.value)} spellCheck={false} data-testid="manifest-path" />
        </label>
        <button type="button" className="btn" disabled={busy !== null || picked.length === 0} onClick={() => void create()} data-testid="manifest-create">
          {busy === 'create' ? 'Hashing…' : 'Create manifest'}
        </button>
      </div>
      <div className="provenance-form">
        <label>
          Key pair <input type="text" value={keyPrefix} onChange={(e) => setKeyPrefix(e.target.value)} spellCheck={false} data-testid="key-prefix" />
        </label>
        <button type="button" className="btn small" disabled={busy !== null} onClick={() => void generate()} data-testid="key-generate">
          Generate key pair
        </button>
        <label>
          Signed manifest <input type="text" value={signedPath} onChange={(e) => setSignedPath(e.target.value)} spellCheck={false} data-testid="signed-path" />
        </label>
        <button type="button" className="btn" disabled={busy !== null} onClick={() => void signIt()} data-testid="manifest-sign">
          Sign
        </button>
      </div>
      <div className="provenance-form">
        <label>
          Verify <input type="text" value={verifyPath} onChange={(e) => setVerifyPath(e.target.value)} spellCheck={false} placeholder="manifest or signed manifest" data-testid="verify-path" />
        </label>
        <label>
          Signer&apos;s public key{' '}
          <input type="text" value={publicKey} onChange={(e) => setPublicKey(e.target.value)} spellCheck={false} placeholder={`${keyPrefix}.pub`} data-testid="verify-pub" />
        </label>
        <button type="button" className="btn" disabled={busy !== null || verifyPath === ''} onClick={() => void verify()} data-testid="manifest-verify">
          {busy === 'verify' ? 'Verifying…' : 'Verify'}
        </button>
      </div>
      <fieldset className="provenance-form">
        <legend>Split-view check (a URL-indexed dataset against its downloaded items; nothing is fetched)</legend>
        <label>
          Index (CSV/TSV/JSON Lines: url, sha256, optional path){' '}
          <input type="text" value={split.index} onChange={(e) => setSplit({ ...split, index: e.target.value })} spellCheck={false} data-testid="split-index" />
        </label>
        <label>
          Downloaded folder <input type="text" value={split.directory} onChange={(e) => setSplit({ ...split, directory: e.target.value })} spellCheck={false} data-testid="split-dir" />
        </label>
        <label>
          Item without a path is{' '}
          <select value={split.mapping} onChange={(e) => setSplit({ ...split, mapping: e.target.value as SplitViewArgs['mapping'] })} data-testid="split-map">
            <option value="basename">the URL&apos;s file name</option>
            <option value="urlpath">host/path as folders</option>
            <option value="sha256">named by its SHA-256</option>
          </select>
        </label>
        <button type="button" className="btn" disabled={busy !== null || !split.index || !split.directory} onClick={() => void checkSplit()} data-testid="split-check">
          {busy === 'split' ? 'Checking…' : 'Check'}
        </button>
      </fieldset>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="provenance-results">
        {created && (
          <p data-testid="manifest-created">
            Manifest <code>{created.path}</code>: root <code>{created.root.slice(0, 16)}…</code>;{' '}
            {created.files.map((f) => `${f.path} (${f.rows.toLocaleString('en-US')} ${f.rowKind === 'chunk' ? 'blocks' : 'rows'})`).join(', ')}.
          </p>
        )}
        {keys && (
          <p data-testid="key-generated">
            Key <code>{keys.keyid.slice(0, 16)}…</code>: private <code>{keys.privatePath}</code> (readable by you only), public <code>{keys.publicPath}</code>.
          </p>
        )}
        {signed && (
          <p data-testid="manifest-signed">
            Signed <code>{signed.path}</code> with key <code>{signed.keyid.slice(0, 16)}…</code>.
          </p>
        )}
        {verification && <VerificationResult v={verification} />}
        {splitResult && <SplitViewSummary r={splitResult} />}
      </div>
    </section>
  );
}

function VerificationResult({ v }: { v: ManifestVerification }) {
  return (
    <div data-testid="manifest-verification">
      <p>
        <span className={v.ok ? 'provenance-ok' : 'provenance-bad'}>{v.ok ? 'Verified: every file matches.' : 'Verification FAILED.'}</span>{' '}
        {v.signature &&
          (v.signature.valid ? `Signature valid (key ${v.signature.keyid.slice(0, 16)}…, signed ${v.signature.signedAt}).` : `Signature invalid: ${v.signature.problem}.`)}{' '}
        {v.manifestRoot && !v.rootConsistent && 'The manifest does not follow from its own files (edited by hand).'}
      </p>
      <table className="case-table">
        <thead>
          <tr>
            <th>File</th>
            <th>Status</th>
            <th>Rows</th>
            <th>Changed</th>
            <th>Added</th>
            <th>Removed</th>
          </tr>
        </thead>
        <tbody>
          {v.files.map((f) => (
            <tr key={f.path}>
              <td>
                <code>{f.path}</code>
              </td>
              <td className={f.status === 'ok' ? 'provenance-ok' : 'provenance-bad'}>{f.status}</td>
              <td>
                {f.rows.expected} → {f.rows.actual ?? '—'}
              </td>
              <td>{f.diff?.changed.length ?? 0}</td>
              <td>{f.diff?.added.length ?? 0}</td>
              <td>{f.diff?.removed.length ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {v.files.filter((f) => f.diff).map((f) => <RowChanges key={f.path} file={f} />)}
    </div>
  );
}

function RowChanges({ file }: { file: FileVerification }) {
  const d = file.diff!;
  const where = (index: number, id: string | null, line: number | null) => `row ${index}${id !== null ? ` (id ${id})` : ''}${line !== null ? `, line ${line}` : ''}`;
  const items = [
    ...d.changed.map((c) => `changed ${where(c.newIndex, c.id, c.line)}`),
    ...d.added.map((a) => `added ${where(a.newIndex, a.id, a.line)}`),
    ...d.removed.map((r) => `removed ${where(r.oldIndex, r.id, null)} of the manifest`),
  ];
  return (
    <details open>
      <summary>
        {file.path}: {items.length} row change(s), matched by {d.matchedBy}
      </summary>
      <ul data-testid="row-changes">
        {items.slice(0, ROWS_SHOWN).map((t, i) => (
          <li key={i}>{t}</li>
        ))}
        {items.length > ROWS_SHOWN && <li className="muted">… and {items.length - ROWS_SHOWN} more (assay manifest verify --json lists them all)</li>}
      </ul>
    </details>
  );
}

function SplitViewSummary({ r }: { r: SplitViewResult }) {
  const rows = [
    ...r.mismatched.map((m) => ({ status: 'changed', path: m.path, line: m.line, url: m.url })),
    ...r.missing.map((m) => ({ status: 'missing', path: m.path, line: m.line, url: m.url })),
    ...r.extra.map((path) => ({ status: 'not in the index', path, line: null as number | null, url: '' })),
  ];
  return (
    <div data-testid="split-result">
      <p>
        <span className={r.mismatched.length + r.missing.length === 0 ? 'provenance-ok' : 'provenance-bad'}>
          {r.ok} of {r.checked} items match; {r.mismatched.length} changed since the index was made, {r.missing.length} missing
        </span>
        ; {r.extra.length} file(s) in the folder no item names.
      </p>
      {rows.length > 0 && (
        <table className="case-table">
          <thead>
            <tr>
              <th>Status</th>
              <th>File</th>
              <th>Index line</th>
              <th>URL</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, ROWS_SHOWN).map((x, i) => (
              <tr key={i}>
                <td className="provenance-bad">{x.status}</td>
                <td>
                  <code>{x.path}</code>
                </td>
                <td>{x.line ?? '—'}</td>
                <td>{x.url}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
