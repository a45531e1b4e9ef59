/**
 * Drift between two loaded datasets, and monitoring over an ordered series of them, as jobs on the worker
 * pool. Columns are matched by name; the per-column statistics run as one task per column range (the pool's
 * threads share them) beside one task for the embedding-set tests. Label drift needs only the class counts
 * the host already holds.
 */
import {
  DEFAULT_DRIFT_THRESHOLDS,
  type ControlChart,
  type ControlChartData,
  type DatasetRef,
  type DriftRequest,
  type DriftResult,
  type MonitorAlert,
  type MonitorRequest,
  type MonitorResult,
  type CategoricalColumnDrift,
  type NumericColumnDrift,
} from '../../shared/domain/drift.ts';
import { categoricalColumnDrift, datasetVerdict, embeddingDrift } from '../../shared/engine/drift/verdict.ts';
import { baselineLimits, controlChart, meanChartSigma, proportionChartSigma } from '../../shared/engine/spc.ts';
import type { ColumnPair, EmbeddingPieces, SideMatrix } from '../workers/drift.worker.ts';
import { checkColumns, readColumns, type ColumnData } from './columns.ts';
import type { LoadedDataset } from './datasets.ts';
import { HostError } from './errors.ts';
import { linkedAbort, type JobContext } from './jobs.ts';
import { taskBounds, type WorkerPool } from './pool.ts';
import { runScan, validateScan } from './scan.ts';

/** Fewer rows than this in either set and the embedding tests are skipped (MMD needs pairs; folds need rows). */
const MIN_EMBEDDING_ROWS = 20;

/**
 * Most distinct values a chosen categorical column may have over both sets: beyond it the column is free text
 * or identifiers, every value its own sparse category, and neither chi-square nor PSI means anything.
 */
const MAX_CATEGORIES = 200;

/**
 * The feature columns of `current` matched to `baseline`'s by name, in the current dataset's order.
 * Throws a message naming the columns one side lacks.
 */
export function matchColumns(baseline: LoadedDataset, current: LoadedDataset): ColumnPair[] {
  const b = baseline.summary;
  const c = current.summary;
  const at = new Map(b.featureNames.map((name, j) => [name, j]));
  const inCurrent = new Set(c.featureNames);
  const missing = b.featureNames.filter((name) => !inCurrent.has(name));
  const extra = c.featureNames.filter((name) => !at.has(name));
  if (missing.length || extra.length) {
    const list = (names: string[]) => names.slice(0, 10).map((n) => `'${n}'`).join(', ') + (names.length > 10 ? ` and ${names.length - 10} more` : '');
    const parts = [
      missing.length ? `'${c.name}' lacks ${missing.length} feature column${missing.length > 1 ? 's' : ''} of the baseline: ${list(missing)}` : null,
      extra.length ? `'${c.name}' has ${extra.length} feature column${extra.length > 1 ? 's' : ''} the baseline '${b.name}' does not: ${list(extra)}` : null,
    ].filter(Boolean);
    throw new HostError('bad-request', `${parts.join('; ')}. Drift compares the same columns: choose the same feature columns when opening both files.`);
  }
  return c.featureNames.map((name, index) => ({ name, baselineCol: at.get(name)!, currentCol: index, index }));
}

/** Checks a drift request against the two datasets before it becomes a job (so a mismatch is a message, not a failed job). */
export function checkDriftRequest(request: DriftRequest, baseline: LoadedDataset, current: LoadedDataset): void {
  matchColumns(baseline, current);
  const t = request.thresholds;
  if (t.psiModerate > t.psiSignificant) throw new HostError('bad-request', `'thresholds.psiModerate' (${t.psiModerate}) must not exceed 'thresholds.psiSignificant' (${t.psiSignificant})`);
  checkCategoricalColumns(request.categoricalColumns ?? [], baseline, current);
}

/**
 * The chosen categorical columns must be columns of both source files that drift does not test already: not
 * a feature (numeric drift), the label, or a group column both sets share.
 */
function checkCategoricalColumns(names: string[], baseline: LoadedDataset, current: LoadedDataset): void {
  if (!names.length) return;
  for (const d of [baseline, current]) {
    const s = d.summary;
    if (s.format === 'npy') {
      throw new HostError('bad-request', `'${s.name}' is a NumPy matrix: it has no columns besides its features, so categorical column '${names[0]}' cannot be compared. Load CSV, TSV, JSON Lines or Parquet files that hold it`);
    }
    if (s.path === null) throw new HostError('bad-request', `'${s.name}' was generated in memory: it has no column '${names[0]}' (only its features, label and id)`);
  }
  const sharedGroup = baseline.group && current.group && baseline.group.column === current.group.column ? baseline.group.column : null;
  const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
  if (duplicates.length) throw new HostError('bad-request', `categorical column '${duplicates[0]}' is named twice`);
  for (const name of names) {
    if (current.summary.featureNames.includes(name)) throw new HostError('bad-request', `'${name}' is a feature column: drift tests it as a numeric column already`);
    if (name === current.summary.labelColumn || name === baseline.summary.labelColumn) throw new HostError('bad-request', `'${name}' is the label column: drift tests it as the label already`);
    if (name === sharedGroup) throw new HostError('bad-request', `'${name}' is the group column of both datasets: drift tests it already`);
    checkColumns(baseline, [name]);
    checkColumns(current, [name]);
  }
}

function side(d: LoadedDataset): SideMatrix {
  return { features: d.features, rows: d.summary.rows, cols: d.summary.dims };
}

export function datasetRef(d: LoadedDataset): DatasetRef {
  const s = d.summary;
  return { datasetId: s.id, name: s.name, path: s.path, sha256: s.sha256, rows: s.rows };
}

/** Per-column drift in parallel ranges; `onProgress` gets the fraction of columns done. */
async function columnDrift(
  pool: WorkerPool,
  baseline: LoadedDataset,
  current: LoadedDataset,
  pairs: ColumnPair[],
  thresholds: DriftRequest['thresholds'],
  signal: AbortSignal,
  fail: <T>(p: Promise<T>) => Promise<T>,
  onProgress: (fraction: number) => void,
): Promise<NumericColumnDrift[]> {
  // Several ranges per thread, so the threads finish together (the embedding task runs beside them).
  const parts = Math.max(1, Math.min(pairs.length, pool.threads * 4));
  const bounds = taskBounds(pairs.length, parts);
  const done = new Float64Array(parts);
  const pieces = await Promise.all(
    bounds.slice(0, -1).map((start, i) =>
      fail(
        pool.run<NumericColumnDrift[]>(
          'drift',
          'columns',
          { baseline: side(baseline), current: side(current), pairs: pairs.slice(start, bounds[i + 1]), thresholds },
          {
            signal,
            onProgress: (p) => {
              done[i] = p.fraction * (bounds[i + 1] - start);
              onProgress(done.reduce((s, v) => s + v, 0) / pairs.length);
            },
          },
        ),
      ),
    ),
  );
  // A task's last progress message can arrive after its result (the port closes then): report the end here.
  onProgress(1);
  return pieces.flat();
}

/** Drift of `current` against `baseline`: every matched column, the label column, the embedding set, the verdict. */
export async function runDrift(pool: WorkerPool, baseline: LoadedDataset, current: LoadedDataset, request: DriftRequest, context: JobContext): Promise<DriftResult> {
  const started = performance.now();
  const pairs = matchColumns(baseline, current);
  const t = request.thresholds;
  const withEmbedding = request.embedding.enabled && pairs.length > 0 && Math.min(baseline.summary.rows, current.summary.rows) >= MIN_EMBEDDING_ROWS;
  const extraNames = request.categoricalColumns ?? [];
  const link = linkedAbort(context.signal);
  // Columns are ~all of the work on wide data; the embedding tests are a fixed cost on samples; reading the
  // chosen categorical columns parses both files again.
  let colFraction = 0;
  let embFraction = 0;
  const readFraction = [0, 0];
  const report = () => {
    const parts = [
      [colFraction, 4],
      ...(withEmbedding ? [[embFraction, 1]] : []),
      ...(extraNames.length ? [[(readFraction[0] + readFraction[1]) / 2, 2]] : []),
    ];
    const fraction = parts.reduce((s, [f, w]) => s + f * w, 0) / parts.reduce((s, [, w]) => s + w, 0);
    context.progress(fraction, 'drift', `${Math.round(colFraction * pairs.length)} of ${pairs.length} columns`);
  };
  try {
    const readTask = (d: LoadedDataset, i: number) =>
      link.fail(
        readColumns(pool, d, extraNames, {
          signal: link.signal,
          onProgress: (f) => {
            readFraction[i] = f;
            report();
          },
        }),
      );
    const extraTask = extraNames.length ? Promise.all([readTask(baseline, 0), readTask(current, 1)]) : Promise.resolve(null);
    // The embedding task is queued first: it is one long task, and the column ranges fill in around it.
    const embeddingTask = withEmbedding
      ? link.fail(
          pool.run<EmbeddingPieces>('drift', 'embedding', { baseline: side(baseline), current: side(current), pairs, options: request.embedding }, {
            signal: link.signal,
            onProgress: (p) => {
              embFraction = p.fraction;
              report();
            },
          }),
        )
      : Promise.resolve(null);
    const [columns, pieces, extra] = await Promise.all([
      columnDrift(pool, baseline, current, pairs, t, link.signal, link.fail, (f) => {
        colFraction = f;
        report();
      }),
      embeddingTask,
      extraTask,
    ]);
    const b = baseline.summary;
    const c = current.summary;
    const label =
      b.labelColumn !== null && c.labelColumn !== null
        ? categoricalColumnDrift(c.labelColumn, { categories: b.classNames, counts: b.classCounts }, { categories: c.classNames, counts: c.classCounts }, t)
        : null;
    const categorical = [...groupDrift(baseline, current, t), ...(extra ? extra[0].map((b, j) => chosenColumnDrift(b, extra[1][j], baseline, current, t)) : [])];
    columns.sort((x, y) => x.index - y.index);
    return {
      baseline: datasetRef(baseline),
      current: datasetRef(current),
      thresholds: t,
      embeddingOptions: request.embedding,
      columns,
      label,
      categorical,
      embedding: pieces ? embeddingDrift(pieces.mmd, pieces.domain, pieces.samples, request.embedding, t) : null,
      verdict: datasetVerdict([...columns, ...(label ? [label] : []), ...categorical], t),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    link.done();
  }
}

/** The group column's drift, when both datasets were opened with a group column of the same name. */
function groupDrift(baseline: LoadedDataset, current: LoadedDataset, t: DriftRequest['thresholds']): CategoricalColumnDrift[] {
  const b = baseline.group;
  const c = current.group;
  if (!b || !c || b.column !== c.column) return [];
  const counts = (g: NonNullable<LoadedDataset['group']>) => {
    const out = new Array<number>(g.names.length).fill(0);
    // A row without a group value has no code in range; it is left out of the table.
    for (const code of g.codes) if (code >= 0 && code < out.length) out[code]++;
    return out;
  };
  return [categoricalColumnDrift(c.column, { categories: b.names, counts: counts(b) }, { categories: c.names, counts: counts(c) }, t)];
}

/** A chosen column read back from both files, counted per value and tested like the group column. */
function chosenColumnDrift(b: ColumnData, c: ColumnData, baseline: LoadedDataset, current: LoadedDataset, t: DriftRequest['thresholds']): CategoricalColumnDrift {
  const bc = valueCounts(b);
  const cc = valueCounts(c);
  const distinct = new Set([...bc.keys(), ...cc.keys()]).size;
  if (distinct > MAX_CATEGORIES) {
    throw new HostError(
      'bad-request',
      `column '${b.name}' has ${distinct} distinct values across '${baseline.summary.name}' and '${current.summary.name}'; drift compares a column as categorical up to ${MAX_CATEGORIES} values (free text or identifiers would make every value its own category)`,
    );
  }
  const table = (counts: Map<string, number>) => {
    const categories = [...counts.keys()].sort((x, y) => x.localeCompare(y));
    return { categories, counts: categories.map((k) => counts.get(k)!) };
  };
  return categoricalColumnDrift(b.name, table(bc), table(cc), t);
}

/** Rows per value; a missing (empty) value is left out of the table, as a row without a group value is. */
function valueCounts(column: ColumnData): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (v: string) => {
    if (v === '') return;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  };
  if (column.kind === 'text') for (const v of column.values) add(v);
  else for (const v of column.values) add(Number.isNaN(v) ? '' : String(v));
  return counts;
}

/** Checks a monitoring request against the loaded snapshots before it becomes a job. */
export function checkMonitorRequest(request: MonitorRequest, snapshots: LoadedDataset[]): void {
  if (snapshots.length < 2) throw new HostError('bad-request', 'monitoring needs at least two snapshots: the baseline and one to compare');
  if (request.baselinePeriod >= snapshots.length) {
    throw new HostError('bad-request', `'baselinePeriod' is ${request.baselinePeriod} but there are only ${snapshots.length} snapshots: leave at least one after the baseline period`);
  }
  for (const s of snapshots.slice(1)) matchColumns(snapshots[0], s);
  const names = new Set(snapshots[0].summary.featureNames);
  const unknown = request.columns.filter((c) => !names.has(c));
  if (unknown.length) throw new HostError('bad-request', `no feature column ${unknown.map((c) => `'${c}'`).join(', ')} in '${snapshots[0].summary.name}'`);
  if (request.detectors.length) validateScan({ datasetId: snapshots[0].summary.id, detectors: request.detectors, flag: request.flag, referenceDatasetId: null });
}

/**
 * Per snapshot: the share of rows any chosen detector flags (a p chart), PSI of every column against the
 * first snapshot (its mean and max; the columns above the alert), and the chosen columns' means (x̄ charts with
 * σ from the baseline period's rows). Alerts after the baseline period: a column's PSI above the alert, an
 * anomaly rate above `anomalyFactor` × the baseline rate, and every out-of-control point.
 */
export async function runMonitor(pool: WorkerPool, snapshots: LoadedDataset[], request: MonitorRequest, context: JobContext): Promise<MonitorResult> {
  const started = performance.now();
  const t = request.thresholds;
  const driftThresholds = { ...DEFAULT_DRIFT_THRESHOLDS, bins: t.bins, emptyBinFloor: t.emptyBinFloor, psiAlert: t.psiAlert };
  const count = snapshots.length;
  const base = snapshots[0];
  const flaggedRates: number[] = [];
  const perSnapshot: NumericColumnDrift[][] = [];
  const link = linkedAbort(context.signal);
  try {
    for (const [i, snap] of snapshots.entries()) {
      const stage = `snapshot ${i + 1}/${count}`;
      const share = request.detectors.length ? 0.7 : 0;
      if (request.detectors.length) {
        const scan = await runScan(pool, snap, null, { datasetId: snap.summary.id, detectors: request.detectors, flag: request.flag, referenceDatasetId: null }, {
          signal: link.signal,
          progress: (f) => context.progress((i + share * f) / count, stage, `detectors on '${snap.summary.name}'`),
        });
        const any = new Uint8Array(snap.summary.rows);
        for (const run of scan.runs) for (let r = 0; r < any.length; r++) any[r] |= run.flagged[r];
        flaggedRates.push(any.reduce((s, v) => s + v, 0) / Math.max(1, any.length));
      }
      const columns = await columnDrift(pool, base, snap, matchColumns(base, snap), driftThresholds, link.signal, link.fail, (f) =>
        context.progress((i + share + (1 - share) * f) / count, stage, `PSI of '${snap.summary.name}'`),
      );
      perSnapshot.push(columns.sort((x, y) => x.index - y.index));
    }
  } finally {
    link.done();
  }

  const refs = snapshots.map(datasetRef);
  const rows = snapshots.map((s) => s.summary.rows);
  const period = request.baselinePeriod;
  const chartOptions = { k: t.sigma, westernElectric: t.westernElectric };
  // Several baseline snapshots: limits from their spread (the seed's x̄ ± k·s, an individuals chart). One:
  // only the within-snapshot sampling noise is known (x̄ chart σ/√n, p chart √(p̄(1−p̄)/n)).
  const individuals = period >= 2;
  const alerts: MonitorAlert[] = [];
  const after = (i: number) => i >= period;

  let anomalyRate: ControlChartData | null = null;
  if (request.detectors.length) {
    const flaggedBase = flaggedRates.slice(0, period).reduce((s, r, i) => s + r * rows[i], 0);
    const rowsBase = rows.slice(0, period).reduce((s, n) => s + n, 0);
    const pBar = flaggedBase / rowsBase;
    const what = `the share of rows flagged by any of ${request.detectors.map((d) => d.name).join(', ')}`;
    let chart: ControlChart;
    if (individuals) {
      const { centre, sigma } = baselineLimits(flaggedRates, period);
      chart = controlChart(flaggedRates, centre, sigma, { ...chartOptions, lowerBound: 0 });
      anomalyRate = chartData(chart, `Individuals chart of ${what}: centre ${fmtPct(centre)} and σ ${fmtPct(sigma)} from the ${period} baseline-period snapshots (x̄ ± ${t.sigma}s, s with n − 1).`);
    } else {
      chart = controlChart(flaggedRates, pBar, proportionChartSigma(pBar, rows), { ...chartOptions, lowerBound: 0 });
      anomalyRate = chartData(chart, `p chart of ${what}: centre ${fmtPct(pBar)} (the baseline snapshot's rate), limits ±${t.sigma}σ with σ = √(p̄(1−p̄)/n) per snapshot — with one baseline snapshot only the sampling noise of a rate is known; a baseline period of several snapshots charts their real variation instead.`);
    }
    flaggedRates.forEach((rate, i) => {
      if (after(i) && rate > t.anomalyFactor * pBar) {
        alerts.push({
          snapshotIndex: i,
          snapshot: refs[i].name,
          kind: 'anomaly-rate',
          metric: 'anomaly rate',
          value: rate,
          threshold: t.anomalyFactor * pBar,
          message: `anomaly rate ${fmtPct(rate)} is above ${t.anomalyFactor} × the baseline rate ${fmtPct(pBar)}`,
        });
      }
    });
    spcAlerts(chart, 'anomaly rate', refs, after, alerts);
  }

  const psiMean = perSnapshot.map((cols) => cols.reduce((s, c) => s + c.psi, 0) / Math.max(1, cols.length));
  const psiMax = perSnapshot.map((cols) => cols.reduce((m, c) => Math.max(m, c.psi), 0));
  const columnsOver = perSnapshot.map((cols) => cols.filter((c) => c.psi > t.psiAlert).map((c) => c.name));
  // The first snapshot is PSI's reference (its PSI is 0 by construction): limits need two more baseline points.
  let psiChart: ControlChartData | null = null;
  if (period >= 3) {
    const { centre, sigma } = baselineLimits(psiMean.slice(1), period - 1);
    const chart = controlChart(psiMean, centre, psiMean.map((_, i) => (i === 0 ? 0 : sigma)), chartOptions);
    spcAlerts(chart, 'mean PSI', refs, after, alerts);
    psiChart = chartData(chart, `Individuals chart of the mean PSI over columns: centre ${centre.toPrecision(3)} and σ ${sigma.toPrecision(3)} from baseline-period snapshots 2–${period} (the first is the reference).`);
  }
  columnsOver.forEach((names, i) => {
    if (i === 0 || !names.length) return;
    alerts.push({
      snapshotIndex: i,
      snapshot: refs[i].name,
      kind: 'psi',
      metric: 'PSI',
      value: psiMax[i],
      threshold: t.psiAlert,
      message: `${names.length} column${names.length > 1 ? 's' : ''} with PSI above ${t.psiAlert} against '${refs[0].name}': ${names.slice(0, 5).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''} (max ${psiMax[i].toFixed(3)})`,
    });
  });

  const columnMeans = request.columns.map((column) => {
    const stats = perSnapshot.map((cols) => cols.find((c) => c.name === column)!);
    const means = stats.map((c) => c.currentMean);
    if (individuals) {
      const { centre, sigma } = baselineLimits(means, period);
      const chart = controlChart(means, centre, sigma, chartOptions);
      spcAlerts(chart, `mean of ${column}`, refs, after, alerts);
      return { column, chart: chartData(chart, `Individuals chart of the mean of '${column}': centre ${centre.toPrecision(4)} and σ ${sigma.toPrecision(4)} from the ${period} baseline-period snapshots' means (x̄ ± ${t.sigma}s).`) };
    }
    // One baseline snapshot: an x̄ chart with σ from its rows.
    const n = stats.slice(0, period).reduce((s, c) => s + c.currentCount, 0);
    const centre = stats.slice(0, period).reduce((s, c) => s + c.currentCount * c.currentMean, 0) / n;
    const variance = stats.slice(0, period).reduce((s, c) => s + c.currentCount * (c.currentStd ** 2 + (c.currentMean - centre) ** 2), 0) / n;
    const sd = Math.sqrt(variance);
    const chart = controlChart(
      means,
      centre,
      meanChartSigma(sd, stats.map((c) => c.currentCount)),
      chartOptions,
    );
    spcAlerts(chart, `mean of ${column}`, refs, after, alerts);
    return { column, chart: chartData(chart, `x̄ chart of the mean of '${column}': centre ${centre.toPrecision(4)} (the baseline snapshot's rows), limits ±${t.sigma}σ/√n with σ = ${sd.toPrecision(4)} — with one baseline snapshot only sampling noise is known; a baseline period of several snapshots charts their real variation instead.`) };
  });

  // By snapshot; within one, the seed's threshold alerts before the control-chart ones.
  const rank = { psi: 0, 'anomaly-rate': 1, spc: 2 } as const;
  alerts.sort((a, b) => a.snapshotIndex - b.snapshotIndex || rank[a.kind] - rank[b.kind]);
  return {
    snapshots: refs,
    baselinePeriod: period,
    thresholds: t,
    anomalyRate,
    psi: { mean: psiMean, max: psiMax, columnsOver, chart: psiChart },
    columnMeans,
    alerts,
    seconds: (performance.now() - started) / 1000,
  };
}

const RULE_TEXT: Record<number, string> = {
  1: 'beyond the control limits',
  2: 'two of three beyond 2σ on one side',
  3: 'four of five beyond 1σ on one side',
  4: 'eight in a row on one side of the centre',
};

function spcAlerts(chart: ControlChart, metric: string, refs: DatasetRef[], after: (i: number) => boolean, alerts: MonitorAlert[]): void {
  for (const point of chart.outOfControl) {
    if (!after(point.index)) continue;
    const i = point.index;
    alerts.push({
      snapshotIndex: i,
      snapshot: refs[i].name,
      kind: 'spc',
      metric,
      value: chart.values[i],
      threshold: chart.values[i] > chart.centre ? chart.upper[i] : chart.lower[i],
      message: `${metric} out of control: ${point.rules.map((r) => `rule ${r} (${RULE_TEXT[r]})`).join(', ')}`,
    });
  }
}

function chartData(chart: ControlChart, explain: string): ControlChartData {
  return { ...chart, explain };
}

function fmtPct(v: number): string {
  return `${(v * 100).toFixed(2)}%`;
}
