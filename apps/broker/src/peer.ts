// Who is at the other end of a connection: the socket's peer, or, for a connection relayed by a trusted
// proxy, the client the proxy names (PROXY v2 header for TCP, X-Forwarded-For for WebSocket), with the
// identity of a verified client certificate when the proxy terminated TLS with one.
import type { IncomingMessage } from 'node:http';
import { isIP, type Socket } from 'node:net';
import type { ProxyHeader } from '@gateway/proxy-protocol';
import { plainAddress, type TrustedProxies } from './trusted-proxies.js';

export interface Peer {
  /** The client's IP address: what logs show, per-address limits count and ACLs see. */
  address: string;
  port: number | undefined;
  /** `address:port` of the proxy that relayed the connection, when one did. */
  via?: string;
  /** The CN of a client certificate the proxy verified: the client's user name. */
  certificateCn?: string;
}

/** `address:port`, or `[v6]:port`; the address alone when the port is unknown. */
export function formatPeer(address: string, port: number | undefined): string {
  const host = address.includes(':') ? `[${address}]` : address;
  return port === undefined ? address : `${host}:${String(port)}`;
}

export function socketPeer(socket: Socket): Peer {
  return { address: plainAddress(socket.remoteAddress ?? 'unknown'), port: socket.remotePort };
}

/** The client a PROXY v2 header names; a LOCAL header (the proxy's own health check) is the socket's peer. */
export function peerFromProxyHeader(socket: Socket, header: ProxyHeader): Peer {
  const own = socketPeer(socket);
  if (header.command === 'LOCAL' || header.source === undefined) return own;
  const peer: Peer = { address: plainAddress(header.source.address), port: header.source.port, via: formatPeer(own.address, own.port) };
  if (header.sslCommonName !== undefined) peer.certificateCn = header.sslCommonName;
  return peer;
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.at(-1) : value;
}

/**
 * The client of a WebSocket upgrade: from a trusted proxy, the last X-Forwarded-For address (the one the
 * proxy itself added) and X-Client-Cert-CN; from anyone else, the socket's peer, whatever the headers say.
 */
export async function peerFromUpgrade(socket: Socket, request: IncomingMessage, trusted: TrustedProxies): Promise<Peer> {
  const own = socketPeer(socket);
  if (!(await trusted.check(socket.remoteAddress))) return own;
  const forwarded = headerValue(request, 'x-forwarded-for')?.split(',').at(-1)?.trim();
  const address = forwarded === undefined ? undefined : plainAddress(forwarded);
  const peer: Peer = address !== undefined && isIP(address) !== 0 ? { address, port: undefined, via: formatPeer(own.address, own.port) } : own;
  const certificateCn = headerValue(request, 'x-client-cert-cn');
  if (certificateCn !== undefined && certificateCn !== '') peer.certificateCn = certificateCn;
  return peer;
}
