// User names: what the password file, the ACL file and the CLI accept, and the messages for the rest.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_USERNAME_BYTES, assertValidUsername, usernameProblem } from './username.js';

describe('usernameProblem', () => {
  it('accepts ordinary names, Unicode and punctuation other than ":"', () => {
    for (const name of ['alice', 'sensor-01', 'ops.team@example.org', 'Zoë', '用户', '🙂', 'a/b', '+', '#', '$SYS', '%c']) {
      expect(usernameProblem(name), name).toBeUndefined();
    }
  });

  it('refuses an empty name', () => {
    expect(usernameProblem('')).toBe('the user name is empty');
  });

  it("refuses ':' (the password file's separator)", () => {
    expect(usernameProblem('ali:ce')).toBe('the user name "ali:ce" contains \':\'');
  });

  it('refuses whitespace and control characters', () => {
    for (const name of ['ali ce', ' alice', 'alice\t', 'a\nb', 'a\rb', 'a\u0000b', 'a\u007fb', 'a\u00a0b', 'a\u2028b']) {
      expect(usernameProblem(name), JSON.stringify(name)).toMatch(/contains whitespace or a control character/);
    }
  });

  it('refuses a lone surrogate, which has no UTF-8 form', () => {
    expect(usernameProblem('a\ud800b')).toMatch(/is not well-formed Unicode/);
    expect(usernameProblem('\udc00')).toMatch(/is not well-formed Unicode/);
  });

  it('refuses more than 65,535 bytes of UTF-8 and accepts exactly that many', () => {
    expect(usernameProblem('a'.repeat(MAX_USERNAME_BYTES))).toBeUndefined();
    expect(usernameProblem('a'.repeat(MAX_USERNAME_BYTES + 1))).toBe('the user name is longer than 65535 bytes of UTF-8');
    // 21,846 three-byte characters are 65,538 bytes, though only 21,846 UTF-16 units.
    expect(usernameProblem('€'.repeat(21_846))).toMatch(/longer than 65535 bytes/);
  });

  it('cuts a long name short in its message', () => {
    const problem = usernameProblem(`${'x'.repeat(100)}:`);
    expect(problem).toBe(`the user name "${'x'.repeat(40)}…" contains ':'`);
  });

  it('accepts every non-empty name of printable ASCII without ":" or space (property)', () => {
    const printable = fc.constantFrom(...Array.from('!"#$%&\'()*+,-./0123456789;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~'));
    fc.assert(fc.property(fc.string({ unit: printable, minLength: 1, maxLength: 50 }), (name) => usernameProblem(name) === undefined));
  });
});

describe('assertValidUsername', () => {
  it('throws the problem as an Error and passes valid names', () => {
    expect(() => assertValidUsername('alice')).not.toThrow();
    expect(() => assertValidUsername('')).toThrow('the user name is empty');
    expect(() => assertValidUsername('a b')).toThrow('contains whitespace');
  });
});
