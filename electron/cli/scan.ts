import type { DatasetSummary } from '../../shared/domain/dataset.ts';
import { DETECTORS } from '../../shared/domain/detector-catalog.ts';
import { DEFAULT_FLAG_RULE, type DetectorName, type DetectorParams, type FlagRule, type ScanResult } from '../../shared/domain/detectors.ts';
import { availableDetectors } from '../../shared/engine/detectors/registry.ts';
import { rowId } from '../host/datasets.ts';
import type { Host } from '../host/host.ts';
import { documentHeader, UsageError, withHost, writeJsonDocument, type Command } from './command.ts';
import { DATASET_USAGE, openWithRoles, type DatasetValues } from './dataset-options.ts';
import { detectorList, numberOption, numberOr, parseDatasetCommandArgs, runSettings, singleFile, type RunSettings } from './options.ts';

const USAGE = `usage: assay scan <file.csv|tsv|jsonl|npy|parquet> [dataset options] [--detector NAME[,NAME…]|all]
                  [--fdr Q | --eps E [--budget-factor F] | --rule] [--set DETECTOR.PARAM=VALUE …]
                  [--reference CLEAN.csv] [--json OUT.json] [--threads N] [--quiet]
${DATASET_USAGE}
  --detector       ${availableDetectors().join(', ')}, or all (default: spectral)
  --fdr            flag by Benjamini–Hochberg at false-discovery rate Q on each class's p-values (default, Q = ${DEFAULT_FLAG_RULE.mode === 'fdr' ? DEFAULT_FLAG_RULE.q : 0.05}); needs no poison rate
  --eps            flag the ceil(F · E · class size) highest scores of every class instead (E: upper bound on the poisoned fraction)
  --budget-factor  F for --eps (default 1.5, as in Tran et al. 2018)
  --rule           flag by each detector's own rule
  --set            a detector parameter, e.g. --set spectre.alpha=8 (defaults from the papers: see the app's detector panel)
  --reference      a file of rows known to be clean (same columns): p-values become conformal against it
  --json           write per detector: per-row scores and p-values (row order), flags, flagged ids, per-class estimates and verdicts, parameters; and the dataset's SHA-256`;

export const scanCommand: Command = {
  name: 'scan',
  summary: 'run poison detectors over a dataset and report the suspicious rows',
  usage: USAGE,
  async run(argv) {
    const opts = parseScanArgs(argv);
    return withHost(opts, async ({ host, wait, outcome }) => {
      const dataset = await openWithRoles(host, opts.file, opts.dataset, wait);
      const reference = opts.reference ? await openWithRoles(host, opts.reference, { ...opts.dataset, labels: undefined }, wait) : null;
      const job = await host.runScan({
        datasetId: dataset.id,
        detectors: opts.detectors.map((name) => ({ name, params: opts.params[name] ?? {} })),
        flag: opts.flag,
        referenceDatasetId: reference?.id ?? null,
      });
      const result = await outcome<'scan'>(job.id, 'scanning');
      if (!opts.quiet) printSummary(dataset, result);
      if (opts.json) await writeJsonDocument(opts.json, scanReport(host, dataset, result), opts.quiet);
      return 0;
    });
  },
};

interface ScanOptions extends RunSettings {
  file: string;
  dataset: DatasetValues;
  detectors: DetectorName[];
  params: Partial<Record<DetectorName, DetectorParams>>;
  flag: FlagRule;
  reference: string | null;
}

function parseScanArgs(argv: string[]): ScanOptions {
  const { values, positionals } = parseDatasetCommandArgs(argv, {
    detector: { type: 'string', default: 'spectral' },
    fdr: { type: 'string' },
    eps: { type: 'string' },
    'budget-factor': { type: 'string' },
    rule: { type: 'boolean', default: false },
    set: { type: 'string', multiple: true, default: [] },
    reference: { type: 'string' },
  });
  const file = singleFile(positionals, 'dataset file');
  const detectors = detectorList(values.detector!);

  const modes = [values.fdr !== undefined, values.eps !== undefined, values.rule].filter(Boolean).length;
  if (modes > 1) throw new UsageError('choose one of --fdr, --eps and --rule');
  if (values['budget-factor'] !== undefined && values.eps === undefined) throw new UsageError('--budget-factor goes with --eps');
  let flag: FlagRule = DEFAULT_FLAG_RULE;
  if (values.fdr !== undefined) flag = { mode: 'fdr', q: numberOption('fdr', values.fdr, (v) => v > 0 && v <= 0.5, 'a number in (0, 0.5]') };
  if (values.rule) flag = { mode: 'rule' };
  if (values.eps !== undefined) {
    flag = {
      mode: 'budget',
      epsilon: numberOption('eps', values.eps, (v) => v > 0 && v <= 0.5, 'a number in (0, 0.5]'),
      budgetFactor: numberOr('budget-factor', values['budget-factor'], 1.5, (v) => v > 0 && v <= 10, 'a number in (0, 10]'),
    };
  }

  const params: ScanOptions['params'] = {};
  for (const assignment of values.set ?? []) {
    const match = /^([\w-]+)\.(\w+)=(.*)$/.exec(assignment);
    if (!match) throw new UsageError(`--set takes DETECTOR.PARAM=VALUE, got '${assignment}'`);
    const [, detector, key, raw] = match as unknown as [string, DetectorName, string, string];
    if (!DETECTORS[detector]) throw new UsageError(`--set ${assignment}: unknown detector '${detector}'`);
    const spec = DETECTORS[detector].params.find((p) => p.key === key);
    if (!spec) throw new UsageError(`--set ${assignment}: ${DETECTORS[detector].title} has no parameter '${key}' (it has ${DETECTORS[detector].params.map((p) => p.key).join(', ') || 'none'})`);
    const value = spec.kind === 'boolean' ? raw === 'true' : spec.kind === 'choice' ? raw : Number(raw);
    (params[detector] ??= {})[key] = value;
  }
  return {
    file,
    dataset: values,
    detectors,
    params,
    flag,
    reference: values.reference ?? null,
    ...runSettings(values),
  };
}

function printSummary(dataset: DatasetSummary, result: ScanResult): void {
  console.log(`${dataset.name}: ${dataset.rows} rows × ${dataset.dims} features, ${dataset.classNames.length} classes, sha256 ${dataset.sha256}`);
  for (const run of result.runs) {
    console.log(`\n${DETECTORS[run.detector].title} (${run.seconds.toFixed(2)} s) — ${run.flagNote}`);
    console.log(['class'.padEnd(16), 'rows'.padStart(8), 'flagged'.padStart(9), 'contam.'.padStart(9), 'test p'.padStart(10), '  verdict'].join(''));
    for (const c of run.classes) {
      console.log(
        [
          c.className.slice(0, 15).padEnd(16),
          String(c.count).padStart(8),
          String(c.flagged).padStart(9),
          (c.contamination === null ? '—' : (c.contamination * 100).toFixed(1) + '%').padStart(9),
          (c.classTest ? c.classTest.pValue.toExponential(1) : '—').padStart(10),
          '  ' + c.verdict,
        ].join(''),
      );
    }
  }
}

/** The --json document: per-row arrays in row order, so a pipeline can join them back to the file. */
export function scanReport(host: Host, dataset: DatasetSummary, result: ScanResult) {
  const loaded = host.datasets.get(dataset.id);
  return {
    ...documentHeader('assay-scan/1'),
    dataset: {
      path: dataset.path,
      sha256: dataset.sha256,
      rows: dataset.rows,
      dims: dataset.dims,
      labelColumn: dataset.labelColumn,
      idColumn: dataset.idColumn,
      classNames: dataset.classNames,
    },
    flag: result.flag,
    reference: result.reference,
    detectors: result.runs.map((run) => {
      const flaggedRows: number[] = [];
      run.flagged.forEach((f, i) => f && flaggedRows.push(i));
      return {
        detector: run.detector,
        reference: DETECTORS[run.detector].reference,
        params: run.params,
        scoreMeaning: `${DETECTORS[run.detector].scoreMeaning}; higher = more suspicious`,
        flagMode: run.flagMode,
        flagNote: run.flagNote,
        seconds: run.seconds,
        scores: Array.from(run.scores),
        pValues: run.pValues ? Array.from(run.pValues) : null,
        flaggedRows,
        flaggedIds: flaggedRows.map((i) => rowId(loaded, i)),
        classes: run.classes,
        diagnostics: run.diagnostics,
      };
    }),
    consensus: Array.from(result.consensus),
  };
}
