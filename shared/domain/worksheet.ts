/**
 * A threat-modeling worksheet: the system in scope, who would attack it, the threats with their likelihood and
 * impact, the controls that reduce them, who is responsible for what (RACI), the validation checklist, the
 * decisions on residual risk, and what a workshop estimated. It is a versioned document (like tldraw's saved
 * documents): `parseWorksheet` reads every version ever written, migrates it to the current one, and names the
 * path of whatever is wrong. The schema is zod, so the same definition checks files and contract arguments.
 */
import { z } from 'zod';

export const WORKSHEET_FORMAT = 'assay-worksheet';
export const WORKSHEET_VERSION = 2;

// ---------------------------------------------------------------------------------------------------------
// Vocabularies
// ---------------------------------------------------------------------------------------------------------

/** How far a data source is trusted before validation; orders from most to least trusted. */
export const TRUST_LEVELS = ['trusted', 'partner', 'public', 'untrusted'] as const;
export type TrustLevel = (typeof TRUST_LEVELS)[number];

/** The pipeline stages of the seed framework. */
export const PIPELINE_STAGES = ['ingestion', 'feature-engineering', 'training', 'validation', 'deployment'] as const;
export type PipelineStageKind = (typeof PIPELINE_STAGES)[number];

export const THREAT_CATEGORIES = {
  'data-poisoning': 'Data poisoning',
  adversarial: 'Adversarial manipulation',
  privacy: 'Privacy',
  integrity: 'Integrity loss',
} as const;
export type ThreatCategory = keyof typeof THREAT_CATEGORIES;

/** The taxonomy of threats (issue #6), each with its category and the ATLAS techniques it usually maps to. */
export const THREAT_KINDS = {
  'label-flipping': { category: 'data-poisoning', label: 'Label flipping', atlas: ['AML.T0020'] },
  'clean-label': { category: 'data-poisoning', label: 'Clean-label poisoning', atlas: ['AML.T0020', 'AML.T0019'] },
  backdoor: { category: 'data-poisoning', label: 'Backdoor trigger', atlas: ['AML.T0020', 'AML.T0043.004', 'AML.T0018.000'] },
  'gradient-based': { category: 'data-poisoning', label: 'Gradient-based poisoning', atlas: ['AML.T0020', 'AML.T0031'] },
  'transferable-perturbation': { category: 'adversarial', label: 'Transferable perturbations', atlas: ['AML.T0043'] },
  'membership-inference': { category: 'privacy', label: 'Membership inference', atlas: ['AML.T0024.000'] },
  'model-inversion': { category: 'privacy', label: 'Model inversion', atlas: ['AML.T0024.001'] },
  'attribute-inference': { category: 'privacy', label: 'Attribute inference', atlas: ['AML.T0024.001'] },
  'training-data-extraction': { category: 'privacy', label: 'Training-data extraction', atlas: ['AML.T0057', 'AML.T0024'] },
  'silent-corruption': { category: 'integrity', label: 'Silent corruption', atlas: ['AML.T0059'] },
  'split-view': { category: 'integrity', label: 'Split-view poisoning', atlas: ['AML.T0019', 'AML.T0059'] },
  'supply-chain': { category: 'integrity', label: 'Supply-chain compromise', atlas: ['AML.T0010.002'] },
} as const satisfies Record<string, { category: ThreatCategory; label: string; atlas: readonly string[] }>;
export type ThreatKind = keyof typeof THREAT_KINDS;

/** Defence-in-depth layers, outermost first. */
export const CONTROL_LAYERS = {
  provenance: 'Provenance and authentication',
  'anomaly-detection': 'Statistical anomaly detection',
  'robust-training': 'Robust training',
  privacy: 'Privacy-preserving techniques',
  governance: 'Governance',
} as const;
export type ControlLayer = keyof typeof CONTROL_LAYERS;

/** What an evidence link points at in the case: an opaque reference the case feature resolves. */
export const EVIDENCE_KINDS = ['scan', 'manifest', 'job', 'dataset', 'report', 'file', 'note'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const CHECKLIST_AREAS = {
  provenance: 'Provenance validation',
  schema: 'Schema validation',
  statistical: 'Statistical validation',
  integrity: 'Integrity validation',
  privacy: 'Privacy validation',
  bias: 'Bias validation',
} as const;
export type ChecklistArea = keyof typeof CHECKLIST_AREAS;

export const CHECK_STATUSES = ['not-started', 'in-progress', 'passed', 'failed', 'waived'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export const DECISIONS = ['accept', 'mitigate', 'transfer', 'avoid'] as const;
export type Decision = (typeof DECISIONS)[number];

/** RACI letters a role may hold for one activity ("AR": accountable and responsible). */
export const RACI_LETTERS = ['R', 'A', 'C', 'I'] as const;

// ---------------------------------------------------------------------------------------------------------
// The current version (2)
// ---------------------------------------------------------------------------------------------------------

const id = z.string().min(1, 'must not be empty').max(200);
const text = z.string().max(20_000);
const unit = z.number().finite().min(0).max(1);
/** ISO date (yyyy-mm-dd) or date-time; null when not set. */
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/, 'must be an ISO date (yyyy-mm-dd)')
  .nullable();

const evidenceSchema = z.object({ kind: z.enum(EVIDENCE_KINDS), id: z.string().max(500), label: text }).strict();

const dataSourceSchema = z
  .object({
    id,
    name: text,
    description: text,
    trust: z.enum(TRUST_LEVELS),
    /** V_j: how much of the source's provenance has been validated (0: none, 1: all). */
    validation: unit,
    /** p_j: prior probability that the source is compromised. */
    compromise: unit,
    /**
     * The manifest check V was read from (kind "manifest": id the verify job's id, label the manifest path);
     * absent when V was typed in. Optional, so version-2 files written before it existed still parse.
     */
    validationEvidence: evidenceSchema.optional(),
  })
  .strict();

const stageSchema = z.object({ id, kind: z.enum(PIPELINE_STAGES), name: text, description: text }).strict();

const adversarySchema = z
  .object({
    id,
    name: text,
    capability: text,
    motivation: text,
    vector: text,
    /** Detection–evasion trade-off inputs for this adversary (U = α·S − β·P_det − γ·C). */
    tradeoff: z
      .object({ alpha: z.number().finite().min(0), beta: z.number().finite().min(0), gamma: z.number().finite().min(0), success: unit, detection: unit, cost: unit })
      .strict(),
  })
  .strict();

const threatSchema = z
  .object({
    id,
    title: text,
    kind: z.enum(Object.keys(THREAT_KINDS) as [ThreatKind, ...ThreatKind[]]),
    description: text,
    atlas: z.array(z.string().regex(/^AML\.[A-Z]{1,2}\d{4}(?:\.\d{3})?$/, 'must be an ATLAS id such as AML.T0020')).max(100),
    probability: unit,
    impact: z.number().finite().min(0).max(10),
    weight: z.number().finite().min(0).max(100),
    adversaries: z.array(id).max(100),
    controls: z.array(id).max(200),
  })
  .strict();

const controlSchema = z
  .object({
    id,
    name: text,
    layer: z.enum(Object.keys(CONTROL_LAYERS) as [ControlLayer, ...ControlLayer[]]),
    description: text,
    effectiveness: unit,
    coverage: unit,
    owner: text,
    mitigations: z.array(z.string().regex(/^AML\.M\d{4}$/, 'must be an ATLAS mitigation id such as AML.M0007')).max(50),
    evidence: z.array(evidenceSchema).max(500),
  })
  .strict();

const raciSchema = z
  .object({
    roles: z.array(z.object({ id, name: text }).strict()).max(50),
    activities: z
      .array(
        z
          .object({
            id,
            name: text,
            /** Role id → the letters that role holds, e.g. "AR"; a missing role holds none. */
            assignments: z.record(z.string(), z.string().regex(/^[RACI]{0,4}$/, 'must be letters among R, A, C, I')),
          })
          .strict(),
      )
      .max(200),
  })
  .strict();

const checkSchema = z
  .object({
    id,
    area: z.enum(Object.keys(CHECKLIST_AREAS) as [ChecklistArea, ...ChecklistArea[]]),
    item: text,
    status: z.enum(CHECK_STATUSES),
    owner: text,
    date,
    evidence: z.array(evidenceSchema).max(500),
    notes: text,
  })
  .strict();

const acceptanceSchema = z
  .object({ id, threatId: id, decision: z.enum(DECISIONS), by: text, at: date, rationale: text, reviewBy: date })
  .strict();

const estimateSchema = z.object({ threatId: id, participant: text, probability: unit, impact: z.number().finite().min(0).max(10) }).strict();

const workshopSchema = z
  .object({
    participants: z.array(text).max(100),
    estimates: z.array(estimateSchema).max(20_000),
    /** Facilitator's notes per threat id. */
    notes: z.record(z.string(), text),
    /** Minutes per threat on the facilitator's timer. */
    minutesPerThreat: z.number().finite().min(0.5).max(240),
  })
  .strict();

export const worksheetSchema = z
  .object({
    format: z.literal(WORKSHEET_FORMAT),
    version: z.literal(WORKSHEET_VERSION),
    id,
    name: text,
    createdAt: z.string().max(40),
    updatedAt: z.string().max(40),
    context: z.object({ model: text, purpose: text, sources: z.array(dataSourceSchema).max(500), stages: z.array(stageSchema).max(100) }).strict(),
    adversaries: z.array(adversarySchema).max(100),
    threats: z.array(threatSchema).max(1000),
    controls: z.array(controlSchema).max(1000),
    raci: raciSchema,
    checklist: z.array(checkSchema).max(1000),
    acceptances: z.array(acceptanceSchema).max(1000),
    workshop: workshopSchema,
    /** Residual risk above which a threat needs a recorded decision. */
    tolerance: z.number().finite().min(0).max(1000),
    /** The adversary the trade-off view looks at; null: none chosen. */
    tradeoffAdversary: id.nullable(),
  })
  .strict();

export type Worksheet = z.infer<typeof worksheetSchema>;
export type DataSource = Worksheet['context']['sources'][number];
export type PipelineStage = Worksheet['context']['stages'][number];
export type Adversary = Worksheet['adversaries'][number];
export type Threat = Worksheet['threats'][number];
export type Control = Worksheet['controls'][number];
export type EvidenceLink = z.infer<typeof evidenceSchema>;
export type Raci = Worksheet['raci'];
export type ChecklistItem = Worksheet['checklist'][number];
export type RiskAcceptance = Worksheet['acceptances'][number];
export type WorkshopEstimate = Worksheet['workshop']['estimates'][number];

// ---------------------------------------------------------------------------------------------------------
// Version 1 (frozen: Assay wrote it before workshops, acceptances and the trade-off view existed)
// ---------------------------------------------------------------------------------------------------------

const v1Schema = z.object({
  format: z.literal(WORKSHEET_FORMAT),
  version: z.literal(1),
  id,
  title: text,
  created: z.string().max(40),
  system: z.object({
    model: text,
    sources: z.array(
      z.object({
        name: text,
        trust: z.enum(['high', 'medium', 'low']),
        /** Percent of the source's provenance validated, 0–100. */
        provenanceScore: z.number().finite().min(0).max(100),
        compromise: unit,
      }),
    ),
    stages: z.array(z.enum(PIPELINE_STAGES)),
  }),
  adversaries: z.array(z.object({ name: text, capability: text, motivation: text, vector: text })),
  threats: z.array(
    z.object({
      id,
      name: text,
      type: z.enum(Object.keys(THREAT_KINDS) as [ThreatKind, ...ThreatKind[]]),
      /** Comma-separated ATLAS ids. */
      atlas: z.string().max(2000),
      /** Percent, 0–100. */
      likelihood: z.number().finite().min(0).max(100),
      impact: z.number().finite().min(0).max(10),
      weight: z.number().finite().min(0).max(100),
      /** Adversary names. */
      actors: z.array(text),
      controls: z.array(id),
    }),
  ),
  controls: z.array(
    z.object({
      id,
      name: text,
      layer: z.enum(Object.keys(CONTROL_LAYERS) as [ControlLayer, ...ControlLayer[]]),
      effectiveness: unit,
      coverage: unit,
      owner: text,
      /** Free-text notes on where the evidence is. */
      evidence: z.array(text),
    }),
  ),
  raci: z.object({ roles: z.array(text), rows: z.array(z.object({ activity: text, cells: z.array(z.string()) })) }),
  checklist: z.array(z.object({ area: z.enum(Object.keys(CHECKLIST_AREAS) as [ChecklistArea, ...ChecklistArea[]]), item: text, done: z.boolean(), owner: text })),
});
type WorksheetV1 = z.infer<typeof v1Schema>;

// ---------------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------------

/** A worksheet that cannot be read; the message names the path of the offending field. */
export class WorksheetFormatError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'WorksheetFormatError';
  }
}

export interface ParsedWorksheet {
  worksheet: Worksheet;
  /** The version read, before migration. */
  fromVersion: number;
  /** What migration assumed or dropped, one line each; empty for a current file. */
  warnings: string[];
}

function pathOf(segments: readonly PropertyKey[]): string {
  let out = 'worksheet';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : `.${String(s)}`;
  return out;
}

function check<T>(schema: z.ZodType<T>, json: unknown): T {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new WorksheetFormatError(pathOf(issue.path), issue.message);
}

/**
 * Reads a worksheet of any version Assay has written, migrates it to the current one and checks that every
 * reference (a threat's adversaries and controls, an acceptance's threat) points at something that exists.
 * Throws WorksheetFormatError naming the path, e.g. `worksheet.threats[2].probability: …`.
 */
export function parseWorksheet(json: unknown): ParsedWorksheet {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new WorksheetFormatError('worksheet', 'must be a JSON object');
  const head = json as { format?: unknown; version?: unknown };
  if (head.format !== WORKSHEET_FORMAT) {
    throw new WorksheetFormatError('worksheet.format', `must be "${WORKSHEET_FORMAT}" (got ${JSON.stringify(head.format) ?? 'nothing'}): this is not an Assay worksheet`);
  }
  if (typeof head.version !== 'number' || !Number.isInteger(head.version) || head.version < 1) {
    throw new WorksheetFormatError('worksheet.version', `must be a whole number ≥ 1 (got ${JSON.stringify(head.version) ?? 'nothing'})`);
  }
  if (head.version > WORKSHEET_VERSION) {
    throw new WorksheetFormatError('worksheet.version', `is ${head.version}: written by a newer Assay; this one reads versions 1 to ${WORKSHEET_VERSION}`);
  }
  const warnings: string[] = [];
  const worksheet = head.version === 1 ? migrateV1(check(v1Schema, json), warnings) : check(worksheetSchema, json);
  checkReferences(worksheet);
  return { worksheet, fromVersion: head.version, warnings };
}

function checkReferences(w: Worksheet): void {
  const unique = (items: { id: string }[], where: string) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (seen.has(item.id)) throw new WorksheetFormatError(`worksheet.${where}[${i}].id`, `"${item.id}" is used twice`);
      seen.add(item.id);
    });
    return seen;
  };
  const adversaries = unique(w.adversaries, 'adversaries');
  const controls = unique(w.controls, 'controls');
  const threats = unique(w.threats, 'threats');
  unique(w.context.sources, 'context.sources');
  unique(w.context.stages, 'context.stages');
  const roles = unique(w.raci.roles, 'raci.roles');
  unique(w.raci.activities, 'raci.activities');
  unique(w.checklist, 'checklist');
  unique(w.acceptances, 'acceptances');
  w.threats.forEach((t, i) => {
    t.adversaries.forEach((a, j) => {
      if (!adversaries.has(a)) throw new WorksheetFormatError(`worksheet.threats[${i}].adversaries[${j}]`, `no adversary has the id "${a}"`);
    });
    t.controls.forEach((c, j) => {
      if (!controls.has(c)) throw new WorksheetFormatError(`worksheet.threats[${i}].controls[${j}]`, `no control has the id "${c}"`);
    });
  });
  w.raci.activities.forEach((a, i) => {
    for (const role of Object.keys(a.assignments)) {
      if (!roles.has(role)) throw new WorksheetFormatError(`worksheet.raci.activities[${i}].assignments.${role}`, `no role has the id "${role}"`);
    }
  });
  w.acceptances.forEach((a, i) => {
    if (!threats.has(a.threatId)) throw new WorksheetFormatError(`worksheet.acceptances[${i}].threatId`, `no threat has the id "${a.threatId}"`);
  });
  w.workshop.estimates.forEach((e, i) => {
    if (!threats.has(e.threatId)) throw new WorksheetFormatError(`worksheet.workshop.estimates[${i}].threatId`, `no threat has the id "${e.threatId}"`);
  });
  if (w.tradeoffAdversary !== null && !adversaries.has(w.tradeoffAdversary)) {
    throw new WorksheetFormatError('worksheet.tradeoffAdversary', `no adversary has the id "${w.tradeoffAdversary}"`);
  }
}

const V1_TRUST: Record<WorksheetV1['system']['sources'][number]['trust'], TrustLevel> = { high: 'trusted', medium: 'partner', low: 'untrusted' };

/** Version 1 → 2: ids for what had only names, percentages as fractions, structured evidence, new sections empty. */
function migrateV1(v1: WorksheetV1, warnings: string[]): Worksheet {
  const slug = (prefix: string, i: number) => `${prefix}-${i + 1}`;
  const adversaries: Adversary[] = v1.adversaries.map((a, i) => ({
    id: slug('adv', i),
    name: a.name,
    capability: a.capability,
    motivation: a.motivation,
    vector: a.vector,
    tradeoff: { ...DEFAULT_TRADEOFF },
  }));
  const byName = new Map(adversaries.map((a) => [a.name.trim().toLowerCase(), a.id]));
  const controlIds = new Set(v1.controls.map((c) => c.id));
  const threats: Threat[] = v1.threats.map((t) => {
    const atlas = t.atlas
      .split(/[,;\s]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const valid = atlas.filter((a) => /^AML\.[A-Z]{1,2}\d{4}(?:\.\d{3})?$/.test(a));
    for (const bad of atlas.filter((a) => !valid.includes(a))) warnings.push(`threat "${t.name}": "${bad}" is not an ATLAS id; dropped`);
    const actors: string[] = [];
    for (const name of t.actors) {
      const found = byName.get(name.trim().toLowerCase());
      if (found) actors.push(found);
      else warnings.push(`threat "${t.name}": adversary "${name}" is not among the adversary profiles; dropped`);
    }
    const controls = t.controls.filter((c) => {
      if (controlIds.has(c)) return true;
      warnings.push(`threat "${t.name}": control "${c}" does not exist; dropped`);
      return false;
    });
    return {
      id: t.id,
      title: t.name,
      kind: t.type,
      description: '',
      atlas: valid,
      probability: t.likelihood / 100,
      impact: t.impact,
      weight: t.weight,
      adversaries: actors,
      controls,
    };
  });
  const controls: Control[] = v1.controls.map((c) => ({
    id: c.id,
    name: c.name,
    layer: c.layer,
    description: '',
    effectiveness: c.effectiveness,
    coverage: c.coverage,
    owner: c.owner,
    mitigations: [],
    evidence: c.evidence.map((note) => ({ kind: 'note', id: '', label: note })),
  }));
  if (v1.controls.some((c) => c.evidence.length > 0)) {
    warnings.push('evidence written as free text in version 1 is kept as notes; link the scans and manifests it names');
  }
  const roles = v1.raci.roles.map((name, i) => ({ id: slug('role', i), name }));
  const activities = v1.raci.rows.map((row, i) => {
    const assignments: Record<string, string> = {};
    row.cells.forEach((cell, j) => {
      const letters = RACI_LETTERS.filter((l) => cell.toUpperCase().includes(l)).join('');
      if (j >= roles.length) warnings.push(`RACI "${row.activity}": cell ${j + 1} has no role column; dropped`);
      else if (letters) assignments[roles[j].id] = letters;
    });
    return { id: slug('act', i), name: row.activity, assignments };
  });
  warnings.push('version 1 had no workshop estimates, risk acceptances or tolerance; the tolerance is set to the default');
  return {
    format: WORKSHEET_FORMAT,
    version: WORKSHEET_VERSION,
    id: v1.id,
    name: v1.title,
    createdAt: v1.created,
    updatedAt: v1.created,
    context: {
      model: v1.system.model,
      purpose: '',
      sources: v1.system.sources.map((s, i) => ({
        id: slug('src', i),
        name: s.name,
        description: '',
        trust: V1_TRUST[s.trust],
        validation: s.provenanceScore / 100,
        compromise: s.compromise,
      })),
      stages: v1.system.stages.map((kind, i) => ({ id: slug('stage', i), kind, name: STAGE_NAMES[kind], description: '' })),
    },
    adversaries,
    threats,
    controls,
    raci: { roles, activities },
    checklist: v1.checklist.map((c, i) => ({
      id: slug('check', i),
      area: c.area,
      item: c.item,
      status: c.done ? 'passed' : 'not-started',
      owner: c.owner,
      date: null,
      evidence: [],
      notes: '',
    })),
    acceptances: [],
    workshop: emptyWorkshop(),
    tolerance: DEFAULT_TOLERANCE,
    tradeoffAdversary: null,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Starting content
// ---------------------------------------------------------------------------------------------------------

export const DEFAULT_TOLERANCE = 2;
/** Weights of success, detection and cost; the adversary starts with a coin-flip chance and no defences. */
export const DEFAULT_TRADEOFF: Adversary['tradeoff'] = { alpha: 1, beta: 1, gamma: 1, success: 0.5, detection: 0.2, cost: 0.2 };

export const STAGE_NAMES: Record<PipelineStageKind, string> = {
  ingestion: 'Ingestion',
  'feature-engineering': 'Feature engineering',
  training: 'Training',
  validation: 'Validation',
  deployment: 'Deployment',
};

/** Ids unique enough for one analyst's worksheets; shared/ has no crypto, and these never protect anything. */
export function newId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** The seed framework's five adversary profiles, with trade-off weights that reflect their priorities. */
export function seedAdversaries(): Adversary[] {
  return [
    {
      id: 'adv-nation-state',
      name: 'Nation-state actor',
      capability: 'Very high: funded teams, custom tooling, patience for long campaigns',
      motivation: 'Strategic advantage, espionage, sabotage of critical systems',
      vector: 'Supply-chain compromise of data and model artifacts; long-lived backdoors',
      tradeoff: { alpha: 1, beta: 2, gamma: 0.2, success: 0.7, detection: 0.2, cost: 0.6 },
    },
    {
      id: 'adv-organized-crime',
      name: 'Organized crime',
      capability: 'High: commodity tools and paid expertise',
      motivation: 'Financial gain: fraud, extortion, evading detection models',
      vector: 'Poisoning public data sources the model scrapes; evasion of fraud and malware classifiers',
      tradeoff: { alpha: 1.5, beta: 1, gamma: 1, success: 0.5, detection: 0.3, cost: 0.3 },
    },
    {
      id: 'adv-competitor',
      name: 'Competitor',
      capability: 'Medium: skilled staff, limited appetite for legal risk',
      motivation: 'Market advantage: degrade a rival model, steal its training data or behaviour',
      vector: 'Model extraction through the API; subtle degradation via public data',
      tradeoff: { alpha: 1, beta: 3, gamma: 0.5, success: 0.4, detection: 0.3, cost: 0.3 },
    },
    {
      id: 'adv-insider',
      name: 'Malicious insider',
      capability: 'High: legitimate access to data, labels and pipelines',
      motivation: 'Grievance, coercion or payment',
      vector: 'Direct label flips, planted triggers, tampering with validation sets',
      tradeoff: { alpha: 1, beta: 2.5, gamma: 0.3, success: 0.8, detection: 0.4, cost: 0.1 },
    },
    {
      id: 'adv-researcher',
      name: 'Researcher / activist',
      capability: 'Medium: state-of-the-art methods, little operational tradecraft',
      motivation: 'Demonstrating weakness, publicity, protest',
      vector: 'Split-view and front-running poisoning of web-scale corpora; membership inference',
      tradeoff: { alpha: 1, beta: 0.3, gamma: 1.5, success: 0.6, detection: 0.5, cost: 0.2 },
    },
  ];
}

/** A starting RACI for a data pipeline: roles × activities of data assurance. */
export function seedRaci(): Raci {
  const roles = [
    { id: 'role-data-owner', name: 'Data owner' },
    { id: 'role-ml-engineer', name: 'ML engineer' },
    { id: 'role-security', name: 'Security team' },
    { id: 'role-risk', name: 'Risk & compliance' },
    { id: 'role-product', name: 'Product owner' },
  ];
  const row = (id: string, name: string, letters: string[]) => ({
    id,
    name,
    assignments: Object.fromEntries(roles.map((r, i) => [r.id, letters[i]]).filter(([, l]) => l)),
  });
  return {
    roles,
    activities: [
      row('act-sourcing', 'Data sourcing and provenance records', ['AR', 'C', 'C', 'I', 'I']),
      row('act-validation', 'Data validation and poison screening', ['C', 'R', 'AR', 'I', 'I']),
      row('act-training', 'Model training and robust-training settings', ['I', 'AR', 'C', '', 'I']),
      row('act-evaluation', 'Model evaluation and red-teaming', ['I', 'R', 'R', 'C', 'A']),
      row('act-monitoring', 'Deployment monitoring and drift alerts', ['I', 'R', 'C', 'I', 'A']),
      row('act-incident', 'Data incident response', ['C', 'R', 'AR', 'C', 'I']),
      row('act-acceptance', 'Residual risk acceptance', ['C', 'I', 'C', 'R', 'A']),
    ],
  };
}

/** One item per validation area of the seed framework. */
export function seedChecklist(): ChecklistItem[] {
  const item = (area: ChecklistArea, text: string): ChecklistItem => ({
    id: `check-${area}`,
    area,
    item: text,
    status: 'not-started',
    owner: '',
    date: null,
    evidence: [],
    notes: '',
  });
  return [
    item('provenance', 'Every source has a recorded origin, licence and content hash; signed manifests verify'),
    item('schema', 'Columns, types and label set match the data contract; bad rows are counted and explained'),
    item('statistical', 'Poison detectors run per class; flagged rows reviewed at a stated false-discovery rate'),
    item('integrity', 'Hashes of the training snapshot match the manifest; no split-view differences'),
    item('privacy', 'PII scan done; duplicates between train and test removed; membership-inference exposure measured'),
    item('bias', 'Class and group balance reviewed against the intended population'),
  ];
}

export function emptyWorkshop(): Worksheet['workshop'] {
  return { participants: [], estimates: [], notes: {}, minutesPerThreat: 5 };
}

/** A blank worksheet with the seed adversaries, RACI and checklist, ready to fill. */
export function createWorksheet(name: string, now: string): Worksheet {
  return {
    format: WORKSHEET_FORMAT,
    version: WORKSHEET_VERSION,
    id: newId('ws'),
    name,
    createdAt: now,
    updatedAt: now,
    context: { model: '', purpose: '', sources: [], stages: PIPELINE_STAGES.map((kind) => ({ id: `stage-${kind}`, kind, name: STAGE_NAMES[kind], description: '' })) },
    adversaries: seedAdversaries(),
    threats: [],
    controls: [],
    raci: seedRaci(),
    checklist: seedChecklist(),
    acceptances: [],
    workshop: emptyWorkshop(),
    tolerance: DEFAULT_TOLERANCE,
    tradeoffAdversary: null,
  };
}
