// Opens the broker's aedes persistence: durable LevelDB (aedes-persistence-level) in the data directory,
// or aedes-persistence's in-memory store; reports whether it is open and closes it cleanly.
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { Level } from 'level';
import type { PersistenceKind } from './config.js';

/** The part of the aedes persistence interface the gateway itself uses (aedes uses the rest). */
export interface AedesPersistence {
  setup(broker: unknown): Promise<void>;
  createRetainedStream(pattern: string): Readable;
  createRetainedStreamCombi(patterns: string[]): Readable;
  destroy(): Promise<void> | undefined;
}

export interface BrokerPersistence {
  kind: PersistenceKind;
  /** The object handed to aedes as its `persistence` option. */
  aedesPersistence: AedesPersistence;
  isOpen(): boolean;
  /** Topics of every stored retained message. */
  retainedTopics(): Promise<string[]>;
  close(): Promise<void>;
}

// Both packages are CommonJS factories without (usable) type declarations for this use.
const require = createRequire(import.meta.url);
const levelPersistence = require('aedes-persistence-level') as (db: Level<string, unknown>) => AedesPersistence;
const memoryPersistence = require('aedes-persistence') as () => AedesPersistence;

/**
 * Opens the store. `onReadError` hears of a retained-message read that failed: aedes pipes those streams
 * (a SUBSCRIBE's retained messages) without an 'error' listener, so a read that fails, such as one still
 * under way when the store closes at shutdown, would otherwise be an uncaught exception.
 */
export async function openPersistence(kind: PersistenceKind, dataDir: string, onReadError: (error: Error) => void): Promise<BrokerPersistence> {
  if (kind === 'memory') {
    let open = true;
    const aedesPersistence = guardRetainedStreams(memoryPersistence(), onReadError);
    return {
      kind,
      aedesPersistence,
      isOpen: () => open,
      retainedTopics: () => retainedTopics(aedesPersistence),
      close: async () => {
        if (!open) return;
        open = false;
        await aedesPersistence.destroy();
      },
    };
  }
  await mkdir(dataDir, { recursive: true });
  const db = new Level<string, unknown>(dataDir);
  try {
    await db.open();
  } catch (error) {
    throw new Error(`cannot open the broker's LevelDB store in ${dataDir}: ${(error as Error).message}`, { cause: error });
  }
  const aedesPersistence = guardRetainedStreams(levelPersistence(db), onReadError);
  return {
    kind,
    aedesPersistence,
    isOpen: () => db.status === 'open',
    retainedTopics: () => retainedTopics(aedesPersistence),
    close: async () => {
      if (db.status === 'closed' || db.status === 'closing') return;
      await aedesPersistence.destroy(); // closes the LevelDB
    },
  };
}

function guardRetainedStreams(persistence: AedesPersistence, onReadError: (error: Error) => void): AedesPersistence {
  const createRetainedStream = persistence.createRetainedStream.bind(persistence);
  const createRetainedStreamCombi = persistence.createRetainedStreamCombi.bind(persistence);
  persistence.createRetainedStream = (pattern) => createRetainedStream(pattern).on('error', onReadError);
  persistence.createRetainedStreamCombi = (patterns) => createRetainedStreamCombi(patterns).on('error', onReadError);
  return persistence;
}

async function retainedTopics(persistence: AedesPersistence): Promise<string[]> {
  const topics: string[] = [];
  for await (const packet of persistence.createRetainedStream('#') as AsyncIterable<{ topic: string }>) topics.push(packet.topic);
  return topics;
}
