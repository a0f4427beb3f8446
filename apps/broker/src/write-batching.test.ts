import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { writeToStream } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { connectClient, startTestBroker } from './testing/test-broker.js';
import { holdUntilNextTurn, turnBatch } from './write-batching.js';

/** A writable that records each batch its underlying resource would be handed (one writev or one write). */
function recordingStream() {
  const batches: Buffer[][] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      batches.push([chunk]);
      callback();
    },
    writev(chunks, callback) {
      batches.push(chunks.map(({ chunk }) => chunk as Buffer));
      callback();
    },
  });
  return { stream, batches };
}

/** Wraps the stream's write like Connections does: hold the batch, then write. */
function batchedWriter(stream: Writable) {
  const batch = turnBatch(stream);
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    holdUntilNextTurn(batch);
    return write(chunk, ...rest);
  }) as Writable['write'];
  return (chunk: string | Buffer) => stream.write(chunk);
}

describe('holdUntilNextTurn', () => {
  it('hands the writes of one turn, across callbacks, to the stream as one batch once the turn is over', async () => {
    const { stream, batches } = recordingStream();
    const write = batchedWriter(stream);
    // Separate callbacks of one turn, as aedes delivers packets; the write queued from the turn runs after it.
    setImmediate(() => {
      write('a');
      process.nextTick(() => write('b'));
      setImmediate(() => write('d'));
    });
    setImmediate(() => write('c'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([]);
    expect(stream.writableLength).toBe(3);

    await nextTurn();
    await nextTurn();
    expect(batches.map((batch) => Buffer.concat(batch).toString())).toEqual(['abc', 'd']);
    expect(stream.writableCorked).toBe(0);
  });

  it('keeps whole MQTT packets in one batch though mqtt-packet corks and uncorks for each one', async () => {
    const { stream, batches } = recordingStream();
    batchedWriter(stream);
    const packets = 20;
    for (let id = 1; id <= packets; id += 1) {
      writeToStream({ cmd: 'publish', topic: `t/${String(id)}`, payload: Buffer.from('x'), qos: 1, messageId: id, dup: false, retain: false }, stream);
      if (id % 5 === 0) await new Promise((resolve) => process.nextTick(resolve));
    }
    expect(batches).toEqual([]);
    await nextTurn();
    expect(batches).toHaveLength(1);
    expect(batches[0]!.length).toBeGreaterThan(packets);
  });

  it('starts a new batch in the next turn, and lets end() flush what is held', async () => {
    const { stream, batches } = recordingStream();
    const write = batchedWriter(stream);
    write('one');
    write('two');
    await nextTurn();
    write('three');
    await nextTurn();
    write('four');
    write('five');
    const finished = new Promise((resolve) => stream.once('finish', resolve));
    stream.end();
    await finished;
    expect(batches.map((batch) => batch.map(String))).toEqual([['one', 'two'], ['three'], ['four', 'five']]);
  });

  it('does nothing once the stream is destroyed', async () => {
    const { stream, batches } = recordingStream();
    const write = batchedWriter(stream);
    write('lost');
    stream.destroy();
    await nextTurn();
    expect(batches).toEqual([]);
  });

  it('lets a broker deliver bursts of QoS 0 and QoS 1 messages whole and in order to several TCP subscribers', async () => {
    await using broker = await startTestBroker();
    const subscribers = await Promise.all([0, 1, 2].map(() => connectClient(broker.tcpUrl)));
    const received = subscribers.map(() => ({ 0: [] as string[], 1: [] as string[] }));
    for (const [index, subscriber] of subscribers.entries()) {
      subscriber.on('message', (_topic, payload, packet) => received[index]![packet.qos === 0 ? 0 : 1].push(payload.toString()));
      await subscriber.subscribeAsync('burst/#', { qos: 1 });
    }
    await using publisher = await connectClient(broker.tcpUrl);
    const count = 600;
    const sent = { 0: [] as string[], 1: [] as string[] };
    for (let index = 0; index < count; index += 1) {
      const qos = (index % 2) as 0 | 1;
      const payload = `message ${String(index)} `.padEnd(20 + (index % 50), 'x');
      sent[qos].push(payload);
      publisher.publish(`burst/${String(index % 7)}`, payload, { qos });
    }
    const deadline = Date.now() + 20_000;
    while (received.some((byQos) => byQos[0].length + byQos[1].length < count) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    for (const byQos of received) expect(byQos).toEqual(sent);
    await Promise.all(subscribers.map((subscriber) => subscriber.endAsync(true)));
  });
});
