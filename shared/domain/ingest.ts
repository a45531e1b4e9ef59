/**
 * What the contract carries about reading a dataset file: the preview the user sees before loading (columns,
 * their inferred kinds and proposed roles), the roles they confirm, and what loading reports back (a
 * validation report and per-column summaries). The numbers themselves stay on the host.
 */

export type IngestFormat = 'csv' | 'tsv' | 'jsonl' | 'npy' | 'parquet';

/**
 * What a column's values look like in the rows sampled:
 * - numeric: at least 90 % of the non-missing values parse as numbers (a few typos stay visible as
 *   problems when loading);
 * - vector: every non-missing value is an array of numbers of one length (JSON Lines, Parquet lists, .npy);
 * - id: distinct on every sampled row and named like an id, or distinct non-numeric short strings;
 * - categorical: few distinct values relative to the rows (labels, sources, groups);
 * - text: longer free text;
 * - empty: no value at all in the sample.
 */
export type ColumnKind = 'numeric' | 'vector' | 'id' | 'categorical' | 'text' | 'empty';

export type Role = 'id' | 'label' | 'feature' | 'text' | 'group' | 'ignore';

export interface ColumnInfo {
  name: string;
  /** Zero-based position in the file (for .npy, the vector's single pseudo-column). */
  index: number;
  kind: ColumnKind;
  proposedRole: Role;
  /** Up to 5 distinct sample values as text (truncated to 60 characters). */
  samples: string[];
  /** Missing values among the rows of the preview. */
  missing: number;
  /** Distinct non-missing values among the rows of the preview. */
  distinct: number;
  /** For vector columns: the vector's length (each element becomes a feature). */
  vectorLength?: number;
}

/**
 * The roles the user confirms before loading. Columns named nowhere are ignored, except that `features: null`
 * means "every numeric or vector column not given another role".
 */
export interface RoleAssignment {
  /** Class label column; null = every row in one class, '(unlabelled)'. */
  label: string | null;
  /** Row id column; null = rows are numbered from 1. */
  id: string | null;
  features: string[] | null;
  text: string[];
  /** Source/group column (e.g. crawl domain, annotator), kept as codes plus names. */
  group: string | null;
}

/** Bad rows (ragged, non-numeric feature, missing label…) either stop the load or are skipped and listed. */
export type BadRowPolicy = 'stop' | 'skip';

/**
 * How a separate labels file (CSV, TSV, JSON Lines; for 'row' also a 1-D integer .npy) lines up with the
 * feature rows:
 * - 'row' (.npy features only): row i of the labels file labels row i of the matrix (the counts must match);
 * - 'id', .npy features: the matrix's row ids are in a text file beside it, `<name>.ids.txt` for
 *   `<name>.npy` (one id a line, in row order, unique), each looked up in the labels file's column that the
 *   id role names (label, text and group roles name labels-file columns too);
 * - 'id', CSV/TSV/JSON Lines/Parquet features: the id role names the table's id column, each id is looked
 *   up in the labels file's column of the same name, and the label role names the labels file's column.
 * Joined by id, a feature row whose id has no labels row is a bad row (it stops the load, or is skipped and
 * listed); an id on two labels rows stops the load; labels rows whose id matches no feature row are
 * counted in ValidationReport.unmatchedLabelRows.
 */
export type JoinBy = 'row' | 'id';

export interface LoadRequest {
  path: string;
  roles: RoleAssignment;
  badRows: BadRowPolicy;
  /** A CSV/TSV/JSONL/.npy file with labels (and optionally ids/text) for the rows of `path`; see JoinBy. */
  labelsPath?: string;
  joinBy?: JoinBy;
}

export interface FilePreview {
  path: string;
  format: IngestFormat;
  /** For CSV/TSV: the delimiter sniffed from the head. */
  delimiter?: string;
  columns: ColumnInfo[];
  /** Up to 20 data rows as text, in column order. */
  firstRows: string[][];
  /** Data rows in the file: exact for .npy and Parquet, estimated from the head's line lengths otherwise. */
  rowsEstimate: number;
  rowsExact: boolean;
  sizeBytes: number;
  /** The roles the preview proposes (the user may change them before loading). */
  proposedRoles: RoleAssignment;
}

/** A problem with one row (or the whole file when line is null), located as precisely as the format allows. */
export interface RowProblem {
  file: string;
  /** 1-based line in the file (CSV/TSV/JSONL), or 1-based row for .npy/Parquet; null = not row-specific. */
  line: number | null;
  column: string | null;
  message: string;
}

export interface ColumnValidation {
  name: string;
  kind: ColumnKind;
  role: Role;
  /** Values of the expected type (numbers in a feature column; any text elsewhere). */
  conforming: number;
  /** Values that are neither of the expected type nor missing nor non-finite. */
  nonConforming: number;
  missing: number;
  /** NaN, ±Infinity, or numbers that overflow float32. */
  nonFinite: number;
  /** Every loaded value is the same (a feature that carries no information). */
  constant: boolean;
}

export interface ValidationReport {
  file: string;
  format: IngestFormat;
  /** Rows loaded into the dataset. */
  rows: number;
  /** Data rows read from the file (loaded + skipped). */
  rowsRead: number;
  rowsSkipped: number;
  /** Lines (or rows) of the skipped rows, in file order, capped like `problems`. */
  skippedLines: number[];
  columns: number;
  perColumn: ColumnValidation[];
  /** Rows whose id another row already has; examples are ids, up to 20. */
  duplicateIds: { count: number; examples: string[] };
  /**
   * Rows identical to an earlier row in every feature value (bit for bit) and the label; the id is left out,
   * since it would make every row unique. Groups are 0-based row indices, up to 20 groups of up to 10 rows.
   */
  exactDuplicateRows: { count: number; groups: number[][] };
  /**
   * With a labels file joined by id: its rows whose id no feature row has (they are left out of the
   * dataset); examples are ids, up to 20. Absent otherwise.
   */
  unmatchedLabelRows?: { file: string; count: number; examples: string[] };
  labelCardinality: number;
  classBalance: { name: string; count: number }[];
  /** The first `PROBLEM_CAP` problems in file order; `problemsTotal` counts all of them. */
  problems: RowProblem[];
  problemsTotal: number;
}

export const PROBLEM_CAP = 1000;

export interface Histogram {
  /** bins + 1 increasing edges; the last bin includes its right edge. */
  edges: number[];
  counts: number[];
}

/**
 * One column of the overview. Everything is exact over every loaded row (count, missing, min, max, mean,
 * std, the constant-column flag in the validation report) except a feature's histogram: up to 20,000 rows
 * it counts every row; beyond, a seeded uniform sample of 20,000 rows (the same rows on every load of the
 * same data), and `histogramRows` says how many rows it counted. Its edges still span the exact min and max.
 */
export interface ColumnSummary {
  name: string;
  kind: ColumnKind;
  role: Role;
  /** Values present (loaded rows). */
  count: number;
  missing: number;
  /** Numeric columns only; null otherwise or when count is 0. */
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Sample standard deviation (n − 1); null when count < 2. */
  std: number | null;
  /** Non-numeric columns: distinct values. */
  distinct: number | null;
  /** A feature's histogram; its counts add up to `histogramRows`. */
  histogram: Histogram | null;
  /**
   * Rows the histogram counted: `count` when the dataset has up to 20,000 rows, otherwise a seeded uniform
   * sample of 20,000 of them (show "sampled" in the UI when it is less than `count`). Absent in summaries
   * from before sampling (they counted every row) and for columns without a histogram.
   */
  histogramRows?: number;
}
