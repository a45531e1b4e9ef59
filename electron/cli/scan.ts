import { parseArgs } from 'node:util';
import writeFileAtomic from 'write-file-atomic';
import type { DatasetSummary } from '../../shared/domain/dataset.ts';
import { SPECTRAL_DEFAULTS, type SpectralResult } from '../../shared/domain/detectors.ts';
import { appVersion, samplePath } from '../host/app-root.ts';
import { rowId } from '../host/datasets.ts';
import { createHost, type Host } from '../host/host.ts';
import { UsageError, type Command } from './command.ts';

const USAGE = `usage: assay scan <file.csv|tsv> [--label COLUMN] [--id COLUMN] [--detector spectral]
                  [--eps E] [--budget-factor F] [--json OUT.json] [--threads N] [--quiet]
  --label          class label column (default: a column named label, class, target or y)
  --id             row id column (default: a column named id, row_id or uid; else row numbers)
  --detector       spectral: spectral signatures (Tran, Li & Madry 2018)
  --eps            upper bound on the poisoned fraction of each class, in (0, 0.5] (default ${SPECTRAL_DEFAULTS.epsilon})
  --budget-factor  rows flagged per class = ceil(F · eps · class size) (default ${SPECTRAL_DEFAULTS.budgetFactor}, as in the paper)
  --json           write per-row scores (row order), flagged ids, parameters and the dataset's SHA-256`;

export const scanCommand: Command = {
  name: 'scan',
  summary: 'run a poison detector over a dataset and report the suspicious rows',
  usage: USAGE,
  async run(argv) {
    const opts = parseScanArgs(argv);
    const host = createHost({ transport: 'cli', samplePath: samplePath(), threads: opts.threads });
    try {
      const dataset = await openDataset(host, opts);
      const job = await host.runDetector({ datasetId: dataset.id, detector: 'spectral', params: opts.params });
      await settle(host, job.id, opts.quiet ? null : 'spectral signatures');
      const result = host.jobs.result<'spectral'>(job.id).value;
      if (!opts.quiet) printSummary(dataset, result);
      if (opts.json) {
        await writeFileAtomic(opts.json, JSON.stringify(scanReport(host, dataset, result)) + '\n');
        if (!opts.quiet) console.log(`wrote ${opts.json}`);
      }
      return 0;
    } finally {
      await host.close();
    }
  },
};

interface ScanOptions {
  file: string;
  label: string | null;
  id: string | null;
  params: { epsilon: number; budgetFactor: number };
  json: string | null;
  threads: number | undefined;
  quiet: boolean;
}

function parseScanArgs(argv: string[]): ScanOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        label: { type: 'string' },
        id: { type: 'string' },
        detector: { type: 'string', default: 'spectral' },
        eps: { type: 'string' },
        'budget-factor': { type: 'string' },
        json: { type: 'string' },
        threads: { type: 'string' },
        quiet: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `one dataset file, got ${positionals.length}` : 'which dataset file?');
  if (values.detector !== 'spectral') throw new UsageError(`unknown detector '${values.detector}'; available: spectral`);
  const number = (name: string, raw: string | undefined, fallback: number, ok: (v: number) => boolean, range: string) => {
    if (raw === undefined) return fallback;
    const v = Number(raw);
    if (!Number.isFinite(v) || !ok(v)) throw new UsageError(`--${name} must be ${range}, got '${raw}'`);
    return v;
  };
  return {
    file: positionals[0],
    label: values.label ?? null,
    id: values.id ?? null,
    params: {
      epsilon: number('eps', values.eps, SPECTRAL_DEFAULTS.epsilon, (v) => v > 0 && v <= 0.5, 'a number in (0, 0.5]'),
      budgetFactor: number('budget-factor', values['budget-factor'], SPECTRAL_DEFAULTS.budgetFactor, (v) => v > 0 && v <= 10, 'a number in (0, 10]'),
    },
    json: values.json ?? null,
    threads: values.threads === undefined ? undefined : number('threads', values.threads, 1, (v) => Number.isInteger(v) && v >= 1 && v <= 256, 'a whole number from 1 to 256'),
    quiet: values.quiet ?? false,
  };
}

async function openDataset(host: Host, opts: ScanOptions): Promise<DatasetSummary> {
  const job = await host.openDataset({ path: opts.file, labelColumn: opts.label, idColumn: opts.id });
  await settle(host, job.id, opts.quiet ? null : 'reading');
  return host.jobs.result<'load'>(job.id).value;
}

/** Waits for a job; shows its progress on stderr when that is a terminal; throws its error if it failed. */
async function settle(host: Host, jobId: string, label: string | null): Promise<void> {
  const tty = label !== null && process.stderr.isTTY;
  const off = tty
    ? host.on('jobUpdate', (job) => {
        if (job.id === jobId) process.stderr.write(`\r${label}: ${(job.progress.fraction * 100).toFixed(0).padStart(3)}% ${job.progress.message.slice(0, 60).padEnd(60)}`);
      })
    : () => {};
  const final = await host.jobs.settled(jobId);
  off();
  if (tty) process.stderr.write('\r' + ' '.repeat(80) + '\r');
  if (final.status === 'failed') throw new Error(final.error ?? 'failed');
  if (final.status === 'cancelled') throw new Error('cancelled');
}

function printSummary(dataset: DatasetSummary, result: SpectralResult): void {
  console.log(`${dataset.name}: ${dataset.rows} rows × ${dataset.dims} features, ${dataset.classNames.length} classes, sha256 ${dataset.sha256}`);
  console.log(`spectral signatures, eps ${result.params.epsilon}, budget factor ${result.params.budgetFactor}`);
  console.log(['class'.padEnd(16), 'rows'.padStart(8), 'flagged'.padStart(8), 'λ1'.padStart(10), 'λ2'.padStart(10), '  λ1/λ2'].join(''));
  for (const c of result.classes) {
    const [l1 = NaN, l2 = NaN] = c.eigenvalues;
    console.log(
      [c.className.slice(0, 15).padEnd(16), String(c.count).padStart(8), String(c.flagged).padStart(8), l1.toPrecision(4).padStart(10), l2.toPrecision(4).padStart(10), (l1 / l2).toFixed(2).padStart(8)].join(''),
    );
  }
}

/** The --json document: per-row arrays in row order, so a pipeline can join them back to the file. */
export function scanReport(host: Host, dataset: DatasetSummary, result: SpectralResult) {
  const loaded = host.datasets.get(dataset.id);
  const flaggedRows: number[] = [];
  result.flagged.forEach((f, i) => f && flaggedRows.push(i));
  return {
    format: 'assay-scan/1',
    tool: { name: 'assay', version: appVersion() },
    dataset: {
      path: dataset.path,
      sha256: dataset.sha256,
      rows: dataset.rows,
      dims: dataset.dims,
      labelColumn: dataset.labelColumn,
      idColumn: dataset.idColumn,
      classNames: dataset.classNames,
    },
    detectors: [
      {
        detector: 'spectral',
        reference: 'Tran, Li & Madry, Spectral Signatures in Backdoor Attacks, NeurIPS 2018',
        params: result.params,
        scoreMeaning: 'squared projection on the class top singular vector; higher = more suspicious',
        scores: Array.from(result.scores),
        flaggedRows,
        flaggedIds: flaggedRows.map((i) => rowId(loaded, i)),
        classes: result.classes,
      },
    ],
  };
}
