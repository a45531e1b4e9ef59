import { readFile } from 'node:fs/promises';
import { rowId } from '../host/datasets.ts';
import { documentHeader, UsageError, withHost, writeJsonDocument, type Command } from './command.ts';
import { DATASET_USAGE } from './dataset-options.ts';
import { MODEL_USAGE, modelReport, openAndTrain, parseModelArgs } from './influence.ts';
import { numberOr } from './options.ts';

const USAGE = `usage: assay certify <train file> [--test FILE | --split KIND] [dataset options] [--l2 L] [--buckets K]
                     [--exclude IDS.txt] [--json OUT.json]
${DATASET_USAGE}
${MODEL_USAGE}
  --buckets K            hash buckets = base classifiers of Deep Partition Aggregation (default 50)
  --exclude FILE         training rows to leave out first (e.g. a quarantine set): one row id per line
  --json                 write per test row (row order, with ids): true label, prediction, certified radius (poisoned
                         training rows it withstands), votes; the certified-accuracy curve; bucket sizes; model metrics`;

export const certifyCommand: Command = {
  name: 'certify',
  summary: 'certify test predictions against poisoned training rows (Deep Partition Aggregation)',
  usage: USAGE,
  async run(argv) {
    const { options: opts, values } = parseModelArgs(argv, { buckets: { type: 'string' }, exclude: { type: 'string' } });
    const k = numberOr('buckets', values.buckets as string | undefined, 50, (v) => Number.isInteger(v) && v >= 2 && v <= 100_000, 'a whole number from 2 to 100000');
    return withHost(opts, async (session) => {
      const { host, outcome } = session;
      const trained = await openAndTrain(session, opts);
      const { model, dataset, testDataset } = trained;
      const excludeRows: number[] = [];
      if (values.exclude !== undefined) {
        const file = values.exclude as string;
        const lines = (await readFile(file, 'utf8')).split(/\r?\n/);
        for (let line = 0; line < lines.length; line++) {
          const id = lines[line].trim();
          if (!id || id.startsWith('#')) continue;
          const row = await host.findRow({ datasetId: dataset.id, id });
          if (row === null) throw new Error(`${file}, line ${line + 1}: no row with id '${id}' in '${dataset.name}'`);
          excludeRows.push(row);
        }
      }
      if (k > model.trainRows.length) throw new UsageError(`--buckets ${k} is more than the ${model.trainRows.length} training rows`);
      const job = await host.certifyRobustness({ modelId: model.modelId, buckets: k, excludeRows });
      const r = await outcome<'certify'>(job.id, 'certifying');
      const K = model.classNames.length;
      if (!opts.quiet) {
        console.log(`DPA, k = ${k} buckets (${r.parts} worker tasks, ${r.seconds.toFixed(2)} s)${r.excluded ? `, ${r.excluded} rows excluded` : ''}:`);
        for (const radius of [0, 1, 2, 5, 10, 20, 50, 100, 200].filter((q) => q < r.curve.length)) {
          console.log(`  certified accuracy at ≥ ${String(radius).padStart(3)} poisoned rows: ${(r.curve[radius] * 100).toFixed(1)} %`);
        }
      }
      if (opts.json) {
        const test = host.datasets.get(testDataset.id);
        const doc = {
          ...documentHeader('assay-certify/1'),
          ...modelReport(host, trained),
          dpa: {
            reference: 'Levine & Feizi, Deep Partition Aggregation: Provable Defenses against General Poisoning Attacks, ICLR 2021 (Theorem 1)',
            buckets: k,
            partition: 'bucket = FNV-1a(row float32 bytes, label int32) mod k',
            radiusMeaning: 'the prediction cannot change under any insertion or deletion of up to radius training rows (a modified row counts twice)',
            excluded: { rows: excludeRows, ids: excludeRows.map((row) => rowId(host.datasets.get(dataset.id), row)) },
            bucketSizes: Array.from(r.bucketSizes),
            certifiedAccuracy: Array.from(r.curve),
            seconds: r.seconds,
          },
          testPoints: {
            rows: Array.from(model.testRows),
            ids: Array.from(model.testRows, (row) => rowId(test, row)),
            labels: Array.from(r.trueLabels, (c) => model.classNames[c]),
            prediction: Array.from(r.prediction, (c) => model.classNames[c]),
            radius: Array.from(r.radius),
            votes: Array.from({ length: model.testRows.length }, (_, t) => Array.from(r.votes.subarray(t * K, (t + 1) * K))),
          },
        };
        await writeJsonDocument(opts.json, doc, opts.quiet);
      }
      return 0;
    });
  },
};
