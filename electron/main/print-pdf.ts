/**
 * HTML → PDF for reports in the desktop app (Electron's webContents.printToPDF). The report is written to a
 * private temporary folder and loaded in a hidden window with JavaScript off, its own session and no preload;
 * the report's own Content-Security-Policy forbids every request, so printing touches nothing outside it.
 */
import { BrowserWindow } from 'electron';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function printHtmlToPdf(html: string): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'assay-report-'));
  const file = join(dir, 'report.html');
  await writeFile(file, html, { mode: 0o600 });
  const window = new BrowserWindow({
    show: false,
    webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, partition: 'assay-report-print', spellcheck: false },
  });
  try {
    await window.loadFile(file);
    // preferCSSPageSize: the report's print stylesheet sets A4 and its margins.
    return await window.webContents.printToPDF({ printBackground: true, preferCSSPageSize: true, generateDocumentOutline: true });
  } finally {
    window.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}
