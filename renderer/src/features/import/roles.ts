/**
 * The import dialog's role table as data: one role per column, turned into the contract's RoleAssignment and
 * checked before loading. Pure functions, so the rules are testable without a browser.
 */
import type { ColumnInfo, FilePreview, Role, RoleAssignment } from '../../../../shared/domain/ingest.ts';

export const ROLES: { role: Role; label: string; hint: string }[] = [
  { role: 'feature', label: 'feature', hint: 'numbers the detectors read (a vector column gives one feature per element)' },
  { role: 'label', label: 'label', hint: 'the class of each row' },
  { role: 'id', label: 'id', hint: 'names each row in lists and exports' },
  { role: 'text', label: 'text', hint: 'kept for display (e.g. a caption)' },
  { role: 'group', label: 'group', hint: 'source or annotator, kept as codes' },
  { role: 'ignore', label: 'ignore', hint: 'not loaded' },
];

export type RoleMap = Record<string, Role>;

const NUMERIC_KINDS = new Set<ColumnInfo['kind']>(['numeric', 'vector']);

/** The roles the preview proposes, or those of `preset` (a recent file) when it names only existing columns. */
export function initialRoles(preview: FilePreview, preset?: RoleAssignment): RoleMap {
  const map: RoleMap = {};
  for (const c of preview.columns) map[c.name] = c.proposedRole;
  if (!preset || preview.format === 'npy') return map;
  const names = new Set(preview.columns.map((c) => c.name));
  const named = [preset.label, preset.id, preset.group, ...preset.text, ...(preset.features ?? [])].filter((n): n is string => n !== null);
  if (!named.every((n) => names.has(n))) return map;
  for (const c of preview.columns) {
    const n = c.name;
    map[n] =
      n === preset.label
        ? 'label'
        : n === preset.id
          ? 'id'
          : n === preset.group
            ? 'group'
            : preset.text.includes(n)
              ? 'text'
              : (preset.features ? preset.features.includes(n) : NUMERIC_KINDS.has(c.kind))
                ? 'feature'
                : 'ignore';
  }
  return map;
}

export interface LabelsChoice {
  /** Labels file for a .npy matrix; its label column. */
  path: string;
  labelColumn: string | null;
  idColumn: string | null;
}

/** The contract's assignment for a role table (for .npy, the label and id come from the labels file). */
export function toAssignment(columns: ColumnInfo[], map: RoleMap, labels: LabelsChoice | null): RoleAssignment {
  const having = (role: Role) => columns.filter((c) => map[c.name] === role).map((c) => c.name);
  if (labels) {
    return { label: labels.labelColumn, id: labels.idColumn, features: having('feature'), text: [], group: null };
  }
  return {
    label: having('label')[0] ?? null,
    id: having('id')[0] ?? null,
    features: having('feature'),
    text: having('text'),
    group: having('group')[0] ?? null,
  };
}

export interface RoleCheck {
  /** Stop loading: each names the columns and says what to change. */
  errors: string[];
  /** Worth knowing, not blocking. */
  notes: string[];
}

export const NO_LABEL_NOTE =
  "No label column: every row goes into one class, '(unlabelled)', so the detectors compare all rows with each other rather than within classes.";

export function checkRoles(columns: ColumnInfo[], map: RoleMap, opts: { npy: boolean; labels: LabelsChoice | null }): RoleCheck {
  const errors: string[] = [];
  const notes: string[] = [];
  const having = (role: Role) => columns.filter((c) => map[c.name] === role);
  const quote = (cs: ColumnInfo[]) => cs.map((c) => `'${c.name}'`).join(', ');
  for (const role of ['label', 'id', 'group'] as const) {
    const cs = having(role);
    if (cs.length > 1) errors.push(`Columns ${quote(cs)} all have the role '${role}': choose one, and set the others to another role.`);
  }
  const features = having('feature');
  if (features.length === 0) errors.push("No column has the role 'feature': give at least one numeric column that role.");
  const odd = features.filter((c) => !NUMERIC_KINDS.has(c.kind));
  if (odd.length > 0) {
    notes.push(
      `${quote(odd)} ${odd.length === 1 ? 'does' : 'do'} not look numeric (${odd.map((c) => c.kind).join(', ')}): a value that is not a number stops the load or, with "skip", drops its row.`,
    );
  }
  const hasLabel = opts.npy ? opts.labels?.labelColumn != null : having('label').length === 1;
  if (opts.npy && opts.labels && opts.labels.labelColumn === null) notes.push('The labels file is used for ids only.');
  if (!hasLabel && having('label').length === 0) notes.push(NO_LABEL_NOTE);
  return { errors, notes };
}
