/** `assay audit verify <case>`: exit 0 on an intact log, 1 naming the first bad entry, 2 on bad arguments. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseService } from '../../electron/host/cases.ts';
import { DatasetStore } from '../../electron/host/datasets.ts';
import { JobService } from '../../electron/host/jobs.ts';
import { WorkerPool } from '../../electron/host/pool.ts';
import { AUDIT_FILE, CASE_FILE } from '../../shared/domain/case.ts';
import { assay } from './run-assay.ts';

describe('assay audit verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'assay-audit-cli-'));
  const folder = join(dir, 'case');
  const pool = new WorkerPool({ threads: 1 });
  let log: string;
  let caseFile: string;

  beforeAll(async () => {
    const service = new CaseService({ pool, datasets: new DatasetStore(), jobs: new JobService(() => {}), configDir: join(dir, 'config'), appVersion: 'test' });
    await service.create({ folder, name: 'cli', analyst: 'a' });
    for (const note of ['one', 'two', 'three', 'four']) await service.update({ section: 'notes', value: note });
    log = readFileSync(join(folder, AUDIT_FILE), 'utf8');
    caseFile = readFileSync(join(folder, CASE_FILE), 'utf8');
  });
  afterAll(() => pool.close());

  const restore = () => {
    writeFileSync(join(folder, AUDIT_FILE), log);
    writeFileSync(join(folder, CASE_FILE), caseFile);
  };

  it('exits 0 on an intact log and writes the result as JSON', async () => {
    restore();
    const out = join(dir, 'verify.json');
    const run = await assay(['audit', 'verify', folder, '--json', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/verified, 5 entries, head [0-9a-f]{64}/);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json).toMatchObject({ format: 'assay-audit-verify/1', ok: true, verified: 5, firstBad: null, expected: { entries: 5 } });
  });

  it('exits 1 naming the first bad entry of an edited, reordered or cut-off log', async () => {
    const lines = log.split('\n');
    const cases: [string, string, RegExp][] = [
      ['edited', [...lines.slice(0, 2), lines[2].replace('"summary":"Edited the notes"', '"summary":"Edited the notez"'), ...lines.slice(3)].join('\n'), /BROKEN at entry 3 \(line 3\): entry 3 \(line 3\) was edited/],
      ['reordered', [lines[0], lines[2], lines[1], ...lines.slice(3)].join('\n'), /BROKEN at entry 3 \(line 2\): line 2 holds entry 3 where entry 2 belongs/],
      ['cut off', lines.slice(0, 3).join('\n') + '\n', /BROKEN at entry 4 \(line 4\): entry 4 is missing: the case file records 5 entries/],
    ];
    for (const [what, text, message] of cases) {
      writeFileSync(join(folder, AUDIT_FILE), text);
      const run = await assay(['audit', 'verify', folder]);
      expect(run.code, what).toBe(1);
      expect(run.stderr, what).toMatch(message);
    }
    restore();
  });

  it('exits 2 with the usage on bad arguments, 1 on a folder that is not a case', async () => {
    const none = await assay(['audit', 'verify']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/which case folder\?\nusage: assay audit verify/);
    expect((await assay(['audit', 'check', folder])).code).toBe(2);
    const notCase = await assay(['audit', 'verify', dir]);
    expect(notCase.code).toBe(1);
    expect(notCase.stderr).toMatch(/is not an Assay case folder/);
  });
});
