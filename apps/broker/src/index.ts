// Public API of @gateway/broker: start the MQTT broker from a validated configuration.
export { startBroker, type StartBrokerOptions, type StartedBroker } from './broker.js';
export { loadBrokerConfig, defaultDataDir, type BrokerConfig, type PersistenceKind } from './config.js';
export type { GatewayAedes } from './gateway-aedes.js';
export type { Logger } from '@gateway/service-kit';
