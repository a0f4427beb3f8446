// PROXY_WORKERS > 1: the proxy as a primary process and N worker processes (node:cluster), like NGINX's
// master and worker_processes. Every worker opens the same listeners (the primary hands each accepted
// connection to one worker in turn), so connections, their file descriptors and their CPU are spread over
// the workers. The primary owns what must exist once: the self-signed certificate (made before any worker
// starts), the admin server (its /metrics adds up the workers' metrics, its /readyz is ready when every
// worker is), replacing a worker that dies, and shutting the workers down on SIGTERM.
import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import { createShutdownHandler, startAdminServer, type Logger } from '@gateway/service-kit';
import { AggregatorRegistry } from 'prom-client';
import type { ProxyConfig } from './config.js';
import { startProxyListeners, type StartedProxy } from './proxy.js';
import { withProxyNodeFlags } from './node-flags.js';
import { certificateFiles } from './tls-listeners.js';

/** What a worker tells the primary once its listeners are open. */
interface ReadyMessage {
  type: 'gateway-proxy-ready';
  ports: Pick<StartedProxy, 'tcpPort' | 'wsPort' | 'tlsPort' | 'wssPort'>;
}
const shutdownMessage = { type: 'gateway-proxy-shutdown' } as const;
/** How long a replacement waits after its predecessor died, so a worker that dies at once does not spin. */
const restartDelayMs = 1000;
/** How long the workers may take to close their connections before they are killed. */
const workerStopTimeoutMs = 8000;

/** The `type` of an IPC message, if it has one. */
const messageType = (message: unknown): unknown => (message as { type?: unknown } | null)?.type;
const isReadyMessage = (message: unknown): message is ReadyMessage => messageType(message) === 'gateway-proxy-ready';

/** In the primary: starts config.workers workers and the admin server; resolves once every worker listens. */
export async function startProxyWorkers(config: ProxyConfig, logger: Logger): Promise<StartedProxy> {
  // A self-signed certificate is made here, once: workers generating it at the same time could write a
  // certificate and a key that do not match. They find it made.
  if (config.tls.enabled) await certificateFiles(config, logger);
  const aggregator = new AggregatorRegistry();
  const ready = new Set<Worker>();
  let closing = false;
  let startupFailure: ((error: Error) => void) | undefined;
  let allReady: (ports: ReadyMessage['ports']) => void = () => undefined;
  const started = new Promise<ReadyMessage['ports']>((resolve, reject) => {
    allReady = resolve;
    startupFailure = reject;
  });

  const fork = () => {
    const worker = cluster.fork();
    worker.on('message', (message: unknown) => {
      if (!isReadyMessage(message)) return;
      ready.add(worker);
      logger.debug({ worker: worker.id, pid: worker.process.pid }, 'proxy worker ready');
      if (ready.size === config.workers) allReady(message.ports);
    });
    worker.on('exit', (code, signal) => {
      ready.delete(worker);
      if (closing) return;
      if (startupFailure) {
        startupFailure(new Error(`proxy worker ${String(worker.id)} exited during start-up (code ${String(code)}${signal ? `, signal ${signal}` : ''}): its log says why`));
        return;
      }
      logger.error({ worker: worker.id, pid: worker.process.pid, code, signal }, 'proxy worker exited: starting a new one');
      setTimeout(() => {
        if (!closing) fork();
      }, restartDelayMs).unref();
    });
    return worker;
  };

  const stopWorkers = async () => {
    closing = true;
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined && !worker.isDead());
    await Promise.all(
      workers.map(async (worker) => {
        const exited = once(worker, 'exit');
        // A worker that got the signal too (Ctrl-C reaches the whole process group) may be leaving already.
        if (worker.isConnected()) worker.send(shutdownMessage, undefined, undefined, () => undefined);
        const timer = setTimeout(() => worker.process.kill('SIGKILL'), workerStopTimeoutMs);
        await exited;
        clearTimeout(timer);
      }),
    );
  };

  // The workers hold the connections: they run with the proxy's Node.js flags even when the primary was
  // started without them.
  cluster.setupPrimary({ execArgv: withProxyNodeFlags(process.execArgv, process.env['NODE_OPTIONS']) });
  for (let index = 0; index < config.workers; index++) fork();
  let ports: ReadyMessage['ports'];
  try {
    ports = await started;
  } catch (error) {
    await stopWorkers();
    throw error;
  } finally {
    startupFailure = undefined;
  }

  let admin;
  try {
    admin = await startAdminServer({
      host: config.adminHost,
      port: config.adminPort,
      registry: { metrics: () => aggregator.clusterMetrics(), contentType: aggregator.contentType },
      readiness: { workers: () => !closing && ready.size === config.workers },
      logger,
    });
  } catch (error) {
    await stopWorkers();
    throw error;
  }
  logger.info({ workers: config.workers }, 'proxy workers ready');

  let closingPromise: Promise<void> | undefined;
  const closeAll = () =>
    (closingPromise ??= (async () => {
      await admin.close().catch((error: unknown) => logger.error({ err: error }, 'error while closing the admin server'));
      await stopWorkers();
      logger.info('proxy closed');
    })());
  // The workers' certificates are their own (each reloads the files); the primary reports none.
  return { ...ports, adminPort: admin.port, certificate: () => undefined, close: closeAll, [Symbol.asyncDispose]: closeAll };
}

/** In a worker: opens the listeners, reports its metrics to the primary's aggregate, closes when told to. */
export async function runProxyWorker(config: ProxyConfig, logger: Logger): Promise<void> {
  const listeners = await startProxyListeners(config, logger);
  // Constructing one makes prom-client answer the primary's metric requests from this worker.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([listeners.metrics.registry]);
  // The primary's message on shutdown, or a signal: Ctrl-C in a terminal reaches every process of the group.
  const shutDown = createShutdownHandler(logger, () => listeners.close(), { graceMs: workerStopTimeoutMs });
  process.on('SIGTERM', shutDown);
  process.on('SIGINT', shutDown);
  process.on('message', (message: unknown) => {
    if (messageType(message) === shutdownMessage.type) shutDown('SIGTERM');
  });
  const ready: ReadyMessage = { type: 'gateway-proxy-ready', ports: { tcpPort: listeners.tcpPort, wsPort: listeners.wsPort, tlsPort: listeners.tlsPort, wssPort: listeners.wssPort } };
  process.send?.(ready);
}
