/**
 * The ATLAS catalog: the importer on MITRE's real ATLAS 5.6.0 file (test/fixtures/atlas/ATLAS.yaml, Apache-2.0,
 * a copy of the handbook's ../shared/data/ATLAS.yaml), whose counts
 * were taken independently with PyYAML —
 *   d = yaml.safe_load(open('ATLAS.yaml')); m = d['matrices'][0]
 *   len(m['tactics']) == 16, len(m['techniques']) == 170 (101 without 'subtechnique-of'),
 *   len(m['mitigations']) == 35, len(d['case-studies']) == 57,
 *   case studies with a procedure step on AML.T0031: CS0005, CS0006, CS0009, CS0019, CS0025
 * (and `grep -c 'object-type: technique'` agrees); the built-in catalog checked against the same file; errors on
 * malformed YAML (line and column) and on YAML of the wrong shape (path); the search the pickers use.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importAtlas, parseAtlasYaml, readAtlasFile } from '../../electron/host/atlas.ts';
import { HostError } from '../../electron/host/errors.ts';
import { WorkerPool } from '../../electron/host/pool.ts';
import { BUILTIN_ATLAS, caseStudiesUsing, findAtlasEntry, searchCatalogs, type AtlasCatalog } from '../../shared/domain/atlas-catalog.ts';

const ATLAS_FILE = new URL('../fixtures/atlas/ATLAS.yaml', import.meta.url).pathname;

function hostErrorOf(call: () => unknown): string {
  try {
    call();
  } catch (err) {
    expect(err).toBeInstanceOf(HostError);
    return (err as Error).message;
  }
  throw new Error('no error');
}

describe("MITRE's ATLAS.yaml", () => {
  let real: AtlasCatalog;
  it('has the counts PyYAML finds', async () => {
    real = await readAtlasFile(ATLAS_FILE);
    expect(real.source).toBe('imported');
    expect(real.version).toBe('5.6.0');
    expect(real.tactics).toHaveLength(16);
    expect(real.techniques).toHaveLength(170);
    expect(real.techniques.filter((t) => t.parent === null)).toHaveLength(101);
    expect(real.mitigations).toHaveLength(35);
    expect(real.caseStudies).toHaveLength(57);
    expect(real.caseStudies.filter((c) => c.techniques.includes('AML.T0031')).map((c) => c.id).sort()).toEqual([
      'AML.CS0005',
      'AML.CS0006',
      'AML.CS0009',
      'AML.CS0019',
      'AML.CS0025',
    ]);
  });

  it('gives sub-techniques their parent’s tactics', () => {
    const sub = real.techniques.find((t) => t.id === 'AML.T0043.004')!;
    expect(sub.parent).toBe('AML.T0043');
    expect(sub.tactics).toEqual(['AML.TA0001']);
    expect(real.techniques.every((t) => t.tactics.length > 0)).toBe(true);
  });

  it('agrees with the built-in catalog on every id, name, tactic and parent', () => {
    expect(BUILTIN_ATLAS.tactics.map((t) => [t.id, t.name])).toEqual(real.tactics.map((t) => [t.id, t.name]));
    for (const t of BUILTIN_ATLAS.techniques) {
      const r = real.techniques.find((x) => x.id === t.id);
      expect(r, t.id).toBeDefined();
      expect([t.name, t.parent, t.tactics, t.maturity], t.id).toEqual([r!.name, r!.parent, r!.tactics, r!.maturity]);
    }
    for (const m of BUILTIN_ATLAS.mitigations) {
      const r = real.mitigations.find((x) => x.id === m.id);
      expect(r?.name, m.id).toBe(m.name);
      for (const t of m.techniques) expect(r!.techniques, `${m.id} → ${t}`).toContain(t);
    }
    for (const c of BUILTIN_ATLAS.caseStudies) {
      const r = real.caseStudies.find((x) => x.id === c.id);
      expect([r?.name, r?.type, r?.date], c.id).toEqual([c.name, c.type, c.date]);
      for (const t of c.techniques) expect(r!.techniques, `${c.id} → ${t}`).toContain(t);
    }
  });

  it('is searchable before the built-in catalog, each id once', () => {
    const hits = searchCatalogs([real, BUILTIN_ATLAS], 'T0024', ['technique']);
    // The id and its sub-techniques first; then techniques whose description links to it.
    expect(hits.slice(0, 4).map((h) => h.id)).toEqual(['AML.T0024', 'AML.T0024.000', 'AML.T0024.001', 'AML.T0024.002']);
    expect(hits.slice(4).every((h) => real.techniques.find((t) => t.id === h.id)!.description.includes('AML.T0024'))).toBe(true);
    expect(hits[0].catalog).toContain('5.6.0');
    expect(hits.every((h) => h.catalog.startsWith('Adversarial Threat Landscape'))).toBe(true);
    // Only the imported file has the rest of the matrix.
    expect(searchCatalogs([real, BUILTIN_ATLAS], 'prompt injection', ['technique']).length).toBeGreaterThan(0);
    expect(searchCatalogs([BUILTIN_ATLAS], 'prompt injection', ['technique'])).toEqual([]);
  });

  it('finds the case studies that use a technique or its sub-techniques', () => {
    // From PyYAML over the same file: case studies with a procedure step on AML.T0020, and on AML.T0024 or a
    // sub-technique of it.
    expect(caseStudiesUsing([real, BUILTIN_ATLAS], ['AML.T0020']).map((c) => c.id)).toEqual(['AML.CS0002', 'AML.CS0009', 'AML.CS0025']);
    expect(caseStudiesUsing([real], ['AML.T0024']).map((c) => c.id)).toEqual(['AML.CS0056']);
    expect(caseStudiesUsing([real], [])).toEqual([]);
  });

  it('is read in a worker thread by the host', async () => {
    const pool = new WorkerPool({ threads: 1 });
    try {
      const catalog = await importAtlas(pool, ATLAS_FILE);
      expect(catalog.techniques).toHaveLength(170);
      await expect(importAtlas(pool, join(tmpdir(), 'no-such-atlas.yaml'))).rejects.toThrow(/no-such-atlas\.yaml cannot be read \(ENOENT\)/);
    } finally {
      await pool.close();
    }
  }, 60_000);
});

describe('malformed input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'assay-atlas-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the line and column of a YAML syntax error', () => {
    const text = ['id: ATLAS', 'version: 5.6.0', 'matrices:', '- id: ATLAS', '  tactics:', '  - id: AML.TA0002', '    name: "Reconnaissance', ''].join('\n');
    const message = hostErrorOf(() => parseAtlasYaml(text, 'broken.yaml'));
    // The parser notices the missing quote where the input ends.
    expect(message).toBe('broken.yaml, line 8, column 1: this is not valid YAML (Missing closing "quote)');
  });

  it('names the line of a bad indentation', () => {
    const text = ['id: ATLAS', 'matrices:', '- id: ATLAS', '  tactics: []', ' techniques: []', ''].join('\n');
    expect(hostErrorOf(() => parseAtlasYaml(text, 'indent.yaml'))).toMatch(/^indent\.yaml, line 5, column \d+: /);
  });

  it('names the path of a field that is missing or of the wrong kind', () => {
    expect(hostErrorOf(() => parseAtlasYaml('- just\n- a list\n', 'list.yaml'))).toBe(
      "list.yaml: the document: is not a mapping: this is not a MITRE ATLAS.yaml — is this MITRE's ATLAS.yaml?",
    );
    const noName = ['id: ATLAS', 'matrices:', '- id: ATLAS', '  tactics:', '  - id: AML.TA0002', '  techniques: []', ''].join('\n');
    expect(hostErrorOf(() => parseAtlasYaml(noName, 'x.yaml'))).toMatch(/^x\.yaml: matrices\[0\]\.tactics\[0\]\.name: is missing/);
    const orphan = ['id: ATLAS', 'matrices:', '- id: ATLAS', '  tactics: []', '  techniques:', '  - id: AML.T0001.000', '    name: Sub', '    subtechnique-of: AML.T0001', ''].join('\n');
    expect(hostErrorOf(() => parseAtlasYaml(orphan, 'y.yaml'))).toMatch(/technique AML\.T0001\.000: is a sub-technique of AML\.T0001, which the file does not define/);
  });

  it('reads a minimal file of the right shape', async () => {
    const file = join(dir, 'mini.yaml');
    writeFileSync(
      file,
      ['id: ATLAS', 'name: Mini', 'version: 9.9', 'matrices:', '- id: ATLAS', '  tactics:', '  - {id: AML.TA0011, name: Impact}', '  techniques:', '  - {id: AML.T0099, name: New thing, tactics: [AML.TA0011]}', ''].join('\n'),
    );
    const c = await readAtlasFile(file);
    expect([c.name, c.version, c.tactics.length, c.techniques.length, c.mitigations.length, c.caseStudies.length]).toEqual(['Mini', '9.9', 1, 1, 0, 0]);
    expect(findAtlasEntry([c, BUILTIN_ATLAS], 'AML.T0099')?.name).toBe('New thing');
  });
});

describe('built-in catalog and search', () => {
  it('holds the 16 tactics, the data techniques, six mitigations and five case studies citing T0031', () => {
    expect(BUILTIN_ATLAS.tactics).toHaveLength(16);
    expect(BUILTIN_ATLAS.mitigations.map((m) => m.id).sort()).toEqual(['AML.M0005', 'AML.M0007', 'AML.M0008', 'AML.M0014', 'AML.M0023', 'AML.M0025']);
    expect(BUILTIN_ATLAS.caseStudies.every((c) => c.techniques.includes('AML.T0031'))).toBe(true);
    const ids = new Set(BUILTIN_ATLAS.techniques.map((t) => t.id));
    for (const t of BUILTIN_ATLAS.techniques) if (t.parent) expect(ids.has(t.parent), t.id).toBe(true);
    for (const m of BUILTIN_ATLAS.mitigations) for (const t of m.techniques) expect(ids.has(t), `${m.id} → ${t}`).toBe(true);
  });

  it('lists the built-in case studies citing T0031 for a threat mapped to it', () => {
    expect(caseStudiesUsing([BUILTIN_ATLAS], ['AML.T0031']).map((c) => c.id)).toEqual(['AML.CS0005', 'AML.CS0006', 'AML.CS0009', 'AML.CS0019', 'AML.CS0025']);
    expect(caseStudiesUsing([BUILTIN_ATLAS], ['AML.T0018']).map((c) => c.id)).toEqual(['AML.CS0019']);
  });

  it('ranks an exact id first, then id prefixes, then names, then descriptions', () => {
    expect(searchCatalogs([BUILTIN_ATLAS], 'aml.t0020', ['technique'])[0].id).toBe('AML.T0020');
    expect(searchCatalogs([BUILTIN_ATLAS], 'T0018', ['technique']).map((h) => h.id)).toEqual(['AML.T0018', 'AML.T0018.000']);
    expect(searchCatalogs([BUILTIN_ATLAS], 'backdoor trigger', ['technique'])[0].id).toBe('AML.T0043.004');
    expect(searchCatalogs([BUILTIN_ATLAS], 'backdoor trigger', ['technique'])[0].name).toBe('Craft Adversarial Data: Insert Backdoor Trigger');
    // "label" is only in T0020's description: found, but after name matches of other queries.
    expect(searchCatalogs([BUILTIN_ATLAS], 'label', ['technique']).map((h) => h.id)).toContain('AML.T0020');
    expect(searchCatalogs([BUILTIN_ATLAS], 'provenance', ['mitigation'])[0].id).toBe('AML.M0025');
    expect(searchCatalogs([BUILTIN_ATLAS], 'provenance', ['technique']).every((h) => h.kind === 'technique')).toBe(true);
    expect(searchCatalogs([BUILTIN_ATLAS], '', ['case-study'])).toHaveLength(5);
    expect(searchCatalogs([BUILTIN_ATLAS], 'zzzz', ['technique', 'mitigation', 'tactic', 'case-study'])).toEqual([]);
  });
});
