// NGINX as the proxy in front of a broker (infra/bench/nginx.conf.template): its stream module for raw MQTT
// and its HTTP WebSocket proxy, on free loopback ports, in the foreground with its files in a temporary
// directory. In front of Mosquitto it is half of the reference stack (--compare); in front of our broker it
// is the --nginx-hop target, which measures what one proxy hop costs our broker when the proxy is NGINX.
import { accessSync, constants } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from '@gateway/service-kit';
import { freePort, startProgram, type ForegroundProgram } from '@gateway/service-kit/testing';
import { writeConfig } from './config-template.js';

export const streamModule = '/usr/lib/nginx/modules/ngx_stream_module.so';
/** Debian's packages of NGINX and its stream module. */
export const nginxPackages = 'nginx libnginx-mod-stream';

export interface NginxProxyOptions {
  /** The broker's loopback ports: raw MQTT and MQTT over WebSocket. */
  brokerTcpPort: number;
  brokerWsPort: number;
  /** worker_processes. */
  workers: number;
}

export interface StartedNginxProxy {
  /** The master process (its workers are its children). */
  pid: number;
  urls: { tcp: string; ws: string };
  close(): Promise<void>;
}

/** What NGINX needs that is not installed here (the program, its stream module); empty when nothing. */
export function nginxMissing(): string[] {
  const missing: string[] = [];
  if (findExecutable('nginx') === undefined) missing.push('nginx');
  try {
    accessSync(streamModule, constants.R_OK);
  } catch {
    missing.push(`NGINX's stream module (${streamModule})`);
  }
  return missing;
}

export async function startNginxProxy(options: NginxProxyOptions): Promise<StartedNginxProxy> {
  const prefix = await mkdtemp(join(tmpdir(), 'gateway-bench-nginx-'));
  let nginx: ForegroundProgram | undefined;
  const close = async () => {
    // SIGQUIT: NGINX's graceful shutdown.
    await nginx?.stop('SIGQUIT');
    await rm(prefix, { recursive: true, force: true });
  };
  try {
    const ports = { NGINX_TCP_PORT: await freePort(), NGINX_WS_PORT: await freePort() };
    const config = await writeConfig('nginx.conf', prefix, {
      PREFIX: prefix,
      STREAM_MODULE: streamModule,
      WORKER_PROCESSES: options.workers,
      BROKER_TCP_PORT: options.brokerTcpPort,
      BROKER_WS_PORT: options.brokerWsPort,
      ...ports,
    });
    await mkdir(join(prefix, 'logs'));
    nginx = startProgram('nginx', ['-p', `${prefix}/`, '-c', config, '-e', join(prefix, 'error.log')]);
    await nginx.listening([ports.NGINX_TCP_PORT, ports.NGINX_WS_PORT]);
    return {
      pid: nginx.pid,
      urls: { tcp: `mqtt://127.0.0.1:${String(ports.NGINX_TCP_PORT)}`, ws: `ws://127.0.0.1:${String(ports.NGINX_WS_PORT)}/mqtt` },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
