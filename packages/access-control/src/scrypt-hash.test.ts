// Salted scrypt hashes: hashing and verifying, the PHC string form, what a malformed stored hash is
// refused for, and the constant-time comparison (node:crypto's timingSafeEqual, observed through a
// pass-through spy).
import * as crypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_SCRYPT_PARAMS,
  formatScryptHash,
  hashPassword,
  parseScryptHash,
  scryptParamsProblem,
  unmatchableScryptHash,
  verifyScryptHash,
  type ScryptParams,
} from './scrypt-hash.js';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof crypto>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

/** Cheap enough for many hashes per test; the code path is the same as with the default cost. */
const FAST: ScryptParams = { ln: 4, r: 8, p: 1 };

describe('hashPassword and verifyScryptHash', () => {
  it('verifies the password it hashed and refuses another', async () => {
    const stored = await hashPassword('correct horse', FAST);
    expect(await verifyScryptHash('correct horse', stored)).toBe(true);
    expect(await verifyScryptHash('correct horsf', stored)).toBe(false);
    expect(await verifyScryptHash('', stored)).toBe(false);
    expect(await verifyScryptHash('correct horse ', stored)).toBe(false);
  });

  it('treats a string password and its UTF-8 bytes alike', async () => {
    const stored = await hashPassword('pässwörd 🔑', FAST);
    expect(await verifyScryptHash(Buffer.from('pässwörd 🔑', 'utf8'), stored)).toBe(true);
    const fromBytes = await hashPassword(new Uint8Array([0, 1, 2, 255]), FAST);
    expect(await verifyScryptHash(new Uint8Array([0, 1, 2, 255]), fromBytes)).toBe(true);
    expect(await verifyScryptHash(new Uint8Array([0, 1, 2, 254]), fromBytes)).toBe(false);
  });

  it('uses a fresh 16-byte salt each time, so two hashes of one password differ', async () => {
    const first = await hashPassword('same', FAST);
    const second = await hashPassword('same', FAST);
    expect(first.salt).toHaveLength(16);
    expect(first.hash).toHaveLength(32);
    expect(first.salt.equals(second.salt)).toBe(false);
    expect(first.hash.equals(second.hash)).toBe(false);
    expect(formatScryptHash(first)).not.toBe(formatScryptHash(second));
    expect(await verifyScryptHash('same', second)).toBe(true);
  });

  it('hashes with the default cost (ln=15, r=8, p=1) when given no parameters', async () => {
    expect(DEFAULT_SCRYPT_PARAMS).toEqual({ ln: 15, r: 8, p: 1 });
    const stored = await hashPassword('default cost');
    expect(stored.params).toEqual(DEFAULT_SCRYPT_PARAMS);
    expect(formatScryptHash(stored)).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
    expect(await verifyScryptHash('default cost', stored)).toBe(true);
  });

  it('compares the derived key in constant time with timingSafeEqual', async () => {
    const timingSafeEqual = vi.mocked(crypto.timingSafeEqual);
    const stored = await hashPassword('timing', FAST);
    timingSafeEqual.mockClear();
    expect(await verifyScryptHash('not it', stored)).toBe(false);
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
    const [actual, expected] = timingSafeEqual.mock.calls[0]!;
    expect(Buffer.from(expected as Uint8Array).equals(stored.hash)).toBe(true);
    expect((actual as Uint8Array).byteLength).toBe(stored.hash.length);
  });

  it('refuses to hash with unusable parameters', async () => {
    await expect(hashPassword('x', { ln: 0, r: 8, p: 1 })).rejects.toThrow('at least ln=1');
    await expect(hashPassword('x', { ln: 4.5, r: 8, p: 1 })).rejects.toThrow('integers');
  });

  it('a stand-in hash matches no password and costs a real verification', async () => {
    const standIn = unmatchableScryptHash(FAST);
    expect(standIn.params).toEqual(FAST);
    expect(standIn.salt).toHaveLength(16);
    expect(standIn.hash).toHaveLength(32);
    expect(await verifyScryptHash('', standIn)).toBe(false);
    expect(await verifyScryptHash('anything', standIn)).toBe(false);
    expect(unmatchableScryptHash(FAST).hash.equals(standIn.hash)).toBe(false);
  });
});

describe('scryptParamsProblem', () => {
  it('accepts the default and cheap test parameters', () => {
    expect(scryptParamsProblem(DEFAULT_SCRYPT_PARAMS)).toBeUndefined();
    expect(scryptParamsProblem(FAST)).toBeUndefined();
    expect(scryptParamsProblem({ ln: 1, r: 1, p: 1 })).toBeUndefined();
    expect(scryptParamsProblem({ ln: 15, r: 1, p: 1 })).toBeUndefined();
  });

  it('refuses costs that would let a file make every CONNECT expensive', () => {
    expect(scryptParamsProblem({ ln: 15, r: 8, p: 17 })).toMatch(/p=17 is above 16/);
    expect(scryptParamsProblem({ ln: 20, r: 8, p: 1 })).toMatch(/need more than 256 MiB/);
    expect(scryptParamsProblem({ ln: 999, r: 8, p: 1 })).toMatch(/need more than 256 MiB/);
  });

  it('refuses N >= 2^(16·r), which scrypt itself cannot compute', async () => {
    expect(scryptParamsProblem({ ln: 16, r: 1, p: 1 })).toMatch(/ln=16 needs a block size r above 1/);
    expect(scryptParamsProblem({ ln: 16, r: 2, p: 1 })).toBeUndefined();
    // The boundary really is scrypt's: ln=15, r=1 verifies.
    expect(await verifyScryptHash('x', unmatchableScryptHash({ ln: 15, r: 1, p: 1 }))).toBe(false);
  });
});

describe('formatScryptHash and parseScryptHash', () => {
  it('round-trips a hash through its PHC string', async () => {
    const stored = await hashPassword('round trip', FAST);
    const text = formatScryptHash(stored);
    expect(text).toMatch(/^\$scrypt\$ln=4,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    const parsed = parseScryptHash(text);
    expect(parsed.params).toEqual(FAST);
    expect(parsed.salt.equals(stored.salt)).toBe(true);
    expect(parsed.hash.equals(stored.hash)).toBe(true);
    expect(await verifyScryptHash('round trip', parsed)).toBe(true);
    expect(await verifyScryptHash('round trip?', parsed)).toBe(false);
  });

  it('round-trips any salt, hash and parameters it accepts (property)', () => {
    fc.assert(
      fc.property(
        fc.record({ ln: fc.integer({ min: 1, max: 15 }), r: fc.integer({ min: 1, max: 16 }), p: fc.integer({ min: 1, max: 16 }) }),
        fc.uint8Array({ minLength: 8, maxLength: 64 }),
        fc.uint8Array({ minLength: 16, maxLength: 128 }),
        (params, salt, hash) => {
          const original = { params, salt: Buffer.from(salt), hash: Buffer.from(hash) };
          const text = formatScryptHash(original);
          expect(text.split('$').slice(3).join('$')).not.toContain('='); // unpadded base64
          const parsed = parseScryptHash(text);
          expect(parsed.params).toEqual(params);
          expect(parsed.salt.equals(original.salt)).toBe(true);
          expect(parsed.hash.equals(original.hash)).toBe(true);
          expect(formatScryptHash(parsed)).toBe(text);
        },
      ),
    );
  });

  it('accepts padded base64 too', () => {
    const salt = Buffer.alloc(16, 1);
    const hash = Buffer.alloc(32, 2);
    const parsed = parseScryptHash(`$scrypt$ln=4,r=8,p=1$${salt.toString('base64')}$${hash.toString('base64')}`);
    expect(parsed.salt.equals(salt)).toBe(true);
    expect(parsed.hash.equals(hash)).toBe(true);
  });

  const salt = Buffer.alloc(16, 7).toString('base64').replace(/=+$/, '');
  const hash = Buffer.alloc(32, 9).toString('base64').replace(/=+$/, '');
  const malformed: [string, string, RegExp][] = [
    ['empty text', '', /expected \$scrypt\$ln=<n>,r=<n>,p=<n>\$<salt>\$<hash>/],
    ['another algorithm', `$argon2id$v=19$m=65536,t=3,p=4$${salt}$${hash}`, /expected \$scrypt\$/],
    ['a bcrypt hash', '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW', /expected \$scrypt\$/],
    ['missing parameters', `$scrypt$${salt}$${hash}`, /expected \$scrypt\$/],
    ['parameters in another order', `$scrypt$r=8,ln=4,p=1$${salt}$${hash}`, /expected \$scrypt\$/],
    ['a negative parameter', `$scrypt$ln=-4,r=8,p=1$${salt}$${hash}`, /expected \$scrypt\$/],
    ['no hash', `$scrypt$ln=4,r=8,p=1$${salt}`, /expected \$scrypt\$/],
    ['an extra field', `$scrypt$ln=4,r=8,p=1$${salt}$${hash}$x`, /expected \$scrypt\$/],
    ['trailing whitespace', `$scrypt$ln=4,r=8,p=1$${salt}$${hash} `, /the hash is not base64/],
    ['ln=0', `$scrypt$ln=0,r=8,p=1$${salt}$${hash}`, /at least ln=1, r=1, p=1/],
    ['p=0', `$scrypt$ln=4,r=8,p=0$${salt}$${hash}`, /at least ln=1, r=1, p=1/],
    ['p above 16', `$scrypt$ln=4,r=8,p=99$${salt}$${hash}`, /p=99 is above 16/],
    ['a cost needing gigabytes', `$scrypt$ln=24,r=8,p=1$${salt}$${hash}`, /need more than 256 MiB/],
    ['N too large for r', `$scrypt$ln=17,r=1,p=1$${salt}$${hash}`, /ln=17 needs a block size r above 1/],
    ['an empty salt', `$scrypt$ln=4,r=8,p=1$$${hash}`, /the salt is not base64 of at least 8 bytes/],
    ['a short salt', `$scrypt$ln=4,r=8,p=1$AAAAAAAA$${hash}`, /the salt is not base64 of at least 8 bytes/],
    ['a salt that is not base64', `$scrypt$ln=4,r=8,p=1$not-base64-at-all!!$${hash}`, /the salt is not base64/],
    ['a non-canonical base64 salt', `$scrypt$ln=4,r=8,p=1$${salt.slice(0, -1)}B$${hash}`, /the salt is not base64/],
    ['a short hash', `$scrypt$ln=4,r=8,p=1$${salt}$AAAAAAAAAAAAAAAA`, /the hash is not base64 of 16 to 128 bytes/],
    ['a hash of 129 bytes', `$scrypt$ln=4,r=8,p=1$${salt}$${Buffer.alloc(129).toString('base64')}`, /16 to 128 bytes/],
    ['a hash with a line break', `$scrypt$ln=4,r=8,p=1$${salt}$${hash}\n`, /the hash is not base64/],
  ];
  it.each(malformed)('refuses %s with a message saying what is wrong', (_name, text, reason) => {
    expect(() => parseScryptHash(text)).toThrow(/^malformed scrypt hash: /);
    expect(() => parseScryptHash(text)).toThrow(reason);
  });
});
