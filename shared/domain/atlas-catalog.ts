/**
 * MITRE ATLAS (Adversarial Threat Landscape for AI Systems, https://atlas.mitre.org): the tactics, the
 * techniques that concern training data, the mitigations against them and the case studies that cite
 * AML.T0031 "Erode AI Model Integrity" — written by us from the facts of ATLAS 5.6.0, not copied from MITRE's
 * file. `catalogFromAtlasData` turns MITRE's published ATLAS.yaml (already parsed from YAML) into the same
 * shape, so a user can load the full, newer matrix; `searchCatalogs` searches both for the technique pickers.
 */

export interface AtlasTactic {
  id: string;
  name: string;
  description: string;
}

export interface AtlasTechnique {
  id: string;
  name: string;
  description: string;
  /** Tactic ids; a sub-technique carries its parent's. */
  tactics: string[];
  /** Parent technique id for a sub-technique (AML.T0020.000 → AML.T0020), else null. */
  parent: string | null;
  /** feasible | demonstrated | realized, where the source says. */
  maturity: string | null;
}

export interface AtlasMitigation {
  id: string;
  name: string;
  description: string;
  /** Technique ids it mitigates. */
  techniques: string[];
}

export interface AtlasCaseStudy {
  id: string;
  name: string;
  summary: string;
  /** Technique ids used in its procedure. */
  techniques: string[];
  /** incident | exercise, where the source says. */
  type: string | null;
  date: string | null;
}

export interface AtlasCatalog {
  /** 'built-in': Assay's own summary; 'imported': read from a MITRE ATLAS.yaml. */
  source: 'built-in' | 'imported';
  name: string;
  version: string;
  /** The file it was read from; null for the built-in catalog. */
  path: string | null;
  tactics: AtlasTactic[];
  techniques: AtlasTechnique[];
  mitigations: AtlasMitigation[];
  caseStudies: AtlasCaseStudy[];
}

const tactic = (id: string, name: string, description: string): AtlasTactic => ({ id: `AML.${id}`, name, description });
const technique = (id: string, name: string, tactics: string[], parent: string | null, maturity: string, description: string): AtlasTechnique => ({
  id: `AML.${id}`,
  name,
  description,
  tactics: tactics.map((t) => `AML.${t}`),
  parent: parent && `AML.${parent}`,
  maturity,
});
const mitigation = (id: string, name: string, techniques: string[], description: string): AtlasMitigation => ({
  id: `AML.${id}`,
  name,
  description,
  techniques: techniques.map((t) => `AML.${t}`),
});
const caseStudy = (id: string, name: string, type: string, date: string, techniques: string[], summary: string): AtlasCaseStudy => ({
  id: `AML.${id}`,
  name,
  summary,
  techniques: techniques.map((t) => `AML.${t}`),
  type,
  date,
});

/** Assay's built-in catalog: ATLAS 5.6.0's tactics and its data-related techniques, mitigations and case studies. */
export const BUILTIN_ATLAS: AtlasCatalog = {
  source: 'built-in',
  name: 'MITRE ATLAS (data-related subset, built in)',
  version: '5.6.0',
  path: null,
  tactics: [
    tactic('TA0002', 'Reconnaissance', 'Learning about the target AI system to plan an attack.'),
    tactic('TA0003', 'Resource Development', 'Obtaining or building the data, models and infrastructure an attack needs.'),
    tactic('TA0004', 'Initial Access', 'Getting a first foothold in the AI system or its supply chain.'),
    tactic('TA0000', 'AI Model Access', 'Gaining some level of access to the model: API, product, physical or full.'),
    tactic('TA0005', 'Execution', 'Running adversary-controlled code or prompts in the victim environment.'),
    tactic('TA0006', 'Persistence', 'Keeping the foothold, e.g. through poisoned data or a modified model.'),
    tactic('TA0012', 'Privilege Escalation', 'Gaining higher permissions in the AI system.'),
    tactic('TA0007', 'Defense Evasion', 'Avoiding detection by AI-enabled security or by the defenders.'),
    tactic('TA0013', 'Credential Access', 'Stealing account names, keys and tokens.'),
    tactic('TA0008', 'Discovery', 'Learning about the AI environment once inside.'),
    tactic('TA0015', 'Lateral Movement', 'Moving through the environment towards the AI assets.'),
    tactic('TA0009', 'Collection', 'Gathering AI artifacts and data of interest.'),
    tactic('TA0001', 'AI Attack Staging', 'Preparing the attack on the model: proxy models, adversarial data, poisoned models.'),
    tactic('TA0014', 'Command and Control', 'Communicating with compromised AI systems.'),
    tactic('TA0010', 'Exfiltration', 'Stealing AI artifacts or information about the training data.'),
    tactic('TA0011', 'Impact', "Manipulating, interrupting or eroding confidence in the AI system and its data."),
  ],
  techniques: [
    technique('T0002', 'Acquire Public AI Artifacts', ['TA0003'], null, 'realized', 'Obtaining public datasets and models that resemble the target’s, to study or poison them.'),
    technique('T0002.000', 'Datasets', ['TA0003'], 'T0002', 'demonstrated', 'Public datasets similar to the victim’s training data, used to craft attacks or as the poisoning vehicle.'),
    technique('T0019', 'Publish Poisoned Datasets', ['TA0003'], null, 'demonstrated', 'Releasing a poisoned dataset (or poisoning an existing public one) for victims to train on.'),
    technique('T0020', 'Poison Training Data', ['TA0003', 'TA0006'], null, 'realized', 'Changing training data or its labels — label flips, clean-label points, backdoor triggers — to plant a vulnerability.'),
    technique('T0010', 'AI Supply Chain Compromise', ['TA0004'], null, 'realized', 'Compromising a part of the AI supply chain: hardware, software, data or models.'),
    technique('T0010.002', 'Data', ['TA0004'], 'T0010', 'realized', 'Compromising the data a victim acquires: labelling services, public datasets, scraped sources.'),
    technique('T0018', 'Manipulate AI Model', ['TA0006', 'TA0001'], null, 'realized', 'Changing a model’s weights or architecture to make it behave as the adversary wants.'),
    technique('T0018.000', 'Poison AI Model', ['TA0006', 'TA0001'], 'T0018', 'demonstrated', 'A model trained on poisoned data, or with poisoned weights, that carries a backdoor.'),
    technique('T0043', 'Craft Adversarial Data', ['TA0001'], null, 'realized', 'Inputs modified to make the model err, crafted with white-box, black-box or proxy-model access.'),
    technique('T0043.004', 'Insert Backdoor Trigger', ['TA0001'], 'T0043', 'demonstrated', 'Adding the trigger of a planted backdoor to an input to activate it.'),
    technique('T0031', 'Erode AI Model Integrity', ['TA0011'], null, 'realized', 'Degrading the model’s performance over time so that its users stop trusting it.'),
    technique('T0059', 'Erode Dataset Integrity', ['TA0011'], null, 'demonstrated', 'Poisoning or corrupting a dataset so that it can no longer be trusted for training.'),
    technique('T0024', 'Exfiltration via AI Inference API', ['TA0010'], null, 'realized', 'Using the model’s inference API to steal information about its training data or the model itself.'),
    technique('T0024.000', 'Infer Training Data Membership', ['TA0010'], 'T0024', 'feasible', 'Telling whether a given record was in the training data (membership inference).'),
    technique('T0024.001', 'Invert AI Model', ['TA0010'], 'T0024', 'feasible', 'Reconstructing training inputs or their attributes from the model’s outputs (model inversion).'),
    technique('T0024.002', 'Extract AI Model', ['TA0010'], 'T0024', 'realized', 'Replicating the model’s function from its answers (model extraction).'),
    technique('T0057', 'LLM Data Leakage', ['TA0010'], null, 'demonstrated', 'Prompting a language model to reveal training data or other sensitive text.'),
    technique('T0070', 'RAG Poisoning', ['TA0006'], null, 'demonstrated', 'Planting content in the documents a retrieval-augmented system indexes.'),
  ],
  mitigations: [
    mitigation('M0007', 'Sanitize Training Data', ['T0010.002', 'T0020', 'T0018.000', 'T0059'], 'Detect and remove or fix poisoned and corrupted training data before training.'),
    mitigation('M0025', 'Maintain AI Dataset Provenance', ['T0010.002', 'T0020', 'T0018.000', 'T0019', 'T0059'], 'Record where each dataset came from and every change made to it, with hashes.'),
    mitigation('M0014', 'Verify AI Artifacts', ['T0019', 'T0010', 'T0010.002'], 'Check the checksums and signatures of datasets and models before use.'),
    mitigation('M0005', 'Control Access to AI Models and Data at Rest', ['T0010.002', 'T0020', 'T0018', 'T0018.000'], 'Restrict who can read and change training data and models in storage.'),
    mitigation('M0023', 'AI Bill of Materials', ['T0019', 'T0020', 'T0010'], 'List the datasets, models and software an AI system is built from, with versions and hashes.'),
    mitigation('M0008', 'Validate AI Model', ['T0018', 'T0018.000', 'T0043', 'T0043.004', 'T0020', 'T0057'], 'Test the model for backdoors, bias and unexpected behaviour before deployment.'),
  ],
  caseStudies: [
    caseStudy('CS0005', 'Attack on Machine Translation Services', 'exercise', '2020-04-30', ['T0002.000', 'T0031'], 'Researchers replicated commercial translation models through their public APIs and crafted attacks that transferred to the production systems.'),
    caseStudy('CS0006', 'ClearviewAI Misconfiguration', 'incident', '2020-04-16', ['T0002', 'T0031'], 'A misconfigured repository exposed the company’s source code, keys and training-related artifacts.'),
    caseStudy('CS0009', 'Tay Poisoning', 'incident', '2016-03-23', ['T0010.002', 'T0020', 'T0031'], 'Coordinated users fed a chatbot that learned from its conversations until it produced offensive output and was shut down.'),
    caseStudy('CS0019', 'PoisonGPT', 'exercise', '2023-07-01', ['T0018.000', 'T0031'], 'Researchers edited an open language model to spread a targeted falsehood and published it under a look-alike name.'),
    caseStudy('CS0025', 'Web-Scale Data Poisoning: Split-View Attack', 'exercise', '2024-06-06', ['T0002.000', 'T0020', 'T0019', 'T0059', 'T0031'], 'Buying expired domains listed in URL-based datasets let researchers change what later downloads of the dataset contained.'),
  ],
};

/** Where a catalog read from MITRE's file is wrong, naming the path in the file's structure. */
export class AtlasFormatError extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    detail: string,
  ) {
    super(`${file}: ${where}: ${detail}`);
    this.name = 'AtlasFormatError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The catalog in a parsed MITRE ATLAS.yaml: `{id, name, version, matrices: [{tactics, techniques, mitigations}],
 * case-studies}`. Every matrix is read (ATLAS has one today). A sub-technique (`subtechnique-of`) takes its
 * parent's tactics, as the ATLAS website shows it.
 */
export function catalogFromAtlasData(data: unknown, file: string): AtlasCatalog {
  const fail = (where: string, detail: string): never => {
    throw new AtlasFormatError(file, where, detail);
  };
  if (!isObj(data)) return fail('the document', 'is not a mapping: this is not a MITRE ATLAS.yaml');
  const str = (o: Obj, key: string, where: string, required = true): string => {
    const v = o[key];
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || v instanceof Date) return String(v instanceof Date ? v.toISOString().slice(0, 10) : v);
    if (!required && (v === undefined || v === null)) return '';
    return fail(`${where}.${key}`, v === undefined ? 'is missing' : `must be text (got ${typeof v})`);
  };
  const list = (o: Obj, key: string, where: string, required = true): unknown[] => {
    const v = o[key];
    if (Array.isArray(v)) return v;
    if (!required && (v === undefined || v === null)) return [];
    return fail(`${where}.${key}`, v === undefined ? 'is missing' : 'must be a list');
  };
  const item = (v: unknown, where: string): Obj => (isObj(v) ? v : fail(where, 'must be a mapping'));
  const ids = (values: unknown[], where: string) => values.map((v, i) => (typeof v === 'string' ? v : fail(`${where}[${i}]`, 'must be an id')));

  const matrices = list(data, 'matrices', 'the document');
  if (matrices.length === 0) fail('matrices', 'is empty');
  const tactics: AtlasTactic[] = [];
  const techniques: AtlasTechnique[] = [];
  const mitigations: AtlasMitigation[] = [];
  matrices.forEach((m, mi) => {
    const matrix = item(m, `matrices[${mi}]`);
    const at = `matrices[${mi}]`;
    list(matrix, 'tactics', at).forEach((t, i) => {
      const o = item(t, `${at}.tactics[${i}]`);
      const w = `${at}.tactics[${i}]`;
      tactics.push({ id: str(o, 'id', w), name: str(o, 'name', w), description: str(o, 'description', w, false) });
    });
    list(matrix, 'techniques', at).forEach((t, i) => {
      const o = item(t, `${at}.techniques[${i}]`);
      const w = `${at}.techniques[${i}]`;
      const parent = str(o, 'subtechnique-of', w, false) || null;
      techniques.push({
        id: str(o, 'id', w),
        name: str(o, 'name', w),
        description: str(o, 'description', w, false),
        tactics: ids(list(o, 'tactics', w, parent === null), `${w}.tactics`),
        parent,
        maturity: str(o, 'maturity', w, false) || null,
      });
    });
    list(matrix, 'mitigations', at, false).forEach((t, i) => {
      const o = item(t, `${at}.mitigations[${i}]`);
      const w = `${at}.mitigations[${i}]`;
      mitigations.push({
        id: str(o, 'id', w),
        name: str(o, 'name', w),
        description: str(o, 'description', w, false),
        techniques: list(o, 'techniques', w, false).map((u, j) => str(item(u, `${w}.techniques[${j}]`), 'id', `${w}.techniques[${j}]`)),
      });
    });
  });
  const byId = new Map(techniques.map((t) => [t.id, t]));
  for (const t of techniques) {
    if (t.parent === null) continue;
    const parent = byId.get(t.parent);
    if (!parent) fail(`technique ${t.id}`, `is a sub-technique of ${t.parent}, which the file does not define`);
    else if (t.tactics.length === 0) t.tactics = [...parent.tactics];
  }
  const caseStudies = list(data, 'case-studies', 'the document', false).map((c, i): AtlasCaseStudy => {
    const o = item(c, `case-studies[${i}]`);
    const w = `case-studies[${i}]`;
    const steps = list(o, 'procedure', w, false).map((p, j) => str(item(p, `${w}.procedure[${j}]`), 'technique', `${w}.procedure[${j}]`));
    return {
      id: str(o, 'id', w),
      name: str(o, 'name', w),
      summary: str(o, 'summary', w, false),
      techniques: [...new Set(steps)],
      type: str(o, 'case-study-type', w, false) || null,
      date: str(o, 'incident-date', w, false) || null,
    };
  });
  return {
    source: 'imported',
    name: typeof data.name === 'string' ? data.name : 'MITRE ATLAS',
    version: typeof data.version === 'string' || typeof data.version === 'number' ? String(data.version) : 'unknown',
    path: file,
    tactics,
    techniques,
    mitigations,
    caseStudies,
  };
}

export type AtlasEntryKind = 'tactic' | 'technique' | 'mitigation' | 'case-study';

export interface AtlasHit {
  kind: AtlasEntryKind;
  id: string;
  /** For a sub-technique, "Parent: Name". */
  name: string;
  description: string;
  /** The catalog it came from (the first that has the id: pass imported catalogs before the built-in one). */
  catalog: string;
}

/** "Acquire Public AI Artifacts: Datasets" for a sub-technique; the name otherwise. */
export function techniqueTitle(t: AtlasTechnique, catalog: AtlasCatalog): string {
  if (!t.parent) return t.name;
  const parent = catalog.techniques.find((p) => p.id === t.parent);
  return parent ? `${parent.name}: ${t.name}` : t.name;
}

// Catalogs are immutable once built: their search entries are computed once per catalog.
const entryCache = new WeakMap<AtlasCatalog, AtlasHit[]>();

function entries(catalog: AtlasCatalog): AtlasHit[] {
  const cached = entryCache.get(catalog);
  if (cached) return cached;
  const from = `${catalog.name} ${catalog.version}`;
  const list = [
    ...catalog.techniques.map((t): AtlasHit => ({ kind: 'technique', id: t.id, name: techniqueTitle(t, catalog), description: t.description, catalog: from })),
    ...catalog.mitigations.map((m): AtlasHit => ({ kind: 'mitigation', id: m.id, name: m.name, description: m.description, catalog: from })),
    ...catalog.tactics.map((t): AtlasHit => ({ kind: 'tactic', id: t.id, name: t.name, description: t.description, catalog: from })),
    ...catalog.caseStudies.map((c): AtlasHit => ({ kind: 'case-study', id: c.id, name: c.name, description: c.summary, catalog: from })),
  ];
  entryCache.set(catalog, list);
  return list;
}

/**
 * Entries of the given kinds matching every word of the query, best first: an exact id, then an id that
 * starts with the query ("T0020" finds AML.T0020 and its sub-techniques), then words in the name, then in the
 * description. An id found in several catalogs is listed once, from the first catalog given.
 */
export function searchCatalogs(catalogs: readonly AtlasCatalog[], query: string, kinds: readonly AtlasEntryKind[], limit = 50): AtlasHit[] {
  const q = query.trim().toLowerCase();
  const words = q.split(/\s+/).filter(Boolean);
  const seen = new Set<string>();
  const scored: { hit: AtlasHit; score: number; order: number }[] = [];
  let order = 0;
  for (const catalog of catalogs) {
    for (const hit of entries(catalog)) {
      if (!kinds.includes(hit.kind) || seen.has(hit.id)) continue;
      seen.add(hit.id);
      const id = hit.id.toLowerCase();
      const name = hit.name.toLowerCase();
      const description = hit.description.toLowerCase();
      let score: number;
      if (words.length === 0) score = 1;
      else if (id === q || id === `aml.${q}`) score = 100;
      else if (id.startsWith(q) || id.startsWith(`aml.${q}`)) score = 80;
      else if (words.every((w) => name.includes(w) || id.includes(w))) score = 50 + (name.startsWith(words[0]) ? 10 : 0);
      else if (words.every((w) => name.includes(w) || id.includes(w) || description.includes(w))) score = 20;
      else score = 0;
      if (score > 0) scored.push({ hit, score, order: order++ });
    }
  }
  scored.sort((a, b) => b.score - a.score || a.hit.id.localeCompare(b.hit.id) || a.order - b.order);
  return scored.slice(0, limit).map((s) => s.hit);
}

/** The entry with this id in the first catalog that has it, or null. */
export function findAtlasEntry(catalogs: readonly AtlasCatalog[], id: string): AtlasHit | null {
  for (const catalog of catalogs) {
    const hit = entries(catalog).find((e) => e.id === id);
    if (hit) return hit;
  }
  return null;
}

/**
 * Case studies (from every catalog, each once, imported catalogs first) whose procedure uses one of the given
 * techniques or a sub-technique of one: real incidents and exercises to cite for a threat.
 */
export function caseStudiesUsing(catalogs: readonly AtlasCatalog[], techniqueIds: readonly string[]): AtlasCaseStudy[] {
  if (techniqueIds.length === 0) return [];
  const matches = (t: string) => techniqueIds.some((id) => t === id || t.startsWith(`${id}.`));
  const seen = new Set<string>();
  const out: AtlasCaseStudy[] = [];
  for (const catalog of catalogs) {
    for (const c of catalog.caseStudies) {
      if (seen.has(c.id) || !c.techniques.some(matches)) continue;
      seen.add(c.id);
      out.push(c);
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}
