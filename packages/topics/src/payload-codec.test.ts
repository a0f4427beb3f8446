// The generic JSON and text codecs: string versus byte input, strict UTF-8, error text, encoding.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PayloadError, jsonCodec, textCodec } from './payload-codec.js';

const point = jsonCodec(z.object({ x: z.number(), label: z.string() }));
const word = textCodec(z.string().min(1));

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Byte sequences a fatal UTF-8 decoder must refuse. */
const INVALID_UTF8: [string, number[]][] = [
  ['a lone continuation byte', [0x80]],
  ['a truncated two-byte sequence', [0x61, 0xc3]],
  ['an overlong encoding of /', [0xc0, 0xaf]],
  ['an encoded surrogate', [0xed, 0xa0, 0x80]],
  ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ['0xFF', [0xff]],
];

describe('PayloadError', () => {
  it('is an Error with its own name', () => {
    const error = new PayloadError('bad');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PayloadError');
    expect(error.message).toBe('bad');
  });
});

describe('jsonCodec', () => {
  it('decodes the same value from a string and from its UTF-8 bytes', () => {
    const json = '{"x":1.5,"label":"héllo 😀"}';
    const expected = { ok: true, value: { x: 1.5, label: 'héllo 😀' } };
    expect(point.decode(json)).toEqual(expected);
    expect(point.decode(bytes(json))).toEqual(expected);
  });

  it('decodes bytes from a view into a larger buffer', () => {
    const buffer = bytes('xx{"x":2,"label":"a"}yy');
    expect(point.decode(buffer.subarray(2, buffer.length - 2))).toEqual({ ok: true, value: { x: 2, label: 'a' } });
  });

  it.each(INVALID_UTF8)('refuses %s rather than replacing it with U+FFFD', (_name, sequence) => {
    const payload = new Uint8Array([...bytes('{"x":1,"label":"'), ...sequence, ...bytes('"}')]);
    expect(point.decode(payload)).toEqual({ ok: false, error: 'payload is not valid UTF-8' });
  });

  it('keeps decoding after a refused payload (the decoder has no leftover state)', () => {
    expect(point.decode(new Uint8Array([0x7b, 0xe2, 0x82])).ok).toBe(false);
    expect(point.decode(bytes('{"x":3,"label":"€"}'))).toEqual({ ok: true, value: { x: 3, label: '€' } });
  });

  it('reports invalid JSON and schema errors as values, never throwing', () => {
    expect(point.decode('{')).toEqual({ ok: false, error: 'payload is not valid JSON' });
    expect(point.decode(new Uint8Array())).toEqual({ ok: false, error: 'payload is not valid JSON' });
    expect(point.decode('{"x":"1","label":"a"}')).toEqual({ ok: false, error: 'x: Invalid input: expected number, received string' });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (payload) => {
        expect(() => point.decode(payload)).not.toThrow();
        expect(() => point.decode(bytes(payload))).not.toThrow();
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 32 }), (payload) => {
        expect(() => point.decode(payload)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it('joins several issues with their paths', () => {
    const nested = jsonCodec(z.object({ a: z.object({ b: z.array(z.number()) }), c: z.string() }));
    const result = nested.decode('{"a":{"b":[1,"two"]},"c":3}');
    expect(result).toEqual({ ok: false, error: 'a.b.1: Invalid input: expected number, received string; c: Invalid input: expected string, received number' });
  });

  it('encodes UTF-8 JSON of the validated value', () => {
    const encoded = point.encode({ x: 1, label: 'ü' });
    expect(encoded).toBeInstanceOf(Uint8Array);
    expect(encoded).toEqual(bytes('{"x":1,"label":"ü"}'));
  });

  it('encodes what the schema outputs (unknown keys stripped)', () => {
    const value = { x: 1, label: 'a', secret: 'dropped' };
    expect(new TextDecoder().decode(point.encode(value))).toBe('{"x":1,"label":"a"}');
  });

  it('throws a PayloadError with the issues when encoding an invalid value', () => {
    expect(() => point.encode({ x: Number.NaN, label: 'a' })).toThrow(PayloadError);
    expect(() => point.encode({ x: 1 } as { x: number; label: string })).toThrow('invalid payload: label: Invalid input: expected string, received undefined');
  });

  it('validate checks a parsed value without encoding', () => {
    expect(point.validate({ x: 1, label: 'a' })).toEqual({ ok: true, value: { x: 1, label: 'a' } });
    expect(point.validate('{"x":1,"label":"a"}').ok).toBe(false);
  });

  it('round-trips any value the schema accepts', () => {
    fc.assert(
      fc.property(fc.record({ x: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }).filter((x) => !Object.is(x, -0)), label: fc.string() }), (value) => {
        expect(point.decode(point.encode(value))).toEqual({ ok: true, value });
      }),
      { numRuns: 500 },
    );
  });
});

describe('textCodec', () => {
  it('decodes the same text from a string and from its UTF-8 bytes', () => {
    expect(word.decode('grüß 😀')).toEqual({ ok: true, value: 'grüß 😀' });
    expect(word.decode(bytes('grüß 😀'))).toEqual({ ok: true, value: 'grüß 😀' });
  });

  it('takes the text as it is: no trimming, no JSON', () => {
    expect(word.decode(' a\n')).toEqual({ ok: true, value: ' a\n' });
    expect(word.decode('"a"')).toEqual({ ok: true, value: '"a"' });
  });

  it.each(INVALID_UTF8)('refuses %s', (_name, sequence) => {
    expect(word.decode(new Uint8Array([0x61, ...sequence]))).toEqual({ ok: false, error: 'payload is not valid UTF-8' });
  });

  it('reports schema errors without a path', () => {
    const result = word.decode(new Uint8Array());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).not.toMatch(/^: /);
  });

  it('encodes the text itself as UTF-8 and throws a PayloadError for invalid text', () => {
    expect(word.encode('€')).toEqual(new Uint8Array([0xe2, 0x82, 0xac]));
    expect(() => word.encode('')).toThrow(PayloadError);
    expect(() => word.encode('')).toThrow(/^invalid payload: /);
  });

  it('round-trips any well-formed text the schema accepts', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (value) => {
        expect(word.decode(word.encode(value))).toEqual({ ok: true, value });
      }),
      { numRuns: 500 },
    );
  });
});
