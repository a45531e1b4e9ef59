/**
 * Gathers a ReportInput from a case: its datasets and their hash checks, the audit log's state, the stored
 * results (read back through the case's integrity check, so an altered result file is refused, not reported),
 * quarantine sets, worksheets, incident phases and timeline. Everything a report shows comes from here; the
 * renderers in shared/engine/report only lay it out.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AUDIT_FILE, PHASE_TITLES, type CaseView, type StoredResult } from '../../../shared/domain/case.ts';
import { DETECTORS } from '../../../shared/domain/detector-catalog.ts';
import type { DetectorName, DetectorRun, ScanResult } from '../../../shared/domain/detectors.ts';
import {
  FLAGGED_ROWS_LISTED,
  REPORT_VERSION,
  type AtlasMapping,
  type DetectorFinding,
  type EvidenceItem,
  type ReportInput,
  type ReportOptions,
  type ReportVerdict,
  type ResultBlock,
  type ThreatSummary,
} from '../../../shared/domain/report.ts';
import { BUILTIN_ATLAS } from '../../../shared/domain/atlas-catalog.ts';
import { parseWorksheet } from '../../../shared/domain/worksheet.ts';
import { scorePortfolio } from '../../../shared/engine/risk.ts';
import { readResult } from '../case/results.ts';
import { resultContent } from './result-blocks.ts';

/**
 * The ATLAS techniques each detector's flags point to (MITRE ATLAS 5.6.0): poisoned training data (T0020,
 * which also covers label flipping) for all; a backdoor trigger (T0043.004) for the sub-population detectors
 * built against backdoors; eroded dataset integrity (T0059) for duplicates.
 */
const DETECTOR_ATLAS: Record<DetectorName, string[]> = {
  spectral: ['AML.T0020', 'AML.T0043.004'],
  spectre: ['AML.T0020', 'AML.T0043.004'],
  'activation-clustering': ['AML.T0020', 'AML.T0043.004'],
  'knn-label': ['AML.T0020'],
  'knn-outlier': ['AML.T0020'],
  'label-issues': ['AML.T0020'],
  duplicates: ['AML.T0059'],
  sphere: ['AML.T0020'],
  slab: ['AML.T0020'],
};

const INFLUENCE_KINDS = new Set(['train', 'influence', 'selfInfluence', 'whatIf', 'certify']);
const DRIFT_KINDS = new Set(['drift', 'monitor']);
const PRIVACY_KINDS = new Set(['privacy']);
const HISTOGRAM_BINS = 30;

export interface BuildOptions extends ReportOptions {
  toolVersion: string;
  now?: Date;
  /** Row ids of a dataset by SHA-256, when it is open in this session; null otherwise. */
  idsOf?: (sha256: string) => Promise<string[] | null> | string[] | null;
  onProgress?: (fraction: number, stage: string) => void;
}

export async function buildReportInput(view: CaseView, options: BuildOptions): Promise<ReportInput> {
  const doc = view.document;
  const folder = view.folder;
  const nameOf = (sha: string) => doc.datasets.find((d) => d.sha256 === sha)?.summary.name ?? `dataset ${sha.slice(0, 12)}…`;
  const actorOf = (seq: number) => doc.timeline.find((t) => t.auditSeq === seq)?.actor ?? doc.analyst;

  // Stored results, oldest first; an unreadable or altered one is named in the custody section, not shown.
  const problems = view.problems.map((p) => `${p.path}: ${p.message} (${p.action})`);
  const stored: { entry: StoredResult; value: unknown }[] = [];
  const sorted = [...doc.results].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (let i = 0; i < sorted.length; i++) {
    options.onProgress?.((i / Math.max(1, sorted.length)) * 0.8, 'reading stored results');
    try {
      stored.push({ entry: sorted[i], value: await readResult(folder, sorted[i]) });
    } catch (error) {
      problems.push(`${sorted[i].file}: ${(error as Error).message}`);
    }
  }

  // The latest scan per dataset and detector.
  const latest = new Map<string, { entry: StoredResult; scan: ScanResult; run: DetectorRun }>();
  for (const { entry, value } of stored) {
    if (entry.kind !== 'scan') continue;
    const scan = value as ScanResult;
    for (const run of scan.runs) latest.set(`${entry.datasetSha256}/${run.detector}`, { entry, scan, run });
  }
  const findings: DetectorFinding[] = [];
  for (const { entry, scan, run } of latest.values()) {
    findings.push(finding(entry, scan, run, nameOf(entry.datasetSha256), (await options.idsOf?.(entry.datasetSha256)) ?? null));
  }

  const evidence: EvidenceItem[] = [
    ...doc.datasets.map((d): EvidenceItem => {
      const check = view.datasets.find((c) => c.sha256 === d.sha256);
      const adding = doc.timeline.find((t) => t.evidence.some((e) => e.sha256 === d.sha256));
      return {
        item: d.summary.name,
        kind: 'dataset',
        path: d.source.kind === 'file' ? d.source.request.path : null,
        sha256: d.sha256,
        sizeBytes: d.summary.sizeBytes,
        collectedBy: adding?.actor ?? doc.analyst,
        collectedAt: d.addedAt,
        status: check?.status ?? (d.source.kind === 'synthetic' ? 'generated' : 'unreadable'),
      };
    }),
    ...stored.map(({ entry }): EvidenceItem => ({
      item: entry.title,
      kind: 'result',
      path: join(folder, entry.file),
      sha256: entry.sha256,
      sizeBytes: null,
      collectedBy: actorOf(entry.auditSeq),
      collectedAt: entry.createdAt,
      status: 'stored',
    })),
  ];
  const auditLog = await fileDigest(join(folder, AUDIT_FILE));
  if (auditLog) evidence.push({ item: 'Audit log', kind: 'audit-log', path: join(folder, AUDIT_FILE), sha256: auditLog.sha256, sizeBytes: auditLog.size, collectedBy: doc.analyst, collectedAt: doc.updatedAt, status: 'stored' });

  const block = (entry: StoredResult, value: unknown): ResultBlock => ({
    title: entry.title,
    kind: entry.kind,
    datasetName: /^0+$/.test(entry.datasetSha256) ? '' : nameOf(entry.datasetSha256),
    resultSha256: entry.sha256,
    createdAt: entry.createdAt,
    ...resultContent(entry, value),
  });
  const blocksOf = (kinds: Set<string>) => stored.filter(({ entry }) => kinds.has(entry.kind)).map(({ entry, value }) => block(entry, value));

  const threats: ThreatSummary[] = [];
  doc.worksheets.forEach((raw, i) => {
    try {
      threats.push(threatSummary(raw));
    } catch (error) {
      problems.push(`worksheets[${i}]: ${(error as Error).message}; left out of the report`);
    }
  });

  options.onProgress?.(0.9, 'composing');
  const verdict = verdictOf(findings);
  const now = (options.now ?? new Date()).toISOString();
  return {
    reportVersion: REPORT_VERSION,
    generatedAt: now,
    tool: { name: 'assay', version: options.toolVersion },
    sections: options.sections,
    case: {
      id: doc.id,
      name: doc.name,
      analyst: options.analyst ?? doc.analyst,
      createdAt: doc.createdAt,
      folder,
      incident: { declared: doc.incident.declared, reference: doc.incident.reference, severity: doc.incident.severity },
      notes: doc.notes,
    },
    verdict,
    evidence,
    custody: {
      auditEntries: view.audit.lines,
      auditHead: view.audit.head,
      verified: view.audit.ok,
      verifiedEntries: view.audit.verified,
      firstBad: view.audit.firstBad,
      caseProblems: problems,
    },
    findings,
    quarantine: doc.quarantine.map((q) => ({
      name: q.name,
      origin: q.origin,
      datasetName: q.datasetName,
      datasetSha256: q.datasetSha256,
      createdAt: q.createdAt,
      rows: q.rows.map((row, i) => ({ row, label: q.labels[i], detectors: q.reasons.filter((r) => r.flagged[i] === 1).map((r) => r.detector) })),
    })),
    influence: blocksOf(INFLUENCE_KINDS),
    drift: blocksOf(DRIFT_KINDS),
    privacy: blocksOf(PRIVACY_KINDS),
    threats,
    atlas: atlasMapping(findings, threats),
    timeline: doc.timeline.map((t) => ({
      time: t.time,
      actor: t.actor,
      action: t.action,
      summary: t.summary,
      phase: t.phase,
      evidence: t.evidence.map((e) => ({ label: e.label || e.path || e.resultKey || '', sha256: e.sha256 && /^[0-9a-f]{64}$/.test(e.sha256) ? e.sha256 : null })),
    })),
    incident: doc.incident.declared
      ? doc.incident.phases.map((p) => ({ phase: p.phase, title: PHASE_TITLES[p.phase], owner: p.owner, status: p.status, started: p.started, completed: p.completed, notes: p.notes }))
      : [],
    recommendations: recommendations(verdict, findings, view, problems),
    methods: stored.map(({ entry }) => ({
      title: entry.title,
      kind: entry.kind,
      createdAt: entry.createdAt,
      datasetSha256: entry.datasetSha256,
      params: entry.params,
      seed: findSeed(entry.params),
      resultSha256: entry.sha256,
    })),
  };
}

function finding(entry: StoredResult, scan: ScanResult, run: DetectorRun, datasetName: string, ids: string[] | null): DetectorFinding {
  const n = run.scores.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const s = run.scores[i];
    if (Number.isFinite(s)) {
      if (s < lo) lo = s;
      if (s > hi) hi = s;
    }
  }
  const bins = lo <= hi ? HISTOGRAM_BINS : 0;
  const width = hi > lo ? (hi - lo) / bins : 1;
  const all = new Array<number>(bins).fill(0);
  const flaggedCounts = new Array<number>(bins).fill(0);
  const flagged: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = run.scores[i];
    if (run.flagged[i]) flagged.push(i);
    if (!Number.isFinite(s) || bins === 0) continue;
    const b = Math.min(bins - 1, Math.floor((s - lo) / width));
    all[b]++;
    if (run.flagged[i]) flaggedCounts[b]++;
  }
  flagged.sort((a, b) => (run.scores[b] || 0) - (run.scores[a] || 0));
  const finite = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? null : x);
  return {
    detector: run.detector,
    title: DETECTORS[run.detector]?.title ?? run.detector,
    datasetName,
    datasetSha256: entry.datasetSha256,
    resultSha256: entry.sha256,
    flagMode: run.flagMode,
    flagNote: run.flagNote,
    params: run.params,
    classes: run.classes.map((c) => ({
      className: c.className,
      rows: c.count,
      flagged: c.flagged,
      contamination: finite(c.contamination),
      pValue: finite(c.classTest?.pValue),
      verdict: c.verdict,
    })),
    histogram: { edges: bins ? Array.from({ length: bins + 1 }, (_, b) => lo + b * width) : [], all, flagged: flaggedCounts },
    flaggedTotal: flagged.length,
    flaggedRows: flagged.slice(0, FLAGGED_ROWS_LISTED).map((row) => ({
      row,
      id: ids?.[row] ?? null,
      className: scan.classNames[scan.labels[row]] ?? '',
      score: Number.isFinite(run.scores[row]) ? run.scores[row] : 0,
      pValue: run.pValues ? finite(run.pValues[row]) : null,
    })),
    atlas: DETECTOR_ATLAS[run.detector] ?? ['AML.T0020'],
    seconds: run.seconds,
  };
}

/**
 * Verdict first. Evidence: some class test rejects (after the detectors' Bonferroni over classes) or rows
 * are flagged at a false-discovery rate. Inconclusive: rows flagged only by a fixed budget or by a rule with
 * no test behind it. No evidence: tests ran and none rejected, nothing flagged at the FDR level.
 */
function verdictOf(findings: DetectorFinding[]): ReportVerdict {
  if (findings.length === 0) {
    return { level: 'inconclusive', headline: 'No detector has been run in this case: no conclusion about poisoning can be drawn.', confidence: 'Run the detectors on the case datasets, then generate the report again.', where: [] };
  }
  const where = new Map<string, ReportVerdict['where'][number]>();
  for (const f of findings) {
    for (const c of f.classes) {
      // A class test that rejects is evidence; FDR flags count only where no class test could run, since
      // flags at level q in a class whose test is clear are the expected q share of false discoveries.
      const strong = c.verdict === 'suspicious' || (f.flagMode === 'fdr' && c.verdict === 'untested' && c.flagged > 0);
      if (!strong) continue;
      const key = `${f.datasetSha256}/${c.className}`;
      const w = where.get(key) ?? { datasetName: f.datasetName, className: c.className, rows: c.rows, flagged: 0, detectors: [], contamination: null, pValue: null };
      w.detectors.push(f.title);
      w.flagged = Math.max(w.flagged, c.flagged);
      if (c.contamination !== null) w.contamination = Math.max(w.contamination ?? 0, c.contamination);
      if (c.pValue !== null) w.pValue = Math.min(w.pValue ?? 1, c.pValue);
      where.set(key, w);
    }
  }
  const list = [...where.values()].sort((a, b) => b.detectors.length - a.detectors.length || (a.pValue ?? 1) - (b.pValue ?? 1));
  const tested = findings.some((f) => f.classes.some((c) => c.verdict !== 'untested') || f.flagMode === 'fdr');
  if (list.length > 0) {
    const top = list[0];
    return {
      level: 'evidence',
      headline: `Evidence of poisoning in class '${top.className}' of ${top.datasetName}${list.length > 1 ? ` and in ${list.length - 1} more class(es)` : ''}: ${top.detectors.length} detector(s) agree.`,
      confidence: `${top.pValue !== null ? `Smallest class-test p-value ${top.pValue < 1e-4 ? top.pValue.toExponential(1) : top.pValue.toFixed(4)}` : 'Flagged at a controlled false-discovery rate'}${top.contamination !== null ? `; estimated contaminated fraction up to ${(top.contamination * 100).toFixed(1)}%` : ''}. Agreement across independent detectors raises confidence; each detector's assumption is stated with its findings.`,
      where: list,
    };
  }
  if (tested) {
    return {
      level: 'no-evidence',
      headline: 'No evidence of poisoning: no class test rejected and no row was flagged at the false-discovery rate used.',
      confidence: 'This bounds what these detectors can see: a poison that does not separate in the features they examine would not show here.',
      where: [],
    };
  }
  return {
    level: 'inconclusive',
    headline: 'Inconclusive: rows were flagged by fixed budgets or detector rules only, with no test of whether any class is contaminated.',
    confidence: 'Budgets flag a set share of every class whether or not it is poisoned; run the scan with the false-discovery-rate rule for a verdict.',
    where: [],
  };
}

function atlasMapping(findings: DetectorFinding[], threats: ThreatSummary[]): AtlasMapping[] {
  const out = new Map<string, AtlasMapping>();
  const rank = { low: 0, medium: 1, high: 2 } as const;
  const add = (id: string, basis: string, confidence: AtlasMapping['confidence']) => {
    const technique = BUILTIN_ATLAS.techniques.find((t) => t.id === id);
    const tactics = (technique?.tactics ?? []).map((t) => `${t} ${BUILTIN_ATLAS.tactics.find((x) => x.id === t)?.name ?? ''}`.trim());
    const m = out.get(id) ?? { id, name: technique?.name ?? id, tactics, basis: [], confidence };
    m.basis.push(basis);
    if (rank[confidence] > rank[m.confidence]) m.confidence = confidence;
    out.set(id, m);
  };
  for (const f of findings) {
    const suspicious = f.classes.filter((c) => c.verdict === 'suspicious');
    if (suspicious.length === 0 && f.flaggedTotal === 0) continue;
    const confidence = suspicious.length > 0 ? 'high' : f.flagMode === 'fdr' ? 'medium' : 'low';
    const basis = `${f.title} on ${f.datasetName}: ${suspicious.length ? `class test rejects for ${suspicious.map((c) => c.className).join(', ')}` : `${f.flaggedTotal} row(s) flagged (${f.flagMode})`}`;
    for (const id of f.atlas) add(id, basis, confidence);
  }
  for (const t of threats) for (const x of t.threats) for (const id of x.atlas) add(id, `threat model "${t.worksheet}": ${x.title}`, 'low');
  return [...out.values()].sort((a, b) => rank[b.confidence] - rank[a.confidence] || a.id.localeCompare(b.id));
}

function threatSummary(raw: unknown): ThreatSummary {
  const { worksheet } = parseWorksheet(raw);
  const portfolio = scorePortfolio(worksheet);
  const heat = Array.from({ length: 5 }, () => new Array<number>(5).fill(0));
  for (const t of worksheet.threats) {
    const l = Math.min(4, Math.floor(t.probability * 5));
    const i = Math.min(4, Math.floor(t.impact / 2));
    heat[l][i]++;
  }
  const decision = (id: string) => worksheet.acceptances.find((a) => a.threatId === id)?.decision ?? null;
  const title = (id: string) => worksheet.threats.find((t) => t.id === id)?.title ?? id;
  return {
    worksheet: worksheet.name,
    heat,
    threats: portfolio.threats.map((s) => {
      const t = worksheet.threats.find((x) => x.id === s.threatId)!;
      return { title: s.title, probability: t.probability, impact: t.impact, inherent: s.inherent.value, residual: s.residual.value, atlas: t.atlas, decision: decision(t.id) };
    }),
    inherentTotal: portfolio.inherent.value,
    residualTotal: portfolio.residual.value,
    tolerance: worksheet.tolerance,
    accepted: worksheet.acceptances.map((a) => ({ threat: title(a.threatId), decision: a.decision, by: a.by, at: a.at ?? '', rationale: a.rationale })),
  };
}

function recommendations(verdict: ReportVerdict, findings: DetectorFinding[], view: CaseView, problems: string[]): string[] {
  const out: string[] = [];
  for (const w of verdict.where) {
    out.push(`Quarantine the flagged rows of class '${w.className}' in ${w.datasetName} and retrain without them; compare the model's behaviour on the class before and after.`);
  }
  if (verdict.where.length) out.push('Trace the flagged rows to their sources (collection batch, contributor, URL) and check those sources for further contamination.');
  if (findings.some((f) => f.flagMode === 'budget')) out.push('Re-run the budget-flagged detectors with the false-discovery-rate rule, which does not assume a poison rate.');
  const changed = view.datasets.filter((d) => d.status === 'changed' || d.status === 'missing');
  if (changed.length) out.push(`Restore or re-acquire ${changed.map((d) => d.name).join(', ')}: the file no longer matches the hash the case recorded.`);
  if (!view.audit.ok) out.push('The audit log does not verify: preserve the case folder as it is and establish who changed it before relying on this report.');
  if (problems.length) out.push('Review the case-file problems listed under chain of custody.');
  out.push('Sign a manifest of the datasets (assay manifest create/sign) so later changes can be detected down to the row.');
  return out;
}

function findSeed(params: unknown): number | null {
  if (params === null || typeof params !== 'object') return null;
  for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
    if (k === 'seed' && typeof v === 'number' && Number.isInteger(v)) return v;
    const inner = findSeed(v);
    if (inner !== null) return inner;
  }
  return null;
}

async function fileDigest(path: string): Promise<{ sha256: string; size: number } | null> {
  try {
    const [bytes, info] = await Promise.all([readFile(path), stat(path)]);
    return { sha256: createHash('sha256').update(bytes).digest('hex'), size: info.size };
  } catch {
    return null;
  }
}
