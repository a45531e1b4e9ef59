/**
 * `assay drift <baseline> <current>`: drift of a current dataset against a baseline — per column PSI, KL,
 * Jensen–Shannon, Wasserstein-1, Kolmogorov–Smirnov; the label column's chi-square and PSI; MMD and a domain
 * classifier on the feature set as a whole; and the dataset-level verdict — with every threshold settable.
 */
import {
  COLUMN_TESTS,
  DEFAULT_DRIFT_THRESHOLDS,
  DEFAULT_EMBEDDING_OPTIONS,
  type ColumnTest,
  type DriftResult,
  type DriftThresholds,
  type EmbeddingDriftOptions,
} from '../../shared/domain/drift.ts';
import { documentHeader, UsageError, withHost, writeJsonDocument, type Command } from './command.ts';
import { DATASET_USAGE, openWithRoles, type DatasetValues } from './dataset-options.ts';
import { numberOr, parseDatasetCommandArgs, runSettings, type RunSettings } from './options.ts';

const T = DEFAULT_DRIFT_THRESHOLDS;
const E = DEFAULT_EMBEDDING_OPTIONS;

const USAGE = `usage: assay drift <baseline> <current> [dataset options] [thresholds] [--json OUT.json] [--fail-on-drift]
                   [--threads N] [--quiet]
The dataset options apply to both files (the same roles), except --labels, which is the baseline's; the
current file's labels file is --current-labels. Feature columns are matched by name.
${DATASET_USAGE}
  --current-labels FILE  labels (and ids) for a current .npy matrix
  --categorical A,B      columns of both files not loaded as features, label or group (e.g. a source or
                         region column) to compare as categorical: chi-square and PSI over their values
thresholds (defaults follow Evidently and the common PSI reading):
  --test NAME            the statistic that decides a numeric column: ${COLUMN_TESTS.join(', ')} (default ${T.columnTest})
  --bins N               baseline quantile bins for PSI/KL/JS (default ${T.bins})
  --empty-bin-floor X    the share an empty bin counts as in PSI/KL/JS (default ${T.emptyBinFloor}, as Evidently)
  --psi-alert X          PSI above X is a drifted column (default ${T.psiAlert}, the seed's alert)
  --psi-moderate X       PSI bands: none below X … (default ${T.psiModerate})
  --psi-significant X    … significant above X (default ${T.psiSignificant})
  --p-value X            level of the KS, chi-square, MMD and domain-classifier tests (default ${T.pValue})
  --wasserstein X        normed Wasserstein-1 threshold (default ${T.wassersteinNormed})
  --js X                 Jensen–Shannon distance threshold (default ${T.jsDistance})
  --kl X                 KL(baseline‖current) threshold (default ${T.klDivergence})
  --drift-share X        the dataset drifted when at least this share of columns drifted (default ${T.driftShare})
  --domain-auc X         domain classifier AUC above X (and significant) is embedding drift (default ${T.domainAuc})
embedding-set tests:
  --no-embedding         skip MMD and the domain classifier
  --mmd-sample N         rows drawn from each set for MMD (default ${E.mmdSample})
  --permutations N       permutations for MMD's p-value (default ${E.permutations})
  --classifier-sample N  rows drawn from each set for the domain classifier (default ${E.classifierSample})
  --folds N              cross-fitting folds (default ${E.folds})
  --seed N               sampling seed (default ${E.seed})
output:
  --json FILE            write the per-column metrics, label and embedding drift, the verdict, the thresholds
                         used and both datasets' SHA-256
  --fail-on-drift        exit with 3 when the dataset drifted (for pipelines)`;

export const driftCommand: Command = {
  name: 'drift',
  summary: 'compare a current dataset with a baseline: per-column drift, label drift, embedding drift, verdict',
  usage: USAGE,
  async run(argv) {
    if (argv.includes('--help') || argv.includes('-h')) {
      console.log(USAGE);
      return 0;
    }
    const opts = parseDriftArgs(argv);
    return withHost(opts, async ({ host, wait, outcome }) => {
      const baseline = await openWithRoles(host, opts.baseline, opts.dataset, wait);
      const current = await openWithRoles(host, opts.current, { ...opts.dataset, labels: opts.currentLabels }, wait);
      const job = await host.runDrift({
        baselineDatasetId: baseline.id,
        currentDatasetId: current.id,
        thresholds: opts.thresholds,
        embedding: opts.embedding,
        categoricalColumns: opts.categorical,
      });
      const result = await outcome<'drift'>(job.id, 'drift');
      if (!opts.quiet) printSummary(result);
      if (opts.json) await writeJsonDocument(opts.json, driftReport(result), opts.quiet);
      return opts.failOnDrift && result.verdict.drifted ? 3 : 0;
    });
  },
};

interface DriftOptions extends RunSettings {
  baseline: string;
  current: string;
  dataset: DatasetValues;
  currentLabels: string | undefined;
  categorical: string[];
  thresholds: DriftThresholds;
  embedding: EmbeddingDriftOptions;
  failOnDrift: boolean;
}

function parseDriftArgs(argv: string[]): DriftOptions {
  const { values, positionals } = parseDatasetCommandArgs(argv, {
    'current-labels': { type: 'string' },
    categorical: { type: 'string' },
    test: { type: 'string' },
    bins: { type: 'string' },
    'empty-bin-floor': { type: 'string' },
    'psi-alert': { type: 'string' },
    'psi-moderate': { type: 'string' },
    'psi-significant': { type: 'string' },
    'p-value': { type: 'string' },
    wasserstein: { type: 'string' },
    js: { type: 'string' },
    kl: { type: 'string' },
    'drift-share': { type: 'string' },
    'domain-auc': { type: 'string' },
    'no-embedding': { type: 'boolean', default: false },
    'mmd-sample': { type: 'string' },
    permutations: { type: 'string' },
    'classifier-sample': { type: 'string' },
    folds: { type: 'string' },
    seed: { type: 'string' },
    'fail-on-drift': { type: 'boolean', default: false },
  });
  if (positionals.length !== 2) throw new UsageError(positionals.length < 2 ? 'give the baseline file and the current file' : `two dataset files, got ${positionals.length}`);
  const number = (name: keyof typeof values, fallback: number, ok: (v: number) => boolean, range: string): number => numberOr(name, values[name] as string | undefined, fallback, ok, range);
  const nonNegative = (v: number) => v >= 0;
  const whole = (lo: number, hi: number) => (v: number) => Number.isInteger(v) && v >= lo && v <= hi;
  const test = values.test ?? T.columnTest;
  if (!COLUMN_TESTS.includes(test as ColumnTest)) throw new UsageError(`--test must be one of ${COLUMN_TESTS.join(', ')}, got '${test}'`);
  const thresholds: DriftThresholds = {
    bins: number('bins', T.bins, whole(2, 1000), 'a whole number from 2 to 1000'),
    emptyBinFloor: number('empty-bin-floor', T.emptyBinFloor, (v) => v > 0 && v <= 0.01, 'a number in (0, 0.01]'),
    psiModerate: number('psi-moderate', T.psiModerate, nonNegative, 'a number ≥ 0'),
    psiSignificant: number('psi-significant', T.psiSignificant, nonNegative, 'a number ≥ 0'),
    psiAlert: number('psi-alert', T.psiAlert, nonNegative, 'a number ≥ 0'),
    pValue: number('p-value', T.pValue, (v) => v > 0 && v < 1, 'a number in (0, 1)'),
    wassersteinNormed: number('wasserstein', T.wassersteinNormed, nonNegative, 'a number ≥ 0'),
    jsDistance: number('js', T.jsDistance, (v) => v >= 0 && v <= 1, 'a number in [0, 1]'),
    klDivergence: number('kl', T.klDivergence, nonNegative, 'a number ≥ 0'),
    columnTest: test as ColumnTest,
    driftShare: number('drift-share', T.driftShare, (v) => v > 0 && v <= 1, 'a number in (0, 1]'),
    domainAuc: number('domain-auc', T.domainAuc, (v) => v >= 0.5 && v <= 1, 'a number in [0.5, 1]'),
  };
  if (thresholds.psiModerate > thresholds.psiSignificant) throw new UsageError(`--psi-moderate (${thresholds.psiModerate}) must not exceed --psi-significant (${thresholds.psiSignificant})`);
  const embedding: EmbeddingDriftOptions = {
    enabled: !values['no-embedding'],
    mmdSample: number('mmd-sample', E.mmdSample, whole(10, 5000), 'a whole number from 10 to 5000'),
    permutations: number('permutations', E.permutations, whole(0, 10_000), 'a whole number from 0 to 10000'),
    classifierSample: number('classifier-sample', E.classifierSample, whole(10, 200_000), 'a whole number from 10 to 200000'),
    folds: number('folds', E.folds, whole(2, 20), 'a whole number from 2 to 20'),
    seed: number('seed', E.seed, whole(0, 2 ** 31 - 1), 'a whole number ≥ 0'),
  };
  const categorical = values.categorical === undefined ? [] : values.categorical.split(',').map((n) => n.trim());
  if (categorical.some((n) => n === '')) throw new UsageError(`--categorical takes column names separated by commas, got '${values.categorical}'`);
  return {
    baseline: positionals[0],
    current: positionals[1],
    dataset: values,
    currentLabels: values['current-labels'],
    categorical,
    thresholds,
    embedding,
    failOnDrift: values['fail-on-drift'] ?? false,
    ...runSettings(values),
  };
}

function printSummary(r: DriftResult): void {
  const g = (v: number | null) => (v === null ? '—' : Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toFixed(4));
  console.log(`baseline ${r.baseline.name}: ${r.baseline.rows} rows, sha256 ${r.baseline.sha256}`);
  console.log(`current  ${r.current.name}: ${r.current.rows} rows, sha256 ${r.current.sha256}`);
  console.log(`\n${r.verdict.text}\n`);
  console.log(['column'.padEnd(20), 'PSI'.padStart(9), '  band       ', 'KL'.padStart(9), 'JS'.padStart(9), 'W1/σ'.padStart(9), 'KS p'.padStart(10), '  drift'].join(''));
  for (const c of r.columns) {
    console.log(
      [
        c.name.slice(0, 19).padEnd(20),
        g(c.psi).padStart(9),
        '  ' + c.psiBand.padEnd(11),
        g(c.kl).padStart(9),
        g(c.js).padStart(9),
        g(c.wassersteinNormed).padStart(9),
        c.ks.pValue.toExponential(1).padStart(10),
        '  ' + (c.drifted ? 'yes' : 'no'),
      ].join(''),
    );
  }
  if (r.label) {
    const l = r.label;
    console.log(`\nlabel '${l.name}': PSI ${g(l.psi)} (${l.psiBand}), chi-square ${g(l.chiSquare.statistic)} on ${l.chiSquare.dof} df, p ${l.chiSquare.pValue.toExponential(1)} — ${l.drifted ? 'drifted' : 'no drift'}`);
  }
  for (const c of r.categorical) {
    console.log(`column '${c.name}' (categorical): PSI ${g(c.psi)} (${c.psiBand}), chi-square ${g(c.chiSquare.statistic)} on ${c.chiSquare.dof} df, p ${c.chiSquare.pValue.toExponential(1)} — ${c.drifted ? 'drifted' : 'no drift'}`);
  }
  if (r.embedding) {
    const e = r.embedding;
    console.log(`embedding set: MMD² ${g(e.mmd2)} (p ${e.mmdPValue.toPrecision(2)}), domain classifier AUC ${e.domainAuc.toFixed(3)} (p ${e.domainPValue.toExponential(1)}) — ${e.drifted ? 'drifted' : 'no drift'}`);
  }
}

/** The --json document. */
export function driftReport(r: DriftResult) {
  const dataset = (d: DriftResult['baseline']) => ({ path: d.path, name: d.name, sha256: d.sha256, rows: d.rows });
  return {
    ...documentHeader('assay-drift/1'),
    baseline: dataset(r.baseline),
    current: dataset(r.current),
    thresholds: r.thresholds,
    embeddingOptions: r.embeddingOptions,
    verdict: r.verdict,
    columns: r.columns,
    label: r.label,
    categorical: r.categorical,
    embedding: r.embedding,
    seconds: r.seconds,
  };
}
