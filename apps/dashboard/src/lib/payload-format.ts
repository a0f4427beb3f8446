// How a payload is shown: as UTF-8 text, as pretty-printed JSON, or as a hex dump. Never throws:
// a payload that is not what it claims to be falls back to a form that can show any bytes.
export type PayloadView = 'auto' | 'text' | 'json' | 'hex';

const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const lenientDecoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

export function toBytes(payload: Uint8Array | string): Uint8Array {
  return typeof payload === 'string' ? encoder.encode(payload) : payload;
}

/** The payload as text, or undefined when it is not valid UTF-8. */
export function decodeUtf8(payload: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(payload);
  } catch {
    return undefined;
  }
}

/** Whether the text contains control characters other than tab, newline and carriage return. */
function looksBinary(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}

/** The payload as pretty JSON (2-space indent), or undefined when it is not JSON. */
export function toPrettyJson(payload: Uint8Array): string | undefined {
  const text = decodeUtf8(payload);
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.stringify(JSON.parse(text) as unknown, null, 2);
  } catch {
    return undefined;
  }
}

/** A classic hex dump: offset, 16 bytes in hex, printable ASCII; at most `maxBytes` bytes. */
export function toHexDump(payload: Uint8Array, maxBytes = 4096): string {
  const lines: string[] = [];
  const end = Math.min(payload.length, maxBytes);
  for (let offset = 0; offset < end; offset += 16) {
    const row = payload.subarray(offset, Math.min(offset + 16, end));
    const hex = Array.from(row, (byte) => byte.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, (byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex.padEnd(47, ' ')}  ${ascii}`);
  }
  if (payload.length > end) lines.push(`… ${payload.length - end} more bytes`);
  return lines.join('\n');
}

/** The view `auto` picks: JSON when it parses as an object or array, text when printable, hex otherwise. */
export function detectView(payload: Uint8Array): Exclude<PayloadView, 'auto'> {
  const text = decodeUtf8(payload);
  if (text === undefined || looksBinary(text)) return 'hex';
  const trimmed = text.trim();
  if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && toPrettyJson(payload) !== undefined) return 'json';
  return 'text';
}

export interface FormattedPayload {
  /** The view actually used (a requested view that does not fit falls back). */
  readonly view: Exclude<PayloadView, 'auto'>;
  readonly text: string;
  /** Why the requested view was not used, when it was not. */
  readonly note?: string;
}

export function formatPayload(payload: Uint8Array, requested: PayloadView = 'auto'): FormattedPayload {
  const view = requested === 'auto' ? detectView(payload) : requested;
  if (view === 'json') {
    const json = toPrettyJson(payload);
    if (json !== undefined) return { view, text: json };
    const fallback = formatPayload(payload, decodeUtf8(payload) === undefined ? 'hex' : 'text');
    return { ...fallback, note: 'not valid JSON' };
  }
  if (view === 'text') {
    const text = decodeUtf8(payload);
    if (text !== undefined) return { view, text };
    return { view: 'text', text: lenientDecoder.decode(payload), note: 'not valid UTF-8: invalid bytes shown as �' };
  }
  return { view: 'hex', text: toHexDump(payload) };
}

/** A one-line preview for the message list: text with whitespace collapsed, or hex for binary. */
export function previewPayload(payload: Uint8Array, maxChars = 160): string {
  if (payload.length === 0) return '(empty)';
  const text = decodeUtf8(payload);
  if (text === undefined || looksBinary(text)) {
    const hex = Array.from(payload.subarray(0, Math.ceil(maxChars / 3)), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
    return `0x ${hex}${payload.length * 3 > maxChars ? ' …' : ''}`;
  }
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > maxChars ? `${flat.slice(0, maxChars - 1)}…` : flat;
}

/** Human-readable byte count. */
export function formatBytes(count: number): string {
  if (count < 1024) return `${count} B`;
  if (count < 1024 * 1024) return `${(count / 1024).toFixed(1)} KB`;
  return `${(count / 1024 / 1024).toFixed(1)} MB`;
}
