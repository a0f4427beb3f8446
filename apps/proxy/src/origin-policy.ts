// Which browser pages may open MQTT over WebSocket through the proxy (against cross-site WebSocket
// hijacking): requests without an Origin header (non-browser clients) always; with PROXY_WS_ALLOWED_ORIGINS
// set, exactly those origins; otherwise same-origin requests only (the Origin's host is the Host header).
import type { IncomingHttpHeaders } from 'node:http';
import { parseOrigin } from './config.js';

export type OriginDecision = { allowed: true } | { allowed: false; reason: string };

export type OriginPolicy = (headers: IncomingHttpHeaders) => OriginDecision;

/** `allowedOrigins` as normalised by the config (parseOrigin); empty for same-origin only. */
export function createOriginPolicy(allowedOrigins: readonly string[]): OriginPolicy {
  const allowed = new Set(allowedOrigins);
  return (headers) => {
    const originHeader = headers.origin;
    if (originHeader === undefined) return { allowed: true };
    const origin = parseOrigin(originHeader);
    if (origin === undefined) return { allowed: false, reason: `origin ${JSON.stringify(originHeader)} is not a valid origin` };
    if (allowed.size > 0) {
      return allowed.has(origin) ? { allowed: true } : { allowed: false, reason: `origin ${origin} is not in PROXY_WS_ALLOWED_ORIGINS` };
    }
    const host = normalisedHost(headers.host, origin);
    if (host !== undefined && host === new URL(origin).host) return { allowed: true };
    return { allowed: false, reason: `origin ${origin} is not this site (Host ${JSON.stringify(headers.host ?? '')}) and PROXY_WS_ALLOWED_ORIGINS is empty` };
  };
}

/** The Host header as URL.host writes it (lower case, no default port for the origin's scheme). */
function normalisedHost(hostHeader: string | undefined, origin: string): string | undefined {
  if (hostHeader === undefined || hostHeader === '' || /[/?#@\s]/.test(hostHeader)) return undefined;
  try {
    return new URL(`${new URL(origin).protocol}//${hostHeader}`).host;
  } catch {
    return undefined;
  }
}
