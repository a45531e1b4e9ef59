/** The `assay` command as the integration tests run it: bin/assay.mjs in a child process. */
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/assay.mjs', import.meta.url));

/** Runs `assay ...args` in `cwd`; resolves with its exit code and output (never rejects, so tests can check failures). */
export function assay(args: string[], cwd = tmpdir()): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // A kill guard only: the slowest commands (drift, privacy on the sample) finish well inside it.
    execFile(process.execPath, [bin, ...args], { cwd, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
