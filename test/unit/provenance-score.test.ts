/**
 * A source's provenance validation score from a manifest verification (shared/engine/provenance-score.ts),
 * against counts worked out by hand, and its effect on the worksheet's integrity confidence; the worksheet's
 * optional link from a source's V to the manifest check it came from.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FileVerification, ManifestVerification, RowDiff, SignatureCheck } from '../../shared/domain/provenance.ts';
import { parseWorksheet, WorksheetFormatError } from '../../shared/domain/worksheet.ts';
import { validationScore } from '../../shared/engine/provenance-score.ts';
import { integrityConfidence } from '../../shared/engine/risk.ts';

const H = (c: string) => c.repeat(64);

function file(path: string, status: FileVerification['status'], expected: number, extra: Partial<FileVerification> = {}): FileVerification {
  return {
    path,
    checkedPath: status === 'missing' ? null : `/data/${path}`,
    status,
    expectedSha256: H('a'),
    actualSha256: status === 'missing' ? null : status === 'ok' ? H('a') : H('b'),
    expectedRoot: H('c'),
    actualRoot: status === 'missing' ? null : status === 'ok' ? H('c') : H('d'),
    headerChanged: false,
    rows: { expected, actual: status === 'missing' ? null : expected },
    diff: null,
    ...extra,
  };
}

function diff(unchanged: number, changed: number, added = 0, removed = 0): RowDiff {
  return {
    changed: Array.from({ length: changed }, (_, i) => ({ oldIndex: i, newIndex: i, id: null, line: i + 2 })),
    added: Array.from({ length: added }, (_, i) => ({ newIndex: 1000 + i, id: null, line: 1002 + i })),
    removed: Array.from({ length: removed }, (_, i) => ({ oldIndex: 2000 + i, id: null })),
    unchanged,
    matchedBy: 'position',
  };
}

function verification(files: FileVerification[], extra: Partial<ManifestVerification> = {}): ManifestVerification {
  return { ok: files.every((f) => f.status === 'ok'), manifestRoot: H('e'), rootConsistent: true, signature: null, files, ...extra };
}

const goodSig: SignatureCheck = { keyid: 'k-7f3a', expectedKeyid: 'k-7f3a', valid: true, signedAt: '2026-11-20T10:00:00Z', problem: null };
const badSig: SignatureCheck = { keyid: 'k-7f3a', expectedKeyid: 'k-0000', valid: false, signedAt: null, problem: 'the signature does not match the payload' };

describe('validationScore', () => {
  it('is 1 for an unsigned manifest whose files all match, and says it was unsigned', () => {
    const v = validationScore(verification([file('train.csv', 'ok', 10), file('labels.txt', 'ok', 10)]));
    expect(v.value).toBe(1);
    expect(v.how).toContain('(10 + 10) / (10 + 10) = 20 / 20 = 1');
    expect(v.how).toContain('train.csv: 10 of 10 rows verified (unchanged)');
    expect(v.how).toContain('unsigned manifest');
  });

  it('counts only the unchanged rows of a changed file: one row edited of 5 gives 4/5', () => {
    const v = validationScore(verification([file('train.csv', 'changed', 5, { diff: diff(4, 1) })], { signature: goodSig }));
    expect(v.value).toBe(0.8);
    expect(v.how).toContain('V = rows verified / rows = 4 / 5 = 0.8');
    expect(v.how).toContain('train.csv: 4 of 5 rows verified (1 changed, 0 added, 0 removed)');
    expect(v.how).toContain('signed by keyid k-7f3a at 2026-11-20T10:00:00Z (signature verified)');
  });

  it('gives a missing file none of its rows: ok 6 + missing 4 gives 6/10', () => {
    const v = validationScore(verification([file('a.csv', 'ok', 6), file('b.csv', 'missing', 4)]));
    expect(v.value).toBe(0.6);
    expect(v.how).toContain('(6 + 0) / (6 + 4) = 6 / 10 = 0.6');
    expect(v.how).toContain('b.csv: 0 of 4 rows verified (missing)');
  });

  it('sums over files: ok 3, changed 8 (5 unchanged, 2 changed, 1 removed, 3 added), missing 2 → 8/16', () => {
    // Rows: 3 + (8 recorded + 3 appended) + 2 = 16; verified: 3 + 5 + 0 = 8.
    const v = validationScore(
      verification([file('a.csv', 'ok', 3), file('b.csv', 'changed', 8, { rows: { expected: 8, actual: 10 }, diff: diff(5, 2, 3, 1) }), file('c.csv', 'missing', 2)]),
    );
    expect(v.value).toBe(0.5);
    expect(v.how).toContain('(3 + 5 + 0) / (3 + 11 + 2) = 8 / 16 = 0.5');
    expect(v.how).toContain('b.csv: 5 of 11 rows verified (2 changed, 3 added, 1 removed)');
  });

  it('does not let appended rows hide: 100 recorded rows intact plus 100 appended gives 1/2, not 1', () => {
    const v = validationScore(verification([file('a.csv', 'changed', 100, { rows: { expected: 100, actual: 200 }, diff: diff(100, 0, 100) })]));
    expect(v.value).toBe(0.5);
  });

  it('counts a changed file without a row diff as unverified, over the larger of its old and new row counts', () => {
    const v = validationScore(verification([file('a.bin', 'ok', 2), file('b.bin', 'changed', 3, { rows: { expected: 3, actual: 6 } })]));
    expect(v.value).toBe(0.25); // 2 / (2 + 6)
    expect(v.how).toContain('b.bin: 0 of 6 rows verified (changed, no row diff)');
  });

  it('verifies no row of a file whose header changed', () => {
    const v = validationScore(verification([file('a.csv', 'ok', 2), file('b.csv', 'changed', 6, { headerChanged: true, diff: diff(6, 0) })]));
    expect(v.value).toBe(0.25); // 2 / (2 + 6)
    expect(v.how).toContain('b.csv: 0 of 6 rows verified (header changed');
  });

  it('is 0 when the signature does not verify, even though every file matches, and names both keys', () => {
    const v = validationScore(verification([file('a.csv', 'ok', 10)], { ok: false, signature: badSig }));
    expect(v.value).toBe(0);
    expect(v.how).toContain('cannot be trusted');
    expect(v.how).toContain('keyid k-7f3a');
    expect(v.how).toContain('key k-0000');
    expect(v.how).toContain('the signature does not match the payload');
  });

  it('is 0 when the root does not follow from the file list', () => {
    const v = validationScore(verification([file('a.csv', 'ok', 10)], { ok: false, rootConsistent: false }));
    expect(v.value).toBe(0);
    expect(v.how).toContain(`its root ${H('e')} does not follow from its file list`);
  });

  it('handles manifests with no rows: empty files that match give 1, no files give 0', () => {
    expect(validationScore(verification([file('empty.csv', 'ok', 0)])).value).toBe(1);
    expect(validationScore(verification([file('empty.csv', 'missing', 0)])).value).toBe(0);
    expect(validationScore(verification([])).value).toBe(0);
  });

  it('feeds the integrity confidence: p 0.5 with V 0.8 gives 1 − 0.5·0.2 = 0.9', () => {
    const V = validationScore(verification([file('train.csv', 'changed', 5, { diff: diff(4, 1) })])).value;
    const c = integrityConfidence([{ id: 's', name: 'Vendor', description: '', trust: 'partner', validation: V, compromise: 0.5 }]);
    expect(c.value).toBeCloseTo(0.9, 12);
  });
});

describe('a data source\'s validation evidence in the worksheet', () => {
  const fixture = () => JSON.parse(readFileSync(new URL('../fixtures/worksheet-v2.json', import.meta.url), 'utf8')) as { context: { sources: Record<string, unknown>[] } };

  it('is optional: the committed version-2 file parses without it', () => {
    const { worksheet } = parseWorksheet(fixture());
    expect(worksheet.context.sources.every((s) => s.validationEvidence === undefined)).toBe(true);
  });

  it('survives a JSON round trip when set', () => {
    const json = fixture();
    json.context.sources[0].validationEvidence = { kind: 'manifest', id: 'job-12', label: '/case/datasets.manifest.json' };
    const { worksheet } = parseWorksheet(JSON.parse(JSON.stringify(json)));
    expect(worksheet.context.sources[0].validationEvidence).toEqual({ kind: 'manifest', id: 'job-12', label: '/case/datasets.manifest.json' });
  });

  it('names the path of a malformed link', () => {
    const json = fixture();
    json.context.sources[1].validationEvidence = { kind: 'manifesto', id: 'job-12', label: '' };
    let message = '';
    try {
      parseWorksheet(json);
    } catch (err) {
      expect(err).toBeInstanceOf(WorksheetFormatError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/^worksheet\.context\.sources\[1\]\.validationEvidence\.kind: /);
  });
});
