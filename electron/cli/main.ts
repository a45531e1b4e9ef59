/**
 * `assay`: the engine without a window, for pipelines and for datasets too big for an interactive session.
 * Every command takes --json FILE for machine-readable results and exits non-zero with a one-line message
 * on bad input: 2 for a usage error, 1 for data that cannot be processed.
 */
import { auditCommand } from './audit.ts';
import { certifyCommand } from './certify.ts';
import { UsageError, type Command } from './command.ts';
import { driftCommand } from './drift.ts';
import { influenceCommand } from './influence.ts';
import { inspectCommand } from './inspect.ts';
import { keygenCommand } from './keygen.ts';
import { manifestCommand } from './manifest.ts';
import { privacyCommand } from './privacy.ts';
import { reportCommand } from './report.ts';
import { scanCommand } from './scan.ts';
import { splitviewCommand } from './splitview.ts';

/** In the order the help lists them: the data, what is in it, then evidence and its integrity. */
const COMMANDS: Record<string, Command> = Object.fromEntries(
  [
    inspectCommand,
    scanCommand,
    influenceCommand,
    certifyCommand,
    driftCommand,
    privacyCommand,
    manifestCommand,
    keygenCommand,
    splitviewCommand,
    auditCommand,
    reportCommand,
  ].map((c) => [c.name, c]),
);

const HELP = `assay — find poisoned, backdoored or mislabeled rows in training data, offline

usage: assay <command> [options]

commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.name.padEnd(10)} ${c.summary}`)
  .join('\n')}

'assay <command> --help' describes a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(HELP);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`assay: unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')}`);
    return 2;
  }
  // Every command's options are described by its usage; a command whose own parser knows --help prints more.
  if ((rest[0] === '--help' || rest[0] === '-h') && rest.length === 1) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`assay ${name}: ${error.message}\n${command.usage}`);
      return 2;
    }
    console.error(`assay ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
