// infra/firewall/gateway.nft, loaded with apply-nftables.sh inside a "gateway" network namespace
// and probed from a "client" namespace over IPv4 and IPv6 with real TCP connections.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandResult } from '@gateway/service-kit/testing';
import { repoRoot } from './command.js';
import { FirewallLab, type StartedFirewallLab } from './firewall-lab.js';
import { counterPackets, rules, tableNames } from './nft-state.js';
import { requireFirewallTools } from './prerequisites.js';
import type { ProbeResult, ProbeTarget } from './tcp-programs.js';

const APPLY = 'infra/firewall/apply-nftables.sh';
const TABLE = 'inet gateway_firewall';
const OPEN = [22, 18831, 8020];
const BROKER = [1883, 8001];
/** Listening but in no rule: the policy decides (9101 is the broker's admin port). */
const UNLISTED = 9101;
const ALT_SSH = 2222;

let lab: StartedFirewallLab | undefined;

function started(): StartedFirewallLab {
  if (!lab) throw new Error('the network namespace lab did not start (see the error of beforeAll)');
  return lab;
}

function apply(args: readonly string[] = [], env: Record<string, string> = {}): Promise<CommandResult> {
  return started().inGateway('bash', [APPLY, ...args], { env, timeoutMs: 20_000 });
}

async function mustApply(args: readonly string[] = [], env: Record<string, string> = {}): Promise<CommandResult> {
  const result = await apply(args, env);
  expect(result.code, `${APPLY} ${args.join(' ')} failed: ${result.stderr}`).toBe(0);
  // Forget neighbours, so IPv6 probes afterwards need neighbour discovery through the firewall.
  await started().flushNeighbours();
  return result;
}

/** Both addresses of the gateway host for each port. */
function gatewayTargets(ports: readonly number[]): ProbeTarget[] {
  const { ipv4, ipv6 } = started().gateway;
  return ports.flatMap((port) => [
    { host: ipv4, port },
    { host: ipv6, port },
  ]);
}

/** One readable line per attempt, so a failing expectation shows the whole picture. */
function outcomes(results: readonly ProbeResult[]): Record<string, string> {
  return Object.fromEntries(results.map((r) => [`[${r.host}]:${r.port}`, r.connected ? `connected (${r.greeting})` : `failed: ${r.error ?? 'unknown'}`]));
}

function expected(targets: readonly ProbeTarget[], outcome: (port: number) => string): Record<string, string> {
  return Object.fromEntries(targets.map((t) => [`[${t.host}]:${t.port}`, outcome(t.port)]));
}

const connected = (port: number) => `connected (gateway:${port})`;
const REFUSED = 'failed: ECONNREFUSED';
const DROPPED = 'failed: ETIMEDOUT';

async function tablesInGateway(): Promise<string[]> {
  return tableNames(await started().nft(['-j', 'list', 'tables']));
}

describe('gateway.nft applied with apply-nftables.sh in a network namespace', () => {
  beforeAll(async () => {
    const tools = requireFirewallTools();
    lab = await new FirewallLab(tools).withListeners([...OPEN, ...BROKER, UNLISTED, ALT_SSH]).start();
  });

  afterAll(async () => {
    await lab?.stop();
  });

  it('reaches every listener before the firewall is loaded (the lab itself works)', async () => {
    await apply(['--remove']);
    const targets = gatewayTargets([...OPEN, ...BROKER, UNLISTED]);
    expect(outcomes(await started().probeFromClient(targets))).toEqual(expected(targets, connected));
  });

  it('--dry-run prints gateway.nft with the ports from the environment, checks it and changes nothing', async () => {
    for (const loadedFirst of [false, true]) {
      if (loadedFirst) await mustApply();
      else await apply(['--remove']);
      const before = await started().nft(['-s', 'list', 'ruleset']);
      const result = await apply(['--dry-run'], { SSH_PORT: String(ALT_SSH), BROKER_PORTS: '1883,8001,9001' });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('checked with nft -c');
      expect(await started().nft(['-s', 'list', 'ruleset'])).toBe(before);

      const file = await readFile(join(repoRoot, 'infra/firewall/gateway.nft'), 'utf8');
      const rendered = file
        .replace(/^define SSH_PORT = .*$/m, `define SSH_PORT = ${ALT_SSH}`)
        .replace(/^define BROKER_PORTS = .*$/m, 'define BROKER_PORTS = { 1883, 8001, 9001 }');
      expect(rendered).not.toBe(file);
      expect(result.stdout).toBe(rendered);
      expect(result.stdout).toContain(`table ${TABLE} {`);
    }
  });

  it('refuses bad port settings and names the variable', async () => {
    const tooBig = await apply(['--dry-run'], { MQTT_PORT: '70000' });
    expect(tooBig.code).not.toBe(0);
    expect(tooBig.stderr).toContain('MQTT_PORT');
    const overlap = await apply(['--dry-run'], { BROKER_PORTS: '1883 8020' });
    expect(overlap.code).not.toBe(0);
    expect(overlap.stderr).toContain('8020');
  });

  it('opens SSH, raw MQTT and WebSocket, rejects the broker ports (counted) and drops the rest, over IPv4 and IPv6', async () => {
    await mustApply();
    const targets = gatewayTargets([...OPEN, ...BROKER, UNLISTED, ALT_SSH]);
    const results = await started().probeFromClient(targets);
    expect(outcomes(results)).toEqual(
      expected(targets, (port) => (OPEN.includes(port) ? connected(port) : BROKER.includes(port) ? REFUSED : DROPPED)),
    );
    const table = await started().nft(['-j', 'list', 'table', 'inet', 'gateway_firewall']);
    expect(counterPackets(table, 'broker ports')).toBeGreaterThanOrEqual(BROKER.length * 2);
  });

  it('keeps loopback open inside the gateway: the proxy still reaches the broker', async () => {
    await mustApply();
    const targets = BROKER.flatMap((port) => [
      { host: '127.0.0.1', port },
      { host: '::1', port },
    ]);
    expect(outcomes(await started().probeInGateway(targets))).toEqual(expected(targets, connected));
  });

  it('keeps the broker ports closed when the input policy is changed to accept', async () => {
    await mustApply();
    await started().nft(['chain', 'inet', 'gateway_firewall', 'input', '{ policy accept; }']);
    const targets = gatewayTargets([...BROKER, UNLISTED]);
    expect(outcomes(await started().probeFromClient(targets))).toEqual(expected(targets, (port) => (port === UNLISTED ? connected(port) : REFUSED)));
  });

  it('is idempotent: re-applying leaves exactly one table with the same rules', async () => {
    await mustApply();
    const first = await started().nft(['-s', 'list', 'table', 'inet', 'gateway_firewall']);
    const firstRules = rules(await started().nft(['-j', 'list', 'table', 'inet', 'gateway_firewall'])).length;
    await mustApply();
    await mustApply();
    expect((await tablesInGateway()).filter((name) => name === TABLE)).toEqual([TABLE]);
    expect(await started().nft(['-s', 'list', 'table', 'inet', 'gateway_firewall'])).toBe(first);
    expect(rules(await started().nft(['-j', 'list', 'table', 'inet', 'gateway_firewall']))).toHaveLength(firstRules);
    expect(firstRules).toBeGreaterThan(10);
  });

  it('takes the SSH port from SSH_PORT', async () => {
    await mustApply([], { SSH_PORT: String(ALT_SSH) });
    const targets = gatewayTargets([22, ALT_SSH]);
    expect(outcomes(await started().probeFromClient(targets))).toEqual(expected(targets, (port) => (port === ALT_SSH ? connected(port) : DROPPED)));
  });

  it('coexists with other tables (like Docker iptables-nft ones) and --remove deletes only its own', async () => {
    await started().nft(['add', 'table', 'ip', 'fwtest_other']);
    await started().nft(['add', 'chain', 'ip', 'fwtest_other', 'input', '{ type filter hook input priority 10; policy accept; }']);
    try {
      await mustApply();
      expect(await tablesInGateway()).toEqual(expect.arrayContaining(['ip fwtest_other', TABLE]));
      // An accepting chain in another table does not open what this table drops.
      const closed = gatewayTargets(BROKER);
      expect(outcomes(await started().probeFromClient(closed))).toEqual(expected(closed, () => REFUSED));

      const removed = await apply(['--remove']);
      expect(removed.code, removed.stderr).toBe(0);
      expect(await tablesInGateway()).toEqual(['ip fwtest_other']);
      const all = gatewayTargets([...OPEN, ...BROKER, UNLISTED]);
      expect(outcomes(await started().probeFromClient(all))).toEqual(expected(all, connected));

      const again = await apply(['--remove']);
      expect(again.code, again.stderr).toBe(0);
    } finally {
      await started().nft(['delete', 'table', 'ip', 'fwtest_other']);
    }
  });
});
