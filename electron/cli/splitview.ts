/** `assay splitview`: which downloaded items of a URL-indexed dataset no longer match their recorded hashes. */
import { resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { SplitViewMapping } from '../../shared/domain/provenance.ts';
import { checkSplitView } from '../host/provenance/splitview.ts';
import { UsageError, type Command } from './command.ts';
import { parseCommandArgs } from './options.ts';

const MAPPINGS = ['basename', 'urlpath', 'sha256'] as const;

const USAGE = `usage: assay splitview <INDEX.csv|tsv|jsonl> <FOLDER> [--map basename|urlpath|sha256] [--json OUT.json]
  INDEX   one item per row/line: 'url', the expected 'sha256' (hex, may start with 'sha256:'), and optionally
          'path' (or 'file', 'filename'): the item's file, relative to FOLDER
  --map   where an item without a path is looked for (default basename):
            basename  the last segment of the URL's path      https://h/a/b.jpg?x=1 → b.jpg
            urlpath   host and path as folders (wget -x)      https://h/a/b.jpg     → h/a/b.jpg
            sha256    the file is named by its expected hash  → 3a7bd3e2…
  Offline: nothing is downloaded. Lists items whose content changed since the index was made (split-view
  poisoning, Carlini et al. 2023), items missing from FOLDER, and files in FOLDER that no item names.
  exit code: 0 when every item matches and none is missing, 1 otherwise, 2 for bad arguments`;

export const splitviewCommand: Command = {
  name: 'splitview',
  summary: 'check downloaded items of a URL-indexed dataset against their recorded hashes (split-view poisoning)',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseCommandArgs({
      args: argv,
      allowPositionals: true,
      options: { map: { type: 'string', default: 'basename' }, json: { type: 'string' }, quiet: { type: 'boolean', default: false } },
    });
    if (positionals.length !== 2) throw new UsageError('an index file and a folder');
    const mapping = values.map as Exclude<SplitViewMapping, 'column'>;
    if (!MAPPINGS.includes(mapping)) throw new UsageError(`--map must be one of ${MAPPINGS.join(', ')}, got '${values.map}'`);
    const result = await checkSplitView(positionals[0], positionals[1], { mapping });
    if (!values.quiet) {
      console.log(`${result.checked} items checked in ${result.directory}: ${result.ok} match, ${result.mismatched.length} changed, ${result.missing.length} missing; ${result.extra.length} files not in the index`);
      for (const m of result.mismatched) console.log(`  CHANGED  ${m.path}  (line ${m.line}, ${m.url}) expected ${m.expectedSha256}, found ${m.actualSha256}`);
      for (const m of result.missing) console.log(`  MISSING  ${m.path}  (line ${m.line}, ${m.url})`);
      for (const e of result.extra) console.log(`  EXTRA    ${e}`);
    }
    if (values.json) await writeFileAtomic(resolve(values.json), JSON.stringify(result) + '\n');
    return result.mismatched.length === 0 && result.missing.length === 0 ? 0 : 1;
  },
};
