// Writes a broker password file the way an operator does: the real gateway-passwd CLI of
// packages/access-control, one `add <file> <user> --password-stdin` per user, the password on stdin.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const accessControlDir = fileURLToPath(new URL('../../../../packages/access-control', import.meta.url));
const tsx = fileURLToPath(new URL('../../../../packages/access-control/node_modules/.bin/tsx', import.meta.url));

/** Runs gateway-passwd with `args` and `stdin`; rejects with its stderr when it exits with an error. */
function runGatewayPasswd(args: readonly string[], stdin: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, ['--conditions=@gateway/source', 'src/passwd-cli.ts', ...args], { cwd: accessControlDir, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`gateway-passwd ${args[0] ?? ''} exited with ${String(code)}: ${stderr.trim()}`));
    });
    child.stdin.end(stdin);
  });
}

/** Creates (or extends) the password file at `path` with `users` (name -> password). */
export async function writePasswordFile(path: string, users: Readonly<Record<string, string>>): Promise<void> {
  for (const [username, password] of Object.entries(users)) await runGatewayPasswd(['add', path, username, '--password-stdin'], `${password}\n`);
}
