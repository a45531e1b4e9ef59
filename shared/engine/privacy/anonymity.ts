/**
 * Re-identification risk from quasi-identifiers.
 *
 * k-anonymity (Sweeney, "k-anonymity: a model for protecting privacy", IJUFKS 10(5), 2002): rows with equal
 * (generalised) quasi-identifier values form an equivalence class; the table is k-anonymous when every class
 * has at least k rows. l-diversity (Machanavajjhala, Kifer, Gehrke, Venkitasubramaniam, "l-Diversity: Privacy
 * beyond k-anonymity", TKDD 1(1), 2007): a class is distinct-l-diverse with l distinct sensitive values
 * (Def. 3.3 in its simplest, "distinct" reading), and entropy-l-diverse when −Σ p·log p ≥ log l over its
 * sensitive values (Def. 4.1), i.e. l = exp(entropy). The table's l is the smallest over its classes.
 *
 * Numeric quasi-identifiers may be generalised into bins [origin + j·w, origin + (j+1)·w) (Sweeney's
 * generalisation hierarchy, one level); a missing value is its own value, "(missing)".
 */
import type { AnonymityReport, EquivalenceClass, QuasiIdentifier } from '../../domain/privacy.ts';

/** One quasi-identifier's values in row order: texts, or numbers (NaN = missing). */
export type ColumnValues = { kind: 'text'; values: readonly string[] } | { kind: 'numeric'; values: Float64Array | Float32Array };

export const MISSING = '(missing)';

/**
 * The generalised value of row i: the text itself, or for a binned column "[lo, hi)"; numbers print in
 * shortest round-trip form so "[20, 30)" reads as the analyst typed the width.
 * @example generalise({ kind: 'numeric', values: Float64Array.of(37) }, { column: 'age', binWidth: 10 }, 0) // → '[30, 40)'
 */
export function generalise(column: ColumnValues, qi: QuasiIdentifier, i: number): string {
  if (column.kind === 'text') {
    const text = column.values[i].trim();
    if (text === '') return MISSING;
    if (qi.binWidth === null) return text;
    const x = Number(text);
    return Number.isFinite(x) ? bin(x, qi) : text;
  }
  const x = column.values[i];
  if (!Number.isFinite(x)) return MISSING;
  return qi.binWidth === null ? String(x) : bin(x, qi);
}

function bin(x: number, qi: QuasiIdentifier): string {
  const w = qi.binWidth!;
  const origin = qi.binOrigin ?? 0;
  // 0.3 / 0.1 is 2.9999999999999996 in binary floating point: a value on a bin edge as the analyst typed it
  // must land in the bin that starts there, so a quotient within rounding of the next integer is rounded up.
  const q = (x - origin) / w;
  let j = Math.floor(q);
  if (j + 1 - q < 1e-9 * Math.max(1, Math.abs(q))) j++;
  const lo = origin + j * w;
  const round = (v: number) => Number(v.toPrecision(12));
  return `[${round(lo)}, ${round(lo + w)})`;
}

/**
 * k-anonymity and distinct/entropy l-diversity of the rows over the quasi-identifiers, with the smallest
 * equivalence classes. `sensitive[i]` is row i's sensitive value (e.g. its class label).
 * @example anonymity([{kind:'text', values:['a','a','b']}], [{column:'zip', binWidth:null}], ['x','y','x'], 2).k // → 1
 */
export function anonymity(
  columns: ColumnValues[],
  quasiIdentifiers: QuasiIdentifier[],
  sensitive: readonly string[],
  kTarget: number,
  sensitiveName = 'label',
): AnonymityReport {
  if (columns.length !== quasiIdentifiers.length) throw new Error(`anonymity: ${columns.length} columns for ${quasiIdentifiers.length} quasi-identifiers`);
  if (quasiIdentifiers.length === 0) throw new Error('anonymity: choose at least one quasi-identifier column');
  const n = sensitive.length;
  const keyOf = new Map<string, number>();
  const classOf = new Int32Array(n);
  const keys: string[][] = [];
  for (let i = 0; i < n; i++) {
    const values = columns.map((c, q) => generalise(c, quasiIdentifiers[q], i));
    const key = values.join('\u0001');
    let id = keyOf.get(key);
    if (id === undefined) {
      id = keys.length;
      keyOf.set(key, id);
      keys.push(values);
    }
    classOf[i] = id;
  }
  const m = keys.length;
  const sizes = new Int32Array(m);
  const members: number[][] = Array.from({ length: m }, () => []);
  const sensitiveCounts: Map<string, number>[] = Array.from({ length: m }, () => new Map());
  for (let i = 0; i < n; i++) {
    const c = classOf[i];
    sizes[c]++;
    if (members[c].length < 5) members[c].push(i);
    const counts = sensitiveCounts[c];
    counts.set(sensitive[i], (counts.get(sensitive[i]) ?? 0) + 1);
  }
  const classes: EquivalenceClass[] = keys.map((values, c) => {
    let h = 0;
    for (const count of sensitiveCounts[c].values()) {
      const p = count / sizes[c];
      h -= p * Math.log(p);
    }
    return { values, size: sizes[c], distinct: sensitiveCounts[c].size, entropyL: Math.exp(h), rows: members[c] };
  });
  let k = Infinity;
  let distinctL = Infinity;
  let entropyL = Infinity;
  let classesBelowK = 0;
  let rowsBelowK = 0;
  let uniqueRows = 0;
  for (const c of classes) {
    k = Math.min(k, c.size);
    distinctL = Math.min(distinctL, c.distinct);
    entropyL = Math.min(entropyL, c.entropyL);
    if (c.size < kTarget) {
      classesBelowK++;
      rowsBelowK += c.size;
    }
    if (c.size === 1) uniqueRows++;
  }
  const smallest = [...classes].sort((a, b) => a.size - b.size || a.distinct - b.distinct || a.rows[0] - b.rows[0]).slice(0, 50);
  const sizeCounts: AnonymityReport['sizeCounts'] = [];
  for (let s = 1; s <= kTarget; s++) sizeCounts.push({ size: String(s), classes: classes.filter((c) => c.size === s).length });
  sizeCounts.push({ size: `> ${kTarget}`, classes: classes.filter((c) => c.size > kTarget).length });
  return {
    quasiIdentifiers,
    sensitive: sensitiveName,
    kTarget,
    k: n ? k : 0,
    distinctL: n ? distinctL : 0,
    entropyL: n ? entropyL : 0,
    classes: m,
    rows: n,
    classesBelowK,
    rowsBelowK,
    uniqueRows,
    maxRisk: n ? 1 / k : 0,
    averageRisk: n ? m / n : 0,
    smallest,
    sizeCounts,
  };
}
