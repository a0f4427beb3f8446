// Salted scrypt password hashes in PHC string form: `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (unpadded base64).
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt's cost: N = 2^ln iterations, block size r, parallelism p. Memory is about 128·r·N bytes. */
export interface ScryptParams {
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

/** 32 MiB and some 50-100 ms per hash on a small CPU: slow for a guesser, fine for a CONNECT. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { ln: 15, r: 8, p: 1 };

/** The dearest parameters a file may ask for (so a bad file cannot make every CONNECT cost gigabytes). */
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;
const MAX_P = 16;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
const MIN_SALT_BYTES = 8;
const MIN_HASH_BYTES = 16;
const MAX_HASH_BYTES = 128;

/** A parsed hash: the parameters, the salt and the derived key. */
export interface ScryptHash {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/** Why `params` are unusable, or undefined. */
export function scryptParamsProblem({ ln, r, p }: ScryptParams): string | undefined {
  if (!Number.isInteger(ln) || !Number.isInteger(r) || !Number.isInteger(p)) return 'scrypt parameters must be integers';
  if (ln < 1 || r < 1 || p < 1) return 'scrypt parameters must be at least ln=1, r=1, p=1';
  if (p > MAX_P) return `scrypt parallelism p=${p} is above ${MAX_P}`;
  if (memoryBytes({ ln, r, p }) > MAX_MEMORY_BYTES) return `scrypt parameters ln=${ln}, r=${r} need more than ${MAX_MEMORY_BYTES / 1024 / 1024} MiB`;
  // scrypt (RFC 7914, and OpenSSL under node:crypto) needs N < 2^(16·r): ln=16 with r=1 cannot be verified.
  if (ln >= 16 * r) return `scrypt cost ln=${ln} needs a block size r above ${Math.floor(ln / 16)}`;
  return undefined;
}

/** What OpenSSL's scrypt allocates (the V array and the B blocks), with room to spare: passed as maxmem. */
function memoryBytes({ ln, r, p }: ScryptParams): number {
  return 128 * r * (2 ** ln + 2 + p);
}

function derive(password: string | Uint8Array, salt: Buffer, length: number, params: ScryptParams): Promise<Buffer> {
  const { ln, r, p } = params;
  return new Promise((resolve, reject) => {
    scrypt(password, salt, length, { N: 2 ** ln, r, p, maxmem: memoryBytes(params) + 1024 * 1024 }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

const BASE64 = /^[A-Za-z0-9+/]+$/;

function encode(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

/** Decodes unpadded (or padded) base64, or undefined when the text is not exactly that. */
function decode(text: string): Buffer | undefined {
  const bare = text.replace(/={1,2}$/, '');
  if (!BASE64.test(bare)) return undefined;
  const bytes = Buffer.from(bare, 'base64');
  return encode(bytes) === bare ? bytes : undefined;
}

/** The PHC string of a hash. */
export function formatScryptHash({ params, salt, hash }: ScryptHash): string {
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${encode(salt)}$${encode(hash)}`;
}

const PHC = /^\$scrypt\$ln=(\d{1,3}),r=(\d{1,4}),p=(\d{1,4})\$([^$]*)\$([^$]*)$/;

/** Parses a PHC scrypt string; throws an Error saying what is wrong with it. */
export function parseScryptHash(text: string): ScryptHash {
  const match = PHC.exec(text);
  if (!match) return fail('expected $scrypt$ln=<n>,r=<n>,p=<n>$<salt>$<hash>');
  const [, ln, r, p, saltText, hashText] = match;
  const params = { ln: Number(ln), r: Number(r), p: Number(p) };
  const problem = scryptParamsProblem(params);
  if (problem !== undefined) return fail(problem);
  const salt = decode(saltText ?? '');
  if (salt === undefined || salt.length < MIN_SALT_BYTES) return fail(`the salt is not base64 of at least ${MIN_SALT_BYTES} bytes`);
  const hash = decode(hashText ?? '');
  if (hash === undefined || hash.length < MIN_HASH_BYTES || hash.length > MAX_HASH_BYTES) {
    return fail(`the hash is not base64 of ${MIN_HASH_BYTES} to ${MAX_HASH_BYTES} bytes`);
  }
  return { params, salt, hash };
}

function fail(reason: string): never {
  throw new Error(`malformed scrypt hash: ${reason}`);
}

/** Hashes `password` with a fresh random 16-byte salt. */
export async function hashPassword(password: string | Uint8Array, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<ScryptHash> {
  const problem = scryptParamsProblem(params);
  if (problem !== undefined) throw new Error(problem);
  const salt = randomBytes(SALT_BYTES);
  return { params, salt, hash: await derive(password, salt, HASH_BYTES, params) };
}

/** Whether `password` gives `expected`, compared in constant time. */
export async function verifyScryptHash(password: string | Uint8Array, expected: ScryptHash): Promise<boolean> {
  const actual = await derive(password, expected.salt, expected.hash.length, expected.params);
  return timingSafeEqual(actual, expected.hash);
}

/**
 * A hash no password gives (random bytes, not derived from anything), with the given parameters:
 * verifying against it costs the same work as against a real one, which hides whether a user exists.
 */
export function unmatchableScryptHash(params: ScryptParams): ScryptHash {
  return { params, salt: randomBytes(SALT_BYTES), hash: randomBytes(HASH_BYTES) };
}
