// HAProxy's PROXY protocol version 2 (binary): encode a header for an upstream connection, decode one
// from a Buffer or read exactly one off a socket, with its TLVs (PP2_TYPE_SSL and the client's CN).
export { encodeProxyHeaderV2 } from './encode.js';
export { decodeProxyHeaderV2, type DecodeOptions, type DecodeResult } from './decode.js';
export { readProxyHeaderV2, type ReadProxyHeaderOptions, type ReadProxyHeaderResult } from './read-header.js';
export { encodeSslTlv, decodeSslTlv, encodeTlvs, decodeTlvs, type ProxyTlv, type SslInfo, type SslTlvInput } from './tlv.js';
export type { ProxyAddress, ProxyHeader, ProxyHeaderInput, ProxyCommandInput, LocalCommandInput } from './header.js';
export type { AddressFamily } from './addresses.js';
export { ProxyHeaderError, type ProxyHeaderErrorCode } from './errors.js';
export { crc32c } from './crc32c.js';
export * from './constants.js';
