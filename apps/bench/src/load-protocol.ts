// The messages between the benchmark's main thread and its load worker threads, and what each worker
// is asked to do: one group of publisher or subscriber connections to one target.

export interface PublisherTask {
  role: 'publisher';
  url: string;
  clientIdPrefix: string;
  /** Global index of this worker's first publisher (written into each message's stamp). */
  firstPublisher: number;
  connections: number;
  /** Publisher n publishes to `${topicPrefix}/${n}`. */
  topicPrefix: string;
  qos: 0 | 1;
  payloadSize: number;
  /** QoS 1: unacknowledged PUBLISHes allowed per connection. */
  window: number;
  /**
   * QoS 0: messages per connection sent but not yet delivered to every subscriber (counted through
   * `delivered`); 0 for no bound (a flood: whatever the broker cannot pass on queues up or is dropped).
   */
  qos0Window: number;
  /** Subscribers that get each message (to count deliveries against sends). */
  subscribers: number;
  /** Deliveries per publisher index, all subscriber workers together (an Int32Array's memory). */
  delivered: SharedArrayBuffer;
  /** Messages per second per connection; 0 for as fast as the connection takes them. */
  rate: number;
  /** After 'stop', how long to wait for the outstanding PUBACKs and writes. */
  drainTimeoutMs: number;
}

export interface SubscriberTask {
  role: 'subscriber';
  url: string;
  clientIdPrefix: string;
  connections: number;
  filter: string;
  qos: 0 | 1;
  /** Latency samples kept per worker (a uniform sample beyond that). */
  sampleCapacity: number;
  /** Deliveries per publisher index, shared with the publishers (an Int32Array's memory). */
  delivered: SharedArrayBuffer;
}

export type LoadTask = PublisherTask | SubscriberTask;

export type ToWorker = { type: 'start' } | { type: 'stop' };

export interface PublisherResult {
  sent: number;
  acknowledged: number;
  /** hrtime (ns, as a decimal string: bigint does not cross postMessage everywhere) of the first send. */
  firstSentNs: string;
  lastSentNs: string;
  /** Connections the broker closed during the run. */
  disconnects: number;
}

export interface SubscriberResult {
  received: number;
  /** Messages whose sequence number was not above the last one seen from the same publisher. */
  outOfOrder: number;
  firstReceivedNs: string;
  lastReceivedNs: string;
  /** Latency samples in milliseconds. */
  samples: Float64Array;
  samplesSeen: number;
  maxLatencyMs: number;
  /** Connections the broker closed during the run. */
  disconnects: number;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; received: number }
  | { type: 'failed'; message: string }
  | { type: 'published'; result: PublisherResult }
  | { type: 'subscribed'; result: SubscriberResult };
