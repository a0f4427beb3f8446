// aedes' emitter (mqemitter, patched by patches/mqemitter@7.1.0.patch): its concurrency limit counts deliveries
// in flight, one per listener a message matched, and the messages past it wait in order. aedes passes
// BROKER_CONCURRENCY to it. mqemitter is aedes' dependency, not ours, so it is loaded from beside aedes.
import { createRequire } from 'node:module';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';

interface Message {
  topic: string;
  n?: number;
}
type Listener = (message: Message, done: () => void) => void;
interface Emitter {
  current: number;
  readonly length: number;
  on(topic: string, listener: Listener): void;
  emit(message: Message, done?: () => void): void;
}
type EmitterFactory = (options: { concurrency: number }) => Emitter;

const requireFromAedes = createRequire(createRequire(import.meta.url).resolve('aedes'));
const mqemitter = requireFromAedes('mqemitter') as EmitterFactory;

/** An emitter whose listeners hold each delivery until the test finishes it; `started` lists them in order. */
function heldEmitter(concurrency: number, listeners: Record<string, number>) {
  const emitter = mqemitter({ concurrency });
  const started: { listener: string; n: number | undefined; finish: () => void }[] = [];
  for (const [topic, count] of Object.entries(listeners)) {
    for (let i = 0; i < count; i++) emitter.on(topic, (message, done) => started.push({ listener: `${topic}#${i}`, n: message.n, finish: done }));
  }
  const finish = (n: number) => {
    for (const delivery of started.filter((d) => d.n === n)) delivery.finish();
  };
  return { emitter, started, finish, startedMessages: () => [...new Set(started.map((d) => d.n))] };
}

describe("aedes' emitter concurrency (patched)", () => {
  it('counts a message once per listener it matched: one matching three takes the units three matching one would', () => {
    const fanOut = heldEmitter(3, { fan: 3 });
    for (const n of [1, 2]) fanOut.emitter.emit({ topic: 'fan', n });
    expect(fanOut.startedMessages()).toEqual([1]);
    expect(fanOut.emitter.current).toBe(3);
    expect(fanOut.emitter.length).toBe(1);

    const fanIn = heldEmitter(3, { in: 1 });
    for (const n of [1, 2, 3, 4]) fanIn.emitter.emit({ topic: 'in', n });
    expect(fanIn.startedMessages()).toEqual([1, 2, 3]);
    expect(fanIn.emitter.current).toBe(3);
    expect(fanIn.emitter.length).toBe(1);
  });

  it('gives a message’s units back only when its last listener is done, and then starts as many waiting messages as fit, in order', () => {
    const { emitter, started, finish, startedMessages } = heldEmitter(3, { fan: 3, in: 1 });
    emitter.emit({ topic: 'fan', n: 1 });
    for (const n of [2, 3, 4, 5]) emitter.emit({ topic: 'in', n });
    expect(startedMessages()).toEqual([1]);

    started[0]?.finish();
    started[1]?.finish();
    expect(startedMessages()).toEqual([1]);
    // A message emitted now waits behind the others, though the emitter is not full of started work.
    emitter.emit({ topic: 'in', n: 6 });

    started[2]?.finish();
    expect(startedMessages()).toEqual([1, 2, 3, 4]);
    expect(emitter.current).toBe(3);

    finish(3);
    expect(startedMessages()).toEqual([1, 2, 3, 4, 5]);
    for (const n of [2, 4, 5]) finish(n);
    expect(startedMessages()).toEqual([1, 2, 3, 4, 5, 6]);
    finish(6);
    expect(emitter.current).toBe(0);
    expect(emitter.length).toBe(0);
  });

  it('counts a message no listener matched as one unit, calls its callback, and lets the queue move on', () => {
    const { emitter, finish, startedMessages } = heldEmitter(1, { in: 1 });
    const done: string[] = [];
    emitter.emit({ topic: 'in', n: 1 }, () => done.push('1'));
    emitter.emit({ topic: 'nobody', n: 2 }, () => done.push('2'));
    emitter.emit({ topic: 'in', n: 3 }, () => done.push('3'));
    expect(done).toEqual([]);

    finish(1);
    expect(done).toEqual(['1', '2']);
    expect(startedMessages()).toEqual([1, 3]);
    finish(3);
    expect(done).toEqual(['1', '2', '3']);
    expect(emitter.current).toBe(0);
  });

  it('queues a message emitted from a callback while the freed units are still starting the waiting ones', async () => {
    // aedes reads a client's next packets from a publish's callback: a publish that matched no one finishes
    // at once, inside released(), and what that client sends next must not pass its packets still waiting.
    const { emitter, finish, startedMessages } = heldEmitter(4, { fan: 3 });
    const order: number[] = [];
    emitter.on('T', (message, done) => {
      order.push(message.n ?? -1);
      setImmediate(done);
    });
    emitter.emit({ topic: 'fan', n: 0 });
    emitter.emit({ topic: 'T', n: 1 });
    emitter.emit({ topic: 'nobody', n: 2 }, () => emitter.emit({ topic: 'T', n: 4 }));
    emitter.emit({ topic: 'T', n: 3 });
    expect(emitter.length).toBe(2);

    finish(0);
    await nextTurn();
    await nextTurn();
    expect(order).toEqual([1, 3, 4]);
    expect(startedMessages()).toEqual([0]);
    expect(emitter.current).toBe(0);
  });

  it('delivers every message to every listener, in order, under a limit smaller than one message’s listeners', async () => {
    const emitter = mqemitter({ concurrency: 2 });
    const received: Record<string, number[]> = { a: [], b: [], c: [] };
    for (const name of ['a', 'b', 'c']) {
      emitter.on('sensors/+', (message, done) => {
        received[name]?.push(message.n ?? -1);
        setImmediate(done);
      });
    }
    const all = Array.from({ length: 200 }, (_, n) => n);
    await Promise.all(all.map((n) => new Promise<void>((resolve) => emitter.emit({ topic: `sensors/${n % 7}`, n }, resolve))));
    expect(received).toEqual({ a: all, b: all, c: all });
    expect(emitter.current).toBe(0);
  });
});
