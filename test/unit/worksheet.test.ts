/**
 * The worksheet document (shared/domain/worksheet.ts): JSON round trip, migration from the frozen version-1
 * fixture (test/fixtures/worksheet-v1.json, never edited: it is what an older Assay wrote), messages that name
 * the path of bad input; RACI validation; templates; CSV export; the host's export and import of files.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, describe, expect, it } from 'vitest';
import { exportWorksheet, importWorksheet } from '../../electron/host/worksheets.ts';
import { create } from 'zustand';
import { createWorksheetSlice, selectActiveWorksheet, selectWorksheets, worksheetInitial, type WorksheetSlice } from '../../renderer/src/store/worksheet-slice.ts';
import type { State } from '../../renderer/src/store/store.ts';
import {
  createWorksheet,
  parseWorksheet,
  THREAT_KINDS,
  WORKSHEET_VERSION,
  WorksheetFormatError,
  type Raci,
  type Worksheet,
} from '../../shared/domain/worksheet.ts';
import { integrityConfidence, scorePortfolio } from '../../shared/engine/risk.ts';
import { WORKSHEET_CSV_COLUMNS, worksheetCsv } from '../../shared/engine/worksheet-csv.ts';
import { removeAdversary, removeControl, removeRole, removeThreat, setLink } from '../../shared/engine/worksheet-edit.ts';
import { validateRaci } from '../../shared/engine/worksheet-raci.ts';
import { WORKSHEET_TEMPLATES } from '../../shared/engine/worksheet-templates.ts';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
const current = () => fixture('worksheet-v2.json') as Worksheet;

function messageOf(json: unknown): string {
  try {
    parseWorksheet(json);
  } catch (err) {
    expect(err).toBeInstanceOf(WorksheetFormatError);
    return (err as Error).message;
  }
  throw new Error('parseWorksheet accepted bad input');
}

describe('reading the current version', () => {
  it('reads the v2 fixture unchanged, without warnings', () => {
    const parsed = parseWorksheet(fixture('worksheet-v2.json'));
    expect(parsed.fromVersion).toBe(2);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.worksheet).toEqual(current());
  });

  it('survives a JSON round trip', () => {
    const w = WORKSHEET_TEMPLATES[0].build('2026-01-01T00:00:00Z');
    const again = parseWorksheet(JSON.parse(JSON.stringify(w))).worksheet;
    expect(again).toEqual(w);
  });
});

describe('migration from version 1', () => {
  const { worksheet: w, fromVersion, warnings } = parseWorksheet(fixture('worksheet-v1.json'));

  it('is the current version afterwards', () => {
    expect(fromVersion).toBe(1);
    expect(w.version).toBe(WORKSHEET_VERSION);
    expect(w.name).toBe('Fraud model scoping (2025 workshop)');
    expect(w.createdAt).toBe('2025-09-14T10:00:00Z');
    // What it produced is itself a valid current worksheet.
    expect(parseWorksheet(JSON.parse(JSON.stringify(w))).worksheet).toEqual(w);
  });

  it('turns percentages into fractions and names into ids', () => {
    expect(w.context.sources.map((s) => [s.trust, s.validation, s.compromise])).toEqual([
      ['trusted', 0.8, 0.05],
      ['partner', 0.5, 0.2],
      ['untrusted', 0, 0.4],
    ]);
    expect(w.context.stages.map((s) => s.kind)).toEqual(['ingestion', 'training', 'deployment']);
    const [t1, t2] = w.threats;
    expect([t1.probability, t1.impact, t1.weight]).toEqual([0.4, 8, 1]);
    expect(t1.atlas).toEqual(['AML.T0020', 'AML.T0010.002']);
    expect(t1.adversaries).toEqual(['adv-1']);
    expect(t2.adversaries).toEqual(['adv-2']); // matched "malicious insider" regardless of case
    expect(t2.atlas).toEqual(['AML.T0020']);
    expect(t2.controls).toEqual([]);
    expect(w.controls[0].evidence).toEqual([{ kind: 'note', id: '', label: 'scan of 2025-09-01' }]);
    expect(w.checklist.map((c) => c.status)).toEqual(['passed', 'not-started']);
  });

  it('keeps RACI letters by role and drops cells without a role', () => {
    expect(w.raci.activities[0].assignments).toEqual({ 'role-1': 'A', 'role-2': 'R', 'role-3': 'C' });
    expect(w.raci.activities[1].assignments).toEqual({ 'role-1': 'I', 'role-3': 'RA' });
    expect(validateRaci(w.raci)).toEqual([]);
  });

  it('says what it dropped or assumed', () => {
    expect(warnings).toContain('threat "Chargeback label flips": adversary "Nation-state" is not among the adversary profiles; dropped');
    expect(warnings).toContain('threat "Insider backdoor": "T0043.004" is not an ATLAS id; dropped');
    expect(warnings).toContain('threat "Insider backdoor": control "c9" does not exist; dropped');
    expect(warnings).toContain('RACI "Feed signing": cell 4 has no role column; dropped');
  });

  it('scores the migrated worksheet as worked by hand', () => {
    // t1: 1·0.4·8 = 3.2 · (1 − 0.5·0.8)(1 − 0.9·0.5) = 3.2 · 0.33 = 1.056; t2: 2·0.1·10 = 2, no controls left.
    const p = scorePortfolio(w);
    expect(p.threats.map((s) => s.residual.value)).toEqual([expect.closeTo(1.056, 12), expect.closeTo(2, 12)]);
    expect(integrityConfidence(w.context.sources).value).toBeCloseTo(0.99 * 0.9 * 0.6, 12);
  });
});

describe('bad input names the path', () => {
  it('rejects what is not a worksheet', () => {
    expect(messageOf([])).toBe('worksheet: must be a JSON object');
    expect(messageOf({ format: 'threat-dragon', version: 2 })).toMatch(/^worksheet\.format: must be "assay-worksheet" \(got "threat-dragon"\)/);
    expect(messageOf({ format: 'assay-worksheet' })).toMatch(/^worksheet\.version: must be a whole number/);
    expect(messageOf({ ...current(), version: 3 })).toMatch(/^worksheet\.version: is 3: written by a newer Assay/);
  });

  it('names the field out of range', () => {
    const w = current();
    w.threats[2].probability = 1.4;
    expect(messageOf(w)).toMatch(/^worksheet\.threats\[2\]\.probability: /);
    const v = current();
    v.controls[0].coverage = -0.1;
    expect(messageOf(v)).toMatch(/^worksheet\.controls\[0\]\.coverage: /);
    const a = current();
    a.threats[0].atlas = ['T0020'];
    expect(messageOf(a)).toBe('worksheet.threats[0].atlas[0]: must be an ATLAS id such as AML.T0020');
  });

  it('names a missing field and an unknown one', () => {
    const { impact: _impact, ...rest } = current().threats[1];
    const w = { ...current(), threats: [current().threats[0], rest] };
    expect(messageOf(w)).toMatch(/^worksheet\.threats\[1\]\.impact: /);
    expect(messageOf({ ...current(), extra: 1 })).toMatch(/^worksheet: .*extra/);
  });

  it('names dangling references and duplicate ids', () => {
    const w = current();
    w.threats[1].controls.push('ctl-nope');
    expect(messageOf(w)).toBe(`worksheet.threats[1].controls[${w.threats[1].controls.length - 1}]: no control has the id "ctl-nope"`);
    const d = current();
    d.controls[1].id = d.controls[0].id;
    expect(messageOf(d)).toBe(`worksheet.controls[1].id: "${d.controls[0].id}" is used twice`);
    const e = current();
    e.acceptances[0].threatId = 'thr-99';
    expect(messageOf(e)).toBe('worksheet.acceptances[0].threatId: no threat has the id "thr-99"');
  });

  it('names a bad path inside a version-1 file', () => {
    const v1 = fixture('worksheet-v1.json') as { threats: { likelihood: unknown }[] };
    v1.threats[1].likelihood = 'often';
    expect(messageOf(v1)).toMatch(/^worksheet\.threats\[1\]\.likelihood: /);
  });
});

describe('RACI validation', () => {
  const raci = (cells: Record<string, string>[]): Raci => ({
    roles: [
      { id: 'a', name: 'Alice' },
      { id: 'b', name: 'Bob' },
      { id: 'c', name: 'Carol' },
    ],
    activities: cells.map((assignments, i) => ({ id: `x${i}`, name: `Activity ${i}`, assignments })),
  });

  it('accepts exactly one A and at least one R (one role may hold both)', () => {
    expect(validateRaci(raci([{ a: 'A', b: 'R', c: 'R' }, { a: 'AR' }, { a: 'RA', b: 'CI' }]))).toEqual([]);
  });

  it('reports a missing Accountable, two Accountables and a missing Responsible, by name', () => {
    expect(validateRaci(raci([{ a: 'R' }]))).toEqual([{ activityId: 'x0', message: '"Activity 0" has no Accountable role: give exactly one role an A' }]);
    expect(validateRaci(raci([{ a: 'A', b: 'AR' }]))).toEqual([
      { activityId: 'x0', message: '"Activity 0" has 2 Accountable roles (Alice, Bob): keep exactly one A' },
    ]);
    expect(validateRaci(raci([{ a: 'A', b: 'C' }]))).toEqual([{ activityId: 'x0', message: '"Activity 0" has no Responsible role: give at least one role an R' }]);
    expect(validateRaci(raci([{}])).map((p) => p.message)).toHaveLength(2);
  });

  it('holds for the seed RACI of a new worksheet', () => {
    expect(validateRaci(createWorksheet('x', '2026-01-01').raci)).toEqual([]);
  });
});

describe('templates', () => {
  it.each(WORKSHEET_TEMPLATES.map((t) => [t.key, t] as const))('%s fills context, threats and linked controls and parses', (_key, template) => {
    const w = template.build('2026-01-01T00:00:00Z');
    expect(w.context.model).not.toBe('');
    expect(w.context.sources.length).toBeGreaterThan(0);
    expect(w.threats.length).toBeGreaterThanOrEqual(4);
    expect(w.controls.length).toBeGreaterThanOrEqual(4);
    for (const t of w.threats) {
      expect(t.controls.length, t.title).toBeGreaterThan(0);
      expect(t.atlas).toEqual([...THREAT_KINDS[t.kind].atlas]);
    }
    expect(() => parseWorksheet(w)).not.toThrow();
    // Controls lower the portfolio's risk.
    const p = scorePortfolio(w);
    expect(p.residual.value).toBeLessThan(p.inherent.value);
  });

  it('covers every threat category between them', () => {
    const categories = new Set(WORKSHEET_TEMPLATES.flatMap((t) => t.build('2026-01-01').threats.map((x) => THREAT_KINDS[x.kind].category)));
    expect([...categories].sort()).toEqual(['adversarial', 'data-poisoning', 'integrity', 'privacy']);
  });
});

describe('CSV export', () => {
  it('has one row per threat with the scores, and reads back with a CSV parser', () => {
    const w = current();
    w.threats[0].title = 'Flips, "targeted"';
    w.threats[1].title = '=HYPERLINK("http://x")';
    const csv = worksheetCsv(w);
    const rows = Papa.parse<string[]>(csv.trim(), { header: false }).data;
    expect(rows[0]).toEqual([...WORKSHEET_CSV_COLUMNS]);
    expect(rows).toHaveLength(w.threats.length + 1);
    const scores = scorePortfolio(w);
    const col = (name: (typeof WORKSHEET_CSV_COLUMNS)[number]) => WORKSHEET_CSV_COLUMNS.indexOf(name);
    w.threats.forEach((t, i) => {
      const row = rows[i + 1];
      expect(row[col('threat_id')]).toBe(t.id);
      expect(Number(row[col('inherent_risk')])).toBe(scores.threats[i].inherent.value);
      expect(Number(row[col('residual_risk')])).toBe(scores.threats[i].residual.value);
      expect(row[col('above_tolerance')]).toBe(scores.threats[i].residual.value > w.tolerance ? 'yes' : 'no');
    });
    expect(rows[1][col('title')]).toBe('Flips, "targeted"');
    expect(rows[1][col('decision')]).toBe('mitigate');
    // A formula is neutralised for spreadsheets.
    expect(rows[2][col('title')]).toBe(`'=HYPERLINK("http://x")`);
  });
});

describe('removals keep references whole', () => {
  it('takes what pointed at a removed threat, control, adversary or role with it', () => {
    const w = current();
    const threat = w.threats[0];
    const control = threat.controls[0];
    removeControl(w, control);
    expect(w.threats.some((t) => t.controls.includes(control))).toBe(false);
    removeAdversary(w, 'adv-insider');
    expect(w.tradeoffAdversary).toBeNull();
    expect(w.threats.some((t) => t.adversaries.includes('adv-insider'))).toBe(false);
    removeThreat(w, threat.id);
    expect(w.acceptances).toEqual([]);
    expect(w.workshop.estimates).toEqual([]);
    expect(w.workshop.notes).toEqual({});
    removeRole(w, w.raci.roles[0].id);
    expect(() => parseWorksheet(JSON.parse(JSON.stringify(w)))).not.toThrow();
  });

  it('links a control to a threat once and unlinks it', () => {
    const w = current();
    const t = w.threats[0];
    setLink(w, t.id, w.controls[4].id, true);
    setLink(w, t.id, w.controls[4].id, true);
    expect(t.controls.filter((c) => c === w.controls[4].id)).toHaveLength(1);
    setLink(w, t.id, w.controls[4].id, false);
    expect(t.controls).not.toContain(w.controls[4].id);
  });
});

describe('worksheet files on the host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'assay-ws-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes JSON that imports back equal, and CSV with one row per threat', async () => {
    const w = current();
    const json = join(dir, 'a.worksheet.json');
    const written = await exportWorksheet({ worksheet: w, path: json, format: 'json', overwrite: false });
    expect(written).toEqual({ path: json, format: 'json', bytes: readFileSync(json).byteLength });
    const read = await importWorksheet(json);
    expect(read.worksheet).toEqual(w);
    expect([read.fromVersion, read.warnings, read.path]).toEqual([2, [], json]);
    const csv = join(dir, 'a.csv');
    await exportWorksheet({ worksheet: w, path: csv, format: 'csv', overwrite: false });
    expect(readFileSync(csv, 'utf8')).toBe(worksheetCsv(w));
  });

  it('refuses to replace a file unless told to, and keeps the old one', async () => {
    const path = join(dir, 'keep.json');
    writeFileSync(path, 'precious');
    await expect(exportWorksheet({ worksheet: current(), path, format: 'json', overwrite: false })).rejects.toThrow(/keep\.json already exists/);
    expect(readFileSync(path, 'utf8')).toBe('precious');
    await exportWorksheet({ worksheet: current(), path, format: 'json', overwrite: true });
    expect(JSON.parse(readFileSync(path, 'utf8')).id).toBe('ws-fixture-v2');
  });

  it('wants the extension of the format and a worksheet whose references hold', async () => {
    await expect(exportWorksheet({ worksheet: current(), path: join(dir, 'x.txt'), format: 'csv', overwrite: false })).rejects.toThrow(/a CSV export needs a path ending in \.csv/);
    const w = current();
    w.threats[0].controls.push('ctl-gone');
    await expect(exportWorksheet({ worksheet: w, path: join(dir, 'y.json'), format: 'json', overwrite: false })).rejects.toThrow(
      /the worksheet cannot be saved: worksheet\.threats\[0\]\.controls\[\d+\]: no control has the id "ctl-gone"/,
    );
  });

  it('imports a version-1 file migrated, with warnings', async () => {
    const path = join(dir, 'old.json');
    copyFileSync(new URL('../fixtures/worksheet-v1.json', import.meta.url), path);
    const read = await importWorksheet(path);
    expect(read.fromVersion).toBe(1);
    expect(read.worksheet.version).toBe(2);
    expect(read.warnings.length).toBeGreaterThan(0);
  });

  it('names the file, line and column of broken JSON, and the file and path of a bad field', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{\n  "format": "assay-worksheet",\n  "version": 2,,\n}');
    // The second comma of line 3 is the 16th character.
    await expect(importWorksheet(broken)).rejects.toThrow(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, line 3, column 16: not valid JSON`));
    const bad = join(dir, 'bad.json');
    const w = current();
    (w.threats[3] as { impact: unknown }).impact = 11;
    writeFileSync(bad, JSON.stringify(w));
    await expect(importWorksheet(bad)).rejects.toThrow(/bad\.json: worksheet\.threats\[3\]\.impact: /);
    await expect(importWorksheet(join(dir, 'none.json'))).rejects.toThrow(/none\.json cannot be read \(ENOENT\)/);
  });
});

describe('the worksheet slice', () => {
  // The slice alone in a store of its own: it only reads and writes its own keys.
  const makeStore = () => create<WorksheetSlice>()((set, get, api) => createWorksheetSlice(set as never, get as never, api as never));
  const asState = (s: WorksheetSlice) => s as unknown as State;

  it('keeps plain JSON a case can save and give back', () => {
    const store = makeStore();
    expect(Object.keys(worksheetInitial).sort()).toEqual(['activeWorksheetId', 'atlasCatalogs', 'setAsideWorksheets', 'worksheets']);
    const a = current();
    store.getState().loadWorksheets([a]);
    expect(selectActiveWorksheet(asState(store.getState()))?.id).toBe(a.id);
    const saved = JSON.parse(JSON.stringify(selectWorksheets(asState(store.getState())))) as unknown[];
    expect(saved.map((w) => parseWorksheet(w).worksheet)).toEqual([a]);
  });

  it('edits a copy and stamps the time; the original object is untouched', () => {
    const store = makeStore();
    const a = current();
    store.getState().loadWorksheets([a]);
    store.getState().updateWorksheet(a.id, (d) => void (d.threats[0].probability = 0.9));
    const edited = store.getState().worksheets[0];
    expect(edited.threats[0].probability).toBe(0.9);
    expect(a.threats[0].probability).not.toBe(0.9);
    expect(Math.abs(Date.parse(edited.updatedAt) - Date.now())).toBeLessThan(60_000);
    expect(edited.updatedAt).not.toBe(a.updatedAt);
  });

  it('sets aside the worksheets a load replaces, and restores them', () => {
    const store = makeStore();
    const draft = createWorksheet('Draft', '2026-01-01T00:00:00Z');
    store.getState().addWorksheet(draft);
    const fromCase = current();
    store.getState().loadWorksheets([fromCase]);
    expect(store.getState().worksheets.map((w) => w.id)).toEqual([fromCase.id]);
    expect(store.getState().setAsideWorksheets.map((w) => w.id)).toEqual([draft.id]);
    store.getState().restoreSetAside();
    expect(store.getState().worksheets.map((w) => w.id)).toEqual([fromCase.id, draft.id]);
    expect(store.getState().setAsideWorksheets).toEqual([]);
    // Loading the same list again sets nothing aside.
    store.getState().loadWorksheets(store.getState().worksheets);
    expect(store.getState().setAsideWorksheets).toEqual([]);
  });

  it('opens the next worksheet when the open one is removed', () => {
    const store = makeStore();
    const a = createWorksheet('A', '2026-01-01');
    const b = createWorksheet('B', '2026-01-01');
    store.getState().loadWorksheets([a, b], b.id);
    store.getState().removeWorksheet(b.id);
    expect(store.getState().activeWorksheetId).toBe(a.id);
    store.getState().removeWorksheet(a.id);
    expect(store.getState().activeWorksheetId).toBeNull();
  });
});
