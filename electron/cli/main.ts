/**
 * `assay`: the engine without a window, for pipelines and for datasets too big for an interactive session.
 * Every command takes --json FILE for machine-readable results and exits non-zero with a one-line message
 * on bad input: 2 for a usage error, 1 for data that cannot be processed.
 */
import { inspectCommand } from './inspect.ts';
import { scanCommand } from './scan.ts';
import { UsageError, type Command } from './command.ts';

const COMMANDS: Record<string, Command> = { inspect: inspectCommand, scan: scanCommand };

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
