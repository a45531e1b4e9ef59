/** Option parsing the commands share: argv errors as usage errors, checked numbers, detector lists, file positionals. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { DetectorName } from '../../shared/domain/detectors.ts';
import { availableDetectors } from '../../shared/engine/detectors/registry.ts';
import { UsageError } from './command.ts';
import { DATASET_OPTIONS } from './dataset-options.ts';

/** The options of every command that runs jobs and can write a --json document (node:util parseArgs shape). */
const RUN_OPTIONS = {
  json: { type: 'string' },
  threads: { type: 'string' },
  quiet: { type: 'boolean', default: false },
} as const;

/** What RUN_OPTIONS parse to. */
export interface RunSettings {
  json: string | null;
  threads: number | undefined;
  quiet: boolean;
}

/** RUN_OPTIONS' values checked: --threads a whole number from 1 to 256 (undefined: all cores). */
export function runSettings(values: { json?: string; threads?: string; quiet?: boolean }): RunSettings {
  return { json: values.json ?? null, threads: threadsOption(values.threads), quiet: values.quiet ?? false };
}

/** node:util parseArgs, with its complaints (unknown option, missing value) reported as usage errors. */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T) {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** argv of a command that reads datasets and runs jobs: DATASET_OPTIONS, RUN_OPTIONS and its own `extra`. */
export function parseDatasetCommandArgs<const E extends NonNullable<ParseArgsConfig['options']>>(argv: string[], extra: E) {
  return parseCommandArgs({ args: argv, allowPositionals: true, options: { ...DATASET_OPTIONS, ...RUN_OPTIONS, ...extra } });
}

/** A subcommand's options (strict) and positionals, as in `assay manifest verify FILE --pub KEY`. */
export function parseSubcommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  return parseCommandArgs({ args: argv, allowPositionals: true, options, strict: true as const });
}

/** The value of --name as a number that passes `ok`; `range` says which numbers do, in the message. */
export function numberOption(name: string, raw: string, ok: (v: number) => boolean, range: string): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || !ok(v)) throw new UsageError(`--${name} must be ${range}, got '${raw}'`);
  return v;
}

/** numberOption, or `fallback` when the option was not given. */
export function numberOr(name: string, raw: string | undefined, fallback: number, ok: (v: number) => boolean, range: string): number {
  return raw === undefined ? fallback : numberOption(name, raw, ok, range);
}

/** --threads N: the worker pool's size, undefined (all cores) when not given. */
export function threadsOption(raw: string | undefined): number | undefined {
  return raw === undefined ? undefined : numberOption('threads', raw, (v) => Number.isInteger(v) && v >= 1 && v <= 256, 'a whole number from 1 to 256');
}

/** --detector NAME[,NAME…]|all: the detectors named, each one this build has. */
export function detectorList(raw: string): DetectorName[] {
  const available = availableDetectors();
  const detectors = raw === 'all' ? available : (raw.split(',').map((d) => d.trim()) as DetectorName[]);
  for (const d of detectors) if (!available.includes(d)) throw new UsageError(`unknown detector '${d}'; available: ${available.join(', ')}, all`);
  return detectors;
}

/** The one file positional a command takes (`what`: 'dataset file', 'training file'). */
export function singleFile(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `one ${what}, got ${positionals.length}` : `which ${what}?`);
  return positionals[0];
}
