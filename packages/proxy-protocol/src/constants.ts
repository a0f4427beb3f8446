// The numbers of the PROXY protocol version 2 (haproxy doc/proxy-protocol.txt, section 2.2): the
// signature, the command and family nibbles, and the registered TLV types and SSL sub-types.

/** The 12 bytes every v2 header starts with (contains a NUL: never handle it as a C string). */
export const PROXY_V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

/** Signature (12) + version/command (1) + family/transport (1) + length (2). */
export const FIXED_HEADER_BYTES = 16;
/** The largest header the length field can describe. */
export const MAX_HEADER_BYTES = FIXED_HEADER_BYTES + 0xffff;
/** What a decoder accepts unless told otherwise: addresses plus a few hundred bytes of TLVs. */
export const DEFAULT_MAX_HEADER_BYTES = 2048;

export const VERSION_2 = 0x2;
export const COMMAND_LOCAL = 0x0;
export const COMMAND_PROXY = 0x1;

export const FAMILY_UNSPEC = 0x0;
export const FAMILY_INET = 0x1;
export const FAMILY_INET6 = 0x2;
export const FAMILY_UNIX = 0x3;

export const TRANSPORT_UNSPEC = 0x0;
export const TRANSPORT_STREAM = 0x1;
export const TRANSPORT_DGRAM = 0x2;

/** Bytes of the address block per family: two addresses and, for INET/INET6, two ports. */
export const ADDRESS_BLOCK_BYTES: Readonly<Record<number, number>> = { [FAMILY_INET]: 12, [FAMILY_INET6]: 36, [FAMILY_UNIX]: 216 };

export const PP2_TYPE_ALPN = 0x01;
export const PP2_TYPE_AUTHORITY = 0x02;
export const PP2_TYPE_CRC32C = 0x03;
export const PP2_TYPE_NOOP = 0x04;
export const PP2_TYPE_UNIQUE_ID = 0x05;
export const PP2_TYPE_SSL = 0x20;
export const PP2_SUBTYPE_SSL_VERSION = 0x21;
export const PP2_SUBTYPE_SSL_CN = 0x22;
export const PP2_SUBTYPE_SSL_CIPHER = 0x23;
export const PP2_SUBTYPE_SSL_SIG_ALG = 0x24;
export const PP2_SUBTYPE_SSL_KEY_ALG = 0x25;
export const PP2_TYPE_NETNS = 0x30;

/** Bits of the `client` byte of a PP2_TYPE_SSL value. */
export const PP2_CLIENT_SSL = 0x01;
export const PP2_CLIENT_CERT_CONN = 0x02;
export const PP2_CLIENT_CERT_SESS = 0x04;
