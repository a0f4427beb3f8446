// The message history in IndexedDB, so the log survives a reload: writes are queued and committed
// in one transaction every few hundred ms, and the store is trimmed to the newest `maxEntries`.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { QoS } from '../mqtt/transport';

export interface StoredMessage {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly qos: QoS;
  readonly retain: boolean;
  readonly ts: number;
}

interface HistorySchema extends DBSchema {
  messages: { key: number; value: StoredMessage };
}

export interface HistoryStoreOptions {
  readonly name?: string;
  readonly maxEntries: number;
  /** How long writes wait to be batched, ms. */
  readonly flushMs?: number;
  readonly indexedDB?: IDBFactory;
}

export class HistoryStore {
  private queue: StoredMessage[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly db: IDBPDatabase<HistorySchema>,
    private readonly maxEntries: number,
    private readonly flushMs: number,
  ) {}

  static async open(options: HistoryStoreOptions): Promise<HistoryStore> {
    const db = await openDB<HistorySchema>(options.name ?? 'gateway-dashboard', 1, {
      upgrade(database) {
        database.createObjectStore('messages', { autoIncrement: true });
      },
    });
    return new HistoryStore(db, options.maxEntries, options.flushMs ?? 400);
  }

  /** The newest `limit` messages, oldest first. */
  async load(limit = this.maxEntries): Promise<StoredMessage[]> {
    const out: StoredMessage[] = [];
    let cursor = await this.db.transaction('messages').store.openCursor(null, 'prev');
    while (cursor && out.length < limit) {
      out.push(cursor.value);
      cursor = await cursor.continue();
    }
    return out.reverse();
  }

  /** Queues messages for the next batched write. */
  append(messages: readonly StoredMessage[]): void {
    this.queue.push(...messages);
    if (this.queue.length > this.maxEntries) this.queue.splice(0, this.queue.length - this.maxEntries);
    this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Writes everything queued now, in one transaction, then trims old entries. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return this.writing;
    this.writing = this.writing.then(async () => {
      const tx = this.db.transaction('messages', 'readwrite');
      const keys = await Promise.all(batch.map((message) => tx.store.add(message)));
      const lastKey = keys.at(-1) ?? 0;
      const oldestKept = lastKey - this.maxEntries + 1;
      if (oldestKept > 1) await tx.store.delete(IDBKeyRange.upperBound(oldestKept, true));
      await tx.done;
    }).catch((error: unknown) => {
      console.warn('could not write the message history', error);
    });
    return this.writing;
  }

  async count(): Promise<number> {
    await this.flush();
    return this.db.count('messages');
  }

  async clear(): Promise<void> {
    this.queue = [];
    await this.flush();
    await this.db.clear('messages');
  }

  close(): void {
    this.db.close();
  }
}
