// Public API of @gateway/proxy: start the reverse proxy (raw MQTT, MQTT over WebSocket, dashboard files).
export { startProxy, type StartProxyOptions, type StartedProxy } from './proxy.js';
export { loadProxyConfig, defaultStaticDir, type ProxyConfig } from './config.js';
export type { Logger } from '@gateway/service-kit';
