// Re-serialises an HTTP upgrade request for the upstream, as NGINX does: the original request line and
// headers (names and order kept), plus X-Forwarded-For, X-Forwarded-Proto and X-Real-IP.
import type { IncomingMessage } from 'node:http';

const replacedHeaders = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-real-ip']);

export interface ForwardedFor {
  /** The client's IP address. */
  clientIp: string;
  /** "http" or "https": how the client reached the proxy. */
  proto: string;
}

/** The request head (request line, headers, blank line) to write to the upstream socket. */
export function upgradeRequestHead(request: Pick<IncomingMessage, 'method' | 'url' | 'httpVersion' | 'rawHeaders'>, forwarded: ForwardedFor): Buffer {
  const lines = [`${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/${request.httpVersion}`];
  const earlierHops: string[] = [];
  const raw = request.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index] as string;
    const value = raw[index + 1] as string;
    const lower = name.toLowerCase();
    if (lower === 'x-forwarded-for') earlierHops.push(value);
    if (replacedHeaders.has(lower)) continue;
    lines.push(`${name}: ${value}`);
  }
  // Like NGINX's $proxy_add_x_forwarded_for: earlier hops first, this client last.
  lines.push(`X-Forwarded-For: ${[...earlierHops, forwarded.clientIp].join(', ')}`);
  lines.push(`X-Forwarded-Proto: ${forwarded.proto}`);
  lines.push(`X-Real-IP: ${forwarded.clientIp}`);
  // Node decodes header bytes as latin1, so encoding them back as latin1 restores the original bytes.
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}
