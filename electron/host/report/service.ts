/**
 * The report calls of the contract: a preview (HTML for a sandboxed frame) and an export as a job. Building
 * and rendering run in the worker pool; the host writes the file atomically, signs it when asked, and in the
 * desktop app turns the HTML into a PDF through Electron's printToPDF (handed in by the shell, since host code
 * never imports Electron). The served mode has no PDF: the browser prints the HTML preview, whose print
 * stylesheet lays it out.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { CaseView } from '../../../shared/domain/case.ts';
import type { JobInfo } from '../../../shared/domain/jobs.ts';
import { REPORT_SECTIONS, type ExportReportArgs, type ReportExported, type ReportInput, type ReportOptions, type ReportPreview } from '../../../shared/domain/report.ts';
import { appVersion } from '../app-root.ts';
import type { DatasetStore } from '../datasets.ts';
import { HostError } from '../errors.ts';
import { workerProgress, type JobService } from '../jobs.ts';
import type { WorkerPool } from '../pool.ts';
import { refuseExisting } from '../provenance/service.ts';
import { readPrivateKey } from '../provenance/keys.ts';
import { signReport } from './sign.ts';

/** Prints HTML to PDF bytes (Electron's webContents.printToPDF), where the shell provides it. */
export type PrintToPdf = (html: string) => Promise<Uint8Array>;

export const SERVED_PDF_MESSAGE =
  "PDF export is made by the desktop app. Here, open the report preview and use the browser's Print (Save as PDF): the report has a print stylesheet.";

export class ReportService {
  constructor(
    private readonly pool: WorkerPool,
    private readonly jobs: JobService,
    private readonly datasets: DatasetStore,
    private readonly openCase: () => CaseView | null,
    private readonly printToPdf: PrintToPdf | null,
  ) {}

  async preview(options: ReportOptions): Promise<ReportPreview> {
    const view = this.need();
    const { text, input } = await this.pool.run<{ text: string; input: ReportInput }>('report', 'render', this.task(view, options, 'html'));
    return { html: text, verdict: input.verdict, auditHead: input.custody.auditHead };
  }

  async export(args: ExportReportArgs): Promise<JobInfo> {
    const view = this.need();
    const path = resolve(args.path);
    if (args.format === 'pdf' && !this.printToPdf) throw new HostError('bad-request', SERVED_PDF_MESSAGE);
    await refuseExisting(path, args.overwrite);
    if (args.keyPath !== null) await refuseExisting(`${path}.dsse.json`, args.overwrite);
    const key = args.keyPath === null ? null : await readPrivateKey(resolve(args.keyPath)).catch((error: Error) => Promise.reject(new HostError('bad-request', error.message)));
    return this.jobs.submit('report', { ...args, path }, async (ctx) => {
      const { text, input } = await this.pool.run<{ text: string; input: ReportInput }>('report', 'render', this.task(view, args, args.format), workerProgress(ctx, 'building', 0, 0.8));
      ctx.progress(0.85, args.format === 'pdf' ? 'printing' : 'writing');
      const bytes = args.format === 'pdf' ? await this.printToPdf!(text) : Buffer.from(text, 'utf8');
      await writeFileAtomic(path, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      let signaturePath: string | null = null;
      if (key) {
        signaturePath = `${path}.dsse.json`;
        const envelope = signReport(bytes, path, { caseId: input.case.id, caseName: input.case.name, auditHead: input.custody.auditHead, generatedAt: input.generatedAt, format: args.format }, key);
        await writeFileAtomic(signaturePath, JSON.stringify(envelope) + '\n');
      }
      return {
        path,
        format: args.format,
        bytes: bytes.byteLength,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        auditHead: input.custody.auditHead,
        signaturePath,
      } satisfies ReportExported;
    });
  }

  private need(): CaseView {
    const view = this.openCase();
    if (!view) throw new HostError('bad-request', 'no case is open: a report describes a case — create or open one first');
    return view;
  }

  private task(view: CaseView, options: ReportOptions, format: ExportReportArgs['format']) {
    const sections = REPORT_SECTIONS.filter((s) => options.sections.includes(s));
    // Ids of the case's datasets that are open in this session; the worker reads the others from their files.
    const openIds: Record<string, string[]> = {};
    for (const summary of this.datasets.list()) {
      const dataset = this.datasets.get(summary.id);
      if (dataset.ids && view.document.datasets.some((d) => d.sha256 === summary.sha256)) openIds[summary.sha256] = dataset.ids;
    }
    return { view, sections, analyst: options.analyst, toolVersion: appVersion(), format, openIds };
  }
}
