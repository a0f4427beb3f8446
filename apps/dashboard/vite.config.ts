// Vite config for the dashboard. In development the dev server proxies the MQTT WebSocket
// (any upgrade on /mqtt) to the gateway proxy, so the page and its MQTT connection share one origin.
import { defaultClientConditions, defineConfig } from 'vite';

const proxyTarget = process.env['DASHBOARD_PROXY_TARGET'] ?? 'http://127.0.0.1:8020';

export default defineConfig({
  // Relative asset URLs, so the built app also works when the proxy serves it below a path.
  base: './',
  // Workspace packages from their TypeScript source, then Vite's usual browser conditions.
  resolve: { conditions: ['@gateway/source', ...defaultClientConditions] },
  // Vite 8 transforms TS/JSX with Oxc: the automatic JSX runtime, imported from preact.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: {
    port: Number(process.env['DASHBOARD_DEV_PORT'] ?? 5173),
    proxy: { '/mqtt': { target: proxyTarget, ws: true } },
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 600 },
});
