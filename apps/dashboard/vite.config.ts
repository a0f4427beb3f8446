// Vite config for the dashboard. In development the dev server proxies the MQTT WebSocket
// (any upgrade on /mqtt) to the gateway proxy, so the page and its MQTT connection share one origin.
import { defineConfig } from 'vite';

const proxyTarget = process.env['DASHBOARD_PROXY_TARGET'] ?? 'http://127.0.0.1:8020';

export default defineConfig({
  resolve: { conditions: ['@gateway/source'] },
  server: {
    port: Number(process.env['DASHBOARD_DEV_PORT'] ?? 5173),
    proxy: { '/mqtt': { target: proxyTarget, ws: true } },
  },
  build: { outDir: 'dist', emptyOutDir: true },
});
