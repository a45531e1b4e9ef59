/**
 * The case service: one open case folder at a time (DESIGN.md "Case folder").
 *
 *   <case>/case.json          the case document (shared/domain/case.ts), saved atomically after every change
 *   <case>/case.backup.json   the case file as it was last opened cleanly (recovery copy)
 *   <case>/audit.jsonl        the hash-chained audit log (shared/engine/audit-chain.ts), fsync'd per entry
 *   <case>/results/           job results in the wire encoding, keyed by dataset hash + kind + parameters
 *   <case>/reports/           exported reports
 *
 * Every completed job of the session (load, scan, export, and any other kind) is recorded while a case is
 * open: its result goes to results/, an audit entry names its inputs and outputs by SHA-256, and the timeline
 * gets a line linking to that evidence. Changes are applied one at a time, in order: result file, then audit
 * entry, then case file, so a crash between two steps leaves a log one entry ahead of the case file, which the
 * next open reconciles from the log.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, stat, truncate } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { userInfo } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { JobResult } from '../../shared/contract/api.ts';
import {
  AUDIT_FILE,
  CASE_FILE,
  currentPhase,
  newCaseDocument,
  PHASE_TITLES,
  readIncident,
  readQuarantineSet,
  readWorksheet,
  REPORTS_DIR,
  RESULTS_DIR,
  type AuditStatus,
  type CaseDataset,
  type CaseDatasetCheck,
  type CaseDocument,
  type CaseProblem,
  type CaseSection,
  type CaseSectionValue,
  type CaseView,
  type RecentCase,
  type StoredResult,
  type TimelineEntry,
} from '../../shared/domain/case.ts';
import type { CleanedExport, DatasetSummary } from '../../shared/domain/dataset.ts';
import type { ScanResult } from '../../shared/domain/detectors.ts';
import type { JobInfo } from '../../shared/domain/jobs.ts';
import { jobTitle } from '../../shared/domain/job-titles.ts';
import type { MonitorAlert, MonitorResult } from '../../shared/domain/drift.ts';
import { canonicalJson, type AuditDraft, type AuditEntry, type AuditVerification, type HashRef } from '../../shared/engine/audit-chain.ts';
import { AuditLog, sha256Hex } from './case/audit-log.ts';
import { readCaseFile, saveBackupFile, saveCaseFile } from './case/case-file.ts';
import { RecentCases } from './case/recent.ts';
import { readResultOnPool, stableParams, writeResult } from './case/results.ts';
import type { DatasetStore } from './datasets.ts';
import { HostError } from './errors.ts';
import type { JobService } from './jobs.ts';
import type { WorkerPool } from './pool.ts';

/** The dataset key of results that belong to no dataset (a job without a `datasetId`). */
const NO_DATASET = 'f'.repeat(64);
/** Audited actions that do not go on the incident timeline (frequent edits of free text). */
const OFF_TIMELINE = new Set(['case.update.notes', 'case.update.worksheets']);

interface OpenCase {
  folder: string;
  document: CaseDocument;
  log: AuditLog;
  checks: CaseDatasetCheck[];
  audit: AuditStatus;
  problems: CaseProblem[];
  migratedFrom: number | null;
}

export interface CaseServiceOptions {
  pool: WorkerPool;
  datasets: DatasetStore;
  jobs: JobService;
  /** Where the recent-cases list lives. */
  configDir: string;
  appVersion: string;
}

export class CaseService {
  private current: OpenCase | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly recorded = new Set<string>();
  readonly recent: RecentCases;

  constructor(private readonly options: CaseServiceOptions) {
    this.recent = new RecentCases(options.configDir);
  }

  /** Runs `work` after every change queued before it, so case edits and job recordings never interleave. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves when every queued change has been written. */
  idle(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  view(): CaseView | null {
    const c = this.current;
    if (!c) return null;
    return structuredClone({ folder: c.folder, document: c.document, datasets: c.checks, audit: c.audit, problems: c.problems, migratedFrom: c.migratedFrom });
  }

  create(args: { folder: string; name: string; analyst: string }): Promise<CaseView> {
    return this.serial(async () => {
      const folder = resolve(args.folder);
      const existing = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [] as string[];
        throw new HostError('bad-request', `${folder} cannot be used for a case (${error.code ?? String(error)})`);
      });
      if (existing.includes(CASE_FILE)) throw new HostError('bad-request', `${folder} already holds a case: open it instead`);
      if (existing.some((name) => !name.startsWith('.'))) throw new HostError('bad-request', `${folder} is not empty: choose a new or empty folder for the case`);
      await mkdir(join(folder, RESULTS_DIR), { recursive: true });
      await mkdir(join(folder, REPORTS_DIR), { recursive: true });
      const name = args.name.trim() || basename(folder);
      const document = newCaseDocument({ id: randomUUID(), name, analyst: args.analyst.trim(), now: new Date().toISOString() });
      this.current = {
        folder,
        document,
        log: new AuditLog(join(folder, AUDIT_FILE), null),
        checks: [],
        audit: { ok: true, verified: 0, lines: 0, head: document.audit.head, firstBad: null },
        problems: [],
        migratedFrom: null,
      };
      await this.record({
        action: 'case.create',
        params: { summary: `Created case '${name}'${document.analyst ? ` (analyst ${document.analyst})` : ''}`, caseId: document.id, tool: { name: 'assay', version: this.options.appVersion } },
        inputs: [],
        outputs: [],
      });
      await this.touchRecent();
      return this.view()!;
    });
  }

  open(args: { folder: string }): Promise<CaseView> {
    return this.serial(async () => {
      const folder = resolve(args.folder);
      const read = await readCaseFile(folder, basename(folder));
      const { document } = read;
      const problems = [...read.problems];
      const logPath = join(folder, AUDIT_FILE);
      let verification = await this.verifyLog(logPath, document.audit);
      if (!verification.ok && verification.firstBad?.reason.includes('incomplete (no line end)') && verification.verified === verification.lines - 1) {
        // A torn last line is a write the crash interrupted, never a record: set it aside and go on.
        const text = await readFile(logPath, 'utf8');
        const cut = text.lastIndexOf('\n') + 1;
        const aside = `audit.torn-${new Date().toISOString().replace(/[:.]/g, '-')}.txt`;
        await writeFileAtomic(join(folder, aside), text.slice(cut));
        await truncate(logPath, Buffer.byteLength(text.slice(0, cut)));
        problems.push({ path: AUDIT_FILE, message: `its last line was incomplete (an interrupted write); it is kept as ${aside} and left out of the log`, action: 'dropped' });
        verification = await this.verifyLog(logPath, document.audit);
      }
      const entries = verification.entries;
      // Appends go after the last line even when the chain is broken earlier: the break stays where it is.
      const log = new AuditLog(logPath, verification.ok ? (entries.at(-1) ?? null) : await lastLine(logPath, verification.lines, verification.head));
      this.current = {
        folder,
        document,
        log,
        checks: [],
        audit: { ok: verification.ok, verified: verification.verified, lines: verification.lines, head: verification.head, firstBad: verification.firstBad },
        problems,
        migratedFrom: read.migratedFrom,
      };
      if (verification.ok && entries.length > document.audit.entries) this.reconcile(entries.slice(document.audit.entries));
      this.current.checks = await this.checkDatasets(document.datasets);
      const changed = this.current.checks.filter((c) => c.status !== 'ok' && c.status !== 'generated');
      await this.record({
        action: 'case.open',
        params: {
          summary: `Opened the case; audit log ${verification.ok ? `verified (${verification.verified} entries)` : `BROKEN: ${verification.firstBad?.reason}`}${changed.length ? `; ${changed.length} dataset(s) ${changed.map((c) => `${c.name} ${c.status}`).join(', ')}` : ''}`,
          audit: { ok: verification.ok, verified: verification.verified, lines: verification.lines, firstBad: verification.firstBad },
          problems: problems.map((p) => `${p.path}: ${p.message} (${p.action})`),
        },
        inputs: this.current.checks.filter((c) => c.currentSha256).map((c) => ({ name: c.path ?? c.name, sha256: c.currentSha256! })),
        outputs: [],
      });
      // The case file was saved with the open's audit entry; a repaired or migrated one is also the new recovery copy.
      if (read.rewrite) await saveBackupFile(folder, this.current.document);
      await this.touchRecent();
      return this.view()!;
    });
  }

  close(): Promise<void> {
    return this.serial(async () => {
      this.current = null;
    });
  }

  listRecent(): Promise<RecentCase[]> {
    return this.recent.list();
  }

  /** Re-reads and verifies the audit log against the length and head the case file recorded. */
  verify(): Promise<AuditStatus> {
    return this.serial(async () => {
      const c = this.need();
      const v = await this.verifyLog(c.log.path, c.document.audit);
      c.audit = { ok: v.ok, verified: v.verified, lines: v.lines, head: v.head, firstBad: v.firstBad };
      return structuredClone(c.audit);
    });
  }

  update<S extends CaseSection>(args: { section: S; value: CaseSectionValue[S] }): Promise<CaseView> {
    return this.serial(async () => {
      const c = this.need();
      const value = validateSection(args.section, args.value);
      const before = c.document[args.section];
      if (canonicalJson(before) === canonicalJson(value)) return this.view()!;
      c.document = { ...c.document, [args.section]: value };
      await this.record({
        action: `case.update.${args.section}`,
        params: { summary: sectionSummary(args.section, before, value) },
        inputs: [],
        outputs: [{ name: `section ${args.section}`, sha256: sha256Hex(canonicalJson(value)) }],
      });
      return this.view()!;
    });
  }

  /** A stored result for an open dataset, refused when the dataset's bytes are not those it was computed on. */
  async storedResult(args: { key: string; datasetId: string }): Promise<JobResult> {
    const c = this.need();
    const entry = c.document.results.find((r) => r.key === args.key);
    if (!entry) throw new HostError('not-found', `the case has no stored result '${args.key}'`);
    const dataset = this.options.datasets.get(args.datasetId);
    if (entry.datasetSha256 !== NO_DATASET && dataset.summary.sha256 !== entry.datasetSha256) {
      throw new HostError(
        'bad-request',
        `'${dataset.summary.name}' (SHA-256 ${dataset.summary.sha256.slice(0, 12)}…) is not the data this ${entry.kind} result was computed on (${entry.datasetSha256.slice(0, 12)}…): the file changed; run the job again`,
      );
    }
    const value = await readResultOnPool(this.options.pool, c.folder, entry);
    if (entry.kind === 'scan') (value as ScanResult).datasetId = args.datasetId;
    return { kind: entry.kind, value } as JobResult;
  }

  /** Called with every job update; records each job once, when it ends, while a case is open. */
  onJob(job: JobInfo): void {
    if (!this.current || !['done', 'failed', 'cancelled'].includes(job.status) || this.recorded.has(job.id)) return;
    this.recorded.add(job.id);
    // Read the result now: the dataset it names may be closed by the time the queue reaches this job.
    const result = job.status === 'done' ? this.options.jobs.result(job.id).value : null;
    const datasetSha = (id: string) => {
      try {
        return this.options.datasets.get(id).summary;
      } catch {
        return null;
      }
    };
    const params = job.params as unknown as Record<string, unknown>;
    const subject = typeof params.datasetId === 'string' ? datasetSha(params.datasetId) : null;
    const stable = stableParams(job.params, (id) => datasetSha(id)?.sha256 ?? null);
    const handles = Object.entries(params)
      .filter(([k, v]) => (k === 'datasetId' || k.endsWith('DatasetId')) && typeof v === 'string')
      .map(([, v]) => datasetSha(v as string))
      .filter((s): s is DatasetSummary => s !== null);
    void this.serial(async () => {
      if (!this.current) return;
      try {
        await this.recordJob(job, result, stable, subject, handles);
      } catch (error) {
        this.current?.problems.push({ path: `job ${job.id}`, message: `could not be recorded in the case: ${error instanceof Error ? error.message : String(error)}`, action: 'kept' });
      }
    });
  }

  private async recordJob(job: JobInfo, result: unknown, params: unknown, subject: DatasetSummary | null, handles: DatasetSummary[]): Promise<void> {
    const c = this.need();
    const inputs: HashRef[] = handles.map((d) => ({ name: d.path ?? d.name, sha256: d.sha256 }));
    const jobRef = { id: job.id, kind: job.kind, params, started: job.startedAt, finished: job.finishedAt };
    if (job.status !== 'done') {
      await this.record({
        action: `job.${job.kind}.${job.status}`,
        params: { summary: `${caseJobTitle(job, subject)} ${job.status}${job.error ? `: ${job.error}` : ''}`, job: jobRef },
        inputs,
        outputs: [],
      });
      return;
    }
    if (job.kind === 'load' || job.kind === 'synthesize') {
      const summary = result as DatasetSummary;
      const earlier = c.document.datasets.find((d) => d.source.kind === 'file' && summary.path !== null && resolve(d.source.request.path) === summary.path && d.sha256 !== summary.sha256);
      if (!c.document.datasets.some((d) => d.sha256 === summary.sha256)) {
        const entry: CaseDataset = {
          sha256: summary.sha256,
          source: job.kind === 'load' ? { kind: 'file', request: (job as JobInfo<'load'>).params } : { kind: 'synthetic', spec: (job as JobInfo<'synthesize'>).params },
          summary: {
            name: summary.name,
            format: summary.format,
            rows: summary.rows,
            dims: summary.dims,
            sizeBytes: summary.sizeBytes,
            labelColumn: summary.labelColumn,
            idColumn: summary.idColumn,
            classNames: summary.classNames,
            classCounts: summary.classCounts,
          },
          addedAt: job.finishedAt ?? new Date().toISOString(),
        };
        c.document = { ...c.document, datasets: [...c.document.datasets, entry] };
      }
      c.checks = [
        ...c.checks.filter((x) => x.sha256 !== summary.sha256),
        {
          sha256: summary.sha256,
          name: summary.name,
          path: summary.path,
          status: summary.path === null ? 'generated' : 'ok',
          currentSha256: summary.sha256,
          message: summary.path === null ? 'generated in this session' : 'loaded in this session',
        },
      ];
      await this.record({
        action: `job.${job.kind}`,
        params: {
          summary: `${job.kind === 'load' ? `Opened ${summary.name}` : `Generated ${summary.name}`}: ${summary.rows.toLocaleString('en-US')} rows × ${summary.dims}, ${summary.classNames.length} classes${earlier ? ` — DIFFERS from the copy the case recorded on ${earlier.addedAt} (SHA-256 ${earlier.sha256.slice(0, 12)}…)` : ''}`,
          job: jobRef,
        },
        inputs: [{ name: summary.path ?? summary.name, sha256: summary.sha256 }],
        outputs: [],
      });
      return;
    }
    const datasetSha256 = subject?.sha256 ?? NO_DATASET;
    const stored = await writeResult(this.options.pool, c.folder, datasetSha256, job.kind, params, result);
    const outputs: HashRef[] = [{ name: stored.file, sha256: stored.sha256 }];
    if (job.kind === 'export') {
      const written = result as CleanedExport;
      outputs.push({ name: written.path, sha256: written.sha256 });
    }
    const title = caseJobTitle(job, subject);
    await this.record({
      action: `job.${job.kind}`,
      params: { summary: `${title}${resultNote(job.kind, result)}`, job: jobRef, stored: { key: stored.key, file: stored.file, sha256: stored.sha256, title } },
      inputs,
      outputs,
    });
    if (job.kind === 'monitor') await this.recordAlerts((result as MonitorResult).alerts, { label: title, resultKey: stored.key, path: stored.file, sha256: stored.sha256 });
  }

  /**
   * Monitoring alerts as timeline entries of their own (issue #8: "alerts become timeline entries"), one per
   * snapshot that raised any, each pointing at the stored monitoring result as its evidence.
   */
  private async recordAlerts(alerts: MonitorAlert[], evidence: { label: string; resultKey: string; path: string; sha256: string }): Promise<void> {
    const bySnapshot = new Map<number, MonitorAlert[]>();
    for (const alert of alerts) bySnapshot.set(alert.snapshotIndex, [...(bySnapshot.get(alert.snapshotIndex) ?? []), alert]);
    for (const [, raised] of [...bySnapshot].sort(([a], [b]) => a - b)) {
      const shown = raised.slice(0, 5).map((a) => a.message).join('; ');
      const more = raised.length > 5 ? `; and ${raised.length - 5} more` : '';
      await this.record({
        action: 'monitor.alert',
        params: { summary: `Monitoring alert${raised.length === 1 ? '' : 's'} on snapshot ${raised[0].snapshot}: ${shown}${more}`, alerts: raised, evidence },
        inputs: [{ name: evidence.path, sha256: evidence.sha256 }],
        outputs: [],
      });
    }
  }

  /** Appends an audit entry, adds its timeline line, and saves the case file. */
  private async record(draft: Omit<AuditDraft, 'time' | 'actor'>): Promise<AuditEntry> {
    const c = this.need();
    const entry = await c.log.append({ ...draft, time: new Date().toISOString(), actor: c.document.analyst || userInfo().username });
    this.apply(entry);
    // A broken log stays broken: the case file keeps the length and head it recorded before the break was
    // found, so no later save can make a cut-off or rewritten log verify again.
    if (c.audit.ok) {
      c.audit = { ...c.audit, verified: entry.seq, lines: entry.seq, head: entry.hash };
      c.document = { ...c.document, updatedAt: entry.time, audit: { entries: entry.seq, head: entry.hash } };
    } else {
      c.audit = { ...c.audit, lines: c.audit.lines + 1 };
      c.document = { ...c.document, updatedAt: entry.time };
    }
    await saveCaseFile(c.folder, c.document);
    return entry;
  }

  /** What an audit entry changes in the case document besides the section edits: the timeline and results index. */
  private apply(entry: AuditEntry): void {
    const c = this.need();
    const p = (entry.params ?? {}) as {
      summary?: string;
      stored?: { key: string; file: string; sha256: string; title: string };
      job?: { kind: string; params: unknown };
      /** Evidence an entry points at without producing it (a monitoring alert's stored result). */
      evidence?: { label: string; resultKey: string; path: string; sha256: string };
    };
    let results = c.document.results;
    if (p.stored && p.job) {
      const [datasetSha256, kind, paramsHash] = p.stored.key.split('/');
      const stored: StoredResult = { ...p.stored, datasetSha256, kind, paramsHash, params: p.job.params, createdAt: entry.time, auditSeq: entry.seq };
      results = [...results.filter((r) => r.key !== stored.key), stored];
    }
    let timeline = c.document.timeline;
    if (!OFF_TIMELINE.has(entry.action)) {
      const line: TimelineEntry = {
        time: entry.time,
        auditSeq: entry.seq,
        actor: entry.actor,
        action: entry.action,
        summary: p.summary ?? entry.action,
        evidence: [
          ...(p.stored ? [{ label: p.stored.title, resultKey: p.stored.key, path: p.stored.file, sha256: p.stored.sha256 }] : []),
          ...(p.evidence ? [p.evidence] : []),
          ...entry.outputs.filter((o) => o.name !== p.stored?.file).map((o) => ({ label: o.name, path: o.name, sha256: o.sha256 })),
        ],
        phase: currentPhase(c.document.incident),
      };
      timeline = [...timeline, line];
    }
    c.document = { ...c.document, results, timeline };
  }

  /** Entries the log has and the case file missed (the app stopped between the two writes). */
  private reconcile(entries: AuditEntry[]): void {
    const c = this.need();
    for (const entry of entries) this.apply(entry);
    const last = entries[entries.length - 1];
    c.document = { ...c.document, audit: { entries: last.seq, head: last.hash } };
    c.problems.push({ path: AUDIT_FILE, message: `${entries.length === 1 ? '1 entry' : `${entries.length} entries`} newer than the case file (the app stopped before saving it) ${entries.length === 1 ? 'was' : 'were'} restored to the timeline`, action: 'kept' });
  }

  private async checkDatasets(datasets: CaseDataset[]): Promise<CaseDatasetCheck[]> {
    const checks: CaseDatasetCheck[] = [];
    for (const d of datasets) {
      const base = { sha256: d.sha256, name: d.summary.name };
      if (d.source.kind === 'synthetic') {
        checks.push({ ...base, path: null, status: 'generated', currentSha256: null, message: 'generated data: regenerated from its seed when opened' });
        continue;
      }
      const path = d.source.request.path;
      try {
        await stat(path);
      } catch {
        checks.push({ ...base, path, status: 'missing', currentSha256: null, message: `${path} is not there any more` });
        continue;
      }
      try {
        const current = await this.options.pool.run<string>('case-io', 'hashFile', { path });
        checks.push(
          current === d.sha256
            ? { ...base, path, status: 'ok', currentSha256: current, message: 'same bytes as when added' }
            : {
                ...base,
                path,
                status: 'changed',
                currentSha256: current,
                message: `${path} changed on disk since it was added (SHA-256 now ${current.slice(0, 12)}…, recorded ${d.sha256.slice(0, 12)}…): its stored results are not used for the new contents`,
              },
        );
      } catch (error) {
        checks.push({ ...base, path, status: 'unreadable', currentSha256: null, message: `${path} cannot be read (${error instanceof Error ? error.message : String(error)})` });
      }
    }
    return checks;
  }

  /** Reads and verifies the audit log on the worker pool (a long log takes seconds to hash). */
  private verifyLog(path: string, expected: { entries: number; head: string }): Promise<AuditVerification> {
    return this.options.pool.run<AuditVerification>('case-io', 'verifyAudit', { path, expected });
  }

  private async touchRecent(): Promise<void> {
    const c = this.need();
    try {
      await this.recent.touch({ folder: c.folder, name: c.document.name, openedAt: new Date().toISOString() });
    } catch (error) {
      c.problems.push({ path: 'recent cases', message: `the recent-cases list could not be written (${error instanceof Error ? error.message : String(error)})`, action: 'kept' });
    }
  }

  private need(): OpenCase {
    if (!this.current) throw new HostError('bad-request', 'no case is open: create or open one first');
    return this.current;
  }
}

/** What a new entry chains to in a log that does not verify: its last line's hash when readable, else the last verified head. */
async function lastLine(path: string, lines: number, head: string): Promise<{ seq: number; hash: string } | null> {
  if (lines === 0) return null;
  const text = await readFile(path, 'utf8');
  const line = text.trimEnd().split('\n').at(-1) ?? '';
  try {
    const hash = (JSON.parse(line) as { hash?: unknown }).hash;
    return { seq: lines, hash: typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash) ? hash : head };
  } catch {
    return { seq: lines, hash: head };
  }
}

function validateSection<S extends CaseSection>(section: S, value: CaseSectionValue[S]): CaseSectionValue[S] {
  switch (section) {
    case 'quarantine': {
      const sets = value as CaseSectionValue['quarantine'];
      return sets.map((set, i) => {
        const read = readQuarantineSet(set);
        if (typeof read === 'string') throw new HostError('bad-request', `quarantine[${i}]: ${read}`);
        return read;
      }) as CaseSectionValue[S];
    }
    case 'incident': {
      const read = readIncident(value);
      if (typeof read === 'string') throw new HostError('bad-request', read);
      return read as CaseSectionValue[S];
    }
    case 'worksheets': {
      return (value as unknown[]).map((sheet, i) => {
        const read = readWorksheet(sheet);
        if (typeof read === 'string') throw new HostError('bad-request', `worksheets[${i}]: ${read}`);
        return read.worksheet;
      }) as CaseSectionValue[S];
    }
    case 'notes':
      return value;
  }
  throw new HostError('bad-request', `unknown case section '${String(section)}'`);
}

function sectionSummary(section: CaseSection, before: unknown, after: unknown): string {
  if (section === 'quarantine') {
    const old = new Map((before as CaseSectionValue['quarantine']).map((q) => [q.id, q]));
    const now = after as CaseSectionValue['quarantine'];
    const added = now.filter((q) => !old.has(q.id));
    const removed = [...old.values()].filter((q) => !now.some((n) => n.id === q.id));
    const parts = [
      ...added.map((q) => `quarantined ${q.rows.length} row${q.rows.length === 1 ? '' : 's'} of ${q.datasetName} as '${q.name}'`),
      ...removed.map((q) => `released the set '${q.name}' (${q.rows.length} rows)`),
    ];
    return parts.length ? parts.join('; ').replace(/^./, (ch) => ch.toUpperCase()) : `Edited quarantine sets (${now.length} sets)`;
  }
  if (section === 'incident') {
    const a = before as CaseSectionValue['incident'];
    const b = after as CaseSectionValue['incident'];
    const parts: string[] = [];
    if (a.declared !== b.declared) parts.push(b.declared ? 'declared an incident' : 'withdrew the incident');
    for (const phase of b.phases) {
      const old = a.phases.find((p) => p.phase === phase.phase);
      if (!old) continue;
      const title = PHASE_TITLES[phase.phase];
      if (old.status !== phase.status) parts.push(`${title}: ${phase.status.replace('-', ' ')}${phase.owner ? ` (owner ${phase.owner})` : ''}`);
      else if (old.owner !== phase.owner) parts.push(`${title}: owner ${phase.owner || 'none'}`);
      else if (canonicalJson(old) !== canonicalJson(phase)) parts.push(`${title}: edited`);
    }
    if (a.reference !== b.reference || a.severity !== b.severity) parts.push(`incident ${b.reference || '(no reference)'}, severity ${b.severity ?? 'unset'}`);
    return parts.length ? parts.join('; ').replace(/^./, (ch) => ch.toUpperCase()) : 'Edited the incident';
  }
  return section === 'notes' ? 'Edited the notes' : `Edited the worksheets (${(after as unknown[]).length})`;
}

/** The shared job title, naming the dataset a job ran on (opening one names it already). */
function caseJobTitle(job: JobInfo, subject: DatasetSummary | null): string {
  const title = jobTitle(job);
  return subject && job.kind !== 'load' && job.kind !== 'synthesize' ? `${title} — ${subject.name}` : title;
}

function resultNote(kind: string, result: unknown): string {
  if (kind === 'scan') {
    const scan = result as ScanResult;
    let flagged = 0;
    for (const bits of scan.agreement) if (bits) flagged++;
    const rule = scan.flag.mode === 'fdr' ? `FDR q=${scan.flag.q}` : scan.flag.mode === 'budget' ? `budget ε=${scan.flag.epsilon}` : "detectors' own rules";
    return ` — ${flagged.toLocaleString('en-US')} row${flagged === 1 ? '' : 's'} flagged by at least one detector (${rule})`;
  }
  if (kind === 'export') {
    const e = result as CleanedExport;
    return ` — ${e.rowsWritten.toLocaleString('en-US')} rows written, ${e.rowsExcluded.toLocaleString('en-US')} left out`;
  }
  return '';
}
