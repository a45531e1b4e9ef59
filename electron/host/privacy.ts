/**
 * The privacy and bias job (issue #8): PII scan, k-anonymity/l-diversity, train/test leakage, membership
 * inference and bias, each optional, one after another in the worker pool. The PII scan splits every text
 * column into chunks across the pool's threads; the other checks run as one task each. Cancelling the job
 * aborts whatever task is running (its thread ends).
 */
import type { AnonymityReport, BiasReport, LeakageReport, MembershipReport, PiiReport, PrivacyReport, PrivacyRequest } from '../../shared/domain/privacy.ts';
import type { LeakageReport as CrossLeakage } from '../../shared/engine/detectors/duplicates.ts';
import type { Matrix } from '../../shared/engine/matrix.ts';
import type { ColumnValues } from '../../shared/engine/privacy/anonymity.ts';
import { groupCodes } from '../../shared/engine/privacy/bias.ts';
import { mergePii, PII_RULES, type PiiChunk } from '../../shared/engine/privacy/pii.ts';
import { Random } from '../../shared/engine/random.ts';
import { checkColumns, readColumns, type ColumnData } from './columns.ts';
import { rowId, type DatasetStore, type LoadedDataset } from './datasets.ts';
import { HostError } from './errors.ts';
import { linkedAbort, type JobContext, type JobService, type TaskGroup } from './jobs.ts';
import type { WorkerPool } from './pool.ts';

/** Texts per PII task at least: smaller chunks cost more in messages than they gain in balance. */
const MIN_CHUNK = 20_000;

/** Checks a request before it becomes a job, so that a wrong column or id is a message, not a failed job. */
export function validatePrivacy(request: PrivacyRequest, datasets: DatasetStore, jobs: JobService): void {
  const dataset = datasets.get(request.datasetId);
  const { pii, anonymity, leakage, membership, bias } = request;
  if (!pii && !anonymity && !leakage && !membership && !bias) throw new HostError('bad-request', 'choose at least one check: pii, anonymity, leakage, membership or bias');
  if (pii && pii.columns.length === 0) throw new HostError('bad-request', `choose at least one text column of '${dataset.summary.name}' to scan for PII`);
  checkColumns(dataset, [
    ...(pii?.columns ?? []),
    ...(anonymity?.quasiIdentifiers.map((q) => q.column) ?? []),
    ...(anonymity?.sensitive ? [anonymity.sensitive] : []),
    ...(bias ? [bias.column] : []),
  ]);
  if (anonymity) {
    if (anonymity.quasiIdentifiers.length === 0) throw new HostError('bad-request', 'choose at least one quasi-identifier column for k-anonymity');
    for (const q of anonymity.quasiIdentifiers) {
      if (q.binWidth !== null && !(q.binWidth > 0)) throw new HostError('bad-request', `the bin width of quasi-identifier '${q.column}' must be a positive number`);
    }
  }
  if (leakage) compatible(dataset, datasets.get(leakage.evalDatasetId), 'evaluation');
  if (membership?.evalDatasetId) compatible(dataset, datasets.get(membership.evalDatasetId), 'held-out');
  if (bias?.scanJobId) scanFlags(jobs, bias.scanJobId, dataset);
}

export async function runPrivacy(pool: WorkerPool, datasets: DatasetStore, jobs: JobService, request: PrivacyRequest, ctx: JobContext): Promise<PrivacyReport> {
  const dataset = datasets.get(request.datasetId);
  const sections = (['pii', 'anonymity', 'leakage', 'membership', 'bias'] as const).filter((s) => request[s] !== null);
  const link = linkedAbort(ctx.signal);
  const step = (name: (typeof sections)[number]) => {
    const index = sections.indexOf(name);
    return (fraction: number, message = '') => ctx.progress((index + Math.min(1, fraction)) / sections.length, name, message);
  };
  const out: PrivacyReport = { datasetId: dataset.summary.id, datasetSha256: dataset.summary.sha256, pii: null, anonymity: null, leakage: null, membership: null, bias: null };
  try {
    if (request.pii) out.pii = await piiScan(pool, dataset, request.pii.columns, link, step('pii'));
    if (request.anonymity) out.anonymity = await anonymityCheck(pool, dataset, request.anonymity, link.signal, step('anonymity'));
    if (request.leakage) out.leakage = await leakageCheck(pool, dataset, datasets.get(request.leakage.evalDatasetId), request.leakage.nearFactor, link.signal, step('leakage'));
    if (request.membership) out.membership = await membershipCheck(pool, dataset, request.membership, datasets, link.signal, step('membership'));
    if (request.bias) out.bias = await biasCheck(pool, dataset, request.bias, jobs, link.signal, step('bias'));
  } finally {
    link.done();
  }
  return out;
}

type Step = (fraction: number, message?: string) => void;

/** Every text column cut into chunks, all chunks side by side on the pool; the first failure aborts the rest. */
export async function piiScan(pool: WorkerPool, dataset: LoadedDataset, names: string[], link: TaskGroup, report: Step): Promise<PiiReport> {
  const started = performance.now();
  report(0, 'reading the text columns');
  const columns = await readColumns(pool, dataset, names, { signal: link.signal, onProgress: (f) => report(0.3 * f, 'reading the text columns') });
  const n = dataset.summary.rows;
  const size = Math.max(MIN_CHUNK, Math.ceil(n / (pool.threads * 2)));
  const tasks: { column: ColumnData; start: number; end: number }[] = [];
  for (const column of columns) for (let start = 0; start < n; start += size) tasks.push({ column, start, end: Math.min(n, start + size) });
  const done = new Float64Array(tasks.length);
  const chunks = await Promise.all(
    tasks.map(({ column, start, end }, t) => {
      const texts = column.kind === 'text' ? column.values.slice(start, end) : Array.from(column.values.subarray(start, end), (v) => (Number.isFinite(v) ? String(v) : ''));
      return link.fail(
        pool.run<PiiChunk>('privacy', 'scanPii', { texts, column: column.name, rowBase: start }, {
          signal: link.signal,
          onProgress: (p) => {
            done[t] = p.fraction;
            report(0.3 + (0.7 * done.reduce((s, f) => s + f, 0)) / tasks.length, p.message);
          },
        }),
      );
    }),
  );
  const merged = mergePii(chunks);
  return { columns: names, texts: merged.texts, rowsWithPii: merged.rowsWithPii, findings: merged.findings, rules: PII_RULES, seconds: (performance.now() - started) / 1000 };
}

async function anonymityCheck(pool: WorkerPool, dataset: LoadedDataset, request: NonNullable<PrivacyRequest['anonymity']>, signal: AbortSignal, report: Step): Promise<AnonymityReport> {
  const qiNames = request.quasiIdentifiers.map((q) => q.column);
  const wanted = request.sensitive ? [...qiNames, request.sensitive] : qiNames;
  const columns = await readColumns(pool, dataset, wanted, { signal, onProgress: (f) => report(0.6 * f, 'reading the quasi-identifiers') });
  const qiColumns: ColumnValues[] = columns.slice(0, qiNames.length).map((c) => (c.kind === 'text' ? { kind: 'text', values: c.values } : { kind: 'numeric', values: c.values }));
  const { summary, labels } = dataset;
  let sensitive: string[];
  if (request.sensitive) {
    const c = columns[qiNames.length];
    sensitive = c.kind === 'text' ? c.values : Array.from(c.values, String);
  } else sensitive = Array.from(labels, (c) => summary.classNames[c]);
  const sensitiveName = request.sensitive ?? summary.labelColumn ?? 'label';
  return pool.run<AnonymityReport>('privacy', 'anonymityCheck', { columns: qiColumns, quasiIdentifiers: request.quasiIdentifiers, sensitive, k: request.k, sensitiveName }, { signal, onProgress: (p) => report(0.6 + 0.4 * p.fraction) });
}

async function leakageCheck(pool: WorkerPool, train: LoadedDataset, test: LoadedDataset, nearFactor: number, signal: AbortSignal, report: Step): Promise<LeakageReport> {
  compatible(train, test, 'evaluation');
  const testLabels = mapLabels(train, test);
  const raw = await pool.run<CrossLeakage>(
    'privacy',
    'leakageCheck',
    { train: matrixOf(train), test: matrixOf(test), trainLabels: train.labels, testLabels, nearFactor },
    { signal, onProgress: (p) => report(p.fraction, p.message) },
  );
  const pairs = [...raw.pairs].sort((a, b) => Number(b.exact) - Number(a.exact) || a.distance - b.distance || a.b - b.b);
  let exactEvalRows = 0;
  const exactSeen = new Uint8Array(test.summary.rows);
  for (const p of raw.pairs) if (p.exact && !exactSeen[p.b]) exactSeen[p.b] = 1;
  for (const f of exactSeen) exactEvalRows += f;
  let flagged = 0;
  for (const f of raw.testFlags) flagged += f;
  return {
    evalDatasetId: test.summary.id,
    evalName: test.summary.name,
    trainRows: train.summary.rows,
    evalRows: test.summary.rows,
    exactEvalRows,
    nearEvalRows: flagged - exactEvalRows,
    leakedFraction: raw.leakedFraction,
    medianNnDistance: raw.medianNnDistance,
    threshold: raw.threshold,
    nearFactor,
    conflicts: raw.conflicts.length,
    pairs: pairs.slice(0, 1000).map((p) => ({ trainRow: p.a, trainId: rowId(train, p.a), evalRow: p.b, evalId: rowId(test, p.b), distance: p.distance, exact: p.exact, conflict: p.conflict })),
    pairsTotal: pairs.length,
  };
}

async function membershipCheck(
  pool: WorkerPool,
  dataset: LoadedDataset,
  request: NonNullable<PrivacyRequest['membership']>,
  datasets: DatasetStore,
  signal: AbortSignal,
  report: Step,
): Promise<MembershipReport> {
  const n = dataset.summary.rows;
  const classCount = dataset.summary.classNames.length;
  const onProgress = (p: { fraction: number; message: string }) => report(p.fraction, p.message);
  if (request.evalDatasetId) {
    const other = datasets.get(request.evalDatasetId);
    compatible(dataset, other, 'held-out');
    const mapped = mapLabels(dataset, other);
    const known = Int32Array.from({ length: mapped.length }, (_, i) => i).filter((i) => mapped[i] >= 0);
    if (known.length === 0) throw new HostError('bad-request', `none of the classes of '${other.summary.name}' is a class of '${dataset.summary.name}'; the attack needs the same classes`);
    const d = other.summary.dims;
    const x = new Float32Array(known.length * d);
    known.forEach((r, i) => x.set(other.features.subarray(r * d, (r + 1) * d), i * d));
    const result = await pool.run<Omit<MembershipReport, 'nonMembers'>>(
      'privacy',
      'membershipCheck',
      {
        x: matrixOf(dataset),
        labels: dataset.labels,
        memberRows: Int32Array.from({ length: n }, (_, i) => i),
        nonMemberRows: null,
        other: { x: { data: x, rows: known.length, cols: d }, labels: Int32Array.from(known, (r) => mapped[r]) },
        classCount,
        l2: request.l2,
      },
      { signal, onProgress },
    );
    return { ...result, nonMembers: { source: 'dataset', datasetId: other.summary.id, name: other.summary.name } };
  }
  const held = Math.floor(request.holdoutFraction * n);
  if (held < 1 || n - held < 2) throw new HostError('bad-request', `holding out ${(100 * request.holdoutFraction).toFixed(0)} % of ${n} rows leaves ${held} held-out and ${n - held} training rows; the attack needs at least 1 and 2`);
  const order = new Random(request.seed).permutation(n);
  const nonMemberRows = order.slice(0, held).sort();
  const memberRows = order.slice(held).sort();
  const result = await pool.run<Omit<MembershipReport, 'nonMembers'>>(
    'privacy',
    'membershipCheck',
    { x: matrixOf(dataset), labels: dataset.labels, memberRows, nonMemberRows, other: null, classCount, l2: request.l2 },
    { signal, onProgress },
  );
  return { ...result, nonMembers: { source: 'holdout', fraction: request.holdoutFraction, seed: request.seed } };
}

async function biasCheck(pool: WorkerPool, dataset: LoadedDataset, request: NonNullable<PrivacyRequest['bias']>, jobs: JobService, signal: AbortSignal, report: Step): Promise<BiasReport> {
  const [column] = await readColumns(pool, dataset, [request.column], { signal, onProgress: (f) => report(0.2 * f, 'reading the protected attribute') });
  const values = column.kind === 'text' ? column.values : Array.from(column.values, (v) => (Number.isFinite(v) ? String(v) : ''));
  const { codes, names } = groupCodes(values);
  if (names.length > 1000) throw new HostError('bad-request', `'${request.column}' has ${names.length} distinct values; a protected attribute has a few groups (bin a numeric column first)`);
  const flags = request.scanJobId ? scanFlags(jobs, request.scanJobId, dataset) : [];
  return pool.run<BiasReport>(
    'privacy',
    'biasCheck',
    {
      column: request.column,
      groups: codes,
      groupNames: names,
      labels: dataset.labels,
      classNames: dataset.summary.classNames,
      flags,
      folds: request.folds,
      x: request.folds >= 2 && dataset.summary.classNames.length >= 2 ? matrixOf(dataset) : null,
      l2: request.l2,
      seed: 7,
    },
    { signal, onProgress: (p) => report(0.2 + 0.8 * p.fraction, p.message) },
  );
}

function scanFlags(jobs: JobService, scanJobId: string, dataset: LoadedDataset): { detector: string; flagged: Uint8Array }[] {
  let result;
  try {
    result = jobs.result(scanJobId);
  } catch (error) {
    throw new HostError('bad-request', `scan job '${scanJobId}': ${(error as Error).message}`);
  }
  if (result.kind !== 'scan') throw new HostError('bad-request', `job '${scanJobId}' is a ${result.kind} job, not a scan`);
  const scan = result.value as import('../../shared/domain/detectors.ts').ScanResult;
  if (scan.datasetId !== dataset.summary.id) throw new HostError('bad-request', `scan job '${scanJobId}' scanned another dataset, not '${dataset.summary.name}'`);
  return scan.runs.map((r) => ({ detector: r.detector, flagged: r.flagged }));
}

function matrixOf(dataset: LoadedDataset): Matrix {
  return { data: dataset.features, rows: dataset.summary.rows, cols: dataset.summary.dims };
}

/** The other dataset's labels as this dataset's class indices, by class name; −1 for a class it lacks. */
function mapLabels(dataset: LoadedDataset, other: LoadedDataset): Int32Array {
  const classOf = new Map(dataset.summary.classNames.map((name, c) => [name, c]));
  return Int32Array.from(other.labels, (c) => classOf.get(other.summary.classNames[c]) ?? -1);
}

function compatible(a: LoadedDataset, b: LoadedDataset, role: string): void {
  if (a.summary.id === b.summary.id) throw new HostError('bad-request', `the ${role} dataset must be another dataset than '${a.summary.name}' itself`);
  if (a.summary.dims !== b.summary.dims) {
    throw new HostError('bad-request', `the ${role} dataset '${b.summary.name}' has ${b.summary.dims} features but '${a.summary.name}' has ${a.summary.dims}; they must have the same features`);
  }
  const mismatch = a.summary.featureNames.findIndex((name, j) => b.summary.featureNames[j] !== name);
  if (mismatch >= 0) {
    throw new HostError('bad-request', `feature ${mismatch + 1} is '${b.summary.featureNames[mismatch]}' in the ${role} dataset '${b.summary.name}' but '${a.summary.featureNames[mismatch]}' in '${a.summary.name}'`);
  }
}
