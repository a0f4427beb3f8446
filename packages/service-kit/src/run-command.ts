// Test helper: runs a command with a hard time limit and hands back its exit code and output, so a
// test can assert on failures as well as successes; `mustRun` throws with the command and its stderr.
import { execFile } from 'node:child_process';

export interface CommandResult {
  readonly command: string;
  /** Exit code; null when the command was killed (for example by the time limit). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly timeoutMs?: number;
  /** Extra environment variables, on top of this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory; the current one by default. */
  readonly cwd?: string;
  /** Written to the command's stdin, which is then closed; without it stdin is closed at once. */
  readonly input?: string;
}

export function runCommand(file: string, args: readonly string[], { timeoutMs = 20_000, env = {}, cwd = process.cwd(), input }: RunOptions = {}): Promise<CommandResult> {
  const command = [file, ...args].join(' ');
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      { cwd, env: { ...process.env, ...env }, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        let code: number | null = 0;
        if (error) code = typeof error.code === 'number' ? error.code : null;
        const note = error && code === null ? `\n[${command}: ${error.killed ? `killed after ${timeoutMs} ms` : error.message}]` : '';
        resolve({ command, code, stdout, stderr: stderr + note });
      },
    );
    child.stdin?.on('error', () => undefined); // a command that exits without reading its input
    child.stdin?.end(input);
  });
}

export async function mustRun(file: string, args: readonly string[], options?: RunOptions): Promise<CommandResult> {
  const result = await runCommand(file, args, options);
  if (result.code !== 0) {
    throw new Error(`\`${result.command}\` exited with ${String(result.code)}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result;
}
