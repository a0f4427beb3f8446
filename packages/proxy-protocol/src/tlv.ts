// Type-length-value vectors of a PROXY v2 header (one type byte, a 16-bit length, the value), and the
// PP2_TYPE_SSL value: a client flag byte, a 32-bit verify result, then sub-TLVs (version, CN, cipher...).
import {
  PP2_CLIENT_CERT_CONN,
  PP2_CLIENT_CERT_SESS,
  PP2_CLIENT_SSL,
  PP2_SUBTYPE_SSL_CIPHER,
  PP2_SUBTYPE_SSL_CN,
  PP2_SUBTYPE_SSL_KEY_ALG,
  PP2_SUBTYPE_SSL_SIG_ALG,
  PP2_SUBTYPE_SSL_VERSION,
  PP2_TYPE_SSL,
} from './constants.js';
import { ProxyHeaderError } from './errors.js';

export interface ProxyTlv {
  /** One byte: a PP2_TYPE_* value, or 0xE0-0xEF for application data. */
  type: number;
  value: Buffer;
}

export function encodeTlvs(tlvs: readonly ProxyTlv[]): Buffer {
  return Buffer.concat(
    tlvs.map(({ type, value }) => {
      if (!Number.isInteger(type) || type < 0 || type > 0xff) throw new ProxyHeaderError('BAD_INPUT', `TLV type ${String(type)} is not a byte`);
      if (value.length > 0xffff) throw new ProxyHeaderError('BAD_INPUT', `TLV 0x${type.toString(16)} value of ${String(value.length)} bytes is over 65535`);
      const head = Buffer.alloc(3);
      head.writeUInt8(type, 0);
      head.writeUInt16BE(value.length, 1);
      return Buffer.concat([head, value]);
    }),
  );
}

/** Splits `bytes` into TLVs; `where` names the block in errors ("TLV", "SSL sub-TLV"). */
export function decodeTlvs(bytes: Buffer, where = 'TLV'): ProxyTlv[] {
  const tlvs: ProxyTlv[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < 3) throw new ProxyHeaderError('BAD_TLV', `${where} at offset ${String(offset)} has ${String(bytes.length - offset)} bytes, fewer than its 3-byte type and length`);
    const type = bytes.readUInt8(offset);
    const length = bytes.readUInt16BE(offset + 1);
    const end = offset + 3 + length;
    if (end > bytes.length) {
      throw new ProxyHeaderError('BAD_TLV', `${where} 0x${type.toString(16).padStart(2, '0')} claims ${String(length)} bytes but only ${String(bytes.length - offset - 3)} remain in the header`);
    }
    tlvs.push({ type, value: bytes.subarray(offset + 3, end) });
    offset = end;
  }
  return tlvs;
}

/** What the sender knows about the client's TLS connection, for a PP2_TYPE_SSL TLV. */
export interface SslTlvInput {
  /** The client presented a certificate on this connection (PP2_CLIENT_CERT_CONN). */
  clientCertificate: boolean;
  /** That certificate was verified against the trusted CAs (verify field 0). */
  verified: boolean;
  /** The TLS version, such as "TLSv1.3" (PP2_SUBTYPE_SSL_VERSION). */
  version?: string;
  /** The client certificate's subject Common Name (PP2_SUBTYPE_SSL_CN). */
  commonName?: string;
  cipher?: string;
  signatureAlgorithm?: string;
  keyAlgorithm?: string;
}

/** A decoded PP2_TYPE_SSL TLV. */
export interface SslInfo {
  /** The raw `client` bit field (PP2_CLIENT_SSL | PP2_CLIENT_CERT_CONN | PP2_CLIENT_CERT_SESS). */
  client: number;
  /** The raw `verify` field: 0 when the client's certificate was verified. */
  verifyResult: number;
  /** A client certificate was presented (on this connection or the session) and verified. */
  verified: boolean;
  version?: string;
  commonName?: string;
  cipher?: string;
  signatureAlgorithm?: string;
  keyAlgorithm?: string;
  subTlvs: ProxyTlv[];
}

const textSubtypes = [
  ['version', PP2_SUBTYPE_SSL_VERSION],
  ['commonName', PP2_SUBTYPE_SSL_CN],
  ['cipher', PP2_SUBTYPE_SSL_CIPHER],
  ['signatureAlgorithm', PP2_SUBTYPE_SSL_SIG_ALG],
  ['keyAlgorithm', PP2_SUBTYPE_SSL_KEY_ALG],
] as const;

export function encodeSslTlv(input: SslTlvInput): ProxyTlv {
  const fixed = Buffer.alloc(5);
  fixed.writeUInt8(PP2_CLIENT_SSL | (input.clientCertificate ? PP2_CLIENT_CERT_CONN : 0), 0);
  // The spec: zero only when the client presented a certificate and it was verified.
  fixed.writeUInt32BE(input.clientCertificate && input.verified ? 0 : 1, 1);
  const subTlvs: ProxyTlv[] = [];
  for (const [field, type] of textSubtypes) {
    const text = input[field];
    if (text !== undefined) subTlvs.push({ type, value: Buffer.from(text, 'utf8') });
  }
  return { type: PP2_TYPE_SSL, value: Buffer.concat([fixed, encodeTlvs(subTlvs)]) };
}

export function decodeSslTlv(value: Buffer): SslInfo {
  if (value.length < 5) throw new ProxyHeaderError('BAD_TLV', `PP2_TYPE_SSL value has ${String(value.length)} bytes, fewer than its 5-byte client and verify fields`);
  const client = value.readUInt8(0);
  const verifyResult = value.readUInt32BE(1);
  const subTlvs = decodeTlvs(value.subarray(5), 'SSL sub-TLV');
  const info: SslInfo = { client, verifyResult, verified: verifyResult === 0 && (client & (PP2_CLIENT_CERT_CONN | PP2_CLIENT_CERT_SESS)) !== 0, subTlvs };
  for (const [field, type] of textSubtypes) {
    const found = subTlvs.find((tlv) => tlv.type === type);
    if (found) info[field] = found.value.toString('utf8');
  }
  return info;
}
