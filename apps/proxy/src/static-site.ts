// The dashboard's built files, served over plain HTTP on the WebSocket port (fastify + @fastify/static);
// when the files are missing it answers 503 with a hint instead, while MQTT keeps being proxied.
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '@gateway/service-kit';
import type { ProxyMetrics } from './metrics.js';

export interface StaticSiteOptions {
  /** Absolute path of the folder of built dashboard files. */
  root: string;
  metrics: ProxyMetrics;
  logger: Logger;
}

export const notBuiltPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Dashboard not built</title></head>
<body>
<h1>Dashboard not built</h1>
<p>dashboard not built: run pnpm build</p>
<p>The proxy serves the dashboard from apps/dashboard/dist (or the folder named by PROXY_STATIC_DIR).
MQTT over WebSocket on this port and raw MQTT keep working meanwhile.</p>
</body>
</html>
`;

/** A fastify app (not yet listening) serving `root`; the folder is looked up per request, so building it later needs no restart. */
export async function createStaticSite(options: StaticSiteOptions): Promise<FastifyInstance> {
  // Node's HTTP timeouts cover HTTP requests only: websocket-proxy.ts resets the socket timeout of upgraded connections.
  const app = Fastify({ logger: false });
  if (!existsSync(options.root)) {
    options.logger.warn({ listener: 'websocket', staticDir: options.root }, 'dashboard not built: run pnpm build (serving a 503 page until the folder exists)');
  }

  await app.register(fastifyStatic, { root: options.root, suppressWarning: true, index: ['index.html'] });

  app.setNotFoundHandler(async (request, reply) => {
    if (!existsSync(options.root)) return reply.code(503).type('text/html; charset=utf-8').send(notBuiltPage);
    // A single-page app: unknown paths that a browser navigates to get index.html, the rest a 404.
    if (request.method === 'GET' && request.headers.accept?.includes('text/html') === true && !request.url.includes('.')) {
      return reply.sendFile('index.html');
    }
    return reply.code(404).type('text/plain; charset=utf-8').send('not found\n');
  });

  app.setErrorHandler(async (error, request, reply) => {
    options.logger.warn({ listener: 'websocket', url: request.url, err: error instanceof Error ? error.message : String(error) }, 'static request failed');
    const statusCode = typeof (error as { statusCode?: unknown }).statusCode === 'number' ? (error as { statusCode: number }).statusCode : 500;
    return reply.code(statusCode).type('text/plain; charset=utf-8').send(statusCode >= 500 ? 'internal error\n' : 'bad request\n');
  });

  app.addHook('onResponse', async (request, reply) => {
    options.metrics.staticRequest(reply.statusCode);
    options.logger.debug({ listener: 'websocket', method: request.method, url: request.url, status: reply.statusCode }, 'static request');
  });
  return app;
}
