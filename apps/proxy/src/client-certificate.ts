// What a TLS client proved about itself: whether it presented a certificate, whether that certificate was
// verified against PROXY_TLS_CLIENT_CA_FILE, and its subject CN (passed to the broker as the identity).
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

export interface ClientTlsFacts {
  /** "TLSv1.3", ... */
  version: string | undefined;
  cipher: string | undefined;
  /** The client sent a certificate. */
  certificatePresented: boolean;
  /** That certificate chains to the client CA (socket.authorized). */
  verified: boolean;
  /** The verified certificate's subject CN; undefined when there is none or it was not verified. */
  commonName: string | undefined;
}

/** The TLS facts of a client socket, or undefined for a plain TCP client. */
export function clientTlsFacts(socket: Socket): ClientTlsFacts | undefined {
  if (!(socket instanceof TLSSocket)) return undefined;
  // An empty object when the client sent no certificate (null once the socket is destroyed).
  const peer = socket.getPeerCertificate() as ReturnType<TLSSocket['getPeerCertificate']> | null;
  const certificatePresented = peer !== null && Object.keys(peer).length > 0;
  const verified = certificatePresented && socket.authorized;
  // A subject may hold several CNs (node gives an array): the first is the identity.
  const cn: unknown = (peer?.subject as Record<string, unknown> | undefined)?.CN;
  const first = Array.isArray(cn) ? (cn[0] as unknown) : cn;
  return {
    version: socket.getProtocol() ?? undefined,
    cipher: socket.getCipher().name,
    certificatePresented,
    verified,
    commonName: verified && typeof first === 'string' && first !== '' ? first : undefined,
  };
}

/**
 * The CN as an HTTP header value: printable ASCII only, so a crafted certificate can never split the
 * request head; undefined when the CN has other characters.
 */
export function commonNameHeaderValue(commonName: string): string | undefined {
  return /^[\x20-\x7e]+$/.test(commonName) ? commonName.trim() : undefined;
}
