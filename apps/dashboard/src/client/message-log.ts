// The client's message log: incoming messages are batched per animation frame into a bounded ring
// buffer and the topic tree, queued for IndexedDB, and announced with one `version` bump per batch.
import { batch, signal } from '@preact/signals';
import { createFrameBatcher, type FrameBatcher } from '../lib/frame-batcher';
import { RingBuffer } from '../lib/ring-buffer';
import type { IncomingMessage } from '../mqtt/transport';
import type { HistoryStore } from './history-db';
import { TopicTree } from './topic-tree';

export interface LogEntry extends IncomingMessage {
  /** Increasing number, unique within the page's lifetime. */
  readonly seq: number;
}

export interface MessageLogOptions {
  readonly capacity: number;
  readonly requestFrame?: (callback: () => void) => unknown;
}

export class MessageLog {
  readonly entries: RingBuffer<LogEntry>;
  readonly tree = new TopicTree();
  /** Bumped once per applied batch; components read it to re-render. */
  readonly version = signal(0);
  /** Messages per second over the last few seconds. */
  readonly rate = signal(0);
  private history: HistoryStore | undefined;
  private readonly batcher: FrameBatcher<IncomingMessage>;
  private seq = 0;
  private rateWindow: { ts: number; count: number }[] = [];

  constructor(options: MessageLogOptions) {
    this.entries = new RingBuffer(options.capacity);
    this.batcher = createFrameBatcher((items) => this.apply(items, true), {
      maxPending: options.capacity,
      ...(options.requestFrame ? { requestFrame: options.requestFrame } : {}),
    });
  }

  /** Attaches the IndexedDB history: loads what it holds, then saves every new message. */
  async attachHistory(history: HistoryStore): Promise<void> {
    const stored = await history.load(this.entries.capacity);
    this.history = history;
    // Messages that arrived while loading are newer than the stored ones: keep them last.
    const live = this.entries.toArray();
    this.entries.clear();
    this.tree.clear();
    this.apply(stored, false);
    this.apply(live, false);
  }

  add(message: IncomingMessage): void {
    this.batcher.push(message);
  }

  /** Applies pending messages now (tests, before a reload). */
  flush(): void {
    this.batcher.flush();
  }

  get dropped(): number {
    return this.batcher.dropped;
  }

  async clear(): Promise<void> {
    this.batcher.flush();
    batch(() => {
      this.entries.clear();
      this.tree.clear();
      this.version.value += 1;
    });
    await this.history?.clear();
  }

  private apply(items: readonly IncomingMessage[], persist: boolean): void {
    if (items.length === 0) return;
    for (const item of items) {
      this.seq += 1;
      const entry: LogEntry = { topic: item.topic, payload: item.payload, qos: item.qos, retain: item.retain, ts: item.ts, seq: this.seq };
      this.entries.push(entry);
      this.tree.add(item.topic, { payload: item.payload, ts: item.ts, qos: item.qos, retain: item.retain });
    }
    if (persist) {
      this.history?.append(items.map(({ topic, payload, qos, retain, ts }) => ({ topic, payload, qos, retain, ts })));
      this.trackRate(items.length);
    }
    this.version.value += 1;
  }

  private trackRate(count: number): void {
    const now = Date.now();
    this.rateWindow.push({ ts: now, count });
    while (this.rateWindow.length > 0 && (this.rateWindow[0]?.ts ?? now) < now - 5000) this.rateWindow.shift();
    const total = this.rateWindow.reduce((sum, item) => sum + item.count, 0);
    this.rate.value = Math.round(total / 5);
  }
}
