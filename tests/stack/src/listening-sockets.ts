// Reads the kernel's table of listening TCP sockets (/proc/net/tcp and tcp6), to check which
// address a service really bound, without sending traffic anywhere.
import { readFileSync } from 'node:fs';

export interface ListeningSocket {
  address: string;
  port: number;
}

function decodeIpv4(hex: string): string {
  const bytes = hex.match(/../g) ?? [];
  return bytes
    .map((byte) => Number.parseInt(byte, 16))
    .reverse()
    .join('.');
}

function decodeIpv6(hex: string): string {
  if (/^0+$/.test(hex)) return '::';
  if (hex === '00000000000000000000000001000000') return '::1';
  return hex;
}

/** Every listening TCP socket on `port`. */
export function listeningSockets(port: number): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  for (const [file, decode] of [
    ['/proc/net/tcp', decodeIpv4],
    ['/proc/net/tcp6', decodeIpv6],
  ] as const) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [localHex, state] = [fields[1], fields[3]];
      if (!localHex || state !== '0A') continue;
      const [addressHex = '', portHex = ''] = localHex.split(':');
      if (Number.parseInt(portHex, 16) === port) sockets.push({ address: decode(addressHex), port });
    }
  }
  return sockets;
}
