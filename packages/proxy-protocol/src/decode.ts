// Decodes a PROXY protocol v2 header from the bytes received so far: says when more are needed, and
// rejects garbage as early as the first byte that cannot belong to a valid header, and a header over
// the size limit as soon as its length field arrives.
import { bytesToIpv4, bytesToIpv6 } from './addresses.js';
import {
  ADDRESS_BLOCK_BYTES,
  COMMAND_LOCAL,
  COMMAND_PROXY,
  DEFAULT_MAX_HEADER_BYTES,
  FAMILY_INET,
  FAMILY_INET6,
  FAMILY_UNIX,
  FAMILY_UNSPEC,
  FIXED_HEADER_BYTES,
  MAX_HEADER_BYTES,
  PP2_TYPE_AUTHORITY,
  PP2_TYPE_CRC32C,
  PP2_TYPE_SSL,
  PROXY_V2_SIGNATURE,
  TRANSPORT_DGRAM,
  TRANSPORT_STREAM,
  TRANSPORT_UNSPEC,
  VERSION_2,
} from './constants.js';
import { crc32c } from './crc32c.js';
import { ProxyHeaderError } from './errors.js';
import type { ProxyHeader } from './header.js';
import { decodeSslTlv, decodeTlvs } from './tlv.js';

export interface DecodeOptions {
  /** Largest header accepted, in bytes (16 + addresses + TLVs); default 2048, at most 65551. */
  maxHeaderBytes?: number;
}

export type DecodeResult =
  | { status: 'incomplete'; /** Bytes still missing, as far as is known yet. */ missing: number }
  | { status: 'complete'; header: ProxyHeader; /** The bytes after the header (the proxied stream's first bytes). */ rest: Buffer };

const families: Readonly<Record<number, ProxyHeader['family']>> = { [FAMILY_UNSPEC]: 'UNSPEC', [FAMILY_INET]: 'IPv4', [FAMILY_INET6]: 'IPv6', [FAMILY_UNIX]: 'UNIX' };
const transports: Readonly<Record<number, ProxyHeader['transport']>> = { [TRANSPORT_UNSPEC]: 'UNSPEC', [TRANSPORT_STREAM]: 'stream', [TRANSPORT_DGRAM]: 'dgram' };

/** Decodes the header at the start of `buffer`; throws a ProxyHeaderError for anything but a valid (or valid so far) header. */
export function decodeProxyHeaderV2(buffer: Buffer, options: DecodeOptions = {}): DecodeResult {
  const maxHeaderBytes = checkedLimit(options.maxHeaderBytes);
  const signatureBytes = Math.min(buffer.length, PROXY_V2_SIGNATURE.length);
  if (!buffer.subarray(0, signatureBytes).equals(PROXY_V2_SIGNATURE.subarray(0, signatureBytes))) {
    throw new ProxyHeaderError('NOT_PROXY_V2', `the connection does not start with the v2 signature (first bytes ${buffer.subarray(0, 16).toString('hex')})`);
  }
  if (buffer.length >= 13) {
    const versionCommand = buffer.readUInt8(12);
    if (versionCommand >> 4 !== VERSION_2) throw new ProxyHeaderError('BAD_VERSION', `version ${String(versionCommand >> 4)}, expected 2`);
    if ((versionCommand & 0x0f) > COMMAND_PROXY) throw new ProxyHeaderError('BAD_COMMAND', `command 0x${(versionCommand & 0x0f).toString(16)}, expected LOCAL (0) or PROXY (1)`);
  }
  if (buffer.length >= 14) {
    const familyByte = buffer.readUInt8(13);
    if (families[familyByte >> 4] === undefined || transports[familyByte & 0x0f] === undefined) {
      throw new ProxyHeaderError('BAD_FAMILY', `family/transport byte 0x${familyByte.toString(16).padStart(2, '0')} is not one the spec defines`);
    }
  }
  if (buffer.length < FIXED_HEADER_BYTES) return { status: 'incomplete', missing: FIXED_HEADER_BYTES - buffer.length };
  const length = FIXED_HEADER_BYTES + buffer.readUInt16BE(14);
  if (length > maxHeaderBytes) throw new ProxyHeaderError('TOO_LARGE', `header of ${String(length)} bytes is over the limit of ${String(maxHeaderBytes)}`);
  if (buffer.length < length) return { status: 'incomplete', missing: length - buffer.length };
  return { status: 'complete', header: parseHeader(buffer.subarray(0, length)), rest: buffer.subarray(length) };
}

function checkedLimit(limit = DEFAULT_MAX_HEADER_BYTES): number {
  if (!Number.isInteger(limit) || limit < FIXED_HEADER_BYTES || limit > MAX_HEADER_BYTES) {
    throw new ProxyHeaderError('BAD_INPUT', `maxHeaderBytes ${String(limit)} is not ${String(FIXED_HEADER_BYTES)}-${String(MAX_HEADER_BYTES)}`);
  }
  return limit;
}

/** `bytes` is exactly one header whose fixed part has been checked. */
function parseHeader(bytes: Buffer): ProxyHeader {
  const command = (bytes.readUInt8(12) & 0x0f) === COMMAND_LOCAL ? 'LOCAL' : 'PROXY';
  const familyNibble = bytes.readUInt8(13) >> 4;
  const family = families[familyNibble] ?? 'UNSPEC';
  const transport = transports[bytes.readUInt8(13) & 0x0f] ?? 'UNSPEC';
  const body = bytes.subarray(FIXED_HEADER_BYTES);
  const addressBytes = ADDRESS_BLOCK_BYTES[familyNibble] ?? 0;
  if (body.length < addressBytes) {
    // A LOCAL header may carry no addresses whatever its family: then the whole body is ignored.
    if (command === 'LOCAL') return { command, family, transport, tlvs: [], length: bytes.length };
    throw new ProxyHeaderError('BAD_ADDRESS_LENGTH', `${family} needs ${String(addressBytes)} address bytes, the header has ${String(body.length)}`);
  }
  const header: ProxyHeader = { command, family, transport, tlvs: decodeTlvs(body.subarray(addressBytes)), length: bytes.length };
  if (command === 'PROXY' && transport !== 'UNSPEC' && (family === 'IPv4' || family === 'IPv6')) {
    const size = family === 'IPv4' ? 4 : 16;
    const format = family === 'IPv4' ? bytesToIpv4 : bytesToIpv6;
    header.source = { address: format(body.subarray(0, size)), port: body.readUInt16BE(2 * size) };
    header.destination = { address: format(body.subarray(size, 2 * size)), port: body.readUInt16BE(2 * size + 2) };
  }
  applyKnownTlvs(header, bytes);
  return header;
}

function applyKnownTlvs(header: ProxyHeader, bytes: Buffer): void {
  let offset = FIXED_HEADER_BYTES + (bytes.length - FIXED_HEADER_BYTES - header.tlvs.reduce((sum, tlv) => sum + 3 + tlv.value.length, 0));
  for (const tlv of header.tlvs) {
    if (tlv.type === PP2_TYPE_CRC32C) verifyChecksum(bytes, offset, tlv.value);
    if (tlv.type === PP2_TYPE_SSL && header.ssl === undefined) {
      header.ssl = decodeSslTlv(tlv.value);
      if (header.ssl.verified && header.ssl.commonName !== undefined) header.sslCommonName = header.ssl.commonName;
    }
    if (tlv.type === PP2_TYPE_AUTHORITY && header.authority === undefined) header.authority = tlv.value.toString('utf8');
    offset += 3 + tlv.value.length;
  }
}

function verifyChecksum(bytes: Buffer, tlvOffset: number, value: Buffer): void {
  if (value.length !== 4) throw new ProxyHeaderError('BAD_TLV', `PP2_TYPE_CRC32C value has ${String(value.length)} bytes, expected 4`);
  const zeroed = Buffer.from(bytes);
  zeroed.fill(0, tlvOffset + 3, tlvOffset + 7);
  const expected = crc32c(zeroed);
  const received = value.readUInt32BE(0);
  if (expected !== received) {
    throw new ProxyHeaderError('BAD_CHECKSUM', `CRC32c 0x${received.toString(16).padStart(8, '0')} does not match the header's 0x${expected.toString(16).padStart(8, '0')}`);
  }
}
