// Printed by `pnpm dev` before the services start: where to look once they are up.
const tcp = process.env.PROXY_TCP_PORT ?? '18831';
const ws = process.env.PROXY_WS_PORT ?? '8020';
const vite = process.env.DASHBOARD_DEV_PORT ?? '5173';
const lines = [
  'gateway: starting broker, proxy, simulator and dashboard (reload on change)',
  `  dashboard (hot reload)  http://localhost:${vite}/`,
  `  dashboard (via proxy)   http://localhost:${ws}/   (a build, redone on every change)`,
  `  MQTT over TCP           mqtt://localhost:${tcp}`,
  `  MQTT over WebSocket     ws://localhost:${ws}/mqtt`,
  `  check it                mosquitto_sub -p ${tcp} -t '/IoTSensor/#' -v`,
  '  broker (loopback only)  mqtt://127.0.0.1:1883, ws://127.0.0.1:8001, admin http://127.0.0.1:9101/metrics',
  '  data                    .data/ (git-ignored)',
];
console.log(lines.join('\n'));
