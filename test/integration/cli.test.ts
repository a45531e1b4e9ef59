import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePath } from '../../electron/host/app-root.ts';
import { createHost, type Host } from '../../electron/host/host.ts';
import { rowsByClass } from '../../shared/engine/matrix.ts';
import { spectralSignatureClass } from '../../shared/engine/spectral.ts';
import { assay } from './run-assay.ts';

const truth = JSON.parse(readFileSync(samplePath().replace('.csv', '.truth.json'), 'utf8')) as { poisonedIds: string[]; targetClass: string };

describe('assay scan', () => {
  let dir: string;
  let host: Host;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'assay-cli-'));
    host = createHost({ transport: 'cli', samplePath: samplePath(), threads: 1 });
  });
  afterAll(() => host.close());

  it('writes per-row scores equal to the engine, flagged ids, parameters and the SHA-256', async () => {
    const out = join(dir, 'scan.json');
    const eps = 45 / 300; // the planted fraction of the target class
    const run = await assay(['scan', samplePath(), '--label', 'label', '--detector', 'spectral', '--eps', String(eps), '--json', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));

    const open = await host.openSample();
    await host.jobs.settled(open.id);
    const dataset = host.jobs.result<'load'>(open.id).value;
    const loaded = host.datasets.get(dataset.id);
    expect(report.dataset.sha256).toBe(dataset.sha256);
    expect(report.dataset.sha256).toMatch(/^[0-9a-f]{64}$/);

    const spectral = report.detectors[0];
    expect(report.flag).toEqual({ mode: 'budget', epsilon: eps, budgetFactor: 1.5 });
    expect(spectral.flagMode).toBe('budget');
    expect(spectral.scores).toHaveLength(dataset.rows);
    const byClass = rowsByClass(loaded.labels, dataset.classNames.length);
    byClass.forEach((rows) => {
      const engine = spectralSignatureClass({ data: loaded.features, rows: dataset.rows, cols: dataset.dims }, rows, report.flag);
      rows.forEach((row, r) => {
        expect(spectral.scores[row]).toBe(engine.scores[r]);
        expect(spectral.flaggedRows.includes(row)).toBe(engine.flagged[r] === 1);
      });
    });

    const flagged = new Set<string>(spectral.flaggedIds);
    const found = truth.poisonedIds.filter((id) => flagged.has(id)).length;
    expect(found / truth.poisonedIds.length).toBeGreaterThanOrEqual(0.95);
    expect(spectral.flaggedRows.map((i: number) => loaded.ids![i])).toEqual(spectral.flaggedIds);
  });

  it('flags the planted backdoor at a false-discovery rate without being told the poison rate', async () => {
    const out = join(dir, 'fdr.json');
    const run = await assay(['scan', samplePath(), '--fdr', '0.05', '--json', out, '--quiet']);
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    const spectral = report.detectors[0];
    expect(spectral.flagMode).toBe('fdr');
    expect(spectral.pValues).toHaveLength(3000);
    const flagged = new Set<string>(spectral.flaggedIds);
    const planted = new Set(truth.poisonedIds);
    const found = truth.poisonedIds.filter((id) => flagged.has(id)).length;
    const falseFlags = [...flagged].filter((id) => !planted.has(id)).length;
    expect(found / planted.size).toBeGreaterThanOrEqual(0.95);
    // BH at q = 0.05 controls the expected false-discovery proportion; allow sampling slack.
    expect(falseFlags / Math.max(1, flagged.size)).toBeLessThanOrEqual(0.15);
    const horse = spectral.classes.find((c: { className: string }) => c.className === truth.targetClass);
    expect(horse.verdict).toBe('suspicious');
    console.log(`FDR 0.05 on the sample: ${found}/${planted.size} planted found, ${falseFlags} false flags of ${flagged.size}`);
  });

  it('exits 1 naming a missing file', async () => {
    const run = await assay(['scan', join(dir, 'missing.csv'), '--json', join(dir, 'x.json')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('missing.csv');
  });

  it('exits 1 naming the line and column of a non-numeric feature', async () => {
    const file = join(dir, 'bad.csv');
    const rows = Array.from({ length: 30 }, (_, i) => `${i + 1},${i % 2 ? 'x' : 'y'},${i / 10},${i === 17 ? 'oops' : i * 2}`);
    writeFileSync(file, ['id,label,a,b', ...rows].join('\n') + '\n');
    const run = await assay(['scan', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('bad.csv');
    expect(run.stderr).toContain('line 19');
    expect(run.stderr).toContain("'b'");
  });

  it('exits 1 naming a label column that does not exist', async () => {
    const run = await assay(['scan', samplePath(), '--label', 'nope']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("no label column 'nope'");
  });

  it('exits 2 with usage on bad arguments', async () => {
    for (const args of [
      ['scan'],
      ['scan', samplePath(), '--eps', '7'],
      ['scan', samplePath(), '--detector', 'magic'],
      ['scan', samplePath(), '--eps', '0.1', '--fdr', '0.1'],
      ['scan', samplePath(), '--set', 'spectral.nope=1'],
      ['frobnicate'],
    ]) {
      const run = await assay(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.length).toBeGreaterThan(0);
    }
  });
});

describe('assay help', () => {
  it('lists every command, and `assay <command> --help` prints that command\'s usage with exit 0', async () => {
    const top = await assay(['--help']);
    expect(top.code).toBe(0);
    const names = ['inspect', 'scan', 'influence', 'certify', 'drift', 'privacy', 'manifest', 'keygen', 'splitview', 'audit', 'report'];
    for (const name of names) expect(top.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    for (const name of names) {
      const run = await assay([name, '--help']);
      expect(run.code, `${name} --help: ${run.stderr}`).toBe(0);
      expect(run.stdout).toContain(`assay ${name}`);
    }
  });
});
