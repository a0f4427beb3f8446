// Reads exactly one PROXY v2 header off the front of a stream (a net.Socket on the receiving side),
// leaving everything after it for the next reader, with a time limit and the decoder's size limit.
import type { Readable } from 'node:stream';
import { decodeProxyHeaderV2, type DecodeOptions } from './decode.js';
import { ProxyHeaderError } from './errors.js';
import type { ProxyHeader } from './header.js';

export interface ReadProxyHeaderOptions extends DecodeOptions {
  /** Rejects with a TIMEOUT error if the whole header has not arrived by then; default 5000 ms, 0 = no limit. */
  timeoutMs?: number;
  /**
   * Puts the bytes read past the header back into the stream (`unshift`), so the next reader (an MQTT
   * parser) sees the stream as if the header had never been there; default true. With false, the
   * caller owns `rest`.
   */
  unshiftRest?: boolean;
}

export interface ReadProxyHeaderResult {
  header: ProxyHeader;
  /** Bytes read past the header: already back in the stream unless `unshiftRest` was false. */
  rest: Buffer;
}

/**
 * Resolves with the header once it has arrived; rejects with a ProxyHeaderError when the bytes are not
 * a valid header, it is too large, the stream ends first, or the time runs out. It never destroys the
 * stream: on rejection the caller drops the connection, as the spec requires.
 */
export function readProxyHeaderV2(stream: Readable, options: ReadProxyHeaderOptions = {}): Promise<ReadProxyHeaderResult> {
  const { timeoutMs = 5000, unshiftRest = true } = options;
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    let timer: NodeJS.Timeout | undefined;
    const settle = (outcome: () => void) => {
      clearTimeout(timer);
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      stream.off('error', onError);
      outcome();
    };
    const onReadable = () => {
      let chunk: unknown;
      while ((chunk = stream.read()) !== null) {
        received = Buffer.concat([received, chunk as Buffer]);
        let result;
        try {
          result = decodeProxyHeaderV2(received, options);
        } catch (error) {
          settle(() => reject(error instanceof Error ? error : new ProxyHeaderError('BAD_INPUT', String(error))));
          return;
        }
        if (result.status === 'complete') {
          const { header, rest } = result;
          settle(() => {
            if (unshiftRest && rest.length > 0) stream.unshift(rest);
            resolve({ header, rest });
          });
          return;
        }
      }
    };
    const onEnd = () => settle(() => reject(new ProxyHeaderError('TRUNCATED', `the connection ended after ${String(received.length)} bytes, before the header was complete`)));
    const onError = (error: Error) => settle(() => reject(error));
    if (timeoutMs > 0) {
      timer = setTimeout(
        () => settle(() => reject(new ProxyHeaderError('TIMEOUT', `no complete header within ${String(timeoutMs)} ms (${String(received.length)} bytes received)`))),
        timeoutMs,
      );
    }
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('close', onEnd);
    stream.once('error', onError);
  });
}
