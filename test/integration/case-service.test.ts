/**
 * The case service with the real host: completed jobs are recorded (audit entry, timeline line with its
 * evidence, result stored in results/), a reopened case gives stored results back without a new job, a
 * dataset changed on disk is reported and its old results are refused for the new bytes, section edits are
 * audited, and the audit log and stored results are checked against tampering.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { samplePath } from '../../electron/host/app-root.ts';
import { sha256Hex } from '../../electron/host/case/audit-log.ts';
import { createHost, type Host } from '../../electron/host/host.ts';
import { AUDIT_FILE, CASE_FILE, type CaseView } from '../../shared/domain/case.ts';
import { DEFAULT_MONITOR_THRESHOLDS } from '../../shared/domain/drift.ts';
import type { DatasetSummary } from '../../shared/domain/dataset.ts';
import type { ScanResult } from '../../shared/domain/detectors.ts';
import { chainEntry, entryLine, verifyChain } from '../../shared/engine/audit-chain.ts';
import { CaseService } from '../../electron/host/cases.ts';
import { DatasetStore } from '../../electron/host/datasets.ts';
import { JobService } from '../../electron/host/jobs.ts';
import { WorkerPool } from '../../electron/host/pool.ts';

const ROLES = { label: 'label', id: 'id', features: null, text: [], group: null };

describe('case service', () => {
  let dir: string;
  let data: string;
  let folder: string;
  let config: string;
  const hosts: Host[] = [];
  const newHost = () => {
    const host = createHost({ transport: 'cli', samplePath: samplePath(), threads: 1, configDir: config });
    hosts.push(host);
    return host;
  };
  const load = async (host: Host, path = data): Promise<DatasetSummary> => {
    const job = await host.openDataset({ path, roles: ROLES, badRows: 'stop' });
    expect((await host.jobs.settled(job.id)).error).toBeNull();
    return host.jobs.result<'load'>(job.id).value;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'assay-case-'));
    data = join(dir, 'train.csv');
    copyFileSync(samplePath(), data);
    folder = join(dir, 'case-a');
    config = join(dir, 'config');
  });
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.close()));
  });

  let firstScan: ScanResult;
  let stored: CaseView['document']['results'][number];

  it('records loads, scans and exports with their evidence and stores the results', async () => {
    const host = newHost();
    const created = await host.createCase({ folder, name: 'Backdoor in train.csv', analyst: 'Kim Analyst' });
    expect(created.document.name).toBe('Backdoor in train.csv');
    expect(created.audit).toMatchObject({ ok: true, verified: 1 });
    const dataset = await load(host);
    const scanJob = await host.runScan({ datasetId: dataset.id, detectors: [{ name: 'spectral', params: {} }], flag: { mode: 'fdr', q: 0.05 }, referenceDatasetId: null });
    await host.jobs.settled(scanJob.id);
    firstScan = host.jobs.result<'scan'>(scanJob.id).value;
    const exportJob = await host.exportCleaned({ datasetId: dataset.id, excludeRows: [0, 1, 2], path: join(dir, 'cleaned.csv') });
    await host.jobs.settled(exportJob.id);
    const failing = await host.openDataset({ path: join(dir, 'nope.csv'), roles: ROLES, badRows: 'stop' });
    await host.jobs.settled(failing.id);
    await host.cases.idle();

    const view = (await host.getCase())!;
    const doc = view.document;
    expect(doc.datasets).toHaveLength(1);
    expect(doc.datasets[0]).toMatchObject({ sha256: dataset.sha256, source: { kind: 'file', request: { path: data } }, summary: { rows: dataset.rows, dims: dataset.dims } });
    expect(doc.timeline.map((t) => t.action)).toEqual(['case.create', 'job.load', 'job.scan', 'job.export', 'job.load.failed']);
    expect(doc.timeline.every((t) => t.actor === 'Kim Analyst')).toBe(true);
    expect(doc.timeline[4].summary).toMatch(/nope\.csv failed: .*nope\.csv/);
    expect(doc.results.map((r) => r.kind)).toEqual(['scan', 'export']);
    stored = doc.results[0];
    expect(stored.datasetSha256).toBe(dataset.sha256);
    expect(stored.params).toEqual({ datasetId: `sha256:${dataset.sha256}`, detectors: [{ name: 'spectral', params: {} }], flag: { mode: 'fdr', q: 0.05 }, referenceDatasetId: null });
    expect(stored.key).toBe(`${dataset.sha256}/scan/${sha256Hex('{"datasetId":"sha256:' + dataset.sha256 + '","detectors":[{"name":"spectral","params":{}}],"flag":{"mode":"fdr","q":0.05},"referenceDatasetId":null}')}`);
    expect(sha256Hex(readFileSync(join(folder, stored.file)))).toBe(stored.sha256);
    // The scan's timeline line links to the stored result; the export's to the written file and its hash.
    expect(doc.timeline[2].evidence[0]).toMatchObject({ resultKey: stored.key, sha256: stored.sha256 });
    expect(doc.timeline[2].summary).toMatch(/flagged by at least one detector \(FDR q=0.05\)/);
    const cleaned = sha256Hex(readFileSync(join(dir, 'cleaned.csv')));
    expect(doc.timeline[3].evidence.some((e) => e.path === join(dir, 'cleaned.csv') && e.sha256 === cleaned)).toBe(true);

    // The log on disk verifies, holds exactly these entries, and the case file anchors its head.
    const log = readFileSync(join(folder, AUDIT_FILE), 'utf8');
    const onDisk = JSON.parse(readFileSync(join(folder, CASE_FILE), 'utf8'));
    const v = verifyChain(log, sha256Hex, onDisk.audit);
    expect(v.ok).toBe(true);
    expect(v.entries.map((e) => e.action)).toEqual(['case.create', 'job.load', 'job.scan', 'job.export', 'job.load.failed']);
    expect(v.entries[2].inputs).toEqual([{ name: data, sha256: dataset.sha256 }]);
    expect(v.entries[2].outputs).toEqual([{ name: stored.file, sha256: stored.sha256 }]);
    expect(onDisk.audit).toEqual({ entries: 5, head: v.head });
    expect(await host.listRecentCases()).toEqual([expect.objectContaining({ folder, name: 'Backdoor in train.csv' })]);
  });

  it('reopens in a new session and gives the stored scan back without running a job', async () => {
    const host = newHost();
    const view = await host.openCase({ folder });
    expect(view.audit).toMatchObject({ ok: true, verified: 6 });
    expect(view.datasets).toEqual([expect.objectContaining({ status: 'ok', path: data })]);
    expect(view.problems).toEqual([]);
    const dataset = await load(host);
    const result = await host.getStoredResult({ key: stored.key, datasetId: dataset.id });
    expect(result.kind).toBe('scan');
    const scan = result.value as ScanResult;
    expect(scan.datasetId).toBe(dataset.id);
    expect(Array.from(scan.runs[0].scores)).toEqual(Array.from(firstScan.runs[0].scores));
    expect(Array.from(scan.runs[0].flagged)).toEqual(Array.from(firstScan.runs[0].flagged));
    expect(scan.labels).toBeInstanceOf(Int32Array);
    expect(host.jobs.list().map((j) => j.kind)).toEqual(['load']);
  });

  it('audits section edits once per change', async () => {
    const host = newHost();
    const opened = await host.openCase({ folder });
    const incident = structuredClone(opened.document.incident);
    incident.declared = true;
    incident.phases[0] = { ...incident.phases[0], owner: 'Kim', status: 'in-progress', started: '2026-11-27' };
    const a = await host.updateCase({ section: 'incident', value: incident });
    const b = await host.updateCase({ section: 'incident', value: incident });
    expect(b.audit.lines).toBe(a.audit.lines);
    expect(a.document.timeline.at(-1)!.summary).toBe('Declared an incident; Detection: in progress (owner Kim)');
    const notes = await host.updateCase({ section: 'notes', value: 'patch trigger in horse' });
    expect(notes.document.notes).toBe('patch trigger in horse');
    // Notes are audited but kept off the timeline.
    expect(notes.audit.lines).toBe(a.audit.lines + 1);
    expect(notes.document.timeline.at(-1)!.action).toBe('case.update.incident');
    await expect(host.updateCase({ section: 'quarantine', value: [{ id: 'q', rows: [1] } as never] })).rejects.toThrow(/^quarantine\[0\]: name should be text/);
    const q = await host.updateCase({
      section: 'quarantine',
      value: [{ id: 'q1', name: 'horse flags', origin: 'flags', createdAt: 't', datasetName: 'train.csv', datasetSha256: stored.datasetSha256, rows: [4, 9], labels: ['horse', 'horse'], reasons: [] }],
    });
    expect(q.document.timeline.at(-1)).toMatchObject({ action: 'case.update.quarantine', summary: "Quarantined 2 rows of train.csv as 'horse flags'", phase: 'detection' });
  });

  it('reports a dataset changed on disk and refuses its old results for the new bytes', async () => {
    const text = readFileSync(data, 'utf8').split('\n');
    text[5] = text[5].replace(/,(-?\d+\.\d+)/, ',9.99999');
    writeFileSync(data, text.join('\n'));
    const host = newHost();
    const view = await host.openCase({ folder });
    expect(view.datasets[0].status).toBe('changed');
    expect(view.datasets[0].message).toMatch(/changed on disk since it was added/);
    expect(view.document.timeline.at(-1)!.summary).toMatch(/train\.csv changed/);
    const changed = await load(host);
    expect(changed.sha256).not.toBe(stored.datasetSha256);
    await expect(host.getStoredResult({ key: stored.key, datasetId: changed.id })).rejects.toThrow(/is not the data this scan result was computed on .* the file changed/);
    await host.cases.idle();
    const after = (await host.getCase())!;
    expect(after.document.datasets.map((d) => d.sha256)).toEqual([stored.datasetSha256, changed.sha256]);
    expect(after.document.timeline.at(-1)!.summary).toMatch(/DIFFERS from the copy the case recorded/);
  });

  it('refuses a stored result whose file was altered, and reports a tampered audit log on open', async () => {
    const path = join(folder, stored.file);
    const bytes = readFileSync(path);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(path, bytes);
    const log = readFileSync(join(folder, AUDIT_FILE), 'utf8').split('\n');
    log[2] = log[2].replace('"action":"job.scan"', '"action":"job.scon"');
    writeFileSync(join(folder, AUDIT_FILE), log.join('\n'));
    const host = newHost();
    copyFileSync(samplePath(), data);
    const view = await host.openCase({ folder });
    expect(view.audit.ok).toBe(false);
    expect(view.audit.firstBad).toMatchObject({ line: 3, seq: 3 });
    expect(view.document.timeline.at(-1)!.summary).toMatch(/audit log BROKEN: entry 3 \(line 3\) was edited/);
    const dataset = await load(host);
    await expect(host.getStoredResult({ key: stored.key, datasetId: dataset.id })).rejects.toThrow(/was altered after it was stored/);
    expect((await host.verifyCaseAudit()).firstBad).toMatchObject({ seq: 3 });
  });

  it('opens a damaged case file from the copy made at the last clean open, keeping the damaged file', async () => {
    const path = join(folder, CASE_FILE);
    const good = readFileSync(path, 'utf8');
    writeFileSync(path, good.slice(0, 200));
    const host = newHost();
    const view = await host.openCase({ folder });
    expect(view.problems[0].message).toMatch(/case\.json, line \d+, column \d+: not valid JSON .*Opened the copy saved when the case was last opened cleanly \(case\.backup\.json/);
    const kept = readdirSync(folder).filter((f) => f.startsWith('case.damaged-'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(folder, kept[0]), 'utf8')).toBe(good.slice(0, 200));
    expect(view.document.name).toBe('Backdoor in train.csv');
    // Saved again at once: the case file reads cleanly now.
    expect(JSON.parse(readFileSync(path, 'utf8')).name).toBe('Backdoor in train.csv');
  });

  it('migrates a version-1 case folder on open, keeping the original file', async () => {
    const old = join(dir, 'case-v1');
    mkdirSync(old);
    const v1 = readFileSync(new URL('../fixtures/case-v1/case.json', import.meta.url), 'utf8');
    writeFileSync(join(old, CASE_FILE), v1);
    const host = newHost();
    const view = await host.openCase({ folder: old });
    expect(view.migratedFrom).toBe(1);
    expect(view.document.version).toBe(2);
    expect(view.datasets).toEqual([expect.objectContaining({ status: 'missing', message: '/data/cases/cifar/backdoor-embeddings.csv is not there any more' })]);
    // The v1 file recorded 7 audit entries that this folder does not have: the cut is reported.
    expect(view.audit.ok).toBe(false);
    expect(view.audit.firstBad?.reason).toMatch(/the case file records 7 entries and the log ends after 0/);
    expect(readdirSync(old).filter((f) => f.startsWith('case.v1-') || f.startsWith('case.damaged-'))).toHaveLength(1);
    // Opening appended to the log, but the break stays: the case file keeps the length it recorded.
    expect((await host.verifyCaseAudit()).firstBad?.reason).toMatch(/records 7 entries and the log ends after 1/);
    await host.updateCase({ section: 'notes', value: 'after the break' });
    expect((await host.verifyCaseAudit()).ok).toBe(false);
    expect(JSON.parse(readFileSync(join(old, CASE_FILE), 'utf8')).version).toBe(2);
  });

  it('puts monitoring alerts on the timeline, one entry per snapshot that raised any, with the stored result as evidence', async () => {
    const host = newHost();
    await host.createCase({ folder: join(dir, 'case-monitor'), name: 'Monthly exports', analyst: 'Kim Analyst' });
    const base = await load(host);
    // The next month's export: every value of f00 moved by 3, far past the PSI alert.
    const [header, ...lines] = readFileSync(data, 'utf8').trimEnd().split('\n');
    const f00 = header.split(',').indexOf('f00');
    const shiftedPath = join(dir, 'next-month.csv');
    writeFileSync(shiftedPath, [header, ...lines.map((l) => l.split(',').map((v, j) => (j === f00 ? (Number(v) + 3).toFixed(5) : v)).join(','))].join('\n') + '\n');
    const next = await load(host, shiftedPath);
    const job = await host.runMonitor({ snapshotIds: [base.id, next.id], baselinePeriod: 1, detectors: [], flag: { mode: 'rule' }, columns: ['f00'], thresholds: DEFAULT_MONITOR_THRESHOLDS });
    expect((await host.jobs.settled(job.id)).error).toBeNull();
    const alerts = host.jobs.result<'monitor'>(job.id).value.alerts;
    expect(alerts.length).toBeGreaterThan(0);
    await host.cases.idle();

    const doc = (await host.getCase())!.document;
    const monitorResult = doc.results.find((r) => r.kind === 'monitor')!;
    const alertLines = doc.timeline.filter((t) => t.action === 'monitor.alert');
    expect(alertLines).toHaveLength(new Set(alerts.map((a) => a.snapshotIndex)).size);
    expect(alertLines[0].summary).toContain(alerts[0].message);
    expect(alertLines[0].evidence).toEqual([expect.objectContaining({ resultKey: monitorResult.key, sha256: monitorResult.sha256 })]);
    expect(doc.timeline.findIndex((t) => t.action === 'job.monitor')).toBeLessThan(doc.timeline.indexOf(alertLines[0]));
  });
});

describe('case service after a crash', () => {
  const pool = new WorkerPool({ threads: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'assay-case-crash-'));
  const service = () => new CaseService({ pool, datasets: new DatasetStore(), jobs: new JobService(() => {}), configDir: join(dir, 'config'), appVersion: 'test' });
  afterAll(() => pool.close());

  it('sets a torn last audit line aside and restores entries the case file missed', async () => {
    const folder = join(dir, 'c');
    const first = service();
    await first.create({ folder, name: 'crash', analyst: 'a' });
    await first.update({ section: 'notes', value: 'one' });
    const log = readFileSync(join(folder, AUDIT_FILE), 'utf8');
    const head = verifyChain(log, sha256Hex).entries.at(-1)!;
    // The app appended an entry (a scan) and died before saving the case file, then died again mid-append.
    const missed = chainEntry(
      { time: '2026-11-27T09:00:00.000Z', actor: 'a', action: 'job.scan', params: { summary: 'Scan of x: spectral' }, inputs: [], outputs: [] },
      head,
      sha256Hex,
    );
    const torn = entryLine(chainEntry({ time: 't', actor: 'a', action: 'case.update.notes', params: { summary: 'x' }, inputs: [], outputs: [] }, missed, sha256Hex));
    writeFileSync(join(folder, AUDIT_FILE), log + entryLine(missed) + torn.slice(0, 40));

    const view = await service().open({ folder });
    expect(view.audit.ok).toBe(true);
    expect(view.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^its last line was incomplete \(an interrupted write\); it is kept as audit\.torn-.*\.txt/),
      '1 entry newer than the case file (the app stopped before saving it) was restored to the timeline',
    ]);
    expect(view.document.timeline.map((t) => t.action)).toEqual(['case.create', 'job.scan', 'case.open']);
    const aside = readdirSync(folder).find((f) => f.startsWith('audit.torn-'))!;
    expect(readFileSync(join(folder, aside), 'utf8')).toBe(torn.slice(0, 40));
    expect(verifyChain(readFileSync(join(folder, AUDIT_FILE), 'utf8'), sha256Hex, JSON.parse(readFileSync(join(folder, CASE_FILE), 'utf8')).audit)).toMatchObject({ ok: true, verified: 4 });
  });
});
