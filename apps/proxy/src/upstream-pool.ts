// Connects to one of a list of upstream brokers: round-robin over the list, a timeout per attempt and a
// bounded number of retries with a pause between them; the caller gets a connected socket or one error.
import { connect, type Socket } from 'node:net';
import type { HostPort } from '@gateway/service-kit';
import { formatHostPort } from './config.js';

export interface UpstreamPoolOptions {
  upstreams: readonly HostPort[];
  connectTimeoutMs: number;
  /** Further attempts after the first fails, each on the next upstream of the list. */
  retries: number;
  retryDelayMs: number;
  /** Called for every failed attempt (for metrics and debug logs). */
  onConnectFailure?: (upstream: string, error: Error) => void;
}

export interface UpstreamConnection {
  socket: Socket;
  /** "host:port" of the upstream that answered. */
  upstream: string;
}

/** Every attempt failed; `message` is the last attempt's reason, such as "connect ECONNREFUSED 127.0.0.1:1883". */
export class UpstreamUnavailableError extends Error {
  constructor(
    message: string,
    readonly attempts: readonly { upstream: string; error: string }[],
  ) {
    super(message);
    this.name = 'UpstreamUnavailableError';
  }
}

/** The client went away (or the proxy is closing) before an upstream answered. */
export class ConnectAbortedError extends Error {
  constructor() {
    super('connect aborted: the client went away');
    this.name = 'ConnectAbortedError';
  }
}

export class UpstreamPool {
  readonly upstreams: readonly string[];
  private next = 0;

  constructor(private readonly options: UpstreamPoolOptions) {
    if (options.upstreams.length === 0) throw new Error('UpstreamPool needs at least one upstream');
    this.upstreams = options.upstreams.map(formatHostPort);
  }

  /** Connects to the next upstream in turn, moving on through the list on failure; `signal` stops trying. */
  async connect(signal?: AbortSignal): Promise<UpstreamConnection> {
    const attempts: { upstream: string; error: string }[] = [];
    let lastError: Error | undefined;
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      if (attempt > 0 && this.options.retryDelayMs > 0) await delay(this.options.retryDelayMs, signal);
      if (signal?.aborted) throw new ConnectAbortedError();
      const index = this.next;
      this.next = (this.next + 1) % this.options.upstreams.length;
      const target = this.options.upstreams[index] as HostPort;
      const upstream = this.upstreams[index] as string;
      try {
        return { socket: await connectOnce(target, upstream, this.options.connectTimeoutMs, signal), upstream };
      } catch (error) {
        if (error instanceof ConnectAbortedError) throw error;
        lastError = error as Error;
        attempts.push({ upstream, error: lastError.message });
        this.options.onConnectFailure?.(upstream, lastError);
      }
    }
    throw new UpstreamUnavailableError(lastError?.message ?? 'no upstream answered', attempts);
  }
}

function connectOnce(target: HostPort, label: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.host, port: target.port });
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('connect', onConnect);
      socket.off('error', onError);
    };
    const fail = (error: Error) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onConnect = () => {
      cleanup();
      resolve(socket);
    };
    const onError = (error: Error) => fail(error);
    const onAbort = () => fail(new ConnectAbortedError());
    const timer = setTimeout(() => fail(new Error(`connect timeout after ${String(timeoutMs)} ms to ${label}`)), timeoutMs);
    socket.once('connect', onConnect);
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
