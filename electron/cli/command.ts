export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the exit code. */
  run(argv: string[]): Promise<number>;
}

/** Wrong or missing arguments: reported with the command's usage and exit code 2. */
export class UsageError extends Error {}
