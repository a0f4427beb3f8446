// Test fixture: a real pino logger whose JSON lines are kept in memory, so tests can assert on log lines.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from './logger.js';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface LogCapture {
  logger: Logger;
  lines: LogLine[];
  /** Lines whose message contains `text`. */
  matching(text: string): LogLine[];
}

export function captureLogs(service: string, level: 'debug' | 'info' | 'warn' = 'info'): LogCapture {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const text of chunk.toString('utf8').split('\n')) {
        if (text.trim() !== '') lines.push(JSON.parse(text) as LogLine);
      }
      callback();
    },
  });
  const logger = createLogger(service, level, stream);
  return { logger, lines, matching: (text) => lines.filter((line) => line.msg.includes(text)) };
}
