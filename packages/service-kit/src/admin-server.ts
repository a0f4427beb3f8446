// The admin HTTP server every service runs on its own port: /healthz (the process answers),
// /readyz (every readiness check passes) and /metrics (Prometheus text format from a prom-client registry or the like).
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger.js';

/** A named readiness check: true when that part of the service is ready. */
export type ReadinessChecks = Record<string, () => boolean>;

export interface AdminServerOptions {
  host: string;
  port: number;
  /** Where /metrics comes from: a prom-client Registry, or anything that renders the same text (a cluster's aggregate). */
  registry: { metrics(): Promise<string>; readonly contentType: string };
  readiness: ReadinessChecks;
  logger: Logger;
}

export interface AdminServer {
  port: number;
  close(): Promise<void>;
}

export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const app = Fastify({ logger: false });

  app.get('/healthz', () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const checks = Object.fromEntries(Object.entries(options.readiness).map(([name, check]) => [name, check()]));
    const ready = Object.values(checks).every(Boolean);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });

  app.get('/metrics', async (_request, reply) => {
    const body = await options.registry.metrics();
    return reply.type(options.registry.contentType).send(body);
  });

  await app.listen({ host: options.host, port: options.port });
  const port = (app.server.address() as AddressInfo).port;
  options.logger.info({ listener: 'admin', host: options.host, port }, 'admin server listening');
  return { port, close: () => app.close() };
}
