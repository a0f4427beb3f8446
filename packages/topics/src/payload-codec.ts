// Payload codecs: validate, encode to bytes and decode from bytes, for JSON and plain-text payloads.
import type { z } from 'zod';

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: string };

export interface PayloadCodec<T> {
  /** The zod schema the payload must satisfy. */
  readonly schema: z.ZodType<T>;
  /** Checks an already-parsed value. */
  validate(value: unknown): DecodeResult<T>;
  /** Validates and encodes; throws a PayloadError naming the problem when the value is invalid. */
  encode(value: T): Uint8Array;
  /** Decodes bytes (or a string) received from MQTT; never throws. */
  decode(payload: Uint8Array | string): DecodeResult<T>;
}

export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

function validateWith<T>(schema: z.ZodType<T>, value: unknown): DecodeResult<T> {
  const result = schema.safeParse(value);
  return result.success ? { ok: true, value: result.data } : { ok: false, error: describe(result.error) };
}

function toText(payload: Uint8Array | string): DecodeResult<string> {
  if (typeof payload === 'string') return { ok: true, value: payload };
  try {
    return { ok: true, value: decoder.decode(payload) };
  } catch {
    return { ok: false, error: 'payload is not valid UTF-8' };
  }
}

/** A codec from a schema and how the validated value is written to text and read back from it. */
function textBasedCodec<T>(schema: z.ZodType<T>, toWire: (value: T) => string, fromWire: (text: string) => DecodeResult<unknown>): PayloadCodec<T> {
  return {
    schema,
    validate: (value) => validateWith(schema, value),
    encode(value) {
      const checked = validateWith(schema, value);
      if (!checked.ok) throw new PayloadError(`invalid payload: ${checked.error}`);
      return encoder.encode(toWire(checked.value));
    },
    decode(payload) {
      const text = toText(payload);
      if (!text.ok) return text;
      const parsed = fromWire(text.value);
      return parsed.ok ? validateWith(schema, parsed.value) : parsed;
    },
  };
}

function parseJson(text: string): DecodeResult<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: 'payload is not valid JSON' };
  }
}

/** A payload carried as JSON text. */
export function jsonCodec<T>(schema: z.ZodType<T>): PayloadCodec<T> {
  return textBasedCodec(schema, (value) => JSON.stringify(value), parseJson);
}

/** A payload carried as plain UTF-8 text (the classic setup's image names and status words). */
export function textCodec<T extends string>(schema: z.ZodType<T>): PayloadCodec<T> {
  return textBasedCodec(schema, (value) => value, (text) => ({ ok: true, value: text }));
}
