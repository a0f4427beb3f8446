// Byte vectors written by hand from the spec (haproxy doc/proxy-protocol.txt, section 2.2), not by the
// encoder: they check the encoder and decoder against the text rather than against each other.
import { describe, expect, it } from 'vitest';
import { crc32c, decodeProxyHeaderV2, encodeProxyHeaderV2, encodeSslTlv } from './index.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+|#.*$/gm, ''), 'hex');
const signature = '0D0A0D0A000D0A515549540A';

// The spec's own example connection (section 2.1): PROXY TCP4 192.168.0.1 192.168.0.11 56324 443.
const tcp4 = hex(`
  ${signature}
  21          # version 2, command PROXY
  11          # AF_INET, STREAM
  000C        # 12 address bytes follow
  C0A80001    # 192.168.0.1
  C0A8000B    # 192.168.0.11
  DC04        # 56324
  01BB        # 443
`);

// TCP over IPv6 with a PP2_TYPE_SSL TLV: TLS client, certificate on this connection, verified, CN "device-1".
const tcp6WithCn = hex(`
  ${signature}
  21 21 0037                          # PROXY, AF_INET6 + STREAM, 36 + 19 bytes
  20010DB8000000000000000000000001    # 2001:db8::1
  20010DB8000000000000000000000002    # 2001:db8::2
  04D2 22B3                           # 1234, 8883
  20 0010                             # PP2_TYPE_SSL, 16 bytes
  03                                  # PP2_CLIENT_SSL | PP2_CLIENT_CERT_CONN
  00000000                            # verify: 0 = verified
  22 0008 6465766963652D31            # PP2_SUBTYPE_SSL_CN "device-1"
`);

const local = hex(`${signature} 20 00 0000`);

describe('hand-written vectors from the spec', () => {
  it('encodes and decodes TCP over IPv4', () => {
    expect(encodeProxyHeaderV2({ source: { address: '192.168.0.1', port: 56324 }, destination: { address: '192.168.0.11', port: 443 } })).toEqual(tcp4);
    const result = decodeProxyHeaderV2(Buffer.concat([tcp4, Buffer.from('GET /')]));
    expect(result).toMatchObject({
      status: 'complete',
      header: { command: 'PROXY', family: 'IPv4', transport: 'stream', source: { address: '192.168.0.1', port: 56324 }, destination: { address: '192.168.0.11', port: 443 }, tlvs: [], length: 28 },
      rest: Buffer.from('GET /'),
    });
  });

  it('encodes and decodes TCP over IPv6 with the client certificate’s CN', () => {
    const encoded = encodeProxyHeaderV2({
      family: 'IPv6',
      source: { address: '2001:db8::1', port: 1234 },
      destination: { address: '2001:db8::2', port: 8883 },
      tlvs: [encodeSslTlv({ clientCertificate: true, verified: true, commonName: 'device-1' })],
    });
    expect(encoded).toEqual(tcp6WithCn);
    const result = decodeProxyHeaderV2(tcp6WithCn);
    expect(result.status === 'complete' && result.header).toMatchObject({
      family: 'IPv6',
      source: { address: '2001:db8::1', port: 1234 },
      destination: { address: '2001:db8::2', port: 8883 },
      ssl: { client: 3, verifyResult: 0, verified: true, commonName: 'device-1' },
      sslCommonName: 'device-1',
    });
  });

  it('does not hand out the CN of a certificate the sender did not verify', () => {
    const unverified = Buffer.from(tcp6WithCn);
    unverified.writeUInt32BE(1, 16 + 36 + 3 + 1);
    const result = decodeProxyHeaderV2(unverified);
    expect(result.status === 'complete' && result.header.ssl).toMatchObject({ verified: false, verifyResult: 1, commonName: 'device-1' });
    expect(result.status === 'complete' && result.header.sslCommonName).toBeUndefined();
  });

  it('encodes and decodes LOCAL, and skips a LOCAL header’s addresses whatever they are', () => {
    expect(encodeProxyHeaderV2({ command: 'LOCAL' })).toEqual(local);
    expect(decodeProxyHeaderV2(local)).toEqual({ status: 'complete', header: { command: 'LOCAL', family: 'UNSPEC', transport: 'UNSPEC', tlvs: [], length: 16 }, rest: Buffer.alloc(0) });
    const localWithAddresses = hex(`${signature} 20 11 000C C0A80001 C0A8000B DC04 01BB`);
    const result = decodeProxyHeaderV2(localWithAddresses);
    expect(result.status === 'complete' && result.header).toEqual({ command: 'LOCAL', family: 'IPv4', transport: 'stream', tlvs: [], length: 28 });
  });

  it('skips UNIX addresses (the spec lets a receiver treat them as UNSPEC) but reads the TLVs after them', () => {
    const unix = Buffer.concat([hex(`${signature} 21 31 00DF`), Buffer.alloc(216), hex('02 0004 686F7374')]);
    const result = decodeProxyHeaderV2(unix);
    expect(result.status === 'complete' && result.header).toMatchObject({ command: 'PROXY', family: 'UNIX', authority: 'host' });
    expect(result.status === 'complete' && result.header.source).toBeUndefined();
  });

  it('computes CRC32c as RFC 3720 (B.4) and the usual check value give it', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(32))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
  });

  it('appends a CRC32c TLV over the whole header and checks it when decoding', () => {
    const withCrc = encodeProxyHeaderV2({ source: { address: '192.168.0.1', port: 56324 }, destination: { address: '192.168.0.11', port: 443 }, crc32c: true });
    expect(withCrc.subarray(0, 14)).toEqual(tcp4.subarray(0, 14));
    expect(withCrc.readUInt16BE(14)).toBe(12 + 7);
    expect(withCrc.subarray(28, 31)).toEqual(hex('03 0004'));
    const zeroed = Buffer.from(withCrc);
    zeroed.fill(0, 31);
    expect(withCrc.readUInt32BE(31)).toBe(crc32c(zeroed));
    expect(decodeProxyHeaderV2(withCrc).status).toBe('complete');
    const corrupted = Buffer.from(withCrc);
    corrupted[20] = 0x01;
    expect(() => decodeProxyHeaderV2(corrupted)).toThrow(expect.objectContaining({ code: 'BAD_CHECKSUM' }));
  });
});
