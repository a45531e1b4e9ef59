/** Errors about input data that name the file, line and column, as every message to the analyst should. */

/** A problem with the input, located as precisely as we can. */
export class DataError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly line: number | null = null,
    readonly column: string | null = null,
  ) {
    const where = [file, line !== null ? `line ${line}` : null, column !== null ? `column '${column}'` : null]
      .filter(Boolean)
      .join(', ');
    super(`${where}: ${detail}`);
    this.name = 'DataError';
  }
}
