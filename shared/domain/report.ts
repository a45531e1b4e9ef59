/**
 * An investigation report: everything it shows, gathered once from the case (electron/host/report/
 * build-input.ts) into a ReportInput, then rendered by pure functions (shared/engine/report) as self-contained
 * HTML, JSON, CSV or SARIF. The JSON report is the ReportInput itself, versioned; its JSON Schema is
 * REPORT_JSON_SCHEMA (shared/engine/report/schema.ts), published with every JSON report as `$schema`.
 *
 * The contents follow what incident reports for data incidents carry (scope and evidence register with
 * hashes, chain of custody, timeline, findings mapped to MITRE ATLAS with confidence, remediation, methods
 * and tool versions) and what analysts expect from Evidently/Deepchecks reports: the verdict first.
 */

export const REPORT_VERSION = 1;
export const REPORT_SCHEMA_ID = 'urn:assay:schema:report:v1';
/** DSSE payload type of a signed report statement, and the in-toto predicate type inside it. */
export const REPORT_PREDICATE_TYPE = 'urn:assay:predicate:report:v1';

export const REPORT_SECTIONS = [
  'cover',
  'summary',
  'scope',
  'custody',
  'findings',
  'influence',
  'drift',
  'privacy',
  'threats',
  'atlas',
  'timeline',
  'recommendations',
  'methods',
] as const;
export type ReportSection = (typeof REPORT_SECTIONS)[number];

export const SECTION_TITLES: Record<ReportSection, string> = {
  cover: 'Cover',
  summary: 'Executive summary',
  scope: 'Scope and evidence register',
  custody: 'Chain of custody',
  findings: 'Findings per detector',
  influence: 'Influence',
  drift: 'Drift',
  privacy: 'Privacy',
  threats: 'Threat model',
  atlas: 'MITRE ATLAS mapping',
  timeline: 'Incident timeline',
  recommendations: 'Recommendations',
  methods: 'Methods',
};

export const REPORT_FORMATS = ['html', 'pdf', 'json', 'csv', 'sarif'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const FORMAT_EXTENSIONS: Record<ReportFormat, string> = { html: '.html', pdf: '.pdf', json: '.json', csv: '.csv', sarif: '.sarif' };

/** Is there evidence of poisoning? `evidence`: a class test rejected or rows were flagged at the FDR level. */
export type VerdictLevel = 'evidence' | 'no-evidence' | 'inconclusive';

export interface ReportVerdict {
  level: VerdictLevel;
  /** One sentence, verdict first. */
  headline: string;
  /** How sure, and on what that rests (the flag rule, the tests). */
  confidence: string;
  /** Where: the classes with evidence, strongest first. */
  where: {
    datasetName: string;
    className: string;
    rows: number;
    /** Rows flagged by at least one detector. */
    flagged: number;
    detectors: string[];
    /** Largest estimated contaminated fraction among the detectors (Storey), or null. */
    contamination: number | null;
    /** Smallest class-test p-value among the detectors, or null. */
    pValue: number | null;
  }[];
}

export interface EvidenceItem {
  item: string;
  kind: 'dataset' | 'result' | 'manifest' | 'audit-log' | 'file';
  path: string | null;
  sha256: string;
  sizeBytes: number | null;
  collectedBy: string;
  collectedAt: string;
  /** For datasets: whether the file still hashes to what the case recorded. */
  status: 'ok' | 'changed' | 'missing' | 'unreadable' | 'generated' | 'stored';
}

export interface CustodyRecord {
  auditEntries: number;
  /** The audit log's head hash: the report is bound to this state of the case. */
  auditHead: string;
  verified: boolean;
  verifiedEntries: number;
  firstBad: { line: number; seq: number | null; reason: string } | null;
  /** What was wrong with the case file when it was read, if anything. */
  caseProblems: string[];
}

export interface FlaggedRow {
  row: number;
  id: string | null;
  className: string;
  score: number;
  pValue: number | null;
}

export interface DetectorFinding {
  detector: string;
  title: string;
  datasetName: string;
  datasetSha256: string;
  /** The stored result the finding comes from (SHA-256 of its file in the case). */
  resultSha256: string;
  flagMode: 'budget' | 'fdr' | 'rule';
  flagNote: string;
  params: Record<string, number | string | boolean>;
  classes: {
    className: string;
    rows: number;
    flagged: number;
    contamination: number | null;
    pValue: number | null;
    verdict: 'suspicious' | 'clear' | 'untested';
  }[];
  /** Histogram of finite scores: `edges` has bins + 1 entries; flagged rows counted apart. */
  histogram: { edges: number[]; all: number[]; flagged: number[] };
  flaggedTotal: number;
  /** The flagged rows, highest score first, at most FLAGGED_ROWS_LISTED of them. */
  flaggedRows: FlaggedRow[];
  /** ATLAS technique ids this kind of finding points to. */
  atlas: string[];
  seconds: number;
}

export const FLAGGED_ROWS_LISTED = 500;

export interface QuarantineSummary {
  name: string;
  origin: string;
  datasetName: string;
  datasetSha256: string;
  createdAt: string;
  rows: { row: number; label: string; detectors: string[] }[];
}

/** A result of another analysis (influence, drift, privacy), as the report shows it. */
export interface ResultBlock {
  title: string;
  kind: string;
  datasetName: string;
  resultSha256: string;
  createdAt: string;
  summary: string[];
  table: { columns: string[]; rows: (string | number | null)[][] } | null;
  bars: { label: string; value: number }[] | null;
}

export interface ThreatSummary {
  worksheet: string;
  /** counts[l][i]: threats with likelihood bin l (0 = lowest) and impact bin i (0 = lowest), 5 × 5. */
  heat: number[][];
  threats: { title: string; probability: number; impact: number; inherent: number; residual: number; atlas: string[]; decision: string | null }[];
  inherentTotal: number;
  residualTotal: number;
  tolerance: number | null;
  accepted: { threat: string; decision: string; by: string; at: string; rationale: string }[];
}

export interface AtlasMapping {
  id: string;
  name: string;
  tactics: string[];
  /** What in this report supports it. */
  basis: string[];
  confidence: 'high' | 'medium' | 'low';
}

export interface TimelineItem {
  time: string;
  actor: string;
  action: string;
  summary: string;
  phase: string | null;
  evidence: { label: string; sha256: string | null }[];
}

export interface IncidentPhaseRow {
  phase: string;
  title: string;
  owner: string;
  status: string;
  started: string | null;
  completed: string | null;
  notes: string;
}

export interface MethodRun {
  title: string;
  kind: string;
  createdAt: string;
  datasetSha256: string;
  params: unknown;
  seed: number | null;
  resultSha256: string;
}

export interface ReportInput {
  reportVersion: typeof REPORT_VERSION;
  generatedAt: string;
  tool: { name: 'assay'; version: string };
  /** The sections shown, in order. */
  sections: ReportSection[];
  case: {
    id: string;
    name: string;
    analyst: string;
    createdAt: string;
    folder: string;
    incident: { declared: boolean; reference: string; severity: string | null };
    notes: string;
  };
  verdict: ReportVerdict;
  evidence: EvidenceItem[];
  custody: CustodyRecord;
  findings: DetectorFinding[];
  quarantine: QuarantineSummary[];
  influence: ResultBlock[];
  drift: ResultBlock[];
  privacy: ResultBlock[];
  threats: ThreatSummary[];
  atlas: AtlasMapping[];
  timeline: TimelineItem[];
  incident: IncidentPhaseRow[];
  recommendations: string[];
  methods: MethodRun[];
}

/** What the analyst chooses before a preview or an export. */
export interface ReportOptions {
  sections: ReportSection[];
  /** Analyst's name on the cover when it differs from the case's. */
  analyst?: string;
}

export interface ReportPreview {
  html: string;
  verdict: ReportVerdict;
  auditHead: string;
}

export interface ExportReportArgs extends ReportOptions {
  path: string;
  format: ReportFormat;
  /** An Ed25519 private key (PEM) to sign the report with: writes `<path>.dsse.json`; null: unsigned. */
  keyPath: string | null;
  overwrite: boolean;
}

export interface ReportExported {
  path: string;
  format: ReportFormat;
  bytes: number;
  sha256: string;
  auditHead: string;
  /** The detached signature written beside the report, or null. */
  signaturePath: string | null;
}
