// Re-serialises an HTTP upgrade request for the upstream: the original request line and headers (names
// and order kept) minus whatever a client could use to pose as someone else (X-Forwarded-*, X-Real-IP,
// Forwarded, X-Client-Cert-CN), plus the proxy's own X-Forwarded-For, X-Forwarded-Proto, X-Real-IP and,
// for a verified client certificate, X-Client-Cert-CN. The broker trusts only these values.
import type { IncomingMessage } from 'node:http';

/** Headers dropped from the client's request: only the proxy sets them. */
const replacedHeaders = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-real-ip', 'forwarded', 'x-client-cert-cn']);

export interface ForwardedFor {
  /** The client's IP address: the whole X-Forwarded-For value (earlier hops are not kept). */
  clientIp: string;
  /** "ws" or "wss": how the client reached the proxy. */
  proto: 'ws' | 'wss';
  /** The verified client certificate's CN (already checked to be a safe header value). */
  clientCertCn?: string | undefined;
}

/** The request head (request line, headers, blank line) to write to the upstream socket. */
export function upgradeRequestHead(request: Pick<IncomingMessage, 'method' | 'url' | 'httpVersion' | 'rawHeaders'>, forwarded: ForwardedFor): Buffer {
  const lines = [`${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/${request.httpVersion}`];
  const raw = request.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index] as string;
    if (replacedHeaders.has(name.toLowerCase())) continue;
    lines.push(`${name}: ${raw[index + 1] as string}`);
  }
  lines.push(`X-Forwarded-For: ${forwarded.clientIp}`);
  lines.push(`X-Forwarded-Proto: ${forwarded.proto}`);
  lines.push(`X-Real-IP: ${forwarded.clientIp}`);
  if (forwarded.clientCertCn !== undefined) lines.push(`X-Client-Cert-CN: ${forwarded.clientCertCn}`);
  // Node decodes header bytes as latin1, so encoding them back as latin1 restores the original bytes.
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}
