// The one error a PROXY v2 decoder throws, with a code a receiver can log or count, and a message saying
// which byte or field was wrong. A receiver must drop the connection on any of them (the spec's rule).
export type ProxyHeaderErrorCode =
  | 'NOT_PROXY_V2'
  | 'BAD_VERSION'
  | 'BAD_COMMAND'
  | 'BAD_FAMILY'
  | 'TOO_LARGE'
  | 'BAD_ADDRESS_LENGTH'
  | 'BAD_TLV'
  | 'BAD_CHECKSUM'
  | 'TRUNCATED'
  | 'TIMEOUT'
  | 'BAD_INPUT';

export class ProxyHeaderError extends Error {
  constructor(
    readonly code: ProxyHeaderErrorCode,
    message: string,
  ) {
    super(`PROXY v2 header: ${message}`);
    this.name = 'ProxyHeaderError';
  }
}
