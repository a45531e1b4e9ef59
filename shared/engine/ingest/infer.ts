/**
 * Column kinds from a sample of rows, the roles Assay proposes for them, and the user's roles resolved into a
 * ColumnPlan (with the messages for roles that name no column).
 */
import type { ColumnInfo, ColumnKind, Role, RoleAssignment } from '../../domain/ingest.ts';
import { DataError } from '../data-error.ts';
import type { ColumnPlan } from './chunk.ts';
import { NumberState, classifyNumber } from './numbers.ts';

const LABEL_NAMES = ['label', 'labels', 'class', 'target', 'y', 'category'];
const ID_NAMES = ['id', 'row_id', 'rowid', 'uid', 'uuid', 'index', 'key'];
const GROUP_NAMES = ['source', 'group', 'domain', 'annotator', 'site', 'origin', 'split'];
const TEXT_NAMES = ['text', 'sentence', 'prompt', 'content', 'caption', 'document', 'url'];

/** Rejects a header that is empty or names a column twice (line 1 of the file). */
export function checkHeader(names: string[], file: string): void {
  if (names.length === 0 || (names.length === 1 && names[0] === '')) {
    throw new DataError(file, 'the file has no header row; the first line must name the columns', 1);
  }
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    const previous = seen.get(name);
    if (previous !== undefined) {
      throw new DataError(file, `column name '${name}' appears twice (columns ${previous + 1} and ${i + 1}); rename one`, 1);
    }
    seen.set(name, i);
  });
}

const asText = (value: unknown): string | null => {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

/**
 * Infers each column's kind from sampled values (strings from delimited text; JSON values from JSON Lines
 * and Parquet; arrays for vector columns).
 * @example inferColumns(['id', 'x', 'label'], [['a1', '0.5', 'cat'], ['a2', '1.5', 'dog']]) → kinds id, numeric, categorical
 */
export function inferColumns(names: string[], rows: unknown[][]): ColumnInfo[] {
  return names.map((name, index) => {
    const values = rows.map((r) => r[index]);
    const lower = name.trim().toLowerCase();
    let missing = 0;
    let numeric = 0;
    const lengths = new Map<number, number>();
    let vectors = 0;
    let longest = 0;
    let spaced = 0;
    const distinct = new Set<string>();
    for (const value of values) {
      if (Array.isArray(value) || ArrayBuffer.isView(value)) {
        const length = (value as ArrayLike<unknown>).length;
        lengths.set(length, (lengths.get(length) ?? 0) + 1);
        vectors++;
        continue;
      }
      const text = asText(value);
      const state = typeof value === 'number' ? NumberState.Ok : text === null ? NumberState.Missing : classifyNumber(text).state;
      if (state === NumberState.Missing) {
        missing++;
        continue;
      }
      if (state === NumberState.Ok || state === NumberState.NonFinite) numeric++;
      distinct.add(text!);
      longest = Math.max(longest, text!.length);
      if (/\s/.test(text!.trim())) spaced++;
    }
    const present = values.length - missing;
    // A vector column's length is its most common one; rows of other lengths are problems when loading.
    const vectorLength = [...lengths].sort((a, b) => b[1] - a[1])[0]?.[0];
    let kind: ColumnKind;
    if (vectors > 0 && vectors === present && vectorLength !== undefined && vectorLength > 0) kind = 'vector';
    else if (present === 0) kind = 'empty';
    // A stray typo or 'n/a' spelling should not turn a numeric column into text: 90 % numbers is numeric.
    else if (numeric >= 0.9 * present) kind = 'numeric';
    else if (ID_NAMES.includes(lower) || (distinct.size === present && present >= 5 && longest <= 64 && spaced === 0 && !LABEL_NAMES.includes(lower))) kind = 'id';
    else if (TEXT_NAMES.includes(lower) || spaced > present / 2 || longest > 80) kind = 'text';
    else kind = 'categorical';
    if (kind === 'numeric' && ID_NAMES.includes(lower)) kind = 'id';
    const samples = [...distinct].slice(0, 5).map((s) => (s.length > 60 ? `${s.slice(0, 60)}…` : s));
    if (kind === 'vector') samples.push(...values.slice(0, 2).map((v) => `[${Array.from(v as ArrayLike<number>).slice(0, 4).join(', ')}, …]`));
    const info: ColumnInfo = { name, index, kind, proposedRole: 'ignore', samples, missing, distinct: kind === 'vector' ? present : distinct.size };
    if (kind === 'vector') info.vectorLength = vectorLength;
    return info;
  });
}

/**
 * Proposes roles: the label by its conventional name (else the first categorical column), the id by name
 * (else the first id-like column), a group by name, text columns, and every other numeric or vector column
 * as a feature. Sets each column's proposedRole and returns the assignment.
 */
export function proposeRoles(columns: ColumnInfo[]): RoleAssignment {
  const byName = (names: string[], ok: (c: ColumnInfo) => boolean) =>
    names.map((n) => columns.find((c) => c.name.trim().toLowerCase() === n && ok(c))).find((c) => c !== undefined);
  const label = byName(LABEL_NAMES, (c) => c.kind !== 'vector' && c.kind !== 'empty') ?? columns.find((c) => c.kind === 'categorical');
  const id = byName(ID_NAMES, (c) => c !== label) ?? columns.find((c) => c.kind === 'id' && c !== label);
  const group = byName(GROUP_NAMES, (c) => c !== label && c !== id && c.kind === 'categorical');
  const assigned = new Map<ColumnInfo, Role>();
  if (label) assigned.set(label, 'label');
  if (id) assigned.set(id, 'id');
  if (group) assigned.set(group, 'group');
  for (const c of columns) {
    if (assigned.has(c)) continue;
    if (c.kind === 'numeric' || c.kind === 'vector') assigned.set(c, 'feature');
    else if (c.kind === 'text') assigned.set(c, 'text');
  }
  for (const c of columns) c.proposedRole = assigned.get(c) ?? 'ignore';
  const named = (role: Role) => columns.filter((c) => c.proposedRole === role).map((c) => c.name);
  return { label: label?.name ?? null, id: id?.name ?? null, features: named('feature'), text: named('text'), group: group?.name ?? null };
}

/**
 * Resolves roles against the file's columns. `features: null` takes every numeric or vector column without
 * another role. Vector columns expand to `name[0]`, `name[1]`, ….
 */
export function resolveRoles(columns: ColumnInfo[], roles: RoleAssignment, file: string): ColumnPlan {
  const names = columns.map((c) => c.name);
  const shown = names.slice(0, 12).map((h) => `'${h}'`).join(', ') + (names.length > 12 ? `, … (${names.length} in all)` : '');
  const find = (name: string | null, role: string): number => {
    if (name === null) return -1;
    const at = names.indexOf(name);
    if (at < 0) throw new DataError(file, `there is no ${role} column '${name}'; the columns are ${shown}`);
    return at;
  };
  const labelAt = find(roles.label, 'label');
  const idAt = find(roles.id, 'id');
  const groupAt = find(roles.group, 'group');
  const textAt = roles.text.map((t) => find(t, 'text'));
  const taken = new Map<number, string>();
  const take = (at: number, role: string) => {
    if (at < 0) return;
    const previous = taken.get(at);
    if (previous) throw new DataError(file, `column '${names[at]}' cannot be both the ${previous} and the ${role}`);
    taken.set(at, role);
  };
  take(labelAt, 'label');
  take(idAt, 'id');
  take(groupAt, 'group');
  textAt.forEach((at) => take(at, 'text'));
  const featureAt =
    roles.features === null
      ? columns.filter((c, i) => !taken.has(i) && (c.kind === 'numeric' || c.kind === 'vector')).map((c) => c.index)
      : roles.features.map((f) => find(f, 'feature'));
  featureAt.forEach((at) => take(at, 'feature'));
  const featureNames: string[] = [];
  const featureColumn: number[] = [];
  for (const at of featureAt) {
    const width = columns[at].kind === 'vector' ? columns[at].vectorLength! : 1;
    for (let k = 0; k < width; k++) {
      featureNames.push(width === 1 && columns[at].kind !== 'vector' ? names[at] : `${names[at]}[${k}]`);
      featureColumn.push(at);
    }
  }
  if (featureNames.length === 0) {
    throw new DataError(file, `no feature columns: choose at least one numeric column as a feature; the columns are ${shown}`);
  }
  return { file, columns: names, featureNames, featureColumn, labelAt, idAt, groupAt, textAt };
}
