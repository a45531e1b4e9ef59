/**
 * The case document: migration of a frozen version-1 file, a lossless round trip of the current version, and
 * the messages for damaged or hand-edited files (what was wrong, where, and what was done about it).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CASE_VERSION,
  GENESIS_HASH,
  INCIDENT_PHASES,
  newCaseDocument,
  parseCase,
  parseJsonText,
  readIncident,
  readQuarantineSet,
  type CaseDocument,
} from '../../shared/domain/case.ts';
import { createWorksheet } from '../../shared/domain/worksheet.ts';

const V1 = readFileSync(new URL('../fixtures/case-v1/case.json', import.meta.url), 'utf8');
const SHA = 'a9eda454b0613fb94cf3a9aa1542688e8950704c92789839cd465e3b6aeb34bb';

function fullDocument(): CaseDocument {
  const doc = newCaseDocument({ id: 'case-1', name: 'Case', analyst: 'A. Analyst', now: '2026-11-27T08:00:00.000Z' });
  doc.datasets.push({
    sha256: SHA,
    source: { kind: 'file', request: { path: '/data/x.csv', roles: { label: 'label', id: 'id', features: null, text: [], group: null }, badRows: 'stop' } },
    summary: { name: 'x.csv', format: 'csv', rows: 3, dims: 2, sizeBytes: 10, labelColumn: 'label', idColumn: 'id', classNames: ['a', 'b'], classCounts: [2, 1] },
    addedAt: '2026-11-27T08:01:00.000Z',
  });
  doc.results.push({
    key: `${SHA}/scan/${'b'.repeat(64)}`,
    datasetSha256: SHA,
    kind: 'scan',
    paramsHash: 'b'.repeat(64),
    params: { datasetId: `sha256:${SHA}` },
    file: 'results/a9eda454b0613fb9-scan-bbbbbbbbbbbbbbbb.wire',
    sha256: 'c'.repeat(64),
    createdAt: '2026-11-27T08:02:00.000Z',
    auditSeq: 3,
    title: 'Scan',
  });
  doc.quarantine.push({
    id: 'q1',
    name: 'set',
    origin: 'flags',
    createdAt: '2026-11-27T08:03:00.000Z',
    datasetName: 'x.csv',
    datasetSha256: SHA,
    rows: [0, 2],
    labels: ['a', 'b'],
    reasons: [{ detector: 'spectral', title: 'Spectral', flagNote: 'FDR', flagged: [1, 0], scores: [2.5, null], pValues: null }],
  });
  doc.worksheets.push(createWorksheet('Threat model', '2026-11-27T08:04:00.000Z'));
  doc.incident.declared = true;
  doc.incident.phases[0] = { phase: 'detection', owner: 'Kim', status: 'done', started: '2026-11-20', completed: '2026-11-21', notes: 'found' };
  doc.timeline.push({ time: '2026-11-27T08:02:00.000Z', auditSeq: 3, actor: 'A. Analyst', action: 'job.scan', summary: 'Scan', evidence: [{ label: 'Scan', resultKey: doc.results[0].key }], phase: 'analysis' });
  doc.notes = 'notes';
  doc.audit = { entries: 3, head: 'd'.repeat(64) };
  return doc;
}

describe('case document', () => {
  it('migrates the frozen version-1 fixture to the current version', () => {
    const parsed = parseCase(V1, 'case.json', 'folder');
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.migratedFrom).toBe(1);
    const doc = parsed.document;
    expect(doc.version).toBe(CASE_VERSION);
    expect(doc.id).toBe('5d0c1f2e-7b7a-4c55-9a39-0f1e2d3c4b5a');
    expect(doc.name).toBe('CIFAR embeddings — suspected backdoor');
    expect(doc.analyst).toBe('R. Okafor');
    expect(doc.createdAt).toBe('2026-10-02T09:14:03.120Z');
    expect(doc.updatedAt).toBe('2026-10-03T16:40:51.007Z');
    expect(doc.datasets).toHaveLength(1);
    expect(doc.datasets[0].sha256).toBe(SHA);
    expect(doc.datasets[0].source).toEqual({
      kind: 'file',
      request: { path: '/data/cases/cifar/backdoor-embeddings.csv', roles: { label: 'label', id: 'id', features: null, text: [], group: null }, badRows: 'stop' },
    });
    expect(doc.datasets[0].summary).toMatchObject({ name: 'backdoor-embeddings.csv', format: 'csv', rows: 3000, dims: 32, classCounts: Array(10).fill(300) });
    expect(doc.quarantine).toEqual([
      {
        id: 'q1',
        name: 'horse flags',
        origin: 'saved by case version 1',
        createdAt: '2026-10-03T10:02:11.500Z',
        datasetName: 'backdoor-embeddings.csv',
        datasetSha256: SHA,
        rows: [2101, 2107, 2133],
        labels: ['horse', 'horse', 'horse'],
        reasons: [],
      },
    ]);
    expect(doc.notes).toMatch(/^Trigger looks like/);
    expect(doc.incident.declared).toBe(false);
    expect(doc.incident.phases.map((p) => p.phase)).toEqual([...INCIDENT_PHASES]);
    expect(doc.audit).toEqual({ entries: 7, head: '3f9c8a51d2e0b7c6a4f1e2d3c4b5a6978877665544332211ffeeddccbbaa9988' });
    // v1 results carry no file hash: they are dropped, and the analyst is told.
    expect(doc.results).toEqual([]);
    expect(parsed.problems).toEqual([{ path: 'results', message: expect.stringContaining('1 result(s) stored by version 1'), action: 'dropped' }]);
  });

  it('reads the current version back exactly, with no problems', () => {
    const doc = fullDocument();
    const parsed = parseCase(JSON.stringify(doc, null, 2), 'case.json', 'folder');
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.problems).toEqual([]);
    expect(parsed.migratedFrom).toBeNull();
    expect(parsed.document).toEqual(doc);
  });

  it('names the line and column of a JSON syntax error', () => {
    const text = '{\n  "format": "assay-case",\n  "version": 2,\n  "name": "x"\n  "id": "y"\n}\n';
    const parsed = parseCase(text, '/cases/a/case.json', 'a');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.message).toMatch(/^\/cases\/a\/case\.json, line 5, column 3: not valid JSON/);
    const cut = parseJsonText('{"a": [1, 2', 'f.json');
    expect(cut.ok).toBe(false);
    if (!cut.ok) expect(cut.message).toMatch(/^f\.json, line 1, column (11|12): not valid JSON/);
  });

  it('refuses what is not a case, or is from a newer version, saying so', () => {
    const expectMessage = (text: string, pattern: RegExp) => {
      const parsed = parseCase(text, 'case.json', 'f');
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.message).toMatch(pattern);
    };
    expectMessage('[1]', /holds one JSON object, this one holds a list/);
    expectMessage('{"format":"other","version":2}', /not an Assay case file \('format' is the text "other"/);
    expectMessage('{"format":"assay-case","version":9}', /newer Assay \(case version 9; this one reads up to 2\)/);
    expectMessage('{"format":"assay-case","version":"2"}', /'version' is the text "2"/);
  });

  it('opens a hand-edited file with what could be kept, naming each bad field and what was done', () => {
    const doc = fullDocument() as unknown as Record<string, any>;
    doc.datasets.push({ ...doc.datasets[0], sha256: 'not-a-hash' });
    doc.quarantine[0].rows = [0, 'two'];
    doc.incident.phases[1] = { phase: 'containment', owner: 'Lee', status: 'half-done', started: '27/11/2026', completed: null, notes: '' };
    doc.incident.phases.push({ phase: 'detection', owner: 'dup' });
    doc.notes = 42;
    doc.worksheets.push({ format: 'assay-worksheet', version: 2, name: 'broken' });
    doc.results.push({ ...doc.results[0], file: '../../etc/passwd' });
    delete doc.id;
    const parsed = parseCase(JSON.stringify(doc), 'case.json', 'folder-name');
    if (!parsed.ok) throw new Error(parsed.message);
    const byPath = Object.fromEntries(parsed.problems.map((p) => [p.path, p]));
    expect(byPath['id']).toMatchObject({ action: 'defaulted' });
    expect(parsed.document.id).toBe('folder-name');
    expect(byPath['datasets[1]']).toMatchObject({ action: 'dropped', message: expect.stringContaining('sha256 should be 64 hex digits') });
    expect(parsed.document.datasets).toHaveLength(1);
    expect(byPath['results[1]']).toMatchObject({ action: 'dropped', message: expect.stringContaining('file should be a file name under results/') });
    expect(byPath['quarantine[0]']).toMatchObject({ action: 'dropped', message: expect.stringContaining('rows should be a list of row numbers') });
    expect(parsed.document.quarantine).toEqual([]);
    expect(byPath['incident.phases[1].status']).toMatchObject({ action: 'defaulted', message: expect.stringContaining('half-done') });
    expect(byPath['incident.phases[1].started']).toMatchObject({ action: 'defaulted' });
    expect(byPath['incident.phases[6]']).toMatchObject({ action: 'dropped', message: expect.stringContaining("repeats the phase 'detection'") });
    expect(byPath['notes']).toMatchObject({ action: 'defaulted', message: 'should be text, is number 42' });
    const containment = parsed.document.incident.phases.find((p) => p.phase === 'containment')!;
    expect(containment).toEqual({ phase: 'containment', owner: 'Lee', status: 'not-started', started: null, completed: null, notes: '' });
    expect(parsed.document.incident.phases.find((p) => p.phase === 'detection')!.owner).toBe('Kim');
    expect(byPath['worksheets[1]']).toMatchObject({ action: 'dropped', message: expect.stringMatching(/^worksheet\./) });
    expect(parsed.document.worksheets).toHaveLength(1);
    expect(parsed.problems).toHaveLength(9);
  });

  it('validates sections the renderer sends on their own', () => {
    const set = fullDocument().quarantine[0];
    expect(readQuarantineSet(set)).toEqual(set);
    expect(readQuarantineSet({ ...set, labels: ['a'] })).toBe('labels should be a list of 2 class names, one per row');
    expect(readQuarantineSet({ ...set, reasons: [{ ...set.reasons[0], scores: [1] }] })).toBe('reasons[0].scores should be 2 numbers (or null)');
    const incident = fullDocument().incident;
    expect(readIncident(incident)).toEqual(incident);
    expect(readIncident({ ...incident, severity: 'huge' })).toMatch(/^incident\.severity should be one of low, medium, high, critical/);
    expect(newCaseDocument({ id: 'i', name: 'n', analyst: '', now: 't' }).audit).toEqual({ entries: 0, head: GENESIS_HASH });
  });
});
