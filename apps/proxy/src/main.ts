#!/usr/bin/env node
// Entrypoint of the proxy service: configuration from the environment, graceful stop on SIGTERM/SIGINT.
import { createLogger, handleShutdownSignals, runMain } from '@gateway/service-kit';
import { loadProxyConfig } from './config.js';
import { startProxy } from './proxy.js';

runMain(async () => {
  const config = loadProxyConfig(process.env);
  const logger = createLogger('proxy', config.logLevel);
  const proxy = await startProxy(config, { logger });
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
