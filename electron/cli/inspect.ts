import { documentHeader, withHost, writeJsonDocument, type Command } from './command.ts';
import { DATASET_OPTIONS, DATASET_USAGE, openWithRoles } from './dataset-options.ts';
import { parseCommandArgs, singleFile } from './options.ts';

const USAGE = `usage: assay inspect <file.csv|tsv|jsonl|npy|parquet> [dataset options] [--json OUT.json] [--quiet]
${DATASET_USAGE}
  --json               write the summary, the validation report and per-column summaries`;

export const inspectCommand: Command = {
  name: 'inspect',
  summary: "read a dataset and report its schema, integrity (SHA-256), validation problems and column statistics",
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseCommandArgs({ args: argv, allowPositionals: true, options: { ...DATASET_OPTIONS, json: { type: 'string' }, quiet: { type: 'boolean', default: false } } });
    const file = singleFile(positionals, 'dataset file');
    return withHost({ threads: undefined, quiet: values.quiet }, async ({ host, wait }) => {
      const dataset = await openWithRoles(host, file, values, wait);
      const report = await host.getDatasetReport({ datasetId: dataset.id });
      if (!values.quiet) {
        console.log(`${dataset.name} (${dataset.format}): ${dataset.rows} rows × ${dataset.dims} features, ${(dataset.sizeBytes / 1e6).toFixed(1)} MB, sha256 ${dataset.sha256}`);
        console.log(`label ${dataset.labelColumn ?? '(none)'}, id ${dataset.idColumn ?? '(row numbers)'}; ${dataset.classNames.length} classes: ${dataset.classNames.map((c, i) => `${c} ${dataset.classCounts[i]}`).slice(0, 20).join(', ')}`);
        if (report) {
          const v = report.validation;
          console.log(`rows read ${v.rowsRead}, loaded ${v.rows}, skipped ${v.rowsSkipped}; duplicate ids ${v.duplicateIds.count}; exact duplicate rows ${v.exactDuplicateRows.count}`);
          const flagged = v.perColumn.filter((c) => c.missing || c.nonFinite || c.nonConforming || c.constant);
          for (const c of flagged) {
            console.log(`  column '${c.name}' (${c.role}): ${c.missing} missing, ${c.nonFinite} non-finite, ${c.nonConforming} non-conforming${c.constant ? ', constant' : ''}`);
          }
          for (const p of v.problems.slice(0, 20)) console.log(`  ${p.file}${p.line !== null ? `, line ${p.line}` : ''}${p.column ? `, column '${p.column}'` : ''}: ${p.message}`);
          if (v.problemsTotal > 20) console.log(`  … ${v.problemsTotal - 20} more problems (see --json)`);
        }
      }
      if (values.json) await writeJsonDocument(values.json, { ...documentHeader('assay-inspect/1'), dataset, report }, values.quiet);
      return 0;
    });
  },
};
