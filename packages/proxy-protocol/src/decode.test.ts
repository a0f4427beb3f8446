import { describe, expect, it } from 'vitest';
import { decodeProxyHeaderV2, encodeProxyHeaderV2, PROXY_V2_SIGNATURE, type ProxyHeaderErrorCode } from './index.js';

const valid = encodeProxyHeaderV2({ source: { address: '10.0.0.1', port: 50000 }, destination: { address: '10.0.0.2', port: 1883 } });

function patched(offset: number, byte: number): Buffer {
  const copy = Buffer.from(valid);
  copy[offset] = byte;
  return copy;
}

function codeOf(input: Buffer, maxHeaderBytes?: number): ProxyHeaderErrorCode | 'no error' {
  try {
    decodeProxyHeaderV2(input, maxHeaderBytes === undefined ? {} : { maxHeaderBytes });
    return 'no error';
  } catch (error) {
    return (error as { code: ProxyHeaderErrorCode }).code;
  }
}

describe('decodeProxyHeaderV2 on bad input', () => {
  it('asks for more bytes for every strict prefix of a valid header', () => {
    for (let length = 0; length < valid.length; length++) {
      expect(decodeProxyHeaderV2(valid.subarray(0, length))).toEqual({ status: 'incomplete', missing: length < 16 ? 16 - length : valid.length - length });
    }
  });

  it('refuses other protocols at their first byte', () => {
    expect(codeOf(Buffer.from([0x10]))).toBe('NOT_PROXY_V2'); // an MQTT CONNECT
    expect(codeOf(Buffer.from('GET / HTTP/1.1\r\n'))).toBe('NOT_PROXY_V2');
    expect(codeOf(Buffer.from('PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n'))).toBe('NOT_PROXY_V2'); // version 1
    expect(codeOf(Buffer.concat([PROXY_V2_SIGNATURE.subarray(0, 11), Buffer.from([0x00])]))).toBe('NOT_PROXY_V2');
  });

  it('refuses a bad version, command or family as soon as that byte arrives', () => {
    expect(codeOf(patched(12, 0x11).subarray(0, 13))).toBe('BAD_VERSION');
    expect(codeOf(patched(12, 0x22).subarray(0, 13))).toBe('BAD_COMMAND');
    expect(codeOf(patched(13, 0x41).subarray(0, 14))).toBe('BAD_FAMILY');
    expect(codeOf(patched(13, 0x13).subarray(0, 14))).toBe('BAD_FAMILY');
  });

  it('refuses a header over the size limit from its length field alone', () => {
    const huge = Buffer.from(valid.subarray(0, 16));
    huge.writeUInt16BE(0xffff, 14);
    expect(codeOf(huge)).toBe('TOO_LARGE');
    expect(codeOf(valid, valid.length - 1)).toBe('TOO_LARGE');
    expect(codeOf(valid, valid.length)).toBe('no error');
    expect(codeOf(valid, 15)).toBe('BAD_INPUT');
    expect(codeOf(huge, 0xffff + 16)).toBe('no error');
  });

  it('refuses an address block too short for its family, and TLVs that overrun the header', () => {
    const short = Buffer.from(valid.subarray(0, 16 + 8));
    short.writeUInt16BE(8, 14);
    expect(codeOf(short)).toBe('BAD_ADDRESS_LENGTH');
    const overrun = Buffer.concat([valid, Buffer.from([0xe0, 0x00, 0x05, 0x01])]);
    overrun.writeUInt16BE(12 + 4, 14);
    expect(codeOf(overrun)).toBe('BAD_TLV');
    const stub = Buffer.concat([valid, Buffer.from([0xe0, 0x00])]);
    stub.writeUInt16BE(12 + 2, 14);
    expect(codeOf(stub)).toBe('BAD_TLV');
    const shortSsl = Buffer.concat([valid, Buffer.from([0x20, 0x00, 0x02, 0x01, 0x00])]);
    shortSsl.writeUInt16BE(12 + 5, 14);
    expect(codeOf(shortSsl)).toBe('BAD_TLV');
  });

  it('refuses bad encoder input with a message naming the field', () => {
    expect(() => encodeProxyHeaderV2({ source: { address: 'localhost', port: 1 }, destination: { address: '10.0.0.1', port: 1 } })).toThrow(/source "localhost" is not an IP address/);
    expect(() => encodeProxyHeaderV2({ source: { address: '10.0.0.1', port: 1 }, destination: { address: '::1', port: 1 } })).toThrow(/destination "::1" is not an IPv4 address/);
    expect(() => encodeProxyHeaderV2({ source: { address: '10.0.0.1', port: 65536 }, destination: { address: '10.0.0.1', port: 1 } })).toThrow(/source port 65536/);
    expect(() => encodeProxyHeaderV2({ command: 'LOCAL', tlvs: [{ type: 0xe0, value: Buffer.alloc(0x10000) }] })).toThrow(/over 65535/);
    expect(() => encodeProxyHeaderV2({ command: 'LOCAL', tlvs: [{ type: 0xe0, value: Buffer.alloc(0xfffd) }, { type: 0xe1, value: Buffer.alloc(1) }] })).toThrow(/length field/);
    expect(() => encodeProxyHeaderV2({ family: 'IPv6', source: { address: 'fe80::1%eth0', port: 1 }, destination: { address: '::1', port: 1 } })).toThrow(/zone/);
  });
});
