import { describe, expect, it } from 'vitest';
import { decodeUtf8, detectView, formatBytes, formatPayload, previewPayload, toHexDump, toPrettyJson } from './payload-format';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('payload formatting', () => {
  it('decodes UTF-8 text and rejects invalid bytes', () => {
    expect(decodeUtf8(bytes('héllo'))).toBe('héllo');
    expect(decodeUtf8(new Uint8Array([0x61, 0xff]))).toBeUndefined();
  });

  it('pretty-prints JSON', () => {
    expect(toPrettyJson(bytes('{"a":1,"b":[true,null]}'))).toBe('{\n  "a": 1,\n  "b": [\n    true,\n    null\n  ]\n}');
    expect(toPrettyJson(bytes('not json'))).toBeUndefined();
    expect(toPrettyJson(bytes(''))).toBeUndefined();
  });

  it('makes a hex dump with offsets and printable ASCII', () => {
    const dump = toHexDump(bytes('Hello, MQTT world!'));
    expect(dump.split('\n')).toEqual([
      '00000000  48 65 6c 6c 6f 2c 20 4d 51 54 54 20 77 6f 72 6c  Hello, MQTT worl',
      '00000010  64 21                                            d!',
    ]);
    expect(toHexDump(new Uint8Array([0, 1, 0x7f]))).toContain('00 01 7f');
    expect(toHexDump(new Uint8Array([0, 1, 0x7f]))).toMatch(/\.\.\.$/);
  });

  it('limits the hex dump and says how much is left', () => {
    const dump = toHexDump(new Uint8Array(100), 32);
    expect(dump.split('\n')).toHaveLength(3);
    expect(dump).toMatch(/… 68 more bytes$/);
  });

  it('detects the best view', () => {
    expect(detectView(bytes('{"value": 21.5}'))).toBe('json');
    expect(detectView(bytes('[1,2]'))).toBe('json');
    expect(detectView(bytes('21.5'))).toBe('text');
    expect(detectView(bytes('{broken'))).toBe('text');
    expect(detectView(new Uint8Array([0xde, 0xad, 0xbe, 0xef]))).toBe('hex');
    expect(detectView(new Uint8Array([0x01, 0x02, 0x41]))).toBe('hex');
  });

  it('falls back from a view that does not fit, with a note', () => {
    expect(formatPayload(bytes('plain'), 'json')).toEqual({ view: 'text', text: 'plain', note: 'not valid JSON' });
    expect(formatPayload(new Uint8Array([0xff]), 'json')).toMatchObject({ view: 'hex', note: 'not valid JSON' });
    expect(formatPayload(new Uint8Array([0x61, 0xff]), 'text')).toMatchObject({ view: 'text', text: 'a\uFFFD' });
    expect(formatPayload(bytes('{"a":1}'), 'hex').view).toBe('hex');
    expect(formatPayload(bytes('{"a":1}')).text).toBe('{\n  "a": 1\n}');
  });

  it('previews payloads on one line', () => {
    expect(previewPayload(bytes('{\n  "a": 1\n}'))).toBe('{ "a": 1 }');
    expect(previewPayload(new Uint8Array(0))).toBe('(empty)');
    expect(previewPayload(bytes('x'.repeat(300)), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(previewPayload(new Uint8Array([0xff, 0xfe]))).toBe("0x ff fe");
  });

  it('formats byte counts', () => {
    expect(formatBytes(12)).toBe('12 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
  });
});
