#!/usr/bin/env node
// Entrypoint of the proxy service: configuration from the environment, graceful stop on SIGTERM/SIGINT;
// with PROXY_WORKERS > 1 the same file runs the primary and each of its workers (see proxy-workers.ts).
import cluster from 'node:cluster';
import { createLogger, handleShutdownSignals, runMain } from '@gateway/service-kit';
import { loadProxyConfig } from './config.js';
import { startProxy } from './proxy.js';
import { runProxyWorker, startProxyWorkers } from './proxy-workers.js';

runMain(async () => {
  const config = loadProxyConfig(process.env);
  const logger = createLogger('proxy', config.logLevel);
  if (config.workers > 1 && cluster.isWorker) {
    await runProxyWorker(config, logger.child({ worker: cluster.worker?.id }));
    return;
  }
  const proxy = config.workers > 1 ? await startProxyWorkers(config, logger) : await startProxy(config, { logger });
  handleShutdownSignals(logger, () => proxy.close());
  const dashboard = `http://localhost:${String(proxy.wsPort)}/`;
  const mqtt = `mqtt://localhost:${String(proxy.tcpPort)}`;
  const websocket = `ws://localhost:${String(proxy.wsPort)}/mqtt`;
  const secure =
    proxy.tlsPort === undefined || proxy.wssPort === undefined
      ? undefined
      : { dashboard: `https://localhost:${String(proxy.wssPort)}/`, mqtt: `mqtts://localhost:${String(proxy.tlsPort)}`, websocket: `wss://localhost:${String(proxy.wssPort)}/mqtt` };
  const secureText = secure === undefined ? ' | TLS off' : ` | ${secure.dashboard} | ${secure.mqtt} | ${secure.websocket}`;
  logger.info(
    { dashboard, mqtt, websocket, ...(secure === undefined ? {} : { secure }), admin: `http://${config.adminHost}:${String(proxy.adminPort)}` },
    `proxy ready: dashboard ${dashboard} | MQTT ${mqtt} | ${websocket}${secureText}`,
  );
});
