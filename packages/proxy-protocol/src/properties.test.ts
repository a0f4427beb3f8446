// fast-check properties: any header the encoder can make decodes back to what went in, whatever the
// chunking of the stream; arbitrary bytes only ever give a ProxyHeaderError or "incomplete".
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeProxyHeaderV2, encodeProxyHeaderV2, encodeSslTlv, PP2_TYPE_CRC32C, PP2_TYPE_SSL, ProxyHeaderError, type ProxyHeaderInput, type ProxyTlv } from './index.js';

/** WHATWG URL's canonical IPv6 form: an independent formatter to compare the decoder's output with. */
const canonicalIpv6 = (address: string) => new URL(`http://[${address}]/`).hostname.slice(1, -1);

const port = fc.integer({ min: 0, max: 0xffff });
const plainTlv: fc.Arbitrary<ProxyTlv> = fc.record({
  type: fc.integer({ min: 0, max: 0xff }).filter((type) => type !== PP2_TYPE_CRC32C && type !== PP2_TYPE_SSL),
  value: fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
});
const sslTlv = fc
  .record({ clientCertificate: fc.boolean(), verified: fc.boolean(), commonName: fc.option(fc.string({ unit: 'grapheme', maxLength: 30 }), { nil: undefined }), version: fc.constantFrom('TLSv1.2', 'TLSv1.3') })
  .map(({ commonName, ...rest }) => ({ input: { ...rest, ...(commonName === undefined ? {} : { commonName }) }, tlv: encodeSslTlv({ ...rest, ...(commonName === undefined ? {} : { commonName }) }) }));

const endpoints = fc.oneof(
  fc.record({ family: fc.constant('IPv4' as const), source: fc.ipV4(), destination: fc.ipV4() }),
  fc.record({ family: fc.constant('IPv6' as const), source: fc.ipV6(), destination: fc.ipV6() }),
);

const proxyInput = fc.record({
  endpoints,
  sourcePort: port,
  destinationPort: port,
  transport: fc.constantFrom('stream' as const, 'dgram' as const),
  tlvs: fc.array(plainTlv, { maxLength: 4 }),
  ssl: fc.option(sslTlv, { nil: undefined }),
  crc32c: fc.boolean(),
});

describe('PROXY v2 properties', () => {
  it('decodes what it encodes (addresses, ports, TLVs, SSL, CRC32c)', () => {
    fc.assert(
      fc.property(proxyInput, (input) => {
        const { family, source, destination } = input.endpoints;
        const tlvs = input.ssl ? [...input.tlvs, input.ssl.tlv] : input.tlvs;
        const encoded = encodeProxyHeaderV2({
          family,
          transport: input.transport,
          source: { address: source, port: input.sourcePort },
          destination: { address: destination, port: input.destinationPort },
          tlvs,
          crc32c: input.crc32c,
        });
        const result = decodeProxyHeaderV2(encoded, { maxHeaderBytes: 0xffff + 16 });
        if (result.status !== 'complete') throw new Error('incomplete');
        const { header } = result;
        const canonical = family === 'IPv4' ? (address: string) => address : canonicalIpv6;
        expect(header).toMatchObject({ command: 'PROXY', family, transport: input.transport, length: encoded.length });
        expect(header.source).toEqual({ address: canonical(source), port: input.sourcePort });
        expect(header.destination).toEqual({ address: canonical(destination), port: input.destinationPort });
        expect(header.tlvs.filter((tlv) => tlv.type !== PP2_TYPE_CRC32C)).toEqual(tlvs);
        expect(result.rest).toHaveLength(0);
        const ssl = input.ssl?.input;
        const trusted = ssl?.clientCertificate === true && ssl.verified ? ssl.commonName : undefined;
        expect(header.sslCommonName).toBe(trusted);
        if (ssl) {
          expect(header.ssl).toMatchObject({ verified: ssl.clientCertificate && ssl.verified, version: ssl.version });
          expect(header.ssl?.commonName).toBe(ssl.commonName);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('finds the header and the bytes after it whatever the chunks the stream arrives in', () => {
    fc.assert(
      fc.property(proxyInput, fc.uint8Array({ maxLength: 64 }), fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 30 }), (input, after, sizes) => {
        const header = encodeProxyHeaderV2({
          source: { address: input.endpoints.source, port: input.sourcePort },
          destination: { address: input.endpoints.destination, port: input.destinationPort },
          tlvs: input.tlvs,
        });
        const stream = Buffer.concat([header, after]);
        let received = Buffer.alloc(0);
        let offset = 0;
        for (let index = 0; offset < stream.length; index++) {
          const size = sizes[index % sizes.length] ?? 1;
          received = Buffer.concat([received, stream.subarray(offset, offset + size)]);
          offset += size;
          const result = decodeProxyHeaderV2(received);
          if (received.length < header.length) {
            expect(result.status).toBe('incomplete');
            continue;
          }
          expect(result.status).toBe('complete');
          expect(result.status === 'complete' && result.rest).toEqual(received.subarray(header.length));
        }
      }),
    );
  });

  it('never throws anything but a ProxyHeaderError on arbitrary bytes, with or without a valid start', () => {
    const start = encodeProxyHeaderV2({ command: 'LOCAL' }).subarray(0, 12);
    fc.assert(
      fc.property(fc.boolean(), fc.uint8Array({ maxLength: 300 }), (withSignature, bytes) => {
        const input = withSignature ? Buffer.concat([start, bytes]) : Buffer.from(bytes);
        try {
          const result = decodeProxyHeaderV2(input);
          if (result.status === 'complete') expect(result.header.length).toBeLessThanOrEqual(input.length);
        } catch (error) {
          expect(error).toBeInstanceOf(ProxyHeaderError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('changes any one byte of the signature into a refusal', () => {
    const header = encodeProxyHeaderV2({ command: 'LOCAL' } satisfies ProxyHeaderInput);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 1, max: 255 }), (offset, delta) => {
        const changed = Buffer.from(header);
        changed[offset] = ((changed[offset] ?? 0) + delta) % 256;
        expect(() => decodeProxyHeaderV2(changed)).toThrow(expect.objectContaining({ code: 'NOT_PROXY_V2' }));
      }),
    );
  });
});
