/**
 * The case document: what `case.json` in a case folder holds (DESIGN.md "Case folder"). A case references its
 * datasets by path and SHA-256, indexes the job results stored beside it in results/, and keeps the analyst's
 * quarantine sets, threat-model worksheets, incident workflow, timeline and notes.
 *
 * The document is versioned the way tldraw versions its saved documents: `parseCase` takes any older version,
 * migrates it step by step to CASE_VERSION, and validates every section on its own, so a hand-edited or
 * damaged file opens with what could be kept and a list naming each field that was wrong and what was done
 * about it. Frozen fixtures of old versions live in test/fixtures/case-v1/.
 *
 * Pure: no Node, no DOM. The host reads and writes the file (electron/host/cases.ts).
 */
import type { SyntheticSpec } from './dataset.ts';
import type { LoadRequest } from './ingest.ts';
import { parseWorksheet, type Worksheet } from './worksheet.ts';

export const CASE_FORMAT = 'assay-case';
/** v1: datasets as {path, sha256, labelColumn, idColumn}, no incident, no worksheets. v2: this file's types. */
export const CASE_VERSION = 2;
export const CASE_FILE = 'case.json';
export const AUDIT_FILE = 'audit.jsonl';
export const RESULTS_DIR = 'results';
export const REPORTS_DIR = 'reports';

/** Where a case's dataset comes from, so that opening the case can load it again. */
export type CaseDatasetSource = { kind: 'file'; request: LoadRequest } | { kind: 'synthetic'; spec: SyntheticSpec };

/** What the case remembers of a dataset's shape (the DatasetSummary without the session's handle). */
export interface CaseDatasetSummary {
  name: string;
  format: string;
  rows: number;
  dims: number;
  sizeBytes: number;
  labelColumn: string | null;
  idColumn: string | null;
  classNames: string[];
  classCounts: number[];
}

export interface CaseDataset {
  /** SHA-256 of the file's bytes (or of generated data) when it was added: the key results are stored under. */
  sha256: string;
  source: CaseDatasetSource;
  summary: CaseDatasetSummary;
  addedAt: string;
}

/** One stored job result: `key` = dataset SHA-256 + job kind + SHA-256 of the canonical JSON of its parameters. */
export interface StoredResult {
  key: string;
  datasetSha256: string;
  kind: string;
  paramsHash: string;
  /** The job's parameters with session handles (dataset ids) replaced by dataset SHA-256s. */
  params: unknown;
  /** Path inside the case folder, e.g. results/ab12…-scan-cd34….wire. */
  file: string;
  /** SHA-256 of that file's bytes. */
  sha256: string;
  createdAt: string;
  /** The audit entry that recorded the job. */
  auditSeq: number;
  /** One line for lists: "Scan: 9 detectors", "Open train.csv". */
  title: string;
}

/** A quarantine set as saved: plain arrays, one entry per row; non-finite scores are saved as null. */
export interface CaseQuarantineReason {
  detector: string;
  title: string;
  flagNote: string;
  flagged: number[];
  scores: (number | null)[];
  pValues: (number | null)[] | null;
}

export interface CaseQuarantineSet {
  id: string;
  name: string;
  origin: string;
  createdAt: string;
  datasetName: string;
  datasetSha256: string;
  rows: number[];
  labels: string[];
  reasons: CaseQuarantineReason[];
}

/** The incident phases of NIST SP 800-61r2 §3 (detection & analysis split, as data-incident reports do). */
export const INCIDENT_PHASES = ['detection', 'containment', 'analysis', 'remediation', 'recovery', 'lessons-learned'] as const;
export type IncidentPhaseName = (typeof INCIDENT_PHASES)[number];
export const PHASE_TITLES: Record<IncidentPhaseName, string> = {
  detection: 'Detection',
  containment: 'Containment',
  analysis: 'Analysis',
  remediation: 'Remediation',
  recovery: 'Recovery',
  'lessons-learned': 'Lessons learned',
};
export const PHASE_STATUSES = ['not-started', 'in-progress', 'done', 'not-applicable'] as const;
export type PhaseStatus = (typeof PHASE_STATUSES)[number];

export interface IncidentPhase {
  phase: IncidentPhaseName;
  owner: string;
  status: PhaseStatus;
  /** ISO dates (yyyy-mm-dd) or null. */
  started: string | null;
  completed: string | null;
  notes: string;
}

export interface Incident {
  /** Whether this case is run as an incident (the phases apply). */
  declared: boolean;
  /** The organisation's incident id, free text. */
  reference: string;
  severity: 'low' | 'medium' | 'high' | 'critical' | null;
  phases: IncidentPhase[];
}

/** One line on the case timeline; `auditSeq` links it to its audit entry, `evidence` to what it produced. */
export interface TimelineEntry {
  time: string;
  auditSeq: number;
  actor: string;
  action: string;
  summary: string;
  /** Stored results (their keys) and files (paths with SHA-256) this entry produced or used. */
  evidence: { label: string; resultKey?: string; path?: string; sha256?: string }[];
  /** The incident phase that was in progress when it happened, if any. */
  phase: IncidentPhaseName | null;
}

export interface CaseDocument {
  format: typeof CASE_FORMAT;
  version: typeof CASE_VERSION;
  id: string;
  name: string;
  analyst: string;
  createdAt: string;
  updatedAt: string;
  datasets: CaseDataset[];
  results: StoredResult[];
  quarantine: CaseQuarantineSet[];
  /** Threat-model worksheets (shared/domain/worksheet.ts), current version. */
  worksheets: Worksheet[];
  incident: Incident;
  timeline: TimelineEntry[];
  notes: string;
  /** The audit log's length and head hash when this file was written, so a truncated log is caught. */
  audit: { entries: number; head: string };
}

/** The sections the analyst edits, each replaced whole (and each replacement audited). */
export type CaseSection = 'quarantine' | 'worksheets' | 'incident' | 'notes';
export type CaseSectionValue = {
  quarantine: CaseQuarantineSet[];
  worksheets: Worksheet[];
  incident: Incident;
  notes: string;
};

/** Something in a case file that was wrong, where (a JSON path such as `datasets[2].sha256`), and what was done. */
export interface CaseProblem {
  path: string;
  message: string;
  /** dropped: the entry was left out; defaulted: the field took its default; kept: noted, nothing changed. */
  action: 'dropped' | 'defaulted' | 'kept';
}

export type CaseParseResult =
  | { ok: true; document: CaseDocument; migratedFrom: number | null; problems: CaseProblem[] }
  | { ok: false; message: string };

export const GENESIS_HASH = '0'.repeat(64);

/** Where an audit log stops verifying. */
export interface AuditBreak {
  /** 1-based line of the log file. */
  line: number;
  /** The entry's seq, when known. */
  seq: number | null;
  reason: string;
}

/** The result of verifying a case's audit log (shared/engine/audit-chain.ts verifyChain). */
export interface AuditStatus {
  ok: boolean;
  /** Entries that verified, from the first. */
  verified: number;
  /** Lines in the log. */
  lines: number;
  /** Hash of the last verified entry (GENESIS_HASH when none). */
  head: string;
  /** The first entry that does not verify, or null. */
  firstBad: AuditBreak | null;
}

/** A referenced dataset as checked when the case was opened: does the file still hash to what the case recorded? */
export interface CaseDatasetCheck {
  sha256: string;
  name: string;
  /** The file, or null for generated data. */
  path: string | null;
  /** ok: same bytes; changed: the file hashes differently (its stored results are not used); missing/unreadable: cannot be checked. */
  status: 'ok' | 'changed' | 'missing' | 'unreadable' | 'generated';
  currentSha256: string | null;
  message: string;
}

/** What the host tells the UI about the open case. */
export interface CaseView {
  folder: string;
  document: CaseDocument;
  datasets: CaseDatasetCheck[];
  audit: AuditStatus;
  /** What was wrong with the case file when it was opened, and what was done about it. */
  problems: CaseProblem[];
  /** The version the file was migrated from, or null. */
  migratedFrom: number | null;
}

export interface RecentCase {
  folder: string;
  name: string;
  openedAt: string;
}


export function emptyIncident(): Incident {
  return {
    declared: false,
    reference: '',
    severity: null,
    phases: INCIDENT_PHASES.map((phase) => ({ phase, owner: '', status: 'not-started', started: null, completed: null, notes: '' })),
  };
}

export function newCaseDocument(fields: { id: string; name: string; analyst: string; now: string }): CaseDocument {
  return {
    format: CASE_FORMAT,
    version: CASE_VERSION,
    id: fields.id,
    name: fields.name,
    analyst: fields.analyst,
    createdAt: fields.now,
    updatedAt: fields.now,
    datasets: [],
    results: [],
    quarantine: [],
    worksheets: [],
    incident: emptyIncident(),
    timeline: [],
    notes: '',
    audit: { entries: 0, head: GENESIS_HASH },
  };
}

/** The phase in progress (the last one marked in progress), or null: timeline entries are filed under it. */
export function currentPhase(incident: Incident): IncidentPhaseName | null {
  if (!incident.declared) return null;
  const open = incident.phases.filter((p) => p.status === 'in-progress');
  return open.length ? open[open.length - 1].phase : null;
}

// ---------------------------------------------------------------------------------------------------------
// Parsing and migration

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const SHA256 = /^[0-9a-f]{64}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Line and column (1-based) of character `position` of `text`. */
function lineColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

/** JSON.parse with a message naming the file, line and column of a syntax error. */
export function parseJsonText(text: string, file: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    // V8 says "… at position N" or "… (line L column C)"; an empty or cut-off file says "Unexpected end of JSON input".
    const position = /position (\d+)/.exec(raw);
    const lc = /line (\d+) column (\d+)/.exec(raw);
    const where = lc
      ? { line: Number(lc[1]), column: Number(lc[2]) }
      : position
        ? lineColumn(text, Number(position[1]))
        : lineColumn(text, text.length);
    const reason = raw.replace(/\s*(?:in JSON )?at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)$/, '');
    return { ok: false, message: `${file}, line ${where.line}, column ${where.column}: not valid JSON (${reason})` };
  }
}

/** Collects problems while reading one document; each reader returns a valid value or a default. */
class Reader {
  readonly problems: CaseProblem[] = [];

  note(path: string, message: string, action: CaseProblem['action']): void {
    this.problems.push({ path, message, action });
  }

  string(o: Json, key: string, path: string, fallback: string, options: { required?: boolean } = {}): string {
    const v = o[key];
    if (typeof v === 'string') return v;
    if (v === undefined && !options.required) return fallback;
    this.note(`${path}${key}`, v === undefined ? 'is missing' : `should be text, is ${describe(v)}`, 'defaulted');
    return fallback;
  }

  nullableString(o: Json, key: string, path: string, pattern?: RegExp): string | null {
    const v = o[key];
    if (v === null || v === undefined) return null;
    if (typeof v === 'string' && (!pattern || pattern.test(v))) return v;
    this.note(`${path}${key}`, `should be ${pattern ? 'a date yyyy-mm-dd' : 'text'} or null, is ${describe(v)}`, 'defaulted');
    return null;
  }

  /** Reads an array whose entries are each validated by `item`; bad entries are dropped and noted. */
  array<T>(o: Json, key: string, path: string, item: (value: unknown, at: string) => T | string): T[] {
    const v = o[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      this.note(`${path}${key}`, `should be a list, is ${describe(v)}; the section is empty`, 'defaulted');
      return [];
    }
    const out: T[] = [];
    v.forEach((entry, i) => {
      const at = `${path}${key}[${i}]`;
      const read = item(entry, at);
      if (typeof read === 'string') this.note(at, read, 'dropped');
      else out.push(read);
    });
    return out;
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the text "${v.length > 40 ? v.slice(0, 40) + '…' : v}"`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isNumberOrNull = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v));

function readLoadRequest(v: unknown): LoadRequest | string {
  if (!isObject(v)) return 'the load request should be an object';
  if (typeof v.path !== 'string' || v.path === '') return "the load request has no 'path'";
  const r = v.roles;
  if (!isObject(r)) return "the load request has no 'roles'";
  const nullableText = (x: unknown) => x === null || typeof x === 'string';
  if (!nullableText(r.label) || !nullableText(r.id) || !nullableText(r.group)) return 'roles.label, roles.id and roles.group should each be a column name or null';
  if (!(r.features === null || isStringArray(r.features))) return 'roles.features should be a list of column names or null';
  if (!isStringArray(r.text)) return 'roles.text should be a list of column names';
  if (v.badRows !== 'stop' && v.badRows !== 'skip') return "badRows should be 'stop' or 'skip'";
  const request: LoadRequest = {
    path: v.path,
    roles: { label: r.label as string | null, id: r.id as string | null, features: r.features as string[] | null, text: r.text, group: r.group as string | null },
    badRows: v.badRows,
  };
  if (v.labelsPath !== undefined) {
    if (typeof v.labelsPath !== 'string') return 'labelsPath should be a path';
    request.labelsPath = v.labelsPath;
  }
  if (v.joinBy !== undefined) {
    if (v.joinBy !== 'row' && v.joinBy !== 'id') return "joinBy should be 'row' or 'id'";
    request.joinBy = v.joinBy;
  }
  return request;
}

function readSummary(v: unknown): CaseDatasetSummary | string {
  if (!isObject(v)) return 'summary should be an object';
  if (typeof v.name !== 'string' || typeof v.format !== 'string') return 'summary.name and summary.format should be text';
  if (!isCount(v.rows) || !isCount(v.dims) || !isCount(v.sizeBytes)) return 'summary.rows, summary.dims and summary.sizeBytes should be whole numbers ≥ 0';
  if (!isStringArray(v.classNames) || !Array.isArray(v.classCounts) || !v.classCounts.every(isCount) || v.classCounts.length !== v.classNames.length) {
    return 'summary.classNames and summary.classCounts should be lists of the same length';
  }
  const col = (x: unknown) => (typeof x === 'string' ? x : null);
  return {
    name: v.name,
    format: v.format,
    rows: v.rows,
    dims: v.dims,
    sizeBytes: v.sizeBytes,
    labelColumn: col(v.labelColumn),
    idColumn: col(v.idColumn),
    classNames: v.classNames,
    classCounts: v.classCounts as number[],
  };
}

function readDataset(v: unknown): CaseDataset | string {
  if (!isObject(v)) return 'a dataset entry should be an object';
  if (typeof v.sha256 !== 'string' || !SHA256.test(v.sha256)) return `sha256 should be 64 hex digits, is ${describe(v.sha256)}: without it the dataset cannot be checked`;
  const s = v.source;
  let source: CaseDatasetSource;
  if (isObject(s) && s.kind === 'file') {
    const request = readLoadRequest(s.request);
    if (typeof request === 'string') return request;
    source = { kind: 'file', request };
  } else if (isObject(s) && s.kind === 'synthetic' && isObject(s.spec)) {
    const spec = s.spec;
    const keys = ['rows', 'dims', 'classes', 'poisonFraction', 'seed'] as const;
    if (!keys.every((k) => typeof spec[k] === 'number' && Number.isFinite(spec[k]))) return 'source.spec should hold rows, dims, classes, poisonFraction and seed';
    source = { kind: 'synthetic', spec: Object.fromEntries(keys.map((k) => [k, spec[k]])) as unknown as SyntheticSpec };
  } else {
    return "source should be {kind: 'file', request} or {kind: 'synthetic', spec}";
  }
  const summary = readSummary(v.summary);
  if (typeof summary === 'string') return summary;
  return { sha256: v.sha256, source, summary, addedAt: typeof v.addedAt === 'string' ? v.addedAt : '' };
}

const RESULT_FILE = /^results\/[A-Za-z0-9._-]+$/;

function readResult(v: unknown): StoredResult | string {
  if (!isObject(v)) return 'a stored result should be an object';
  if (typeof v.datasetSha256 !== 'string' || !SHA256.test(v.datasetSha256)) return 'datasetSha256 should be 64 hex digits';
  if (typeof v.kind !== 'string' || v.kind === '') return 'kind should be a job kind';
  if (typeof v.paramsHash !== 'string' || !SHA256.test(v.paramsHash)) return 'paramsHash should be 64 hex digits';
  if (v.key !== resultKey(v.datasetSha256, v.kind, v.paramsHash)) return 'key does not match datasetSha256/kind/paramsHash';
  if (typeof v.file !== 'string' || !RESULT_FILE.test(v.file)) return `file should be a file name under results/, is ${describe(v.file)}`;
  if (typeof v.sha256 !== 'string' || !SHA256.test(v.sha256)) return 'sha256 (of the stored file) should be 64 hex digits';
  if (!isCount(v.auditSeq)) return 'auditSeq should be a whole number';
  return {
    key: v.key,
    datasetSha256: v.datasetSha256,
    kind: v.kind,
    paramsHash: v.paramsHash,
    params: v.params ?? null,
    file: v.file,
    sha256: v.sha256,
    createdAt: typeof v.createdAt === 'string' ? v.createdAt : '',
    auditSeq: v.auditSeq,
    title: typeof v.title === 'string' ? v.title : v.kind,
  };
}

/** Validates one quarantine set (also what `updateCase` gets from the renderer). */
export function readQuarantineSet(v: unknown): CaseQuarantineSet | string {
  if (!isObject(v)) return 'a quarantine set should be an object';
  for (const key of ['id', 'name', 'origin', 'createdAt', 'datasetName'] as const) {
    if (typeof v[key] !== 'string') return `${key} should be text`;
  }
  if (typeof v.datasetSha256 !== 'string' || !SHA256.test(v.datasetSha256)) return 'datasetSha256 should be 64 hex digits';
  if (!Array.isArray(v.rows) || !v.rows.every(isCount)) return 'rows should be a list of row numbers (whole numbers ≥ 0)';
  const n = v.rows.length;
  if (!isStringArray(v.labels) || v.labels.length !== n) return `labels should be a list of ${n} class names, one per row`;
  if (!Array.isArray(v.reasons)) return 'reasons should be a list';
  const reasons: CaseQuarantineReason[] = [];
  for (const [i, r] of v.reasons.entries()) {
    if (!isObject(r) || typeof r.detector !== 'string' || typeof r.title !== 'string' || typeof r.flagNote !== 'string') return `reasons[${i}] should have detector, title and flagNote`;
    if (!Array.isArray(r.flagged) || r.flagged.length !== n || !r.flagged.every((x) => x === 0 || x === 1)) return `reasons[${i}].flagged should be ${n} values 0 or 1`;
    if (!Array.isArray(r.scores) || r.scores.length !== n || !r.scores.every(isNumberOrNull)) return `reasons[${i}].scores should be ${n} numbers (or null)`;
    if (!(r.pValues === null || (Array.isArray(r.pValues) && r.pValues.length === n && r.pValues.every(isNumberOrNull)))) return `reasons[${i}].pValues should be null or ${n} numbers`;
    reasons.push({ detector: r.detector, title: r.title, flagNote: r.flagNote, flagged: r.flagged as number[], scores: r.scores as (number | null)[], pValues: r.pValues as (number | null)[] | null });
  }
  return {
    id: v.id as string,
    name: v.name as string,
    origin: v.origin as string,
    createdAt: v.createdAt as string,
    datasetName: v.datasetName as string,
    datasetSha256: v.datasetSha256,
    rows: v.rows as number[],
    labels: v.labels,
    reasons,
  };
}

/** Validates the incident section; fields that are wrong take their defaults and are reported through `reader`. */
function readIncidentWith(reader: Reader, v: unknown, path: string): Incident {
  const out = emptyIncident();
  if (v === undefined) return out;
  if (!isObject(v)) {
    reader.note(path.replace(/\.$/, ''), `should be an object, is ${describe(v)}; the incident starts empty`, 'defaulted');
    return out;
  }
  if (v.declared !== undefined) {
    if (typeof v.declared === 'boolean') out.declared = v.declared;
    else reader.note(`${path}declared`, `should be true or false, is ${describe(v.declared)}`, 'defaulted');
  }
  out.reference = reader.string(v, 'reference', path, '');
  const severities = ['low', 'medium', 'high', 'critical'];
  if (v.severity !== undefined && v.severity !== null) {
    if (typeof v.severity === 'string' && severities.includes(v.severity)) out.severity = v.severity as Incident['severity'];
    else reader.note(`${path}severity`, `should be one of ${severities.join(', ')} or null, is ${describe(v.severity)}`, 'defaulted');
  }
  if (v.phases !== undefined && !Array.isArray(v.phases)) {
    reader.note(`${path}phases`, `should be a list, is ${describe(v.phases)}`, 'defaulted');
    return out;
  }
  const seen = new Set<string>();
  for (const [i, p] of ((v.phases as unknown[] | undefined) ?? []).entries()) {
    const at = `${path}phases[${i}].`;
    if (!isObject(p) || typeof p.phase !== 'string' || !(INCIDENT_PHASES as readonly string[]).includes(p.phase)) {
      reader.note(at.slice(0, -1), `is not one of the phases ${INCIDENT_PHASES.join(', ')}`, 'dropped');
      continue;
    }
    if (seen.has(p.phase)) {
      reader.note(at.slice(0, -1), `repeats the phase '${p.phase}'; the first one is kept`, 'dropped');
      continue;
    }
    seen.add(p.phase);
    const phase = out.phases.find((x) => x.phase === p.phase)!;
    phase.owner = reader.string(p, 'owner', at, '');
    if (p.status !== undefined) {
      if (typeof p.status === 'string' && (PHASE_STATUSES as readonly string[]).includes(p.status)) phase.status = p.status as PhaseStatus;
      else reader.note(`${at}status`, `should be one of ${PHASE_STATUSES.join(', ')}, is ${describe(p.status)}`, 'defaulted');
    }
    phase.started = reader.nullableString(p, 'started', at, DATE);
    phase.completed = reader.nullableString(p, 'completed', at, DATE);
    phase.notes = reader.string(p, 'notes', at, '');
  }
  return out;
}

/** Validates an incident section on its own (what `updateCase` gets): the value, or the first problem. */
export function readIncident(v: unknown): Incident | string {
  const reader = new Reader();
  const incident = readIncidentWith(reader, v, 'incident.');
  return reader.problems.length ? `${reader.problems[0].path} ${reader.problems[0].message}` : incident;
}

/** Validates (and migrates) one worksheet through the worksheet module's own reader. */
export function readWorksheet(v: unknown): { worksheet: Worksheet; warnings: string[] } | string {
  try {
    const parsed = parseWorksheet(v);
    return { worksheet: parsed.worksheet, warnings: parsed.warnings };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function readTimelineEntry(v: unknown): TimelineEntry | string {
  if (!isObject(v)) return 'a timeline entry should be an object';
  if (typeof v.time !== 'string' || typeof v.action !== 'string' || typeof v.summary !== 'string') return 'time, action and summary should be text';
  if (!isCount(v.auditSeq)) return 'auditSeq should be a whole number';
  const evidence = Array.isArray(v.evidence)
    ? v.evidence.filter(isObject).map((e) => ({
        label: typeof e.label === 'string' ? e.label : '',
        ...(typeof e.resultKey === 'string' ? { resultKey: e.resultKey } : {}),
        ...(typeof e.path === 'string' ? { path: e.path } : {}),
        ...(typeof e.sha256 === 'string' ? { sha256: e.sha256 } : {}),
      }))
    : [];
  const phase = typeof v.phase === 'string' && (INCIDENT_PHASES as readonly string[]).includes(v.phase) ? (v.phase as IncidentPhaseName) : null;
  return { time: v.time, auditSeq: v.auditSeq, actor: typeof v.actor === 'string' ? v.actor : '', action: v.action, summary: v.summary, evidence, phase };
}

/**
 * v1 → v2. v1 (Assay 0.1 drafts) kept datasets as {path, sha256, labelColumn, idColumn, name, rows, dims} with
 * results as a map key → file, and had no incident, worksheets or timeline.
 */
function migrateV1(doc: Json, reader: Reader): Json {
  const datasets = Array.isArray(doc.datasets)
    ? doc.datasets.map((d) => {
        if (!isObject(d)) return d;
        return {
          sha256: d.sha256,
          source: {
            kind: 'file',
            request: {
              path: d.path,
              roles: { label: d.labelColumn ?? null, id: d.idColumn ?? null, features: null, text: [], group: null },
              badRows: 'stop',
            },
          },
          summary: {
            name: d.name ?? (typeof d.path === 'string' ? d.path.split(/[\\/]/).pop() : ''),
            format: typeof d.path === 'string' ? (/\.(\w+)$/.exec(d.path)?.[1]?.toLowerCase() ?? 'csv') : 'csv',
            rows: d.rows,
            dims: d.dims,
            sizeBytes: d.sizeBytes ?? 0,
            labelColumn: d.labelColumn ?? null,
            idColumn: d.idColumn ?? null,
            classNames: d.classNames ?? [],
            classCounts: d.classCounts ?? [],
          },
          addedAt: d.addedAt ?? doc.created ?? '',
        };
      })
    : doc.datasets;
  // v1 stored results as {"<sha>/<kind>/<paramsHash>": "results/<file>"} without the file's hash: they cannot
  // be verified, so they are not carried over (the jobs can be run again).
  const oldResults = isObject(doc.results) ? Object.keys(doc.results).length : 0;
  if (oldResults) reader.note('results', `${oldResults} result(s) stored by version 1 carry no file hash and are not carried over; run those jobs again`, 'dropped');
  return {
    format: CASE_FORMAT,
    version: 2,
    id: doc.id,
    name: doc.name,
    analyst: doc.analyst,
    createdAt: doc.created,
    updatedAt: doc.updated,
    datasets,
    results: [],
    // v1 sets were {id, name, createdAt, datasetSha256, rows, labels}: no origin and no per-detector reasons.
    quarantine: Array.isArray(doc.quarantine)
      ? doc.quarantine.map((q) => {
          if (!isObject(q)) return q;
          const dataset = Array.isArray(doc.datasets) ? doc.datasets.find((d) => isObject(d) && d.sha256 === q.datasetSha256) : undefined;
          return { origin: 'saved by case version 1', datasetName: isObject(dataset) ? (dataset.name ?? '') : '', reasons: [], ...q };
        })
      : doc.quarantine,
    worksheets: [],
    incident: emptyIncident(),
    timeline: [],
    notes: doc.notes,
    audit: doc.audit,
  };
}

const MIGRATIONS: Record<number, (doc: Json, reader: Reader) => Json> = { 1: migrateV1 };

/**
 * Reads a case file's text: migrates older versions, validates every section, and returns the document with
 * every problem found (path, what was wrong, what was done), or a message naming why nothing could be read.
 * `file` names the file in messages; `fallbackId` stands in for a missing case id.
 */
export function parseCase(text: string, file: string, fallbackId: string): CaseParseResult {
  const json = parseJsonText(text, file);
  if (!json.ok) return json;
  let doc = json.value;
  if (!isObject(doc)) return { ok: false, message: `${file}: a case file holds one JSON object, this one holds ${describe(doc)}` };
  if (doc.format !== CASE_FORMAT) return { ok: false, message: `${file}: not an Assay case file ('format' is ${describe(doc.format)}, '${CASE_FORMAT}' expected)` };
  const version = doc.version;
  if (!isCount(version) || version < 1) return { ok: false, message: `${file}: 'version' is ${describe(version)}; a whole number from 1 to ${CASE_VERSION} expected` };
  if (version > CASE_VERSION) {
    return { ok: false, message: `${file}: written by a newer Assay (case version ${version}; this one reads up to ${CASE_VERSION}). Open it with that version.` };
  }
  const reader = new Reader();
  for (let v = version; v < CASE_VERSION; v++) doc = MIGRATIONS[v](doc as Json, reader);
  const o = doc as Json;

  const id = typeof o.id === 'string' && o.id !== '' ? o.id : (reader.note('id', 'is missing; the folder name stands in', 'defaulted'), fallbackId);
  const now = new Date(0).toISOString();
  const out: CaseDocument = {
    format: CASE_FORMAT,
    version: CASE_VERSION,
    id,
    name: reader.string(o, 'name', '', id, { required: true }),
    analyst: reader.string(o, 'analyst', '', ''),
    createdAt: reader.string(o, 'createdAt', '', now, { required: true }),
    updatedAt: reader.string(o, 'updatedAt', '', now),
    datasets: reader.array(o, 'datasets', '', readDataset),
    results: reader.array(o, 'results', '', readResult),
    quarantine: reader.array(o, 'quarantine', '', readQuarantineSet),
    worksheets: reader.array(o, 'worksheets', '', (w, at) => {
      const read = readWorksheet(w);
      if (typeof read === 'string') return read;
      for (const warning of read.warnings) reader.note(at, warning, 'kept');
      return read.worksheet;
    }),
    incident: readIncidentWith(reader, o.incident, 'incident.'),
    timeline: reader.array(o, 'timeline', '', readTimelineEntry),
    notes: reader.string(o, 'notes', '', ''),
    audit: { entries: 0, head: GENESIS_HASH },
  };
  const audit = o.audit;
  if (isObject(audit) && isCount(audit.entries) && typeof audit.head === 'string' && SHA256.test(audit.head)) {
    out.audit = { entries: audit.entries, head: audit.head };
  } else if (audit !== undefined) {
    reader.note('audit', 'should be {entries, head}; the audit log is checked without knowing its expected length', 'defaulted');
  }
  // Two results with one key: keep the newest (the later entry), which is what the results folder holds.
  const byKey = new Map<string, StoredResult>();
  out.results.forEach((r, i) => {
    if (byKey.has(r.key)) reader.note(`results[${i}]`, `repeats the key ${r.key}; the later entry is kept`, 'kept');
    byKey.set(r.key, r);
  });
  out.results = [...byKey.values()];
  return { ok: true, document: out, migratedFrom: version === CASE_VERSION ? null : version, problems: reader.problems };
}

/** The key a job result is stored under: dataset SHA-256 + job kind + SHA-256 of its parameters' canonical JSON. */
export function resultKey(datasetSha256: string, kind: string, paramsHash: string): string {
  return `${datasetSha256}/${kind}/${paramsHash}`;
}
