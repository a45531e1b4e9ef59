/** What the UI and the CLI know about an opened dataset. The numbers themselves stay on the host. */
export interface DatasetSummary {
  /** Host-assigned handle, unique for this session. */
  id: string;
  /** Display name: the file name, or the generator's description for synthetic data. */
  name: string;
  /** Absolute path of the source file; null for data generated in memory. */
  path: string | null;
  /** SHA-256 of the source file's bytes (hex); for generated data, of its float32 feature bytes then its int32 label bytes. */
  sha256: string;
  sizeBytes: number;
  rows: number;
  /** Number of feature columns (d). */
  dims: number;
  featureNames: string[];
  /** null: the file has no label column; every row is in one class, '(unlabelled)'. */
  labelColumn: string | null;
  idColumn: string | null;
  /** What the file was read as; 'synthetic' for generated data. */
  format: import('./ingest.ts').IngestFormat | 'synthetic';
  classNames: string[];
  /** Rows per class, indexed like classNames. */
  classCounts: number[];
}

/** One row as the row inspector shows it. */
export interface RowDetail {
  datasetId: string;
  /** Zero-based position in the file's data rows (header excluded). */
  index: number;
  id: string;
  labelIndex: number;
  label: string;
  features: number[];
  featureNames: string[];
}

/** Parameters of the in-memory generator of embedding datasets with planted poison. */
export interface SyntheticSpec {
  rows: number;
  dims: number;
  classes: number;
  /** Fraction of the target class that is replaced by a backdoor sub-population, in [0, 0.5). */
  poisonFraction: number;
  seed: number;
}

/** A cleaned copy of a dataset written by the host (quarantined rows left out; the source is untouched). */
export interface CleanedExport {
  path: string;
  rowsWritten: number;
  rowsExcluded: number;
  /** SHA-256 of the written file. */
  sha256: string;
  /** Files written beside it (a cleaned .npy's ids and labels, which its old labels file no longer matches). */
  companions: string[];
}

/** The validation report and per-column summaries of a loaded file. */
export interface DatasetReport {
  validation: import('./ingest.ts').ValidationReport;
  summaries: import('./ingest.ts').ColumnSummary[];
}

/** A page of rows for the row browser; per-row arrays in row order from `start`. */
export interface RowsPage {
  start: number;
  ids: string[];
  labels: Int32Array;
  /** count × dims, row-major. */
  features: Float32Array;
}

/** One folder of the host's disk, for the served mode's file chooser. */
export interface DirectoryListing {
  path: string;
  /** null at the file-system root. */
  parent: string | null;
  entries: { name: string; kind: 'file' | 'dir'; sizeBytes: number }[];
}
