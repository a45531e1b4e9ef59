/**
 * What the case feature does with the host: create, open and close cases; keep the store's copy of the case
 * fresh as jobs end; autosave the quarantine sets and worksheets into the case; and, when a dataset the case
 * knows is opened, give back its quarantine sets and its latest stored scan without running it again.
 */
import type { Unsubscribe } from '../../../../shared/contract/api.ts';
import type { CaseDataset, CaseQuarantineSet, CaseSection, CaseSectionValue, CaseView, StoredResult } from '../../../../shared/domain/case.ts';
import type { DatasetSummary } from '../../../../shared/domain/dataset.ts';
import type { ScanResult } from '../../../../shared/domain/detectors.ts';
import { isFinal } from '../../../../shared/domain/jobs.ts';
import { getClient } from '../../api/client.ts';
import { mostSuspiciousClass, startJob, useStore } from '../../store/index.ts';
import type { QuarantineSet } from '../quarantine/slice.ts';

/** Dataset hashes whose saved quarantine sets are in the store: from then on the store's sets are the truth. */
const hydrated = new Set<string>();
/** Datasets (session ids) the case's sets were given to; a second copy of the same bytes takes them over. */
const hydratedIds = new Set<string>();
/** Datasets (session ids) whose stored scan was already looked up. */
const scanLooked = new Set<string>();
/** The case's last known quarantine and worksheets, to tell the analyst's edits from what came from the case. */
let lastSavedQuarantine = '';
let lastSavedWorksheets = '';

function showCase(view: CaseView | null): void {
  useStore.getState().setCaseView(view);
}

export async function refreshRecentCases(): Promise<void> {
  try {
    useStore.getState().setRecentCases(await getClient().listRecentCases());
  } catch (err) {
    console.warn('Assay: could not list recent cases', err);
  }
}

export async function refreshCase(): Promise<void> {
  try {
    showCase(await getClient().getCase());
  } catch (err) {
    useStore.getState().showError('Case', err);
  }
}

/** After a case was created or opened: its sections into the store, then (unless `quiet`) the case view. */
function adopt(view: CaseView, quiet = false): void {
  hydrated.clear();
  hydratedIds.clear();
  scanLooked.clear();
  lastSavedQuarantine = JSON.stringify(view.document.quarantine);
  lastSavedWorksheets = JSON.stringify(view.document.worksheets);
  showCase(view);
  const s = useStore.getState();
  // The case's worksheets join those already in this window (never replace them: the worksheet feature keeps
  // the window's list in browser storage); the merged list is saved into the case.
  const savedSheets = view.document.worksheets;
  const merged = [...savedSheets, ...s.worksheets.filter((w) => !savedSheets.some((c) => c.id === w.id))];
  if (savedSheets.length) s.loadWorksheets(merged, s.activeWorksheetId);
  if (merged.length > savedSheets.length) void saveSection('worksheets', merged);
  for (const dataset of s.datasets) hydrate(dataset);
  if (s.dataset) void restoreScan(s.dataset);
  if (!quiet) s.setView('case');
  void refreshRecentCases();
}

export async function createCase(folder: string, name: string, analyst: string): Promise<boolean> {
  const s = useStore.getState();
  s.clearError();
  try {
    adopt(await getClient().createCase({ folder, name, analyst }));
    return true;
  } catch (err) {
    s.showError('New case', err);
    return false;
  }
}

export async function openCase(folder: string): Promise<boolean> {
  const s = useStore.getState();
  s.clearError();
  try {
    adopt(await getClient().openCase({ folder }));
    return true;
  } catch (err) {
    s.showError('Open case', err);
    return false;
  }
}

export async function closeCase(): Promise<void> {
  try {
    await getClient().closeCase();
    showCase(null);
    hydrated.clear();
    hydratedIds.clear();
    useStore.getState().setView(useStore.getState().dataset ? 'workspace' : 'start');
    void refreshRecentCases();
  } catch (err) {
    useStore.getState().showError('Close case', err);
  }
}

export async function verifyAudit(): Promise<void> {
  try {
    await getClient().verifyCaseAudit();
    await refreshCase();
  } catch (err) {
    useStore.getState().showError('Verify audit log', err);
  }
}

/** Replaces one section of the case; the host audits it. */
export async function saveSection<S extends CaseSection>(section: S, value: CaseSectionValue[S]): Promise<void> {
  if (!useStore.getState().caseView) return;
  try {
    showCase(await getClient().updateCase({ section, value } as Parameters<ReturnType<typeof getClient>['updateCase']>[0]));
  } catch (err) {
    useStore.getState().showError(`Save ${section}`, err);
  }
}

/** Loads a dataset the case references again (a job), with the roles it was read with. */
export function openCaseDataset(entry: CaseDataset): void {
  const client = getClient();
  if (entry.source.kind === 'file') {
    const request = entry.source.request;
    void startJob(`Open ${entry.summary.name}`, () => client.openDataset(request));
  } else {
    const spec = entry.source.spec;
    void startJob('Generate synthetic dataset', () => client.generateSynthetic(spec));
  }
}

/** The newest stored result of `kind` for these bytes, or null. */
export function latestStored(view: CaseView, sha256: string, kind: string): StoredResult | null {
  const matches = view.document.results.filter((r) => r.datasetSha256 === sha256 && r.kind === kind);
  return matches.length ? matches.reduce((a, b) => (a.createdAt >= b.createdAt ? a : b)) : null;
}

/**
 * Puts a case's saved quarantine sets for this dataset's bytes into the store, bound to this dataset (once per
 * dataset and case; a later copy of the same bytes opened this session takes the sets over).
 */
function hydrate(dataset: DatasetSummary): void {
  const view = useStore.getState().caseView;
  if (!view || hydratedIds.has(dataset.id)) return;
  hydratedIds.add(dataset.id);
  hydrated.add(dataset.sha256);
  const saved = view.document.quarantine.filter((q) => q.datasetSha256 === dataset.sha256).map((q) => fromCase(q, dataset));
  if (saved.length) useStore.getState().addSavedQuarantineSets(saved);
}

/** Shows the latest scan the case stored for this dataset's bytes, unless this session already has one. */
async function restoreScan(dataset: DatasetSummary): Promise<void> {
  const view = useStore.getState().caseView;
  if (!view || scanLooked.has(dataset.id) || useStore.getState().scans[dataset.id]) return;
  scanLooked.add(dataset.id);
  const stored = latestStored(view, dataset.sha256, 'scan');
  if (stored) await showStoredScan(stored, dataset, false);
}

/**
 * Shows a stored scan in the workspace of an open dataset with the same bytes; `replace` also when this session
 * already has a scan of it (the analyst asked for this one from the timeline).
 */
export async function showStoredScan(stored: StoredResult, dataset: DatasetSummary, replace: boolean): Promise<void> {
  if (replace) useStore.getState().setDataset(dataset);
  try {
    const result = await getClient().getStoredResult({ key: stored.key, datasetId: dataset.id });
    if (result.kind !== 'scan') return;
    const scan = result.value as ScanResult;
    const s = useStore.getState();
    if (s.scans[dataset.id] && !replace) return;
    s.setScan(scan);
    if (s.dataset?.id !== dataset.id) return;
    s.clearOverrides();
    s.setSelection(null);
    s.selectView(scan.runs.length === 1 ? scan.runs[0].detector : 'consensus');
    s.selectClass(mostSuspiciousClass(scan));
    s.selectRow(null);
    s.setWorkspaceTab('triage');
    if (replace) s.setView('workspace');
  } catch (err) {
    useStore.getState().showError(`Stored scan of ${dataset.name}`, err);
  }
}

const finite = (v: number) => (Number.isFinite(v) ? v : null);

/** A store quarantine set as the case saves it: plain arrays, non-finite numbers as null. */
function toCase(q: QuarantineSet): CaseQuarantineSet {
  return {
    // The slice numbers sets per session; the case needs ids that stay unique across sessions.
    id: q.id.startsWith('case:') ? q.id : `case:${q.createdAt}:${q.id}`,
    name: q.name,
    origin: q.origin,
    createdAt: q.createdAt,
    datasetName: q.datasetName,
    datasetSha256: q.datasetSha256,
    rows: Array.from(q.rows),
    labels: q.labels,
    reasons: q.reasons.map((r) => ({
      detector: r.detector,
      title: r.title,
      flagNote: r.flagNote,
      flagged: Array.from(r.flagged),
      scores: Array.from(r.scores, finite),
      pValues: r.pValues ? Array.from(r.pValues, finite) : null,
    })),
  };
}

function fromCase(q: CaseQuarantineSet, dataset: DatasetSummary): QuarantineSet {
  const num = (v: number | null) => (v === null ? Number.NaN : v);
  return {
    id: q.id,
    name: q.name,
    origin: q.origin,
    createdAt: q.createdAt,
    datasetId: dataset.id,
    datasetName: q.datasetName,
    datasetSha256: q.datasetSha256,
    rows: Int32Array.from(q.rows),
    labels: q.labels,
    reasons: q.reasons.map((r) => ({
      detector: r.detector as QuarantineSet['reasons'][number]['detector'],
      title: r.title,
      flagNote: r.flagNote,
      flagged: Uint8Array.from(r.flagged),
      scores: Float64Array.from(r.scores, num),
      pValues: r.pValues ? Float64Array.from(r.pValues, num) : null,
    })),
  };
}

/**
 * The case's quarantine section after the store's sets changed: sets of datasets not opened this session are
 * kept; in creation order, so the same sets always save the same way.
 */
function mergedQuarantine(view: CaseView, sets: QuarantineSet[]): CaseQuarantineSet[] {
  const kept = view.document.quarantine.filter((q) => !hydrated.has(q.datasetSha256));
  const all = [...kept, ...sets.filter((q) => hydrated.has(q.datasetSha256)).map(toCase)];
  return all.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

function debounce(run: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      run();
    }, ms);
  };
}

/**
 * Keeps the open case in step with the session: refreshes it when a job ends (the host has recorded it by
 * then), hydrates and restores scans when a dataset opens, and autosaves quarantine sets and worksheets.
 */
export function listenToCase(): Unsubscribe {
  const client = getClient();
  const refreshSoon = debounce(() => {
    if (useStore.getState().caseView) void refreshCase();
  }, 150);
  const offJobs = client.on('jobUpdate', (job) => {
    if (isFinal(job.status)) refreshSoon();
  });
  const saveQuarantine = debounce(() => {
    const s = useStore.getState();
    if (!s.caseView) return;
    const value = mergedQuarantine(s.caseView, s.quarantine);
    const text = JSON.stringify(value);
    if (text === lastSavedQuarantine) return;
    lastSavedQuarantine = text;
    void saveSection('quarantine', value);
  }, 400);
  const saveWorksheets = debounce(() => {
    const s = useStore.getState();
    if (!s.caseView) return;
    const text = JSON.stringify(s.worksheets);
    if (text === lastSavedWorksheets) return;
    lastSavedWorksheets = text;
    void saveSection('worksheets', s.worksheets);
  }, 800);
  const offStore = useStore.subscribe((s, prev) => {
    if (!s.caseView) return;
    if (s.dataset && s.dataset !== prev.dataset) {
      hydrate(s.dataset);
      void restoreScan(s.dataset);
    }
    if (s.datasets !== prev.datasets) for (const d of s.datasets) hydrate(d);
    if (s.quarantine !== prev.quarantine) saveQuarantine();
    if (s.worksheets !== prev.worksheets) saveWorksheets();
  });
  void refreshRecentCases();
  // A case the host already has open (the page was reloaded): take it up where it is.
  client
    .getCase()
    .then((view) => {
      if (view && !useStore.getState().caseView) adopt(view, true);
    })
    .catch((err: unknown) => console.warn('Assay: could not read the open case', err));
  return () => {
    offJobs();
    offStore();
  };
}
