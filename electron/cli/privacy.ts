import type { DatasetSummary } from '../../shared/domain/dataset.ts';
import { DEFAULT_FLAG_RULE, type DetectorName } from '../../shared/domain/detectors.ts';
import type { PrivacyReport, PrivacyRequest, QuasiIdentifier } from '../../shared/domain/privacy.ts';
import { availableDetectors } from '../../shared/engine/detectors/registry.ts';
import { PII_RULES } from '../../shared/engine/privacy/pii.ts';
import { rowId } from '../host/datasets.ts';
import type { Host } from '../host/host.ts';
import { documentHeader, UsageError, withHost, writeJsonDocument, type Command } from './command.ts';
import { DATASET_USAGE, openWithRoles, type DatasetValues } from './dataset-options.ts';
import { detectorList, numberOr, parseDatasetCommandArgs, runSettings, singleFile, type RunSettings } from './options.ts';

const USAGE = `usage: assay privacy <file.csv|tsv|jsonl|parquet> [dataset options] [--text COLUMN …] [--qi COLUMN[:WIDTH] … [--k K] [--sensitive COLUMN]]
                     [--eval EVAL.csv] [--membership [--holdout F] [--l2 L]] [--protected COLUMN [--detector NAME,…] [--folds N]]
                     [--json OUT.json] [--threads N] [--quiet]
${DATASET_USAGE.replace(/\n  --text .*\n/, '\n')}
  --text          a text column to scan for PII (e-mail, phone, payment card, IBAN, US SSN, IP, secrets); repeat for more
  --qi            a quasi-identifier for k-anonymity and l-diversity; COLUMN:WIDTH bins a numeric one (age:10); repeat for more
  --k             the k to check (default 5)
  --sensitive     the sensitive column for l-diversity (default: the label)
  --eval          an evaluation set (same features): its exact and near copies in the training set (leakage); with
                  --membership, also the non-members of the attack
  --membership    loss-threshold membership inference (Yeom et al. 2018) on the softmax model
  --holdout       without --eval: the fraction of rows held out as non-members (default 0.5)
  --l2            the model's L2 strength for --membership and --protected (default 0.001)
  --protected     a protected-attribute column: per-group class balance, flag rates and accuracy, with disparities
  --detector      detectors whose flag rates --protected compares (${availableDetectors().join(', ')}; FDR 0.05)
  --folds         folds of the out-of-fold accuracy for --protected (default 5; 0 = no model)
  --json          write every section; PII matches appear masked, with row indices and ids, never raw`;

export const privacyCommand: Command = {
  name: 'privacy',
  summary: 'privacy and bias validation: PII scan, k-anonymity, train/test leakage, membership inference, per-group disparities',
  usage: USAGE,
  async run(argv) {
    const opts = parsePrivacyArgs(argv);
    return withHost(opts, async ({ host, wait, outcome }) => {
      const dataset = await openWithRoles(host, opts.file, opts.dataset, wait);
      const evalSet = opts.eval ? await openWithRoles(host, opts.eval, { ...opts.dataset, labels: undefined }, wait) : null;
      let scanJobId: string | null = null;
      if (opts.protected && opts.detectors.length) {
        const scan = await host.runScan({ datasetId: dataset.id, detectors: opts.detectors.map((name) => ({ name, params: {} })), flag: DEFAULT_FLAG_RULE, referenceDatasetId: null });
        await wait(scan.id, 'scanning');
        scanJobId = scan.id;
      }
      const request: PrivacyRequest = {
        datasetId: dataset.id,
        pii: opts.text.length ? { columns: opts.text } : null,
        anonymity: opts.qi.length ? { quasiIdentifiers: opts.qi, k: opts.k, sensitive: opts.sensitive } : null,
        leakage: evalSet ? { evalDatasetId: evalSet.id, nearFactor: 0.13 } : null,
        membership: opts.membership ? { evalDatasetId: evalSet?.id ?? null, holdoutFraction: opts.holdout, l2: opts.l2, seed: 1 } : null,
        bias: opts.protected ? { column: opts.protected, scanJobId, folds: opts.folds, l2: opts.l2 } : null,
      };
      const job = await host.runPrivacy(request);
      const report = await outcome<'privacy'>(job.id, 'checking');
      if (!opts.quiet) printSummary(dataset, report);
      if (opts.json) await writeJsonDocument(opts.json, privacyDocument(host, dataset, report), opts.quiet);
      return 0;
    });
  },
};

interface PrivacyOptions extends RunSettings {
  file: string;
  dataset: DatasetValues;
  text: string[];
  qi: QuasiIdentifier[];
  k: number;
  sensitive: string | null;
  eval: string | null;
  membership: boolean;
  holdout: number;
  l2: number;
  protected: string | null;
  detectors: DetectorName[];
  folds: number;
}

function parsePrivacyArgs(argv: string[]): PrivacyOptions {
  const { values, positionals } = parseDatasetCommandArgs(argv, {
    text: { type: 'string', multiple: true, default: [] },
    qi: { type: 'string', multiple: true, default: [] },
    k: { type: 'string' },
    sensitive: { type: 'string' },
    eval: { type: 'string' },
    membership: { type: 'boolean', default: false },
    holdout: { type: 'string' },
    l2: { type: 'string' },
    protected: { type: 'string' },
    detector: { type: 'string' },
    folds: { type: 'string' },
  });
  const file = singleFile(positionals, 'dataset file');
  const text = (values.text ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
  const qi = (values.qi ?? []).map((spec): QuasiIdentifier => {
    const at = spec.lastIndexOf(':');
    if (at < 0) return { column: spec, binWidth: null };
    const width = Number(spec.slice(at + 1));
    if (!(width > 0) || !Number.isFinite(width)) throw new UsageError(`--qi ${spec}: the bin width after ':' must be a positive number`);
    return { column: spec.slice(0, at), binWidth: width };
  });
  if (values.k !== undefined && qi.length === 0) throw new UsageError('--k goes with --qi');
  if (values.sensitive !== undefined && qi.length === 0) throw new UsageError('--sensitive goes with --qi');
  if (values.holdout !== undefined && !values.membership) throw new UsageError('--holdout goes with --membership');
  if ((values.detector !== undefined || values.folds !== undefined) && values.protected === undefined) throw new UsageError('--detector and --folds go with --protected');
  const detectors = values.detector === undefined ? [] : detectorList(values.detector);
  if (!text.length && !qi.length && !values.eval && !values.membership && !values.protected) {
    throw new UsageError('choose at least one check: --text, --qi, --eval, --membership or --protected');
  }
  return {
    file,
    dataset: { ...values, text: undefined },
    text,
    qi,
    k: numberOr('k', values.k, 5, (v) => Number.isInteger(v) && v >= 2, 'a whole number ≥ 2'),
    sensitive: values.sensitive ?? null,
    eval: values.eval ?? null,
    membership: values.membership ?? false,
    holdout: numberOr('holdout', values.holdout, 0.5, (v) => v > 0 && v < 1, 'a fraction in (0, 1)'),
    l2: numberOr('l2', values.l2, 1e-3, (v) => v >= 0, 'a number ≥ 0'),
    protected: values.protected ?? null,
    detectors,
    folds: numberOr('folds', values.folds, 5, (v) => Number.isInteger(v) && (v === 0 || (v >= 2 && v <= 20)), '0 or a whole number from 2 to 20'),
    ...runSettings(values),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

function printSummary(dataset: DatasetSummary, report: PrivacyReport): void {
  console.log(`${dataset.name}: ${dataset.rows} rows, sha256 ${dataset.sha256}`);
  const { pii, anonymity, leakage, membership, bias } = report;
  if (pii) {
    console.log(`\nPII scan of ${pii.columns.map((c) => `'${c}'`).join(', ')}: ${pii.texts} texts, ${pii.rowsWithPii} rows with a finding (${pii.seconds.toFixed(2)} s)`);
    const title = new Map(PII_RULES.map((r) => [r.type, r.title]));
    for (const f of pii.findings) console.log(`  ${title.get(f.type)!.padEnd(28)} ${f.column.slice(0, 20).padEnd(21)} ${String(f.rows.length).padStart(8)} rows  e.g. ${f.examples[0]?.masked ?? ''}`);
    if (!pii.findings.length) console.log('  nothing found');
  }
  if (anonymity) {
    const a = anonymity;
    console.log(`\nk-anonymity over ${a.quasiIdentifiers.map((q) => q.column + (q.binWidth ? ` (bins of ${q.binWidth})` : '')).join(', ')}: k = ${a.k} (${a.k >= a.kTarget ? 'meets' : 'fails'} k = ${a.kTarget}); ${a.classes} classes; ${a.rowsBelowK} rows in ${a.classesBelowK} classes below k; ${a.uniqueRows} unique rows`);
    console.log(`  l-diversity of '${a.sensitive}': distinct l = ${a.distinctL}, entropy l = ${a.entropyL.toFixed(2)}; re-identification risk max ${a.maxRisk.toFixed(3)}, average ${a.averageRisk.toFixed(3)}`);
    for (const c of a.smallest.slice(0, 5)) console.log(`  size ${String(c.size).padStart(5)}  ${c.values.join(' | ')}`);
  }
  if (leakage) {
    console.log(`\nLeakage into '${leakage.evalName}': ${leakage.exactEvalRows} exact and ${leakage.nearEvalRows} near copies of training rows among its ${leakage.evalRows} rows (${pct(leakage.leakedFraction)}); ${leakage.conflicts} with a different label`);
  }
  if (membership) {
    console.log(`\nMembership inference (loss threshold, Yeom et al. 2018): AUC ${membership.auc.toFixed(3)}, advantage ${membership.advantage.toFixed(3)} — ${membership.level}`);
    console.log(`  ${membership.reading}`);
  }
  if (bias) {
    console.log(`\nBias by '${bias.column}': ${bias.groups.length} groups${bias.overallAccuracy !== null ? `, out-of-fold accuracy ${pct(bias.overallAccuracy)}` : ''}`);
    for (const g of bias.groups.slice(0, 20)) {
      console.log(`  ${g.name.slice(0, 20).padEnd(21)} ${String(g.rows).padStart(8)} rows${g.accuracy !== null ? `  accuracy ${pct(g.accuracy)}` : ''}${g.flagRates.map((r, d) => `  ${bias.detectors[d]} ${pct(r)}`).join('')}`);
    }
    for (const d of bias.disparities.filter((x) => x.fails)) console.log(`  DISPARITY ${d.metric}: '${d.group}' ${d.value.toFixed(3)} vs '${d.bestGroup}' ${d.best.toFixed(3)} (ratio ${d.ratio.toFixed(2)} < 0.8)`);
    for (const t of bias.tests) console.log(`  chi-square ${t.table}: ${t.chiSquare.toFixed(2)} (dof ${t.dof}), p = ${t.pValue.toExponential(2)}, Cramér's V ${t.cramersV.toFixed(3)}`);
  }
}

/** The --json document: row indices with ids so a pipeline can join back to the file; PII only masked. */
export function privacyDocument(host: Host, dataset: DatasetSummary, report: PrivacyReport) {
  const loaded = host.datasets.get(dataset.id);
  const ids = (rows: ArrayLike<number>) => Array.from(rows, (r) => rowId(loaded, r));
  return {
    ...documentHeader('assay-privacy/1'),
    dataset: { path: dataset.path, sha256: dataset.sha256, rows: dataset.rows, labelColumn: dataset.labelColumn, idColumn: dataset.idColumn, classNames: dataset.classNames },
    pii: report.pii && {
      ...report.pii,
      findings: report.pii.findings.map((f) => ({ ...f, rows: Array.from(f.rows), ids: ids(f.rows), examples: f.examples.map((e) => ({ ...e, id: rowId(loaded, e.row) })) })),
    },
    anonymity: report.anonymity && { ...report.anonymity, smallest: report.anonymity.smallest.map((c) => ({ ...c, ids: ids(c.rows) })) },
    leakage: report.leakage,
    membership: report.membership && { ...report.membership, roc: { fpr: Array.from(report.membership.roc.fpr), tpr: Array.from(report.membership.roc.tpr) } },
    bias: report.bias,
  };
}
