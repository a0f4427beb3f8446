#!/usr/bin/env node
// Entrypoint of the broker service: configuration from the environment, graceful stop on SIGTERM/SIGINT.
import { createLogger, handleShutdownSignals, runMain } from '@gateway/service-kit';
import { startBroker } from './broker.js';
import { loadBrokerConfig } from './config.js';

runMain(async () => {
  const config = loadBrokerConfig(process.env);
  const logger = createLogger('broker', config.logLevel);
  const broker = await startBroker(config, { logger });
  handleShutdownSignals(logger, () => broker.close());
  logger.info(
    {
      mqtt: `mqtt://${config.host}:${String(broker.tcpPort)}`,
      websocket: `ws://${config.host}:${String(broker.wsPort)}`,
      admin: `http://${config.adminHost}:${String(broker.adminPort)}`,
    },
    'broker ready',
  );
});
