/**
 * Writes the bundled sample dataset, deterministically, from the same generator the app uses:
 *   samples/backdoor-embeddings.csv         3,000 rows: id, label, f00…f31
 *   samples/backdoor-embeddings.truth.json  which rows are the planted backdoor (for tests and demos)
 * `npm run sample` rewrites them; test/unit/sample.test.ts checks the committed files match the generator.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SAMPLE_SPEC, generateSynthetic } from '../shared/engine/synthetic.ts';

export function sampleFiles(): { csv: string; truth: string } {
  const data = generateSynthetic(SAMPLE_SPEC);
  const { rows, dims } = SAMPLE_SPEC;
  const lines = [['id', 'label', ...data.featureNames].join(',')];
  for (let i = 0; i < rows; i++) {
    const values = Array.from(data.features.subarray(i * dims, (i + 1) * dims), (v) => v.toFixed(5));
    lines.push([data.ids[i], data.classNames[data.labels[i]], ...values].join(','));
  }
  const truth = {
    description: 'Rows of the target class replaced by a backdoor sub-population (generateSynthetic, shared/engine/synthetic.ts)',
    spec: SAMPLE_SPEC,
    targetClass: data.classNames[data.targetClass],
    poisonedIds: Array.from(data.poisonedRows, (r) => data.ids[r]),
  };
  return { csv: lines.join('\n') + '\n', truth: JSON.stringify(truth, null, 2) + '\n' };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { csv, truth } = sampleFiles();
  const dir = new URL('../samples/', import.meta.url);
  writeFileSync(new URL('backdoor-embeddings.csv', dir), csv);
  writeFileSync(new URL('backdoor-embeddings.truth.json', dir), truth);
  console.log('wrote samples/backdoor-embeddings.csv and samples/backdoor-embeddings.truth.json');
}
