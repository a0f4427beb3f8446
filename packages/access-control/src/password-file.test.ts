// PasswordFile: editing users, the text form, loading and saving real files (atomic, mode 0600),
// malformed lines named by file and line, and verify() for known, wrong and unknown users. A
// pass-through spy on verifyScryptHash shows that an unknown user costs a full scrypt check too.
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AccessFileError } from './access-file-error.js';
import { PasswordFile } from './password-file.js';
import type * as ScryptHashModule from './scrypt-hash.js';
import { formatScryptHash, hashPassword, verifyScryptHash, type ScryptParams } from './scrypt-hash.js';

vi.mock('./scrypt-hash.js', async (importOriginal) => {
  const actual = await importOriginal<typeof ScryptHashModule>();
  return { ...actual, verifyScryptHash: vi.fn(actual.verifyScryptHash) };
});

const FAST: ScryptParams = { ln: 4, r: 8, p: 1 };
const options = { params: FAST };

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'password-file-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function lineFor(username: string, password: string, params: ScryptParams = FAST): Promise<string> {
  return `${username}:${formatScryptHash(await hashPassword(password, params))}`;
}

describe('editing users', () => {
  it('adds, lists in file order, changes and removes users', async () => {
    const passwords = PasswordFile.empty(options);
    expect(passwords.usernames()).toEqual([]);
    expect(passwords.toString()).toBe('');
    await passwords.set('bob', 'bob-secret');
    await passwords.set('alice', 'alice-secret');
    expect(passwords.usernames()).toEqual(['bob', 'alice']);
    expect(passwords.has('alice')).toBe(true);
    expect(passwords.has('carol')).toBe(false);
    expect(await passwords.verify('alice', 'alice-secret')).toBe(true);

    await passwords.set('alice', 'changed');
    expect(passwords.usernames()).toEqual(['bob', 'alice']);
    expect(await passwords.verify('alice', 'changed')).toBe(true);
    expect(await passwords.verify('alice', 'alice-secret')).toBe(false);

    expect(passwords.remove('bob')).toBe(true);
    expect(passwords.remove('bob')).toBe(false);
    expect(passwords.remove('nobody')).toBe(false);
    expect(passwords.usernames()).toEqual(['alice']);
    expect(await passwords.verify('bob', 'bob-secret')).toBe(false);
  });

  it('writes one username:$scrypt$... line per user that parse reads back', async () => {
    const passwords = PasswordFile.empty(options);
    await passwords.set('alice', 'a');
    await passwords.set('bob', 'b');
    const text = passwords.toString();
    expect(text).toMatch(/^alice:\$scrypt\$ln=4,r=8,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+\nbob:\$scrypt\$ln=4,r=8,p=1\$[^\n]+\n$/);
    const parsed = PasswordFile.parse(text, 'passwd', options);
    expect(parsed.usernames()).toEqual(['alice', 'bob']);
    expect(parsed.toString()).toBe(text);
    expect(await parsed.verify('bob', 'b')).toBe(true);
    expect(await parsed.verify('bob', 'a')).toBe(false);
  });

  it('refuses an invalid user name, an empty password and one above 65,535 bytes', async () => {
    const passwords = PasswordFile.empty(options);
    await expect(passwords.set('', 'x')).rejects.toThrow('the user name is empty');
    await expect(passwords.set('a:b', 'x')).rejects.toThrow("contains ':'");
    await expect(passwords.set('a b', 'x')).rejects.toThrow('contains whitespace');
    await expect(passwords.set('alice', '')).rejects.toThrow('the password is empty');
    await expect(passwords.set('alice', new Uint8Array())).rejects.toThrow('the password is empty');
    await expect(passwords.set('alice', 'x'.repeat(65_536))).rejects.toThrow('the password is longer than 65535 bytes');
    await passwords.set('alice', 'é'.repeat(32_767)); // 65,534 bytes
    expect(passwords.usernames()).toEqual(['alice']);
  });

  it('refuses unusable scrypt parameters in its options', () => {
    expect(() => PasswordFile.empty({ params: { ln: 0, r: 8, p: 1 } })).toThrow('at least ln=1');
    expect(() => PasswordFile.parse('', 'passwd', { params: { ln: 16, r: 1, p: 1 } })).toThrow('needs a block size');
  });
});

describe('PasswordFile.parse', () => {
  it('skips blank lines and reads CRLF line ends and a byte-order mark', async () => {
    const alice = await lineFor('alice', 'a');
    const bob = await lineFor('bob', 'b');
    const parsed = PasswordFile.parse(`\uFEFF${alice}\r\n\r\n   \n${bob}\r\n`, 'passwd', options);
    expect(parsed.usernames()).toEqual(['alice', 'bob']);
    expect(await parsed.verify('alice', 'a')).toBe(true);
    expect(await parsed.verify('bob', 'b')).toBe(true);
  });

  it('keeps each entry’s own scrypt parameters', async () => {
    const strong = await lineFor('alice', 'a', { ln: 6, r: 8, p: 2 });
    const parsed = PasswordFile.parse(`${strong}\n`, 'passwd', options);
    expect(parsed.toString()).toBe(`${strong}\n`);
    expect(await parsed.verify('alice', 'a')).toBe(true);
  });

  it('reports malformed lines with the file name and line number', async () => {
    const good = await lineFor('alice', 'a');
    const cases: [string, string][] = [
      [`${good}\nbob\n`, `/etc/gw/passwd:2: expected <username>:<hash>, found no ':'`],
      [`\n\n:$scrypt$x\n`, `/etc/gw/passwd:3: the user name is empty`],
      [`${good}\nbad user:${good.slice(6)}\n`, `/etc/gw/passwd:2: the user name "bad user" contains whitespace or a control character`],
      [`${good}\r\n${good}\r\n`, `/etc/gw/passwd:2: user "alice" is already defined at line 1`],
      [`bob:$scrypt$ln=4,r=8,p=1$c2FsdA$aGFzaA\n`, `/etc/gw/passwd:1: user "bob": malformed scrypt hash: the salt is not base64 of at least 8 bytes`],
      [`${good}\nbob:$2b$12$abcdefghijklmnopqrstuv\n`, `/etc/gw/passwd:2: user "bob": malformed scrypt hash: expected $scrypt$`],
      [`bob:plaintext-password\n`, `/etc/gw/passwd:1: user "bob": malformed scrypt hash`],
      [`${good} \n`, `/etc/gw/passwd:1: user "alice": malformed scrypt hash: the hash is not base64`],
    ];
    for (const [text, message] of cases) {
      let thrown: unknown;
      try {
        PasswordFile.parse(text, '/etc/gw/passwd', options);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, text).toBeInstanceOf(AccessFileError);
      expect((thrown as Error).message, text).toContain(message);
      expect((thrown as AccessFileError).source).toBe('/etc/gw/passwd');
    }
  });

  it('never echoes a stored hash or the rest of a malformed line into its message', async () => {
    const hash = formatScryptHash(await hashPassword('a', FAST));
    expect(() => PasswordFile.parse(`alice:${hash}!\n`, 'passwd', options)).toThrow(/^passwd:1: user "alice": malformed scrypt hash: [^$]*$/);
  });
});

describe('loading and saving files', () => {
  it('saves atomically with mode 0600 and loads the file back', async () => {
    const path = join(directory, 'passwd');
    const passwords = PasswordFile.empty(options);
    await passwords.set('alice', 'a');
    await passwords.save(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(directory)).toEqual(['passwd']);

    const loaded = await PasswordFile.load(path, options);
    expect(loaded.usernames()).toEqual(['alice']);
    expect(await loaded.verify('alice', 'a')).toBe(true);

    await chmod(path, 0o644);
    await loaded.set('bob', 'b');
    await loaded.save(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await readFile(path, 'utf8')).split('\n').map((line) => line.split(':')[0])).toEqual(['alice', 'bob', '']);
    expect(await readdir(directory)).toEqual(['passwd']);
  });

  it('a missing file is the fs error naming the path, or an empty file when asked', async () => {
    const path = join(directory, 'absent');
    await expect(PasswordFile.load(path, options)).rejects.toMatchObject({ code: 'ENOENT', path });
    const empty = await PasswordFile.load(path, { ...options, ifMissing: 'empty' });
    expect(empty.usernames()).toEqual([]);
    await expect(PasswordFile.load(directory, { ...options, ifMissing: 'empty' })).rejects.toMatchObject({ code: 'EISDIR', path: directory });
  });

  it('names the file in a parse error when loading', async () => {
    const path = join(directory, 'passwd');
    await writeFile(path, `${await lineFor('alice', 'a')}\n# not a user line\n`);
    await expect(PasswordFile.load(path, options)).rejects.toThrow(`${path}:2: expected <username>:<hash>, found no ':'`);
  });
});

describe('verify', () => {
  const spy = vi.mocked(verifyScryptHash);

  it('is true for the right password and false for a wrong one', async () => {
    const passwords = PasswordFile.parse(`${await lineFor('alice', 'right')}\n`, 'passwd', options);
    expect(await passwords.verify('alice', 'right')).toBe(true);
    expect(await passwords.verify('alice', Buffer.from('right'))).toBe(true);
    expect(await passwords.verify('alice', 'wrong')).toBe(false);
    expect(await passwords.verify('alice', '')).toBe(false);
    expect(await passwords.verify('Alice', 'right')).toBe(false);
  });

  it('checks an unknown user against a stand-in hash with the cost of the file’s entries', async () => {
    const stored: ScryptParams = { ln: 5, r: 4, p: 1 };
    const passwords = PasswordFile.parse(`${await lineFor('alice', 'right', stored)}\n`, 'passwd', options);
    spy.mockClear();
    expect(await passwords.verify('mallory', 'right')).toBe(false);
    expect(spy).toHaveBeenCalledTimes(1);
    const [password, standIn] = spy.mock.calls[0]!;
    expect(password).toBe('right');
    expect(standIn.params).toEqual(stored);
    expect(standIn.hash).toHaveLength(32);
    expect(standIn.salt).toHaveLength(16);

    // The same stand-in every time, and the known user goes through the same single check.
    expect(await passwords.verify('trudy', 'x')).toBe(false);
    expect(spy.mock.calls[1]![1]).toBe(standIn);
    expect(await passwords.verify('alice', 'right')).toBe(true);
    expect(spy).toHaveBeenCalledTimes(3);
    expect(spy.mock.calls[2]![1]).not.toBe(standIn);
  });

  it('in a file with no users, uses the configured cost for the stand-in', async () => {
    const passwords = PasswordFile.empty(options);
    spy.mockClear();
    expect(await passwords.verify('anyone', 'anything')).toBe(false);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]![1].params).toEqual(FAST);
  });
});
