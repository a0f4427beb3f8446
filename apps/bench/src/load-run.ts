// One run of a fan-in or fan-out scenario against one target: subscriber and publisher connections in
// worker threads, publishing for the run's duration, then waiting for the last messages to arrive; counts,
// rates, latency percentiles, and the CPU used by the load generator and by the processes under test.
import type { Worker } from 'node:worker_threads';
import type { FromWorker, LoadTask, PublisherResult, SubscriberResult, ToWorker } from './load-protocol.js';
import { CpuMeter } from './process-stats.js';
import type { LoadScenario } from './scenarios.js';
import { mergeLatencies, type LatencySummary } from './stats.js';
import type { Target } from './targets.js';
import { siblingModule, startModuleWorker } from './worker-thread.js';

export interface LoadOptions {
  durationMs: number;
  /** Worker threads per role (publishers, subscribers) at most. */
  threads: number;
  /** QoS 1 in-flight window per publisher (PUBLISHes awaiting PUBACK). */
  window: number;
  /** QoS 0 window per publisher: messages sent and not yet delivered to every subscriber; 0 for a flood. */
  qos0Window: number;
  /** Messages per second per publisher; 0 for as fast as possible. */
  rate: number;
  /** How long to wait, after publishing stopped, for PUBACKs and for the subscribers to stop receiving. */
  drainTimeoutMs: number;
  sampleCapacity: number;
}

export interface LoadRunResult {
  scenario: string;
  target: string;
  url: string;
  publishers: number;
  subscribers: number;
  qos: 0 | 1;
  payloadBytes: number;
  durationS: number;
  sent: number;
  /** PUBACKs received at QoS 1; at QoS 0 the messages written to the socket. */
  acknowledged: number;
  /** sent × subscribers that should get each message. */
  expected: number;
  received: number;
  lost: number;
  outOfOrder: number;
  disconnects: number;
  sentPerSecond: number;
  /** Messages delivered (all subscribers together) per second, first send to last receipt. */
  receivedPerSecond: number;
  latencyMs: LatencySummary;
  /** Percent of one core: the load generator (this process) and, when known, the broker and proxy processes. */
  cpuPercent: Record<string, number>;
}

let runCounter = 0;

interface RunningWorker {
  worker: Worker;
  send(message: ToWorker): void;
  next(type: FromWorker['type'], timeoutMs: number): Promise<FromWorker>;
  received: number;
}

function spawnWorker(task: LoadTask): RunningWorker {
  const worker = startModuleWorker(siblingModule('load-worker', import.meta.url), task);
  const running: RunningWorker = {
    worker,
    received: 0,
    send: (message) => worker.postMessage(message),
    next: (type, timeoutMs) =>
      new Promise((resolve, reject) => {
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
          settle();
        };
        const onMessage = (message: FromWorker) => {
          if (message.type === type) finish(() => resolve(message));
          else if (message.type === 'failed') finish(() => reject(new Error(`${task.role} worker: ${message.message}`)));
        };
        const onError = (error: Error) => finish(() => reject(new Error(`${task.role} worker crashed: ${error.message}`, { cause: error })));
        const onExit = (code: number) => finish(() => reject(new Error(`${task.role} worker exited (code ${String(code)}) before '${type}'`)));
        const timer = setTimeout(() => finish(() => reject(new Error(`${task.role} worker: no '${type}' after ${String(timeoutMs)} ms`))), timeoutMs);
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
      }),
  };
  worker.on('message', (message: FromWorker) => {
    if (message.type === 'progress') running.received = message.received;
  });
  return running;
}

/** Splits `count` connections over at most `threads` workers: [3, 3, 2] for 8 over 3. */
export function shares(count: number, threads: number): number[] {
  const workers = Math.max(1, Math.min(count, threads));
  return Array.from({ length: workers }, (_, index) => Math.floor(count / workers) + (index < count % workers ? 1 : 0));
}

export async function runLoadScenario(target: Target, scenario: LoadScenario, options: LoadOptions): Promise<LoadRunResult> {
  const url = target.urls[scenario.transport];
  if (url === undefined) throw new Error(`target ${target.name} has no ${scenario.transport} URL`);
  const run = `${String(process.pid)}-${String(++runCounter)}`;
  const topicPrefix = `bench/${run}`;
  const filter = scenario.kind === 'fan-in' ? `${topicPrefix}/+` : `${topicPrefix}/0`;
  const setupTimeoutMs = 30_000;
  const delivered = new SharedArrayBuffer(4 * scenario.publishers);
  const subscribers = shares(scenario.subscribers, options.threads).map((connections, index) =>
    spawnWorker({ role: 'subscriber', url, clientIdPrefix: `bench-sub-${run}-${String(index)}`, connections, filter, qos: scenario.qos, sampleCapacity: options.sampleCapacity, delivered }),
  );
  let firstPublisher = 0;
  const publishers = shares(scenario.publishers, options.threads).map((connections) => {
    const task: LoadTask = {
      role: 'publisher',
      url,
      clientIdPrefix: `bench-pub-${run}`,
      firstPublisher,
      connections,
      topicPrefix,
      qos: scenario.qos,
      payloadSize: scenario.payloadSize,
      window: options.window,
      qos0Window: options.qos0Window,
      subscribers: scenario.subscribers,
      delivered,
      rate: options.rate,
      drainTimeoutMs: options.drainTimeoutMs,
    };
    firstPublisher += connections;
    return spawnWorker(task);
  });
  const workers = [...subscribers, ...publishers];
  try {
    await Promise.all(workers.map((worker) => worker.next('ready', setupTimeoutMs)));
    const meter = new CpuMeter({ broker: target.brokerPids, proxy: target.proxyPids });
    const published = publishers.map((worker) => worker.next('published', options.durationMs + options.drainTimeoutMs + setupTimeoutMs));
    for (const worker of publishers) worker.send({ type: 'start' });
    for (const worker of subscribers) worker.send({ type: 'start' });
    await new Promise((resolve) => setTimeout(resolve, options.durationMs));
    for (const worker of publishers) worker.send({ type: 'stop' });
    const publisherResults = (await Promise.all(published)).map((message) => (message as { result: PublisherResult }).result);
    const sent = publisherResults.reduce((sum, result) => sum + result.sent, 0);
    const expected = sent * scenario.subscribers;
    await waitForDeliveries(subscribers, expected, options.drainTimeoutMs);
    const cpuPercent = meter.read();
    const subscribed = subscribers.map((worker) => worker.next('subscribed', setupTimeoutMs));
    for (const worker of subscribers) worker.send({ type: 'stop' });
    const subscriberResults = (await Promise.all(subscribed)).map((message) => (message as { result: SubscriberResult }).result);
    return summarize({ target, scenario, url, options, publisherResults, subscriberResults, expected, cpuPercent });
  } finally {
    await Promise.all(workers.map((worker) => worker.worker.terminate()));
  }
}

/** Resolves once the subscribers got `expected` messages, or nothing new came for a while, or `timeoutMs` passed. */
async function waitForDeliveries(subscribers: readonly RunningWorker[], expected: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  const quietMs = Math.min(1000, timeoutMs);
  let last = -1;
  let lastChange = performance.now();
  for (;;) {
    const received = subscribers.reduce((sum, worker) => sum + worker.received, 0);
    const now = performance.now();
    if (received >= expected || now > deadline) return;
    if (received !== last) {
      last = received;
      lastChange = now;
    } else if (now - lastChange > quietMs) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function summarize(input: {
  target: Target;
  scenario: LoadScenario;
  url: string;
  options: LoadOptions;
  publisherResults: readonly PublisherResult[];
  subscriberResults: readonly SubscriberResult[];
  expected: number;
  cpuPercent: Record<string, number>;
}): LoadRunResult {
  const { target, scenario, url, options, publisherResults, subscriberResults, expected } = input;
  const sum = <T>(items: readonly T[], pick: (item: T) => number) => items.reduce((total, item) => total + pick(item), 0);
  const sent = sum(publisherResults, (result) => result.sent);
  const received = sum(subscriberResults, (result) => result.received);
  const firstSent = minNs(publisherResults.map((result) => result.firstSentNs));
  const lastSent = maxNs(publisherResults.map((result) => result.lastSentNs));
  const lastReceived = maxNs(subscriberResults.map((result) => result.lastReceivedNs));
  const seconds = (from: bigint, to: bigint) => Number(to - from) / 1e9;
  const cpuPercent = { ...input.cpuPercent };
  if (target.brokerPids.length === 0) delete cpuPercent['broker'];
  if (target.proxyPids.length === 0) delete cpuPercent['proxy'];
  return {
    scenario: scenario.name,
    target: target.name,
    url,
    publishers: scenario.publishers,
    subscribers: scenario.subscribers,
    qos: scenario.qos,
    payloadBytes: scenario.payloadSize,
    durationS: options.durationMs / 1000,
    sent,
    acknowledged: sum(publisherResults, (result) => result.acknowledged),
    expected,
    received,
    lost: Math.max(0, expected - received),
    outOfOrder: sum(subscriberResults, (result) => result.outOfOrder),
    disconnects: sum(publisherResults, (result) => result.disconnects) + sum(subscriberResults, (result) => result.disconnects),
    sentPerSecond: perSecond(sent, firstSent > 0n ? seconds(firstSent, lastSent) : 0),
    receivedPerSecond: perSecond(received, firstSent > 0n && lastReceived > firstSent ? seconds(firstSent, lastReceived) : 0),
    latencyMs: mergeLatencies(subscriberResults.map((result) => ({ samples: result.samples, seen: result.samplesSeen, max: result.maxLatencyMs }))),
    cpuPercent,
  };
}

function perSecond(count: number, seconds: number): number {
  return seconds > 0 ? Math.round(count / seconds) : 0;
}

function minNs(values: readonly string[]): bigint {
  const present = values.map(BigInt).filter((value) => value > 0n);
  return present.length === 0 ? 0n : present.reduce((a, b) => (a < b ? a : b));
}

function maxNs(values: readonly string[]): bigint {
  return values.map(BigInt).reduce((a, b) => (a > b ? a : b), 0n);
}
