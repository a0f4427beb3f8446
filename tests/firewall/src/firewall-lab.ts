// A two-host lab in network namespaces: a "gateway" host running TCP listeners and a "client"
// host, joined by a veth pair with private IPv4 (10.x) and IPv6 (ULA fd00::/8) addresses that only
// exist inside these namespaces. Firewall commands run only through `inGateway`, so the machine's
// own ruleset is never touched. Names are unique per run; `stop()` removes everything.
//
//   const lab = await new FirewallLab(tools).withListeners([22, 18831]).start();
//   await lab.probeFromClient([{ host: lab.gateway.ipv4, port: 22 }]);
//   await lab.stop();
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { waitFor } from '@gateway/service-kit/testing';
import { mustRun as mustRunIn, runCommand as runCommandIn, type CommandResult, type RunOptions } from '@gateway/service-kit/testing';
import { repoRoot } from './command.js';

const runCommand = (file: string, args: readonly string[], options: RunOptions = {}) => runCommandIn(file, args, { cwd: repoRoot, ...options });
const mustRun = (file: string, args: readonly string[], options: RunOptions = {}) => mustRunIn(file, args, { cwd: repoRoot, ...options });
import type { FirewallTools } from './prerequisites.js';
import { LISTENER_PROGRAM, PROBE_PROGRAM, type ProbeResult, type ProbeTarget } from './tcp-programs.js';

export interface LabHost {
  /** Network namespace name (/run/netns/<name>). */
  readonly netns: string;
  readonly ipv4: string;
  readonly ipv6: string;
}

const SUBNET_V4 = '10.213.7';
const SUBNET_V6 = 'fd00:213:7::';

export class FirewallLab {
  readonly #tools: FirewallTools;
  #listenerPorts: number[] = [];

  constructor(tools: FirewallTools) {
    this.#tools = tools;
  }

  /** TCP ports the gateway host listens on (IPv4 and IPv6). */
  withListeners(ports: readonly number[]): this {
    this.#listenerPorts = [...ports];
    return this;
  }

  async start(): Promise<StartedFirewallLab> {
    const suffix = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
    const gateway: LabHost = { netns: `fwtest-gw-${suffix}`, ipv4: `${SUBNET_V4}.1`, ipv6: `${SUBNET_V6}1` };
    const client: LabHost = { netns: `fwtest-cl-${suffix}`, ipv4: `${SUBNET_V4}.2`, ipv6: `${SUBNET_V6}2` };
    const lab = new StartedFirewallLab(this.#tools, gateway, client);
    try {
      await lab.create(this.#listenerPorts);
    } catch (error) {
      await lab.stop();
      throw error;
    }
    return lab;
  }
}

export class StartedFirewallLab {
  readonly #tools: FirewallTools;
  readonly gateway: LabHost;
  readonly client: LabHost;
  readonly #namespaces: string[] = [];
  #listener: ChildProcessByStdio<Writable, Readable, Readable> | undefined;

  constructor(tools: FirewallTools, gateway: LabHost, client: LabHost) {
    this.#tools = tools;
    this.gateway = gateway;
    this.client = client;
  }

  /** @internal Called by FirewallLab.start(). */
  async create(listenerPorts: readonly number[]): Promise<void> {
    const ip = this.#tools.ip;
    for (const host of [this.gateway, this.client]) {
      await mustRun(ip, ['netns', 'add', host.netns], { timeoutMs: 5_000 });
      this.#namespaces.push(host.netns);
    }
    await mustRun(ip, ['-n', this.gateway.netns, 'link', 'add', 'gw0', 'type', 'veth', 'peer', 'name', 'cl0', 'netns', this.client.netns], { timeoutMs: 5_000 });
    for (const [host, dev] of [[this.gateway, 'gw0'], [this.client, 'cl0']] as const) {
      await mustRun(ip, ['-n', host.netns, 'addr', 'add', `${host.ipv4}/24`, 'dev', dev], { timeoutMs: 5_000 });
      // nodad: usable at once. Neighbour discovery still runs, so IPv6 still needs its ICMPv6.
      await mustRun(ip, ['-n', host.netns, '-6', 'addr', 'add', `${host.ipv6}/64`, 'dev', dev, 'nodad'], { timeoutMs: 5_000 });
      await mustRun(ip, ['-n', host.netns, 'link', 'set', 'lo', 'up'], { timeoutMs: 5_000 });
      await mustRun(ip, ['-n', host.netns, 'link', 'set', dev, 'up'], { timeoutMs: 5_000 });
    }
    if (listenerPorts.length > 0) await this.#startListener(listenerPorts);
  }

  async #startListener(ports: readonly number[]): Promise<void> {
    const child = spawn(this.#tools.ip, ['netns', 'exec', this.gateway.netns, process.execPath, '-e', LISTENER_PROGRAM, ...ports.map(String)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#listener = child;
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`listener exited with ${child.exitCode}: ${output.trim()}`);
        return output.includes('listening');
      },
      { timeoutMs: 10_000, what: `TCP listeners on ${ports.join(', ')} in ${this.gateway.netns}` },
    );
  }

  /** Runs a command inside the gateway host's namespace. */
  inGateway(file: string, args: readonly string[], options?: RunOptions): Promise<CommandResult> {
    return runCommand(this.#tools.ip, ['netns', 'exec', this.gateway.netns, file, ...args], options);
  }

  /** Runs `nft` inside the gateway host's namespace and fails on a non-zero exit. */
  async nft(args: readonly string[]): Promise<string> {
    return (await mustRun(this.#tools.ip, ['netns', 'exec', this.gateway.netns, this.#tools.nft, ...args], { timeoutMs: 10_000 })).stdout;
  }

  /** Forgets learned neighbours on both hosts, so the next IPv6 packet needs neighbour discovery. */
  async flushNeighbours(): Promise<void> {
    for (const host of [this.gateway, this.client]) {
      await mustRun(this.#tools.ip, ['-n', host.netns, 'neigh', 'flush', 'all'], { timeoutMs: 5_000 });
    }
  }

  /** Connects from the client host to each target at once; each attempt gives up after timeoutMs. */
  probeFromClient(targets: readonly ProbeTarget[], timeoutMs = 1_500): Promise<ProbeResult[]> {
    return this.#probe(this.client, targets, timeoutMs);
  }

  /** Connects from inside the gateway host itself (for loopback). */
  probeInGateway(targets: readonly ProbeTarget[], timeoutMs = 1_500): Promise<ProbeResult[]> {
    return this.#probe(this.gateway, targets, timeoutMs);
  }

  async #probe(from: LabHost, targets: readonly ProbeTarget[], timeoutMs: number): Promise<ProbeResult[]> {
    const result = await mustRun(this.#tools.ip, ['netns', 'exec', from.netns, process.execPath, '-e', PROBE_PROGRAM, JSON.stringify(targets), String(timeoutMs)], {
      timeoutMs: timeoutMs + 10_000,
    });
    return JSON.parse(result.stdout) as ProbeResult[];
  }

  /** Stops the listener and deletes both namespaces (and with them the veth pair). Safe to call twice. */
  async stop(): Promise<void> {
    const listener = this.#listener;
    this.#listener = undefined;
    if (listener && listener.exitCode === null && listener.signalCode === null) {
      const exited = new Promise((resolve) => listener.once('exit', resolve));
      listener.kill('SIGKILL');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    }
    const problems: string[] = [];
    for (const netns of this.#namespaces.splice(0)) {
      const result = await runCommand(this.#tools.ip, ['netns', 'delete', netns], { timeoutMs: 5_000 });
      if (result.code !== 0) problems.push(`${netns}: ${result.stderr.trim()}`);
    }
    if (problems.length > 0) throw new Error(`could not delete network namespaces: ${problems.join('; ')}`);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
