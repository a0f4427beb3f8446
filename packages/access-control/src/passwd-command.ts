// The gateway-passwd commands (add, change, remove, list) with injected stdin, stdout and stderr, so
// tests run them in-process; src/passwd-cli.ts is the thin executable around this.
import { Command, CommanderError } from 'commander';
import { PasswordFile } from './password-file.js';
import { promptHidden, readPasswordLine, type PasswordInput, type TextOutput } from './password-input.js';
import type { ScryptParams } from './scrypt-hash.js';
import { assertValidUsername } from './username.js';

export interface PasswdIo {
  readonly stdin: PasswordInput;
  readonly stdout: TextOutput;
  readonly stderr: TextOutput;
}

export interface PasswdOptions {
  /** The scrypt cost for new hashes (tests lower it); the default is DEFAULT_SCRYPT_PARAMS. */
  readonly params?: ScryptParams;
}

const PROGRAM = 'gateway-passwd';

/** The new password: one line of stdin with --password-stdin, else typed twice on the terminal. */
async function readNewPassword(io: PasswdIo, fromStdin: boolean): Promise<string> {
  const password = fromStdin ? await readPasswordLine(io.stdin) : await promptTwice(io);
  if (password.length === 0) throw new Error('the password is empty');
  return password;
}

async function promptTwice(io: PasswdIo): Promise<string> {
  if (io.stdin.isTTY !== true) throw new Error('stdin is not a terminal: pipe the password in with --password-stdin');
  const [first, second] = await promptHidden(io.stdin, io.stderr, ['Password: ', 'Reenter password: ']);
  if (first !== second) throw new Error('the passwords do not match');
  return first ?? '';
}

/** A message for an fs error that names the file without Node's `ENOENT: ...` prefix. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, path } = error as NodeJS.ErrnoException;
  const reasons: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'is a directory', ENOTDIR: 'not a directory' };
  const reason = code === undefined ? undefined : reasons[code];
  return reason !== undefined && path !== undefined ? `${path}: ${reason}` : error.message;
}

function buildProgram(io: PasswdIo, options: PasswdOptions): Command {
  const fileOptions = options.params === undefined ? {} : { params: options.params };
  const program = new Command(PROGRAM)
    .description("Manages the gateway broker's password file: one user:$scrypt$... line per user.")
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .allowExcessArguments(false);

  program
    .command('add')
    .description('add a user (creates the file if it does not exist)')
    .argument('<file>', 'the password file')
    .argument('<username>', 'the new user')
    .option('--password-stdin', 'read the password from stdin (one line) instead of prompting')
    .action(async (file: string, username: string, flags: { passwordStdin?: boolean }) => {
      assertValidUsername(username);
      const passwords = await PasswordFile.load(file, { ...fileOptions, ifMissing: 'empty' });
      if (passwords.has(username)) throw new Error(`user ${JSON.stringify(username)} already exists in ${file} (use change)`);
      await passwords.set(username, await readNewPassword(io, flags.passwordStdin === true));
      await passwords.save(file);
    });

  program
    .command('change')
    .description("change a user's password")
    .argument('<file>', 'the password file')
    .argument('<username>', 'the user')
    .option('--password-stdin', 'read the password from stdin (one line) instead of prompting')
    .action(async (file: string, username: string, flags: { passwordStdin?: boolean }) => {
      const passwords = await PasswordFile.load(file, fileOptions);
      if (!passwords.has(username)) throw new Error(`no user ${JSON.stringify(username)} in ${file} (use add)`);
      await passwords.set(username, await readNewPassword(io, flags.passwordStdin === true));
      await passwords.save(file);
    });

  program
    .command('remove')
    .description('remove a user')
    .argument('<file>', 'the password file')
    .argument('<username>', 'the user')
    .action(async (file: string, username: string) => {
      const passwords = await PasswordFile.load(file, fileOptions);
      if (!passwords.remove(username)) throw new Error(`no user ${JSON.stringify(username)} in ${file}`);
      await passwords.save(file);
    });

  program
    .command('list')
    .description('print the user names, one per line')
    .argument('<file>', 'the password file')
    .action(async (file: string) => {
      const passwords = await PasswordFile.load(file, fileOptions);
      io.stdout.write(passwords.usernames().map((name) => `${name}\n`).join(''));
    });

  return program;
}

/**
 * Runs gateway-passwd with `args` (without node and the script) and returns the exit code: 0 on
 * success; on an error one line on stderr and 1 (or commander's code for usage errors, which it prints).
 */
export async function runPasswd(args: readonly string[], io: PasswdIo, options: PasswdOptions = {}): Promise<number> {
  try {
    await buildProgram(io, options).parseAsync(args, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    io.stderr.write(`${PROGRAM}: ${describe(error)}\n`);
    return 1;
  }
}
