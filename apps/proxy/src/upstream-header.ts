// The PROXY protocol v2 header written first on an upstream raw MQTT connection: the client's real
// source and destination address and port and, for a TLS client, a PP2_TYPE_SSL TLV (TLS version,
// cipher, and the verified client certificate's CN, which the broker takes as the username identity).
import type { Socket } from 'node:net';
import { encodeProxyHeaderV2, encodeSslTlv, type ProxyTlv } from '@gateway/proxy-protocol';
import { clientTlsFacts } from './client-certificate.js';

/** The header for `client`'s upstream connection; a LOCAL header when its addresses are gone (it closed meanwhile) or cannot be encoded. */
export function upstreamProxyHeader(client: Socket): Buffer {
  const tlvs: ProxyTlv[] = [];
  const facts = clientTlsFacts(client);
  if (facts) {
    tlvs.push(
      encodeSslTlv({
        clientCertificate: facts.certificatePresented,
        verified: facts.verified,
        ...(facts.version === undefined ? {} : { version: facts.version }),
        ...(facts.cipher === undefined ? {} : { cipher: facts.cipher }),
        ...(facts.commonName === undefined ? {} : { commonName: facts.commonName }),
      }),
    );
  }
  const endpoints = socketEndpoints(client);
  if (endpoints !== undefined) {
    try {
      return encodeProxyHeaderV2({ command: 'PROXY', ...endpoints, tlvs });
    } catch {
      // Addresses a PROXY header cannot carry (mixed families): the broker then uses the connection's own.
    }
  }
  return encodeProxyHeaderV2({ command: 'LOCAL', tlvs });
}

function socketEndpoints(socket: Socket): { source: { address: string; port: number }; destination: { address: string; port: number } } | undefined {
  const { remoteAddress, remotePort, localAddress, localPort } = socket;
  if (remoteAddress === undefined || remotePort === undefined || localAddress === undefined || localPort === undefined) return undefined;
  // On a dual-stack listener IPv4 clients appear as ::ffff:a.b.c.d on both ends: send them as IPv4.
  const mapped = remoteAddress.startsWith('::ffff:') && remoteAddress.includes('.') && localAddress.startsWith('::ffff:') && localAddress.includes('.');
  const plain = (address: string) => (mapped ? address.slice('::ffff:'.length) : address.replace(/%.*$/, ''));
  return { source: { address: plain(remoteAddress), port: remotePort }, destination: { address: plain(localAddress), port: localPort } };
}
