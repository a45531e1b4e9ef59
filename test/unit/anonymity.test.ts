/**
 * k-anonymity and l-diversity on a hand-checked table (the shape of Machanavajjhala et al.'s hospital example,
 * TKDD 2007, Fig. 1): every number below was worked out by hand from the twelve rows; then against a
 * brute-force count on a random table.
 */
import { describe, expect, it } from 'vitest';
import { anonymity, generalise, MISSING, type ColumnValues } from '../../shared/engine/privacy/anonymity.ts';

//              1        2        3        4        5        6        7        8        9        10       11       12
const zip = ['13053', '13068', '13068', '13053', '14853', '14853', '14850', '14850', '13053', '13053', '13068', '13068'];
const age = Float64Array.of(28, 29, 21, 23, 50, 55, 47, 49, 31, 37, 36, 35);
const condition = ['Heart', 'Heart', 'Viral', 'Viral', 'Cancer', 'Heart', 'Viral', 'Viral', 'Cancer', 'Cancer', 'Cancer', 'Cancer'];
const zipText: ColumnValues = { kind: 'text', values: zip };
const ageNumbers: ColumnValues = { kind: 'numeric', values: age };

describe('k-anonymity and l-diversity, by hand', () => {
  it('zip as is, age in decades: six classes of two, three of them with one condition', () => {
    const r = anonymity([zipText, ageNumbers], [{ column: 'zip', binWidth: null }, { column: 'age', binWidth: 10 }], condition, 3, 'condition');
    expect(r.classes).toBe(6);
    expect(r.k).toBe(2);
    expect(r.distinctL).toBe(1); // (14850, [40, 50)): Viral, Viral
    expect(r.entropyL).toBeCloseTo(1, 12);
    expect(r.classesBelowK).toBe(6);
    expect(r.rowsBelowK).toBe(12);
    expect(r.uniqueRows).toBe(0);
    expect(r.maxRisk).toBe(0.5);
    expect(r.averageRisk).toBe(0.5);
    // Smallest first; ties by fewest distinct values, then by first row.
    expect(r.smallest.map((c) => [c.values.join(' '), c.size, c.distinct, c.rows])).toEqual([
      ['14850 [40, 50)', 2, 1, [6, 7]],
      ['13053 [30, 40)', 2, 1, [8, 9]],
      ['13068 [30, 40)', 2, 1, [10, 11]],
      ['13053 [20, 30)', 2, 2, [0, 3]],
      ['13068 [20, 30)', 2, 2, [1, 2]],
      ['14853 [50, 60)', 2, 2, [4, 5]],
    ]);
    expect(r.smallest[3].entropyL).toBeCloseTo(2, 12);
    expect(r.sizeCounts).toEqual([
      { size: '1', classes: 0 },
      { size: '2', classes: 6 },
      { size: '3', classes: 0 },
      { size: '> 3', classes: 0 },
    ]);
  });

  it('zip in hundreds and age in 20-year bands from 20: two classes, 4-anonymous and 3-diverse', () => {
    const r = anonymity(
      [{ kind: 'numeric', values: Float64Array.from(zip, Number) }, ageNumbers],
      [{ column: 'zip', binWidth: 100 }, { column: 'age', binWidth: 20, binOrigin: 20 }],
      condition,
      4,
    );
    expect(r.classes).toBe(2);
    expect(r.k).toBe(4);
    expect(r.distinctL).toBe(3);
    // Both classes hold conditions in shares ¼, ¼, ½: H = 1.5 ln 2, so l = exp(H) = 2^1.5.
    expect(r.entropyL).toBeCloseTo(2 ** 1.5, 12);
    expect(r.classesBelowK).toBe(0);
    expect(r.smallest.map((c) => [c.values, c.size])).toEqual([
      [['[14800, 14900)', '[40, 60)'], 4],
      [['[13000, 13100)', '[20, 40)'], 8],
    ]);
  });

  it('missing values form their own class and a lone row is unique', () => {
    const r = anonymity([{ kind: 'text', values: ['a', 'a', ' ', 'b'] }], [{ column: 'q', binWidth: null }], ['x', 'y', 'x', 'x'], 2);
    expect(r.k).toBe(1);
    expect(r.uniqueRows).toBe(2);
    expect(r.smallest.map((c) => c.values[0]).sort()).toEqual([MISSING, 'a', 'b'].sort());
    expect(r.maxRisk).toBe(1);
  });

  it('generalise: bins, text numbers, NaN', () => {
    expect(generalise(ageNumbers, { column: 'age', binWidth: 10 }, 0)).toBe('[20, 30)');
    expect(generalise({ kind: 'numeric', values: Float64Array.of(-0.5) }, { column: 'x', binWidth: 0.25 }, 0)).toBe('[-0.5, -0.25)');
    expect(generalise({ kind: 'numeric', values: Float64Array.of(0.3) }, { column: 'x', binWidth: 0.1 }, 0)).toBe('[0.3, 0.4)');
    expect(generalise({ kind: 'text', values: ['42'] }, { column: 'x', binWidth: 5 }, 0)).toBe('[40, 45)');
    expect(generalise({ kind: 'numeric', values: Float64Array.of(NaN) }, { column: 'x', binWidth: 5 }, 0)).toBe(MISSING);
  });
});

describe('against brute force', () => {
  it('k, distinct l and entropy l of a random table equal a naive count', () => {
    let seed = 11;
    const next = (m: number) => (seed = (seed * 16807) % 2147483647) % m;
    const n = 500;
    const a = Array.from({ length: n }, () => String(next(6)));
    const b = Float64Array.from({ length: n }, () => next(90));
    const s = Array.from({ length: n }, () => String(next(4)));
    const r = anonymity([{ kind: 'text', values: a }, { kind: 'numeric', values: b }], [{ column: 'a', binWidth: null }, { column: 'b', binWidth: 15 }], s, 5);
    const groups = new Map<string, string[]>();
    for (let i = 0; i < n; i++) {
      const key = `${a[i]}|${Math.floor(b[i] / 15)}`;
      groups.set(key, [...(groups.get(key) ?? []), s[i]]);
    }
    const sizes = [...groups.values()].map((g) => g.length);
    const distinct = [...groups.values()].map((g) => new Set(g).size);
    const entropy = [...groups.values()].map((g) => {
      const counts = new Map<string, number>();
      for (const v of g) counts.set(v, (counts.get(v) ?? 0) + 1);
      return Math.exp(-[...counts.values()].reduce((h, c) => h + (c / g.length) * Math.log(c / g.length), 0));
    });
    expect(r.classes).toBe(groups.size);
    expect(r.k).toBe(Math.min(...sizes));
    expect(r.distinctL).toBe(Math.min(...distinct));
    expect(r.entropyL).toBeCloseTo(Math.min(...entropy), 12);
    expect(r.rowsBelowK).toBe(sizes.filter((x) => x < 5).reduce((x, y) => x + y, 0));
    expect(r.averageRisk).toBeCloseTo(groups.size / n, 15);
  });
});
