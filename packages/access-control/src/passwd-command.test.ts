// gateway-passwd in-process through runPasswd (piped passwords, a stand-in terminal for the typed
// path, real files in a temporary directory), then the real executable run by Node with a piped
// password.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPasswd } from './passwd-command.js';
import { PasswordFile } from './password-file.js';
import type { ScryptParams } from './scrypt-hash.js';

const FAST: ScryptParams = { ln: 4, r: 8, p: 1 };
const packageDirectory = dirname(dirname(fileURLToPath(import.meta.url)));

let directory: string;
let file: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gateway-passwd-'));
  file = join(directory, 'passwd');
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs gateway-passwd with `input` piped to stdin (stdin is not a terminal). */
async function run(args: string[], input = ''): Promise<Run> {
  const stdin = new PassThrough();
  stdin.end(input);
  return runWith(args, stdin);
}

/** Runs gateway-passwd on a stand-in terminal on which `typed` is typed. */
async function runTyped(args: string[], typed: string): Promise<Run & { rawModes: boolean[] }> {
  const rawModes: boolean[] = [];
  const terminal = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (mode: boolean) => rawModes.push(mode) });
  terminal.write(typed);
  return { ...(await runWith(args, terminal)), rawModes };
}

async function runWith(args: string[], stdin: PassThrough): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runPasswd(args, { stdin, stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } }, { params: FAST });
  return { code, stdout, stderr };
}

async function load(): Promise<PasswordFile> {
  return PasswordFile.load(file, { params: FAST });
}

describe('add', () => {
  it('creates the file (mode 0600) with the user and a password piped to stdin', async () => {
    expect(await run(['add', file, 'alice', '--password-stdin'], 'alice-secret\n')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const passwords = await load();
    expect(passwords.usernames()).toEqual(['alice']);
    expect(await passwords.verify('alice', 'alice-secret')).toBe(true);
    expect(await passwords.verify('alice', 'alice-secret\n')).toBe(false);
    expect(await readFile(file, 'utf8')).toMatch(/^alice:\$scrypt\$ln=4,r=8,p=1\$[^\n]+\n$/);
  });

  it('appends to an existing file and keeps the other users', async () => {
    expect((await run(['add', file, 'alice', '--password-stdin'], 'a\n')).code).toBe(0);
    expect((await run(['add', '--password-stdin', file, 'bob'], 'b\r\n')).code).toBe(0);
    const passwords = await load();
    expect(passwords.usernames()).toEqual(['alice', 'bob']);
    expect(await passwords.verify('alice', 'a')).toBe(true);
    expect(await passwords.verify('bob', 'b')).toBe(true);
  });

  it('refuses a user that already exists and leaves the file alone', async () => {
    await run(['add', file, 'alice', '--password-stdin'], 'a\n');
    const before = await readFile(file, 'utf8');
    const result = await run(['add', file, 'alice', '--password-stdin'], 'other\n');
    expect(result).toEqual({ code: 1, stdout: '', stderr: `gateway-passwd: user "alice" already exists in ${file} (use change)\n` });
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('refuses a bad user name before creating anything', async () => {
    for (const [username, reason] of [
      ['ali:ce', `the user name "ali:ce" contains ':'`],
      ['ali ce', 'the user name "ali ce" contains whitespace or a control character'],
      ['', 'the user name is empty'],
    ]) {
      expect(await run(['add', file, username!, '--password-stdin'], 'x\n')).toEqual({ code: 1, stdout: '', stderr: `gateway-passwd: ${reason!}\n` });
    }
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses an empty password, and stdin with several lines', async () => {
    expect(await run(['add', file, 'alice', '--password-stdin'], '\n')).toEqual({ code: 1, stdout: '', stderr: 'gateway-passwd: the password is empty\n' });
    expect(await run(['add', file, 'alice', '--password-stdin'], '')).toMatchObject({ code: 1, stderr: 'gateway-passwd: the password is empty\n' });
    expect(await run(['add', file, 'alice', '--password-stdin'], 'one\ntwo\n')).toMatchObject({
      code: 1,
      stderr: 'gateway-passwd: stdin holds several lines: expected one line with the password\n',
    });
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('names the file when its directory does not exist', async () => {
    const nowhere = join(directory, 'missing', 'passwd');
    expect(await run(['add', nowhere, 'alice', '--password-stdin'], 'a\n')).toEqual({ code: 1, stdout: '', stderr: `gateway-passwd: ${nowhere}: no such file\n` });
  });

  it('reports a malformed existing file by file and line, and does not touch it', async () => {
    await run(['add', file, 'alice', '--password-stdin'], 'a\n');
    const broken = `${await readFile(file, 'utf8')}bob\n`;
    await writeFile(file, broken);
    expect(await run(['add', file, 'carol', '--password-stdin'], 'c\n')).toEqual({
      code: 1,
      stdout: '',
      stderr: `gateway-passwd: ${file}:2: expected <username>:<hash>, found no ':'\n`,
    });
    expect(await readFile(file, 'utf8')).toBe(broken);
  });
});

describe('add and change on a terminal', () => {
  it('prompts twice without echo and stores the password when both agree', async () => {
    const result = await runTyped(['add', file, 'alice'], 'typed secret\rtyped secret\r');
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: 'Password: \nReenter password: \n', rawModes: [true, false] });
    expect(await (await load()).verify('alice', 'typed secret')).toBe(true);
  });

  it('refuses passwords that do not match, and leaves the file alone', async () => {
    await run(['add', file, 'alice', '--password-stdin'], 'old\n');
    const before = await readFile(file, 'utf8');
    const result = await runTyped(['change', file, 'alice'], 'new one\rnew on\r');
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: 'Password: \nReenter password: \ngateway-passwd: the passwords do not match\n', rawModes: [true, false] });
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('refuses an empty typed password', async () => {
    const result = await runTyped(['add', file, 'alice'], '\r\r');
    expect(result).toMatchObject({ code: 1, stderr: 'Password: \nReenter password: \ngateway-passwd: the password is empty\n' });
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stops on Ctrl-C', async () => {
    const result = await runTyped(['add', file, 'alice'], 'abc\u0003');
    expect(result).toMatchObject({ code: 1, stderr: 'Password: \ngateway-passwd: cancelled\n', rawModes: [true, false] });
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('without --password-stdin, refuses a stdin that is not a terminal', async () => {
    expect(await run(['add', file, 'alice'], 'piped\n')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'gateway-passwd: stdin is not a terminal: pipe the password in with --password-stdin\n',
    });
  });
});

describe('change', () => {
  it("replaces a user's password and keeps the others", async () => {
    await run(['add', file, 'alice', '--password-stdin'], 'a\n');
    await run(['add', file, 'bob', '--password-stdin'], 'b\n');
    expect(await run(['change', file, 'alice', '--password-stdin'], 'a2\n')).toEqual({ code: 0, stdout: '', stderr: '' });
    const passwords = await load();
    expect(passwords.usernames()).toEqual(['alice', 'bob']);
    expect(await passwords.verify('alice', 'a2')).toBe(true);
    expect(await passwords.verify('alice', 'a')).toBe(false);
    expect(await passwords.verify('bob', 'b')).toBe(true);
  });

  it('refuses an unknown user, a missing file and an empty password', async () => {
    expect(await run(['change', file, 'alice', '--password-stdin'], 'a\n')).toEqual({ code: 1, stdout: '', stderr: `gateway-passwd: ${file}: no such file\n` });
    await run(['add', file, 'alice', '--password-stdin'], 'a\n');
    const before = await readFile(file, 'utf8');
    expect(await run(['change', file, 'bob', '--password-stdin'], 'b\n')).toEqual({ code: 1, stdout: '', stderr: `gateway-passwd: no user "bob" in ${file} (use add)\n` });
    expect(await run(['change', file, 'alice', '--password-stdin'], '\n')).toEqual({ code: 1, stdout: '', stderr: 'gateway-passwd: the password is empty\n' });
    expect(await readFile(file, 'utf8')).toBe(before);
  });
});

describe('remove and list', () => {
  it('lists users one per line and removes one', async () => {
    for (const name of ['alice', 'bob', 'carol']) await run(['add', file, name, '--password-stdin'], `${name}-pw\n`);
    expect(await run(['list', file])).toEqual({ code: 0, stdout: 'alice\nbob\ncarol\n', stderr: '' });
    expect(await run(['remove', file, 'bob'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await run(['list', file])).toEqual({ code: 0, stdout: 'alice\ncarol\n', stderr: '' });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await (await load()).verify('carol', 'carol-pw')).toBe(true);
  });

  it('lists nothing for a file with no users', async () => {
    await writeFile(file, '\n');
    expect(await run(['list', file])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('refuses to remove an unknown user, and a missing file for either', async () => {
    expect(await run(['remove', file, 'alice'])).toEqual({ code: 1, stdout: '', stderr: `gateway-passwd: ${file}: no such file\n` });
    expect(await run(['list', file])).toEqual({ code: 1, stdout: '', stderr: `gateway-passwd: ${file}: no such file\n` });
    await run(['add', file, 'alice', '--password-stdin'], 'a\n');
    expect(await run(['remove', file, 'bob'])).toEqual({ code: 1, stdout: '', stderr: `gateway-passwd: no user "bob" in ${file}\n` });
    expect(await run(['list', file])).toMatchObject({ code: 0, stdout: 'alice\n' });
  });

  it('names a directory given as the file', async () => {
    expect(await run(['list', directory])).toEqual({ code: 1, stdout: '', stderr: `gateway-passwd: ${directory}: is a directory\n` });
  });
});

describe('usage', () => {
  it('prints help on stdout with exit code 0 for --help', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: gateway-passwd \[options\] \[command\]/);
    for (const command of ['add', 'change', 'remove', 'list']) expect(help.stdout).toContain(`\n  ${command} `);
    const addHelp = await run(['add', '--help']);
    expect(addHelp).toMatchObject({ code: 0, stderr: '' });
    expect(addHelp.stdout).toContain('--password-stdin');
  });

  it('fails with exit code 1 and a message for usage errors', async () => {
    const bare = await run([]);
    expect(bare).toMatchObject({ code: 1, stdout: '' });
    expect(bare.stderr).toMatch(/^Usage: gateway-passwd/);
    expect(await run(['rename', file])).toEqual({ code: 1, stdout: '', stderr: "error: unknown command 'rename'\n(Did you mean remove?)\n" });
    expect(await run(['add', file])).toEqual({ code: 1, stdout: '', stderr: "error: missing required argument 'username'\n" });
    const extra = await run(['list', file, 'extra']);
    expect(extra.code).toBe(1);
    expect(extra.stderr).toMatch(/^error: too many arguments for 'list'/);
    expect(await run(['add', file, 'alice', '--password', 'x'])).toEqual({ code: 1, stdout: '', stderr: "error: unknown option '--password'\n" });
    expect(await run(['remove', file, 'alice', '--password-stdin'])).toMatchObject({ code: 1, stderr: "error: unknown option '--password-stdin'\n" });
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('the gateway-passwd executable', () => {
  /** Runs src/passwd-cli.ts under Node with tsx, `input` piped to its stdin. */
  function execute(args: string[], input: string): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join('src', 'passwd-cli.ts'), ...args], { cwd: packageDirectory, stdio: 'pipe' });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
      child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      child.stdin.end(input);
    });
  }

  it('adds a user from a piped password with the default scrypt cost, lists it and reports errors', async () => {
    expect(await execute(['add', file, 'alice', '--password-stdin'], 'piped secret\n')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toMatch(/^alice:\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}\n$/);
    const passwords = await PasswordFile.load(file);
    expect(await passwords.verify('alice', 'piped secret')).toBe(true);
    expect(await passwords.verify('alice', 'piped secreT')).toBe(false);

    expect(await execute(['list', file], '')).toEqual({ code: 0, stdout: 'alice\n', stderr: '' });
    expect(await execute(['remove', file, 'bob'], '')).toEqual({ code: 1, stdout: '', stderr: `gateway-passwd: no user "bob" in ${file}\n` });
  });
});
