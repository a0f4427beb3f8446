// Shared building blocks of the gateway's services.
export { ConfigError, loadConfig, type LoadConfigOptions } from './config.js';
export * as fields from './config-fields.js';
export { parseDuration, parseHostPort, type HostPort } from './config-fields.js';
export { findExecutable } from './find-executable.js';
export { createLogger, type Logger } from './logger.js';
export { listen, close } from './listen.js';
export { startAdminServer, type AdminServer, type AdminServerOptions, type ReadinessChecks } from './admin-server.js';
export { createShutdownHandler, handleShutdownSignals, runMain, type ShutdownOptions } from './shutdown.js';
