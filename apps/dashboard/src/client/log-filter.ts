// Which log entries the list shows: newest first, optionally only one subscription's, and only
// those whose topic or text payload contains the search words.
import { matchTopic } from '@gateway/topics/match';
import { decodeUtf8 } from '../lib/payload-format';
import type { RingBuffer } from '../lib/ring-buffer';
import type { LogEntry } from './message-log';

export interface LogFilter {
  /** A subscription filter, or '' for every message. */
  readonly subscription: string;
  readonly search: string;
}

export function filterLog(entries: RingBuffer<LogEntry>, filter: LogFilter): LogEntry[] {
  const needle = filter.search.trim().toLowerCase();
  const out: LogEntry[] = [];
  for (let index = entries.length - 1; index >= 0; index -= 1) {
    const entry = entries.at(index);
    if (!entry) continue;
    if (filter.subscription !== '' && !matchTopic(filter.subscription, entry.topic)) continue;
    if (needle !== '' && !entry.topic.toLowerCase().includes(needle) && !(decodeUtf8(entry.payload) ?? '').toLowerCase().includes(needle)) continue;
    out.push(entry);
  }
  return out;
}
