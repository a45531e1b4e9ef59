/**
 * Assay benchmarks. Prints figures, never pass/fail.
 *
 *   npm run bench                     every case
 *   npm run bench -- spectral         one case (several names allowed)
 *   npm run bench -- --list           the registered cases
 *   npm run bench -- spectral --rows=20000 --dims=128   a smaller dataset (quick check)
 *
 * Add a case by pushing onto CASES: a name, a one-line description and a `run` that returns rows for the
 * final table. Cases run in order in this one process, so memory figures (peak RSS) are cumulative; run a
 * case alone for its own peak.
 */
import { performance } from 'node:perf_hooks';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { rowsByClass, type Matrix } from '../shared/engine/matrix.ts';
import { spectralSignatureClass } from '../shared/engine/spectral.ts';
import { generateSynthetic } from '../shared/engine/synthetic.ts';
import type { SyntheticSpec } from '../shared/domain/dataset.ts';

interface Row {
  case: string;
  metric: string;
  value: string;
  note?: string;
}

interface BenchOptions {
  rows: number;
  dims: number;
  classes: number;
  poisonFraction: number;
  seed: number;
  epsilon: number;
  budgetFactor: number;
  trivialJobs: number;
}

interface BenchCase {
  name: string;
  description: string;
  run(options: BenchOptions): Promise<Row[]>;
}

// ---------------------------------------------------------------------------------------------- helpers

const MB = 1024 * 1024;

/** Peak RSS: our own samples (taken at progress callbacks, since the engine is synchronous) and the OS's. */
class MemoryProbe {
  peakRss = 0;
  sample = (): void => {
    this.peakRss = Math.max(this.peakRss, process.memoryUsage().rss);
  };
  /** The kernel's high-water mark for this process (maxRSS is in KiB). */
  static osPeak(): number {
    return process.resourceUsage().maxRSS * 1024;
  }
}

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const fmtMB = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
const fmtPct = (x: number) => `${(100 * x).toFixed(2)} %`;

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function quantile(values: number[], q: number): number {
  // R-7 (linear interpolation between order statistics), as in d3-array and numpy's default.
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return s[lo] + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]) - s[lo]);
}

function specOf(o: BenchOptions): SyntheticSpec {
  return { rows: o.rows, dims: o.dims, classes: o.classes, poisonFraction: o.poisonFraction, seed: o.seed };
}

// ---------------------------------------------------------------------------------------------- cases

/** (a) Spectral signatures for every class, single-threaded, in-process through the engine. */
async function spectralInProcess(o: BenchOptions): Promise<Row[]> {
  const name = 'spectral';
  const probe = new MemoryProbe();
  probe.sample();
  const spec = specOf(o);
  log(`[${name}] generating ${o.rows.toLocaleString('en')} × ${o.dims} float32 (${fmtMB(o.rows * o.dims * 4)}), ${o.classes} classes…`);
  const t0 = performance.now();
  const data = generateSynthetic(spec, undefined, probe.sample);
  const genMs = performance.now() - t0;
  probe.sample();
  log(`[${name}] generated in ${fmtMs(genMs)}`);

  const x: Matrix = { data: data.features, rows: o.rows, cols: o.dims };
  const byClass = rowsByClass(data.labels, o.classes);
  const planted = new Set(data.poisonedRows);
  const params = { epsilon: o.epsilon, budgetFactor: o.budgetFactor };

  let found = 0;
  let flaggedTotal = 0;
  let iterations = 0;
  let allConverged = true;
  const perClassMs: number[] = [];
  const t1 = performance.now();
  byClass.forEach((rows, c) => {
    const tc = performance.now();
    const out = spectralSignatureClass(x, rows, params, probe.sample);
    perClassMs.push(performance.now() - tc);
    iterations += out.stats.iterations;
    allConverged &&= out.stats.converged;
    flaggedTotal += out.stats.flagged;
    rows.forEach((r, i) => {
      if (out.flagged[i] && planted.has(r)) found++;
    });
    log(`[${name}] class ${c}: ${rows.length} rows, ${out.stats.iterations} Lanczos steps, λ₁ = ${out.stats.eigenvalues[0]?.toFixed(3)}, ${fmtMs(perClassMs[c])}`);
  });
  const spectralMs = performance.now() - t1;
  probe.sample();

  const recall = planted.size ? found / planted.size : NaN;
  return [
    { case: name, metric: 'dataset', value: `${o.rows.toLocaleString('en')} × ${o.dims}, ${o.classes} classes`, note: `${fmtMB(o.rows * o.dims * 4)} float32; ${planted.size} planted rows in class ${data.targetClass}` },
    { case: name, metric: 'generate (generateSynthetic)', value: fmtMs(genMs) },
    { case: name, metric: 'spectral, all classes, 1 thread', value: fmtMs(spectralMs), note: `median class ${fmtMs(median(perClassMs))}, max ${fmtMs(Math.max(...perClassMs))}` },
    { case: name, metric: 'Lanczos steps (sum over classes)', value: String(iterations), note: allConverged ? 'all converged' : 'NOT all converged' },
    { case: name, metric: 'throughput', value: `${((o.rows * o.dims) / (spectralMs / 1000) / 1e6).toFixed(0)} M values/s`, note: 'rows × dims ÷ spectral time' },
    { case: name, metric: 'recall of planted rows', value: fmtPct(recall), note: `${found}/${planted.size} at ε = ${o.epsilon}, budget ${o.budgetFactor}·ε·n_c (${flaggedTotal} flagged in all)` },
    { case: name, metric: 'peak RSS (sampled)', value: fmtMB(probe.peakRss) },
    { case: name, metric: 'peak RSS (OS maxRSS)', value: fmtMB(MemoryProbe.osPeak()), note: 'process high-water mark, includes earlier cases' },
  ];
}

/**
 * (b) The same spectral job through the job service / worker pool, and the pool's per-job overhead.
 *
 * >>> LEAD: review. <<< Written against electron/host/host.ts (`createHost`, `AssayApi`, `jobUpdate` events);
 * it reports "not available" if the host cannot be imported. It measures:
 *   - time of `generateSynthetic` as a job (same spec as the in-process case), then of a spectral `runScan`
 *     (spectral) on it, wall clock from the call to the final `jobUpdate`;
 *   - recall from `getJobResult` (flagged vs the known planted rows — the host's dataset summary may not
 *     carry them; regenerate in-process with the same spec to get `poisonedRows` if needed);
 *   - per-job overhead: median (and p90) round trip of `trivialJobs` spectral jobs on a tiny dataset.
 */
async function spectralThroughPool(o: BenchOptions): Promise<Row[]> {
  const name = 'spectral-pool';
  let createHost: unknown;
  try {
    ({ createHost } = (await import('../electron/host/host.ts')) as { createHost?: unknown });
  } catch (error) {
    return [{ case: name, metric: 'status', value: 'not available', note: `cannot import electron/host/host.ts: ${(error as Error).message}` }];
  }
  if (typeof createHost !== 'function') {
    return [{ case: name, metric: 'status', value: 'not available', note: 'electron/host/host.ts exports no createHost yet (stub) — see spectralThroughPool' }];
  }

  type HostLike = import('../electron/host/host.ts').Host;
  type JobInfo = import('../shared/domain/jobs.ts').JobInfo;
  const { isFinal } = await import('../shared/domain/jobs.ts');
  const threads = availableParallelism();
  const host = (createHost as (o: import('../electron/host/host.ts').HostOptions) => HostLike)({
    transport: 'served',
    samplePath: '',
    initialDataset: null,
    threads,
  });
  const finals = new Map<string, JobInfo>();
  const waiters = new Map<string, (job: JobInfo) => void>();
  const off = host.on('jobUpdate', (job) => {
    if (!isFinal(job.status)) return;
    finals.set(job.id, job);
    waiters.get(job.id)?.(job);
  });
  const untilFinal = (started: JobInfo): Promise<JobInfo> =>
    isFinal(started.status) ? Promise.resolve(started) : finals.has(started.id) ? Promise.resolve(finals.get(started.id)!) : new Promise((resolve) => waiters.set(started.id, resolve));
  const runJob = async (start: () => Promise<JobInfo>): Promise<{ job: JobInfo; ms: number }> => {
    const t = performance.now();
    const job = await untilFinal(await start());
    if (job.status !== 'done') throw new Error(`job ${job.id} (${job.kind}) ended ${job.status}: ${job.error}`);
    return { job, ms: performance.now() - t };
  };
  const datasetIdOf = async (job: JobInfo): Promise<string> => {
    const result = await host.getJobResult({ jobId: job.id });
    if (result.kind !== 'synthesize' && result.kind !== 'load') throw new Error(`unexpected result kind ${result.kind}`);
    return result.value.id;
  };

  const rows: Row[] = [];
  let peakAfterJobs = 0;
  try {
    const spec = specOf(o);
    const gen = await runJob(() => host.generateSynthetic(spec));
    const datasetId = await datasetIdOf(gen.job);
    rows.push({ case: name, metric: `generate (job, ${threads} threads)`, value: fmtMs(gen.ms) });
    const scan = (id: string) =>
      host.runScan({
        datasetId: id,
        detectors: [{ name: 'spectral', params: {} }],
        flag: { mode: 'budget', epsilon: o.epsilon, budgetFactor: o.budgetFactor },
        referenceDatasetId: null,
      });
    const spectral = await runJob(() => scan(datasetId));
    rows.push({ case: name, metric: 'spectral, all classes, via pool', value: fmtMs(spectral.ms) });
    // Before the in-process regeneration below, which would add its own copy of the dataset.
    peakAfterJobs = MemoryProbe.osPeak();
    const result = await host.getJobResult({ jobId: spectral.job.id });
    if (result.kind === 'scan') {
      const planted = generateSynthetic(spec).poisonedRows; // the same bits as the host generated
      const found = Array.from(planted).filter((r) => result.value.runs[0].flagged[r]).length;
      rows.push({ case: name, metric: 'recall of planted rows (pool)', value: fmtPct(found / planted.length) });
    }

    const tiny = await runJob(() => host.generateSynthetic({ rows: 40, dims: 4, classes: 2, poisonFraction: 0.1, seed: 1 }));
    const tinyId = await datasetIdOf(tiny.job);
    const trips: number[] = [];
    for (let i = 0; i < o.trivialJobs; i++) trips.push((await runJob(() => scan(tinyId))).ms);
    rows.push({ case: name, metric: `per-job round trip (${o.trivialJobs} trivial jobs)`, value: fmtMs(median(trips)), note: `median; p90 ${fmtMs(quantile(trips, 0.9))}, min ${fmtMs(Math.min(...trips))}` });
  } catch (error) {
    rows.push({ case: name, metric: 'status', value: 'failed', note: (error as Error).message });
  } finally {
    off();
    await host.close();
  }
  rows.push({ case: name, metric: 'peak RSS (OS maxRSS)', value: fmtMB(peakAfterJobs || MemoryProbe.osPeak()), note: 'after the spectral job; threads share the process, so workers are included; includes earlier cases' });
  return rows;
}

const CASES: BenchCase[] = [
  { name: 'spectral', description: 'spectral signatures, all classes, single-threaded in-process (engine)', run: spectralInProcess },
  { name: 'spectral-pool', description: 'the same through the job service / worker pool, and per-job overhead', run: spectralThroughPool },
];

// ---------------------------------------------------------------------------------------------- driver

function parseArgs(argv: string[]): { names: string[]; options: BenchOptions; list: boolean } {
  const options: BenchOptions = { rows: 200_000, dims: 512, classes: 10, poisonFraction: 0.1, seed: 20181203, epsilon: 0.1, budgetFactor: 1.5, trivialJobs: 200 };
  const names: string[] = [];
  let list = false;
  for (const arg of argv) {
    if (arg === '--list') list = true;
    else if (arg.startsWith('--')) {
      const [key, raw] = arg.slice(2).split('=');
      if (!(key in options) || raw === undefined || !Number.isFinite(Number(raw))) throw new Error(`unknown or malformed option ${arg}; options: ${Object.keys(options).map((k) => `--${k}=…`).join(' ')}`);
      (options as unknown as Record<string, number>)[key] = Number(raw);
    } else names.push(arg);
  }
  return { names, options, list };
}

function printTable(rows: Row[]): void {
  const header: Row = { case: 'case', metric: 'metric', value: 'value', note: 'note' };
  const all = [header, ...rows];
  const w = (k: keyof Row) => Math.max(...all.map((r) => (r[k] ?? '').length));
  const widths = { case: w('case'), metric: w('metric'), value: w('value') };
  const line = (r: Row) => `${r.case.padEnd(widths.case)}  ${r.metric.padEnd(widths.metric)}  ${r.value.padStart(widths.value)}  ${r.note ?? ''}`.trimEnd();
  console.log(line(header));
  console.log('-'.repeat(widths.case + widths.metric + widths.value + 6 + Math.max(...all.map((r) => (r.note ?? '').length))));
  for (const r of rows) console.log(line(r));
}

async function main(): Promise<void> {
  const { names, options, list } = parseArgs(process.argv.slice(2));
  if (list) {
    for (const c of CASES) console.log(`${c.name.padEnd(16)} ${c.description}`);
    return;
  }
  const unknown = names.filter((n) => !CASES.some((c) => c.name === n));
  if (unknown.length) throw new Error(`unknown case(s) ${unknown.join(', ')}; known: ${CASES.map((c) => c.name).join(', ')}`);
  const selected = names.length ? CASES.filter((c) => names.includes(c.name)) : CASES;

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Assay bench — node ${process.version}, ${availableParallelism()} × ${cpu}, ${fmtMB(totalmem())} RAM`);
  const rows: Row[] = [];
  for (const c of selected) {
    log(`\n== ${c.name}: ${c.description}`);
    try {
      rows.push(...(await c.run(options)));
    } catch (error) {
      rows.push({ case: c.name, metric: 'status', value: 'error', note: (error as Error).stack?.split('\n')[0] ?? String(error) });
    }
  }
  console.log('');
  printTable(rows);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
