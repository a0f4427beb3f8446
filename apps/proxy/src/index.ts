// Public API of @gateway/proxy: start the reverse proxy (raw MQTT, MQTT over WebSocket, dashboard files, and
// their TLS twins).
export { startProxy, type StartProxyOptions, type StartedProxy } from './proxy.js';
export { loadProxyConfig, defaultStaticDir, type ProxyConfig, type TlsConfig } from './config.js';
export type { CertificateInfo } from './certificate-store.js';
export type { Logger } from '@gateway/service-kit';
