// Builds a PROXY protocol v2 header, to be written on an upstream connection before any other byte.
import { familyOf, ipv4ToBytes, ipv6ToBytes } from './addresses.js';
import {
  COMMAND_LOCAL,
  COMMAND_PROXY,
  FAMILY_INET,
  FAMILY_INET6,
  FAMILY_UNSPEC,
  FIXED_HEADER_BYTES,
  PP2_TYPE_CRC32C,
  PROXY_V2_SIGNATURE,
  TRANSPORT_DGRAM,
  TRANSPORT_STREAM,
  TRANSPORT_UNSPEC,
  VERSION_2,
} from './constants.js';
import { crc32c } from './crc32c.js';
import { ProxyHeaderError } from './errors.js';
import type { ProxyAddress, ProxyCommandInput, ProxyHeaderInput } from './header.js';
import { encodeTlvs } from './tlv.js';

export function encodeProxyHeaderV2(input: ProxyHeaderInput): Buffer {
  const local = input.command === 'LOCAL';
  const { familyByte, addressBlock } = local ? { familyByte: (FAMILY_UNSPEC << 4) | TRANSPORT_UNSPEC, addressBlock: Buffer.alloc(0) } : encodeAddresses(input);
  const tlvs = encodeTlvs(input.crc32c === true ? [...(input.tlvs ?? []), { type: PP2_TYPE_CRC32C, value: Buffer.alloc(4) }] : (input.tlvs ?? []));
  const length = addressBlock.length + tlvs.length;
  if (length > 0xffff) throw new ProxyHeaderError('BAD_INPUT', `addresses and TLVs make ${String(length)} bytes, over the 65535 the length field holds`);
  const fixed = Buffer.alloc(FIXED_HEADER_BYTES);
  PROXY_V2_SIGNATURE.copy(fixed, 0);
  fixed.writeUInt8((VERSION_2 << 4) | (local ? COMMAND_LOCAL : COMMAND_PROXY), 12);
  fixed.writeUInt8(familyByte, 13);
  fixed.writeUInt16BE(length, 14);
  const header = Buffer.concat([fixed, addressBlock, tlvs]);
  // The CRC32c TLV is the last one: its value is the checksum of the whole header with that value zeroed.
  if (input.crc32c === true) header.writeUInt32BE(crc32c(header), header.length - 4);
  return header;
}

function encodeAddresses(input: ProxyCommandInput): { familyByte: number; addressBlock: Buffer } {
  const family = input.family ?? familyOf(input.source.address);
  if (family === undefined) throw new ProxyHeaderError('BAD_INPUT', `source ${JSON.stringify(input.source.address)} is not an IP address`);
  for (const [role, endpoint] of [
    ['source', input.source],
    ['destination', input.destination],
  ] as const) {
    if (familyOf(endpoint.address) !== family) throw new ProxyHeaderError('BAD_INPUT', `${role} ${JSON.stringify(endpoint.address)} is not an ${family} address`);
    checkPort(role, endpoint);
  }
  const toBytes = family === 'IPv4' ? ipv4ToBytes : ipv6ToBytes;
  const ports = Buffer.alloc(4);
  ports.writeUInt16BE(input.source.port, 0);
  ports.writeUInt16BE(input.destination.port, 2);
  const transport = input.transport === 'dgram' ? TRANSPORT_DGRAM : TRANSPORT_STREAM;
  return {
    familyByte: ((family === 'IPv4' ? FAMILY_INET : FAMILY_INET6) << 4) | transport,
    addressBlock: Buffer.concat([toBytes(input.source.address), toBytes(input.destination.address), ports]),
  };
}

function checkPort(role: string, { port }: ProxyAddress): void {
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw new ProxyHeaderError('BAD_INPUT', `${role} port ${String(port)} is not 0-65535`);
}
