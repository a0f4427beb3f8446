// The reference system under test for --compare: Debian's Mosquitto (raw MQTT and WebSocket listeners)
// behind NGINX (stream proxy and WebSocket proxy), started from the templates in infra/bench/ on free
// loopback ports, each program in the foreground with its files in a temporary directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canConnect, freePort, waitFor } from '@gateway/service-kit/testing';
import type { Target } from './targets.js';

/** infra/bench/: this file lives in apps/bench/src or apps/bench/dist. */
export const templateDir = fileURLToPath(new URL('../../../infra/bench/', import.meta.url));
export const streamModule = '/usr/lib/nginx/modules/ngx_stream_module.so';
export const referencePackages = 'mosquitto nginx libnginx-mod-stream';

export interface ReferenceStackOptions {
  nginxWorkers: number;
}

export interface StartedReferenceStack {
  target: Target;
  close(): Promise<void>;
}

/** `{{NAME}}` placeholders replaced by `values`; an unknown placeholder is an error. */
export function renderTemplate(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template placeholder {{${name}}} has no value`);
    return String(value);
  });
}

/** The path of an executable on PATH (and the sbin directories, where Debian puts both programs). */
export function findProgram(name: string): string | undefined {
  const directories = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const directory of directories) {
    if (directory === '') continue;
    const path = join(directory, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/** Why the reference stack cannot start here, or undefined when it can. */
export function referenceStackMissing(): string | undefined {
  const missing: string[] = [];
  if (findProgram('mosquitto') === undefined) missing.push('mosquitto');
  if (findProgram('nginx') === undefined) missing.push('nginx');
  try {
    accessSync(streamModule, constants.R_OK);
  } catch {
    missing.push(`NGINX's stream module (${streamModule})`);
  }
  if (missing.length === 0) return undefined;
  return `--compare needs the reference stack, but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not installed. Install Debian's packages: apt-get install -y ${referencePackages}`;
}

interface Program {
  child: ChildProcess;
  exited: Promise<void>;
  output(): string;
}

function startProgram(command: string, args: readonly string[]): Program {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('error', (error) => keep(Buffer.from(`[${command}: ${error.message}]`)));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return { child, exited, output: () => output };
}

async function stopProgram(program: Program, signal: NodeJS.Signals): Promise<void> {
  if (program.child.exitCode === null && program.child.signalCode === null) program.child.kill(signal);
  const timer = setTimeout(() => program.child.kill('SIGKILL'), 10_000);
  await program.exited;
  clearTimeout(timer);
}

export async function startReferenceStack(options: ReferenceStackOptions): Promise<StartedReferenceStack> {
  const missing = referenceStackMissing();
  if (missing !== undefined) throw new Error(missing);
  const prefix = await mkdtemp(join(tmpdir(), 'gateway-bench-reference-'));
  const values = {
    PREFIX: prefix,
    STREAM_MODULE: streamModule,
    WORKER_PROCESSES: options.nginxWorkers,
    MOSQUITTO_TCP_PORT: await freePort(),
    MOSQUITTO_WS_PORT: await freePort(),
    NGINX_TCP_PORT: await freePort(),
    NGINX_WS_PORT: await freePort(),
  };
  const programs: Program[] = [];
  const close = async () => {
    // NGINX first (SIGQUIT: graceful), then Mosquitto.
    const [mosquitto, nginx] = programs;
    if (nginx !== undefined) await stopProgram(nginx, 'SIGQUIT');
    if (mosquitto !== undefined) await stopProgram(mosquitto, 'SIGTERM');
    await rm(prefix, { recursive: true, force: true });
  };
  const started = async (program: Program, name: string, ports: readonly number[]) => {
    try {
      await waitFor(async () => program.child.exitCode === null && (await Promise.all(ports.map(canConnect))).every(Boolean), { timeoutMs: 10_000, what: `${name} to listen` });
    } catch (error) {
      throw new Error(`${name} did not start: ${program.output().trim() || (error as Error).message}`, { cause: error });
    }
  };
  try {
    for (const file of ['mosquitto.conf', 'nginx.conf']) {
      const template = await readFile(join(templateDir, `${file}.template`), 'utf8');
      await writeFile(join(prefix, file), renderTemplate(template, values));
    }
    await mkdir(join(prefix, 'logs'));
    const mosquitto = startProgram(findProgram('mosquitto') ?? 'mosquitto', ['-c', join(prefix, 'mosquitto.conf')]);
    programs.push(mosquitto);
    await started(mosquitto, 'mosquitto', [values.MOSQUITTO_TCP_PORT, values.MOSQUITTO_WS_PORT]);
    const nginx = startProgram(findProgram('nginx') ?? 'nginx', ['-p', `${prefix}/`, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log')]);
    programs.push(nginx);
    await started(nginx, 'nginx', [values.NGINX_TCP_PORT, values.NGINX_WS_PORT]);
    const mosquittoPid = mosquitto.child.pid ?? -1;
    const nginxPid = nginx.child.pid ?? -1;
    return {
      target: {
        name: 'reference',
        urls: { tcp: `mqtt://127.0.0.1:${String(values.NGINX_TCP_PORT)}`, ws: `ws://127.0.0.1:${String(values.NGINX_WS_PORT)}/mqtt` },
        brokerPids: [mosquittoPid],
        proxyPids: [nginxPid],
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
