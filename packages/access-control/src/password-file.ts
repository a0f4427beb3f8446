// A password file in memory: `username:$scrypt$...` lines, loaded, checked, edited and saved (the broker's
// side of mosquitto_passwd's file). Verifying an unknown user costs as much as a known one.
import { AccessFileError, numberedLines, readAccessFile } from './access-file-error.js';
import { writeFileAtomic } from './atomic-write.js';
import {
  DEFAULT_SCRYPT_PARAMS,
  formatScryptHash,
  hashPassword,
  parseScryptHash,
  scryptParamsProblem,
  unmatchableScryptHash,
  verifyScryptHash,
  type ScryptHash,
  type ScryptParams,
} from './scrypt-hash.js';
import { assertValidUsername, usernameProblem } from './username.js';

/** The longest password accepted, as for any MQTT binary field. */
const MAX_PASSWORD_BYTES = 65_535;

export interface PasswordFileOptions {
  /** The scrypt cost of hashes made by `set` (and of the stand-in hash for unknown users). */
  readonly params?: ScryptParams;
}

export class PasswordFile {
  readonly #entries: Map<string, ScryptHash>;
  readonly #params: ScryptParams;
  /** Verified against for unknown users; made on first use with the parameters of the file's first entry. */
  #standIn: ScryptHash | undefined;

  private constructor(entries: Map<string, ScryptHash>, options: PasswordFileOptions) {
    this.#entries = entries;
    this.#params = options.params ?? DEFAULT_SCRYPT_PARAMS;
    const problem = scryptParamsProblem(this.#params);
    if (problem !== undefined) throw new Error(problem);
  }

  /** A file with no users. */
  static empty(options: PasswordFileOptions = {}): PasswordFile {
    return new PasswordFile(new Map(), options);
  }

  /** Parses a file's text; throws an AccessFileError naming `source` and the line of the first problem. */
  static parse(text: string, source = '<password file>', options: PasswordFileOptions = {}): PasswordFile {
    const entries = new Map<string, ScryptHash>();
    const lineOf = new Map<string, number>();
    for (const { line, text: content } of numberedLines(text)) {
      if (content.trim().length === 0) continue;
      const separator = content.indexOf(':');
      if (separator < 0) throw new AccessFileError(source, line, "expected <username>:<hash>, found no ':'");
      const username = content.slice(0, separator);
      const problem = usernameProblem(username);
      if (problem !== undefined) throw new AccessFileError(source, line, problem);
      const previous = lineOf.get(username);
      if (previous !== undefined) throw new AccessFileError(source, line, `user ${JSON.stringify(username)} is already defined at line ${previous}`);
      try {
        entries.set(username, parseScryptHash(content.slice(separator + 1)));
      } catch (error) {
        throw new AccessFileError(source, line, `user ${JSON.stringify(username)}: ${(error as Error).message}`);
      }
      lineOf.set(username, line);
    }
    return new PasswordFile(entries, options);
  }

  /**
   * Reads and parses the file at `path`. A missing file is an error (the fs error, naming the path)
   * unless `ifMissing: 'empty'`, which gives a file with no users.
   */
  static async load(path: string, options: PasswordFileOptions & { readonly ifMissing?: 'error' | 'empty' } = {}): Promise<PasswordFile> {
    let text: string;
    try {
      text = await readAccessFile(path);
    } catch (error) {
      if (options.ifMissing === 'empty' && (error as NodeJS.ErrnoException).code === 'ENOENT') return PasswordFile.empty(options);
      throw error;
    }
    return PasswordFile.parse(text, path, options);
  }

  /**
   * Whether `password` is `username`'s. Unknown users are checked against a stand-in hash with the
   * same cost, so the time taken does not tell whether a user exists.
   */
  async verify(username: string, password: string | Uint8Array): Promise<boolean> {
    const known = this.#entries.get(username);
    const expected = known ?? this.#standInHash();
    const matches = await verifyScryptHash(password, expected);
    return matches && known !== undefined;
  }

  #standInHash(): ScryptHash {
    this.#standIn ??= unmatchableScryptHash(this.#entries.values().next().value?.params ?? this.#params);
    return this.#standIn;
  }

  /** Adds `username` or replaces its password, hashed with a fresh salt. */
  async set(username: string, password: string | Uint8Array): Promise<void> {
    assertValidUsername(username);
    const bytes = typeof password === 'string' ? Buffer.byteLength(password, 'utf8') : password.byteLength;
    if (bytes === 0) throw new Error('the password is empty');
    if (bytes > MAX_PASSWORD_BYTES) throw new Error(`the password is longer than ${MAX_PASSWORD_BYTES} bytes`);
    const hash = await hashPassword(password, this.#params);
    this.#entries.set(username, hash);
  }

  /** Removes `username`; false when there was no such user. */
  remove(username: string): boolean {
    return this.#entries.delete(username);
  }

  has(username: string): boolean {
    return this.#entries.has(username);
  }

  /** The user names, in file order (new users last). */
  usernames(): string[] {
    return [...this.#entries.keys()];
  }

  /** The file's text: one `username:hash` line per user. */
  toString(): string {
    return [...this.#entries].map(([username, hash]) => `${username}:${formatScryptHash(hash)}\n`).join('');
  }

  /** Writes the file atomically (temporary file and rename) with mode 0600. */
  async save(path: string): Promise<void> {
    await writeFileAtomic(path, this.toString(), 0o600);
  }
}
