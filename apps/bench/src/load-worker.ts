// A load worker thread: opens its share of publisher or subscriber connections to one target, reports
// 'ready', and on 'start' publishes pre-encoded packets as fast as the connection (and, at QoS 1, the
// in-flight window) allows, or counts and times what arrives; on 'stop' it reports its counts.
import { parentPort, workerData } from 'node:worker_threads';
import type { Packet } from 'mqtt-packet';
import type { FromWorker, LoadTask, PublisherResult, PublisherTask, SubscriberResult, SubscriberTask, ToWorker } from './load-protocol.js';
import { openMqttConnection, subscribe, type MqttConnection } from './mqtt-connection.js';
import { PublishTemplate } from './publish-template.js';
import { Reservoir } from './stats.js';

/** Packet copies per publisher connection: one may only be patched again once its earlier write completed. */
const ringSize = 1024;
/** Packets written to one connection before yielding to the event loop (to read PUBACKs and other sockets). */
const batchSize = 64;

function post(message: FromWorker): void {
  parentPort?.postMessage(message);
}

function onCommand(handler: (message: ToWorker) => void): void {
  parentPort?.on('message', handler);
}

class Publisher {
  readonly #connection: MqttConnection;
  readonly #task: PublisherTask;
  readonly #template: PublishTemplate;
  readonly #ring: Buffer[];
  /** Messages handed to the stream, and those whose write has completed (their ring slot is free again). */
  #issued = 0;
  #written = 0;
  #acknowledged = 0;
  #waitingForDrain = false;
  #scheduled = false;
  #running = false;
  #closed = false;
  #startNs = 0n;
  readonly #index: number;
  readonly #delivered: Int32Array;
  /** QoS 0 window: messages given up on (never delivered), and when deliveries last moved. */
  #givenUp = 0;
  #lastDelivered = 0;
  #lastDeliveryAt = 0;
  #pollTimer: NodeJS.Timeout | undefined;
  firstSentNs = 0n;
  lastSentNs = 0n;
  onProgress: () => void = () => undefined;

  constructor(connection: MqttConnection, task: PublisherTask, index: number) {
    this.#connection = connection;
    this.#task = task;
    this.#index = index;
    this.#delivered = new Int32Array(task.delivered);
    this.#template = new PublishTemplate({ topic: `${task.topicPrefix}/${String(index)}`, qos: task.qos, payloadSize: task.payloadSize, publisher: index });
    this.#ring = Array.from({ length: ringSize }, () => this.#template.copy());
    connection.socket.on('drain', () => {
      this.#waitingForDrain = false;
      this.schedule();
    });
    connection.parser.on('packet', (packet: Packet) => {
      if (packet.cmd !== 'puback') return;
      this.#acknowledged += 1;
      this.schedule();
      this.onProgress();
    });
    void connection.closed.then(() => {
      this.#closed = true;
      this.onProgress();
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  start(): void {
    this.#running = true;
    this.#startNs = process.hrtime.bigint();
    this.schedule();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#pollTimer);
  }

  /** Whether everything sent has been written and (QoS 1) acknowledged, or the connection is gone. */
  get settled(): boolean {
    return this.#closed || (this.#written === this.#issued && (this.#task.qos === 0 || this.#acknowledged === this.#issued));
  }

  result(): PublisherResult & { disconnects: number } {
    return {
      sent: this.#issued,
      acknowledged: this.#task.qos === 0 ? this.#written : this.#acknowledged,
      firstSentNs: this.firstSentNs.toString(),
      lastSentNs: this.lastSentNs.toString(),
      disconnects: this.#closed ? 1 : 0,
    };
  }

  close(): void {
    this.#connection.destroy();
  }

  /** Runs `pump` on the next turn of the event loop (once, however often it is asked). */
  schedule(): void {
    if (this.#scheduled || !this.#running) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.pump();
    });
  }

  /** For the rate-limited mode: how many messages are due by now. */
  #due(now: bigint): number {
    if (this.#task.rate <= 0) return Number.POSITIVE_INFINITY;
    return Math.floor((Number(now - this.#startNs) / 1e9) * this.#task.rate) - this.#issued;
  }

  /**
   * QoS 0 with a window: whether the messages sent and not yet delivered fill it. Deliveries are counted by
   * the subscriber threads; while the window is full this polls them every millisecond. Messages that stay
   * undelivered for a second are given up on (QoS 0 may lose them), so a loss cannot stall the publisher.
   */
  #qos0WindowFull(): boolean {
    if (this.#task.qos !== 0 || this.#task.qos0Window <= 0) return false;
    const subscribers = this.#task.subscribers;
    const delivered = Atomics.load(this.#delivered, this.#index);
    const outstanding = (this.#issued - this.#givenUp) * subscribers - delivered;
    if (outstanding < this.#task.qos0Window * subscribers) return false;
    const now = performance.now();
    if (delivered !== this.#lastDelivered || this.#lastDeliveryAt === 0) {
      this.#lastDelivered = delivered;
      this.#lastDeliveryAt = now;
    } else if (now - this.#lastDeliveryAt > 1000) {
      this.#givenUp += Math.ceil(outstanding / subscribers);
      this.#lastDeliveryAt = now;
      return false;
    }
    if (this.#pollTimer === undefined) {
      this.#pollTimer = setTimeout(() => {
        this.#pollTimer = undefined;
        this.pump();
      }, 1);
    }
    return true;
  }

  readonly #onWritten = (): void => {
    this.#written += 1;
    if (this.#written === this.#issued) this.onProgress();
    this.schedule();
  };

  pump(): void {
    if (!this.#running || this.#closed || this.#waitingForDrain) return;
    const connection = this.#connection;
    let now = process.hrtime.bigint();
    let budget = Math.min(batchSize, this.#due(now));
    // One socket write for the batch, over TCP and over WebSocket alike.
    connection.cork();
    while (budget > 0) {
      if (this.#issued - this.#written >= ringSize) break;
      if (this.#task.qos === 1 && this.#issued - this.#acknowledged >= this.#task.window) break;
      if (this.#qos0WindowFull()) break;
      const sequence = this.#issued;
      const packet = this.#ring[sequence % ringSize];
      if (packet === undefined) break;
      this.#template.stamp(packet, sequence, now);
      if (sequence === 0) this.firstSentNs = now;
      this.lastSentNs = now;
      this.#issued += 1;
      budget -= 1;
      if (!connection.writePacket(packet, this.#onWritten)) {
        this.#waitingForDrain = true;
        break;
      }
      now = process.hrtime.bigint();
    }
    connection.uncork();
    // A full batch means more may be sendable at once; otherwise a PUBACK, a completed write or 'drain' reschedules.
    if (budget === 0 && this.#task.rate <= 0) this.schedule();
  }
}

async function runPublishers(task: PublisherTask): Promise<void> {
  const publishers: Publisher[] = [];
  try {
    for (let offset = 0; offset < task.connections; offset++) {
      const index = task.firstPublisher + offset;
      const connection = await openMqttConnection(task.url, { clientId: `${task.clientIdPrefix}-${String(index)}` });
      publishers.push(new Publisher(connection, task, index));
    }
  } catch (error) {
    for (const publisher of publishers) publisher.close();
    post({ type: 'failed', message: (error as Error).message });
    return;
  }
  let rateTimer: NodeJS.Timeout | undefined;
  onCommand((message) => {
    if (message.type === 'start') {
      for (const publisher of publishers) publisher.start();
      if (task.rate > 0) rateTimer = setInterval(() => publishers.forEach((publisher) => publisher.pump()), 2);
      return;
    }
    clearInterval(rateTimer);
    for (const publisher of publishers) publisher.stop();
    void settle(publishers, task.drainTimeoutMs).then(() => {
      const results = publishers.map((publisher) => publisher.result());
      for (const publisher of publishers) publisher.close();
      post({ type: 'published', result: addPublisherResults(results) });
    });
  });
  post({ type: 'ready' });
}

/** Waits until every publisher has its writes done and PUBACKs in, or `timeoutMs` passes. */
function settle(publishers: readonly Publisher[], timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (publishers.every((publisher) => publisher.settled)) finish();
    };
    const finish = () => {
      clearTimeout(timer);
      for (const publisher of publishers) publisher.onProgress = () => undefined;
      resolve();
    };
    const timer = setTimeout(finish, timeoutMs);
    for (const publisher of publishers) publisher.onProgress = check;
    check();
  });
}

function addPublisherResults(results: readonly (PublisherResult & { disconnects: number })[]): PublisherResult {
  const times = (pick: (result: PublisherResult) => string) => results.map(pick).filter((ns) => ns !== '0').map(BigInt);
  const first = times((result) => result.firstSentNs);
  const last = times((result) => result.lastSentNs);
  return {
    sent: results.reduce((sum, result) => sum + result.sent, 0),
    acknowledged: results.reduce((sum, result) => sum + result.acknowledged, 0),
    firstSentNs: (first.length === 0 ? 0n : first.reduce((a, b) => (a < b ? a : b))).toString(),
    lastSentNs: (last.length === 0 ? 0n : last.reduce((a, b) => (a > b ? a : b))).toString(),
    disconnects: results.reduce((sum, result) => sum + result.disconnects, 0),
  };
}

/** Counts and times the messages of all this worker's subscriber connections. */
class SubscriberStats {
  received = 0;
  outOfOrder = 0;
  firstReceivedNs = 0n;
  lastReceivedNs = 0n;
  disconnects = 0;
  readonly reservoir: Reservoir;
  /** Last sequence seen per (connection, publisher). */
  readonly #lastSequence = new Map<number, Int32Array>();

  constructor(sampleCapacity: number) {
    this.reservoir = new Reservoir(sampleCapacity);
  }

  sequencesOf(connection: number): Int32Array {
    let sequences = this.#lastSequence.get(connection);
    if (sequences === undefined) {
      sequences = new Int32Array(1024).fill(-1);
      this.#lastSequence.set(connection, sequences);
    }
    return sequences;
  }

  result(): SubscriberResult {
    return {
      received: this.received,
      outOfOrder: this.outOfOrder,
      firstReceivedNs: this.firstReceivedNs.toString(),
      lastReceivedNs: this.lastReceivedNs.toString(),
      samples: this.reservoir.samples(),
      samplesSeen: this.reservoir.seen,
      maxLatencyMs: this.reservoir.max,
      disconnects: this.disconnects,
    };
  }
}

function attachSubscriber(connection: MqttConnection, index: number, stats: SubscriberStats, delivered: Int32Array): void {
  const sequences = stats.sequencesOf(index);
  let now = 0n;
  let acks: number[] = [];
  connection.parser.on('packet', (packet: Packet) => {
    if (packet.cmd !== 'publish') return;
    const payload = packet.payload as Buffer;
    const latencyMs = Number(now - payload.readBigUInt64BE(0)) / 1e6;
    stats.reservoir.add(latencyMs);
    stats.received += 1;
    if (stats.firstReceivedNs === 0n) stats.firstReceivedNs = now;
    const publisher = payload.readUInt32BE(8);
    const sequence = payload.readUInt32BE(12);
    if (publisher < delivered.length) Atomics.add(delivered, publisher, 1);
    if (publisher < sequences.length) {
      if (sequence <= (sequences[publisher] ?? -1)) stats.outOfOrder += 1;
      else sequences[publisher] = sequence;
    }
    if (packet.qos === 1 && packet.messageId !== undefined) acks.push(packet.messageId);
  });
  // The connection's own 'data' listener runs the parser synchronously: read the clock once per chunk
  // before it (everything in a chunk arrived together), and send the chunk's PUBACKs in one write after it.
  connection.stream.prependListener('data', () => {
    now = process.hrtime.bigint();
    stats.lastReceivedNs = now;
  });
  connection.stream.on('data', () => {
    if (acks.length === 0) return;
    const buffer = Buffer.allocUnsafe(acks.length * 4);
    for (const [position, messageId] of acks.entries()) {
      buffer[position * 4] = 0x40;
      buffer[position * 4 + 1] = 2;
      buffer.writeUInt16BE(messageId, position * 4 + 2);
    }
    acks = [];
    connection.stream.write(buffer);
  });
  void connection.closed.then(() => (stats.disconnects += 1));
}

async function runSubscribers(task: SubscriberTask): Promise<void> {
  const connections: MqttConnection[] = [];
  const stats = new SubscriberStats(task.sampleCapacity);
  const delivered = new Int32Array(task.delivered);
  try {
    for (let index = 0; index < task.connections; index++) {
      const connection = await openMqttConnection(task.url, { clientId: `${task.clientIdPrefix}-${String(index)}` });
      connections.push(connection);
      attachSubscriber(connection, index, stats, delivered);
      await subscribe(connection, task.filter, task.qos);
    }
  } catch (error) {
    for (const connection of connections) connection.destroy();
    post({ type: 'failed', message: (error as Error).message });
    return;
  }
  let progressTimer: NodeJS.Timeout | undefined;
  onCommand((message) => {
    if (message.type === 'start') {
      progressTimer = setInterval(() => post({ type: 'progress', received: stats.received }), 100);
      return;
    }
    clearInterval(progressTimer);
    const result = stats.result();
    for (const connection of connections) connection.destroy();
    post({ type: 'subscribed', result });
  });
  post({ type: 'ready' });
}

const task = workerData as LoadTask;
if (task.role === 'publisher') void runPublishers(task);
else void runSubscribers(task);
