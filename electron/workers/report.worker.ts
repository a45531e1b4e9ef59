/**
 * Worker: gathers a report's contents from a case (reading and checking its stored results) and renders it.
 * The host writes the file (and makes a PDF in the desktop app).
 */
import type { MessagePort } from 'node:worker_threads';
import type { CaseView } from '../../shared/domain/case.ts';
import type { ReportFormat, ReportInput, ReportSection } from '../../shared/domain/report.ts';
import { buildReportInput } from '../host/report/build-input.ts';
import { renderReport } from '../host/report/render.ts';
import { idsFromSources } from '../host/report/row-ids.ts';
import { progressReporter } from './progress.ts';

export interface RenderTask {
  view: CaseView;
  sections: ReportSection[];
  analyst?: string;
  toolVersion: string;
  /** 'pdf' renders the HTML the desktop app prints. */
  format: ReportFormat;
  /** Row ids of datasets open in the session, by SHA-256 (others are read from their source files). */
  openIds: Record<string, string[]>;
  progressPort?: MessagePort;
}

export async function render(task: RenderTask): Promise<{ text: string; input: ReportInput }> {
  const report = progressReporter(task.progressPort);
  const fromSources = idsFromSources(task.view);
  const input = await buildReportInput(task.view, {
    sections: task.sections,
    analyst: task.analyst,
    toolVersion: task.toolVersion,
    idsOf: (sha) => task.openIds[sha] ?? fromSources(sha),
    onProgress: (f, stage) => report(f * 0.9, stage),
  });
  const text = renderReport(input, task.format === 'pdf' ? 'html' : task.format);
  report(1, 'rendered');
  return { text, input };
}
