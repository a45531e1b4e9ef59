import { describe, expect, it } from 'vitest';
import { resultContent } from '../../electron/host/report/result-blocks.ts';
import type { StoredResult } from '../../shared/domain/case.ts';

const entry = (kind: string) => ({ kind }) as StoredResult;

describe('report blocks of other analyses', () => {
  it('drift: the verdict first, columns by PSI (largest first) in the table and the bars', () => {
    const column = (name: string, psi: number, drifted: boolean) => ({ name, psi, drifted, ks: { pValue: 0.5 }, wassersteinNormed: 0.1 });
    const content = resultContent(entry('drift'), {
      verdict: { text: '1 of 3 columns drifted' },
      baseline: { name: 'jan.csv', rows: 100 },
      current: { name: 'feb.csv', rows: 120 },
      label: null,
      embedding: null,
      columns: [column('a', 0.05, false), column('b', 0.4, true), column('c', 0.1, false)],
    });
    expect(content.summary[0]).toBe('1 of 3 columns drifted');
    expect(content.table?.rows.map((r) => r[0])).toEqual(['b', 'c', 'a']);
    expect(content.table?.rows[0][4]).toBe('yes');
    expect(content.bars?.[0]).toEqual({ label: 'b (PSI)', value: 0.4 });
  });

  it('what-if: actual and predicted loss change side by side', () => {
    const content = resultContent(entry('whatIf'), { removed: 45, testRows: 600, testLossBefore: 0.5, testLossAfter: 0.4, actualChange: -0.1, predictedChange: -0.08, accuracyBefore: 0.8, accuracyAfter: 0.85 });
    expect(content.summary[0]).toMatch(/without 45 row\(s\): test loss 0\.5 → 0\.4/);
    expect(content.bars).toEqual([
      { label: 'actual loss change', value: -0.1 },
      { label: 'predicted loss change', value: -0.08 },
    ]);
  });

  it('falls back to the top-level figures of a result it does not know', () => {
    const content = resultContent(entry('drift'), { score: 0.123456, note: 'newer format', datasetId: 'x' });
    expect(content.summary).toEqual(['score: 0.1235', 'note: newer format']);
    expect(content.table).toBeNull();
  });
});
