// IP addresses between their text form and the network-order bytes of the PROXY v2 address block.
// IPv6 text comes out in the canonical compressed form (RFC 5952, as WHATWG URLs print it).
import { isIPv4, isIPv6 } from 'node:net';
import { ProxyHeaderError } from './errors.js';

export type AddressFamily = 'IPv4' | 'IPv6';

export function familyOf(address: string): AddressFamily | undefined {
  if (isIPv4(address)) return 'IPv4';
  if (isIPv6(address)) return 'IPv6';
  return undefined;
}

export function ipv4ToBytes(address: string): Buffer {
  if (!isIPv4(address)) throw new ProxyHeaderError('BAD_INPUT', `${JSON.stringify(address)} is not an IPv4 address`);
  return Buffer.from(address.split('.').map(Number));
}

export function ipv6ToBytes(address: string): Buffer {
  if (!isIPv6(address) || address.includes('%')) throw new ProxyHeaderError('BAD_INPUT', `${JSON.stringify(address)} is not an IPv6 address (zone ids are not carried)`);
  const [headText = '', tailText] = address.split('::');
  const groups = (text: string | undefined): number[] => {
    if (text === undefined || text === '') return [];
    const parts = text.split(':');
    const last = parts.at(-1) ?? '';
    // An embedded IPv4 address ("::ffff:192.0.2.1") makes the last two groups.
    const hex = (last.includes('.') ? parts.slice(0, -1) : parts).map((part) => Number.parseInt(part, 16));
    if (!last.includes('.')) return hex;
    const trailing = ipv4ToBytes(last);
    return [...hex, trailing.readUInt16BE(0), trailing.readUInt16BE(2)];
  };
  const head = groups(headText);
  const tail = groups(tailText);
  const all = tailText === undefined ? head : [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  const bytes = Buffer.alloc(16);
  all.forEach((group, index) => bytes.writeUInt16BE(group, index * 2));
  return bytes;
}

export function bytesToIpv4(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 4)).join('.');
}

export function bytesToIpv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let index = 0; index < 16; index += 2) groups.push(((bytes[index] ?? 0) << 8) | (bytes[index + 1] ?? 0));
  // The first longest run of two or more zero groups becomes "::".
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; ) {
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end === start ? start + 1 : end;
  }
  const hex = (list: number[]) => list.map((group) => group.toString(16)).join(':');
  if (bestStart === -1) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}
