// The shapes a PROXY v2 header is encoded from and decoded to.
import type { AddressFamily } from './addresses.js';
import type { ProxyTlv, SslInfo } from './tlv.js';

export interface ProxyAddress {
  /** An IPv4 address ("192.0.2.1") or IPv6 address ("2001:db8::1"). */
  address: string;
  port: number;
}

interface CommonInput {
  /** TLVs to append after the addresses, in order (see encodeSslTlv for PP2_TYPE_SSL). */
  tlvs?: readonly ProxyTlv[];
  /** Appends a PP2_TYPE_CRC32C TLV with the header's checksum. */
  crc32c?: boolean;
}

/** A connection relayed for a client: its address (source) and the address it connected to (destination). */
export interface ProxyCommandInput extends CommonInput {
  command?: 'PROXY';
  /** Defaults to the family of `source`; both addresses must be of this family. */
  family?: AddressFamily;
  /** Defaults to "stream" (TCP). */
  transport?: 'stream' | 'dgram';
  source: ProxyAddress;
  destination: ProxyAddress;
}

/** A connection the proxy made on its own behalf (a health check): the receiver uses the real endpoints. */
export interface LocalCommandInput extends CommonInput {
  command: 'LOCAL';
}

export type ProxyHeaderInput = ProxyCommandInput | LocalCommandInput;

export interface ProxyHeader {
  command: 'PROXY' | 'LOCAL';
  /** UNIX addresses are skipped, as the spec allows: the receiver treats them as UNSPEC. */
  family: AddressFamily | 'UNIX' | 'UNSPEC';
  transport: 'stream' | 'dgram' | 'UNSPEC';
  /** The client, for a PROXY command over IPv4/IPv6; absent for LOCAL and UNSPEC (use the socket's own addresses). */
  source?: ProxyAddress;
  destination?: ProxyAddress;
  /** Every top-level TLV, in order (including PP2_TYPE_SSL and PP2_TYPE_CRC32C). */
  tlvs: ProxyTlv[];
  /** The decoded PP2_TYPE_SSL TLV, when present. */
  ssl?: SslInfo;
  /** The client certificate's CN, only when the sender says the certificate was verified: an identity to trust. */
  sslCommonName?: string;
  /** PP2_TYPE_AUTHORITY: the host name the client asked for (TLS SNI). */
  authority?: string;
  /** Total bytes of the header (16 + the length field). */
  length: number;
}
