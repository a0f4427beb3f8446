// Sends what the broker writes to one client during an event-loop turn as one batch: the stream is corked at
// the turn's first write and uncorked in a setImmediate, so a TCP socket sends all of the turn's packets in
// one writev, and a WebSocket stream (with the _writev of listeners/websocket-stream.ts) in one frame.
//
// aedes writes each packet with one write (patches/aedes@1.2.0.patch) from its own callback, most of them in
// separate setImmediate callbacks, so without this each packet costs its own system call (and over
// WebSocket its own frame). Corks nest: a writer's own cork/uncork pairs inside a turn (mqtt-packet's
// writeToStream makes one per packet) leave the stream corked until this one's.
import type { Writable } from 'node:stream';

/** One stream's batch: whether this turn's writes are being held. One small object per connection, no closures. */
export interface TurnBatch {
  readonly stream: Writable;
  holding: boolean;
}

export function turnBatch(stream: Writable): TurnBatch {
  return { stream, holding: false };
}

/**
 * To call before each write to the batch's stream: corks the stream if this turn has not yet, and schedules
 * the uncork for after the callbacks already queued for this turn (setImmediate runs them in order). Writes
 * still count in `writableLength` while they wait, so buffer limits see them.
 */
export function holdUntilNextTurn(batch: TurnBatch): void {
  if (batch.holding) return;
  batch.holding = true;
  batch.stream.cork();
  setImmediate(releaseTurn, batch);
}

function releaseTurn(batch: TurnBatch): void {
  batch.holding = false;
  batch.stream.uncork();
}
