/**
 * Killing the app mid-save (SIGKILL: no handler runs, no buffer is flushed) leaves a case that opens, with the
 * last save that completed or the one in flight — never a torn case file — and an audit log that verifies
 * (a torn last line, if the kill hit the append, is set aside on open).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CaseService } from '../../electron/host/cases.ts';
import { DatasetStore } from '../../electron/host/datasets.ts';
import { JobService } from '../../electron/host/jobs.ts';
import { WorkerPool } from '../../electron/host/pool.ts';

const child = fileURLToPath(new URL('./case-kill.child.ts', import.meta.url));
const pool = new WorkerPool({ threads: 1 });

const SIZE = 24 << 20;

/**
 * Runs the child and kills it `delayMs` after save 4 first touches the case file (the case folder's first
 * change other than the audit log: the temporary file of an atomic write, or case.json itself for a plain one).
 * Returns the last save it reported complete.
 */
function runAndKill(folder: string, config: string, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, folder, config, String(SIZE)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let watcher: FSWatcher | null = null;
    let last = 0;
    let stderr = '';
    let buffered = '';
    proc.stderr.on('data', (d) => (stderr += d));
    proc.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const [what, n] = line.split(' ');
        if (what === 'saved') last = Number(n);
        if (what === 'saving' && n === '4') {
          watcher = watch(folder, (_event, name) => {
            if (name === null || name === 'audit.jsonl' || !watcher) return;
            watcher.close();
            watcher = null;
            setTimeout(() => proc.kill('SIGKILL'), delayMs);
          });
        }
      }
    });
    proc.on('exit', (_code, signal) => {
      (watcher as FSWatcher | null)?.close();
      if (signal === 'SIGKILL') resolve(last);
      else reject(new Error(`child exited on its own: ${stderr}`));
    });
  });
}

describe('a case killed mid-save', () => {
  afterAll(() => pool.close());
  const dir = mkdtempSync(join(tmpdir(), 'assay-case-kill-'));

  // Each round kills the child a little later after save 4 starts writing the case file (the 24 MiB write, its
  // fsync, the rename). With a plain writeFile instead of an atomic one, these kills leave a torn case.json
  // with no copy to recover from, and the rounds fail.
  for (const [round, delayMs] of [0, 1, 3, 8, 20, 60].entries()) {
    it(`opens with the last good state (round ${round + 1}: killed ${delayMs} ms into writing the case file)`, async () => {
      const folder = join(dir, `case-${round}`);
      const lastReported = await runAndKill(folder, join(dir, 'config'), delayMs);
      const service = new CaseService({ pool, datasets: new DatasetStore(), jobs: new JobService(() => {}), configDir: join(dir, 'config'), appVersion: 'test' });
      const view = await service.open({ folder });
      const saved = Number(view.document.notes.split('\n')[0]);
      expect(saved).toBeGreaterThanOrEqual(lastReported);
      expect(saved).toBeLessThanOrEqual(lastReported + 1);
      expect(view.document.notes.length).toBe(String(saved).length + 1 + SIZE);
      expect(view.audit.ok).toBe(true);
      // The only problems a kill may leave: a torn audit line set aside, or a log one entry ahead of the case file.
      for (const p of view.problems) expect(p.message).toMatch(/incomplete \(an interrupted write\)|newer than the case file/);
      expect((await service.verify()).ok).toBe(true);
      expect(readdirSync(folder).filter((f) => f.startsWith('case.damaged'))).toEqual([]);
    });
  }
});
