import { useMemo, useState } from 'react';
import type { CaseView } from '../../../../shared/domain/case.ts';
import { defaultKeyPrefix } from '../../../../shared/domain/provenance.ts';
import { FORMAT_EXTENSIONS, REPORT_FORMATS, REPORT_SECTIONS, SECTION_TITLES, type ReportExported, type ReportFormat, type ReportPreview, type ReportSection } from '../../../../shared/domain/report.ts';
import { getClient } from '../../api/index.ts';
import { errorMessage } from '../../app/slice.ts';
import { startJob, useStore } from '../../store/index.ts';
import { awaitJob } from './await-job.ts';
import './report.css';

const FORMAT_LABELS: Record<ReportFormat, string> = {
  html: 'HTML (self-contained, opens offline)',
  pdf: 'PDF',
  json: 'JSON (versioned, with schema)',
  csv: 'CSV of findings and quarantined rows',
  sarif: 'SARIF 2.1.0',
};

function stamp(): string {
  return new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
}

/** The case's report: sections to include, a sandboxed preview, and export (a job) in the chosen format, optionally signed. */
export function ReportPanel({ view }: { view: CaseView }) {
  const transport = useStore((s) => s.appInfo?.transport ?? 'served');
  const [sections, setSections] = useState<ReportSection[]>([...REPORT_SECTIONS]);
  const [format, setFormat] = useState<ReportFormat>('html');
  const [path, setPath] = useState('');
  const [sign, setSign] = useState(false);
  const home = useStore((s) => s.appInfo?.homePath ?? null);
  const [keyPath, setKeyPath] = useState(() => `${defaultKeyPrefix(home ?? view.folder, view.document.analyst)}.pem`);
  const [preview, setPreview] = useState<ReportPreview | null>(null);
  const [busy, setBusy] = useState<'preview' | 'export' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [exported, setExported] = useState<ReportExported | null>(null);
  const target = path || `${view.folder}/reports/report-${stamp()}${FORMAT_EXTENSIONS[format]}`;
  const pdfHere = transport === 'electron';
  const chosen = useMemo(() => REPORT_SECTIONS.filter((s) => sections.includes(s)), [sections]);

  const toggle = (s: ReportSection) => setSections((list) => (list.includes(s) ? list.filter((x) => x !== s) : [...list, s]));

  const showPreview = async () => {
    setBusy('preview');
    setError(null);
    try {
      setPreview(await getClient().previewReport({ sections: chosen }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  const exportReport = async () => {
    setBusy('export');
    setError(null);
    setExported(null);
    const job = await startJob('Export report', () => getClient().exportReport({ sections: chosen, path: target, format, keyPath: sign ? keyPath : null, overwrite: false }));
    if (job) {
      const { result } = await awaitJob(job);
      if (result?.kind === 'report') {
        setExported(result.value);
        setPath('');
      }
    }
    setBusy(null);
  };

  /** The served mode's PDF: the preview opened on its own, where the browser's Print uses the report's print stylesheet. */
  const openForPrinting = () => {
    if (!preview) return;
    const url = URL.createObjectURL(new Blob([preview.html], { type: 'text/html' }));
    window.open(url, '_blank', 'noopener');
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };

  return (
    <section className="panel report-panel" aria-labelledby="report-title" data-testid="report-panel">
      <h2 id="report-title">Report</h2>
      <p className="muted small">
        Verdict first, then the evidence. The report carries the case&apos;s audit-log head, so it can be tied to this state of the case; signed, it can be
        checked with <code>assay report verify</code>.
      </p>
      <fieldset className="report-sections">
        <legend>Sections</legend>
        {REPORT_SECTIONS.map((s) => (
          <label key={s}>
            <input type="checkbox" checked={sections.includes(s)} onChange={() => toggle(s)} data-testid={`report-section-${s}`} /> {SECTION_TITLES[s]}
          </label>
        ))}
        <span className="report-section-actions">
          <button type="button" className="btn small" onClick={() => setSections([...REPORT_SECTIONS])}>
            All
          </button>
          <button type="button" className="btn small" onClick={() => setSections([])}>
            None
          </button>
        </span>
      </fieldset>
      <div className="report-form">
        <label>
          Format{' '}
          <select value={format} onChange={(e) => setFormat(e.target.value as ReportFormat)} data-testid="report-format">
            {REPORT_FORMATS.map((f) => (
              <option key={f} value={f} disabled={f === 'pdf' && !pdfHere}>
                {FORMAT_LABELS[f]}
                {f === 'pdf' && !pdfHere ? ' — desktop app only' : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="report-path">
          Save as <input type="text" value={target} onChange={(e) => setPath(e.target.value)} spellCheck={false} data-testid="report-path" />
        </label>
        <label>
          <input type="checkbox" checked={sign} onChange={(e) => setSign(e.target.checked)} data-testid="report-sign" /> Sign with the Ed25519 key
        </label>
        {sign && (
          <label className="report-path">
            Private key <input type="text" value={keyPath} onChange={(e) => setKeyPath(e.target.value)} spellCheck={false} data-testid="report-key" />
          </label>
        )}
      </div>
      {!pdfHere && (
        <p className="muted small" data-testid="report-pdf-note">
          PDF: in this browser session, preview the report and use <em>Open for printing</em>, then the browser&apos;s Print → Save as PDF (the report has a print
          stylesheet). The desktop app exports PDF directly.
        </p>
      )}
      <div className="hero-actions">
        <button type="button" className="btn" onClick={() => void showPreview()} disabled={busy !== null || chosen.length === 0} data-testid="report-preview-button">
          {busy === 'preview' ? 'Building preview…' : 'Preview'}
        </button>
        <button type="button" className="btn primary" onClick={() => void exportReport()} disabled={busy !== null || chosen.length === 0} data-testid="report-export">
          {busy === 'export' ? 'Exporting…' : `Export ${format.toUpperCase()}`}
        </button>
        {preview && !pdfHere && (
          <button type="button" className="btn" onClick={openForPrinting} data-testid="report-print">
            Open for printing
          </button>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {exported && (
        <p className="report-done" data-testid="report-exported">
          Wrote <code>{exported.path}</code> ({exported.bytes.toLocaleString('en-US')} bytes, SHA-256 <code>{exported.sha256.slice(0, 16)}…</code>)
          {exported.signaturePath && (
            <>
              {' '}
              and its signature <code>{exported.signaturePath}</code>
            </>
          )}
          .
        </p>
      )}
      {preview && (
        <div className="report-preview">
          <p className={`report-verdict ${preview.verdict.level}`} data-testid="report-verdict">
            {preview.verdict.headline}
          </p>
          {/* No scripts, no same-origin access, no navigation: the report is inert inside the app. */}
          <iframe title="Report preview" sandbox="" srcDoc={preview.html} data-testid="report-preview" />
        </div>
      )}
    </section>
  );
}
