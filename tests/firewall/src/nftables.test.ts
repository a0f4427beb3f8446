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
/** SSH, then the proxy's raw MQTT, WebSocket + dashboard, MQTT over TLS and WebSocket over TLS. */
const OPEN = [22, 18831, 8020, 8883, 8443];
const BROKER = [1883, 8001];
/** Listening but in no rule: the policy decides (9101 is the broker's admin port). */
const UNLISTED = 9101;
const ALT_SSH = 2222;
/** Where MQTTS_PORT and WSS_PORT move the TLS ports in the tests that set them. */
const ALT_MQTTS = 9883;
const ALT_WSS = 9443;
/** The accept rule of each allowed port in gateway.nft, by the start of its comment. */
const ACCEPT_RULE: Readonly<Record<number, string>> = {
  22: 'SSH',
  18831: 'gateway proxy: raw MQTT',
  8020: 'gateway proxy: MQTT over WebSocket and the dashboard',
  8883: 'gateway proxy: MQTT over TLS',
  8443: 'gateway proxy: MQTT over WebSocket and the dashboard, over TLS',
};

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
    lab = await new FirewallLab(tools).withListeners([...OPEN, ...BROKER, UNLISTED, ALT_SSH, ALT_MQTTS, ALT_WSS]).start();
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
      const result = await apply(['--dry-run'], { SSH_PORT: String(ALT_SSH), MQTTS_PORT: String(ALT_MQTTS), WSS_PORT: String(ALT_WSS), BROKER_PORTS: '1883,8001,9001' });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('checked with nft -c');
      expect(await started().nft(['-s', 'list', 'ruleset'])).toBe(before);

      const file = await readFile(join(repoRoot, 'infra/firewall/gateway.nft'), 'utf8');
      const rendered = file
        .replace(/^define SSH_PORT = .*$/m, `define SSH_PORT = ${ALT_SSH}`)
        .replace(/^define MQTTS_PORT = 8883$/m, `define MQTTS_PORT = ${ALT_MQTTS}`)
        .replace(/^define WSS_PORT = 8443$/m, `define WSS_PORT = ${ALT_WSS}`)
        .replace(/^define BROKER_PORTS = .*$/m, 'define BROKER_PORTS = { 1883, 8001, 9001 }');
      expect(rendered).not.toBe(file);
      for (const define of [`define MQTTS_PORT = ${ALT_MQTTS}`, `define WSS_PORT = ${ALT_WSS}`]) expect(rendered).toContain(define);
      expect(result.stdout).toBe(rendered);
      expect(result.stdout).toContain(`table ${TABLE} {`);
    }
  });

  it('refuses bad port settings and names the variable', async () => {
    for (const [variable, value] of [
      ['MQTT_PORT', '70000'],
      ['MQTTS_PORT', '0'],
      ['WSS_PORT', '8443x'],
    ] as const) {
      const bad = await apply(['--dry-run'], { [variable]: value });
      expect(bad.code, `${variable}=${value}`).not.toBe(0);
      expect(bad.stderr).toContain(`${variable} must be a TCP port number (1-65535), got '${value}'`);
    }
    const overlap = await apply(['--dry-run'], { BROKER_PORTS: '1883 8020' });
    expect(overlap.code).not.toBe(0);
    expect(overlap.stderr).toContain('8020');
  });

  it('refuses a BROKER_PORTS entry that is also a TLS port, default or set by MQTTS_PORT/WSS_PORT', async () => {
    const cases: { env: Record<string, string>; port: string; variable: string }[] = [
      { env: { BROKER_PORTS: '1883 8883' }, port: '8883', variable: 'MQTTS_PORT' },
      { env: { BROKER_PORTS: '1883,8443' }, port: '8443', variable: 'WSS_PORT' },
      { env: { MQTTS_PORT: '8001' }, port: '8001', variable: 'MQTTS_PORT' },
      { env: { WSS_PORT: '1883' }, port: '1883', variable: 'WSS_PORT' },
    ];
    await mustApply();
    const before = await started().nft(['-s', 'list', 'ruleset']);
    for (const { env, port, variable } of cases) {
      for (const args of [['--dry-run'], []]) {
        const result = await apply(args, env);
        expect(result.code, `${JSON.stringify(env)} ${args.join(' ')}`).not.toBe(0);
        expect(result.stderr).toContain(`port ${port} is both allowed (${variable}) and in BROKER_PORTS`);
        expect(result.stdout).toBe('');
      }
    }
    // Refused before anything was loaded: the table applied above is still the one in place.
    expect(await started().nft(['-s', 'list', 'ruleset'])).toBe(before);
    // Moving a TLS port away frees its default number for BROKER_PORTS.
    const moved = await apply(['--dry-run'], { MQTTS_PORT: String(ALT_MQTTS), BROKER_PORTS: '1883 8001 8883' });
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toContain('define BROKER_PORTS = { 1883, 8001, 8883 }');
  });

  it('opens SSH, raw MQTT, WebSocket and both TLS ports, rejects the broker ports (counted) and drops the rest, over IPv4 and IPv6', async () => {
    await mustApply();
    const targets = gatewayTargets([...OPEN, ...BROKER, UNLISTED, ALT_SSH, ALT_MQTTS, ALT_WSS]);
    const results = await started().probeFromClient(targets);
    expect(outcomes(results)).toEqual(
      expected(targets, (port) => (OPEN.includes(port) ? connected(port) : BROKER.includes(port) ? REFUSED : DROPPED)),
    );
    const table = await started().nft(['-j', 'list', 'table', 'inet', 'gateway_firewall']);
    expect(counterPackets(table, 'broker ports')).toBeGreaterThanOrEqual(BROKER.length * 2);
    // Each open port came in through its own accept rule: a SYN over IPv4 and one over IPv6 (at least).
    const accepted = Object.fromEntries(OPEN.map((port) => [port, counterPackets(table, ACCEPT_RULE[port] ?? `no rule for ${port}`)]));
    for (const port of OPEN) expect(accepted[port], `accept rule counters by port: ${JSON.stringify(accepted)}`).toBeGreaterThanOrEqual(2);
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

  it('takes the TLS ports from MQTTS_PORT and WSS_PORT', async () => {
    const result = await mustApply([], { MQTTS_PORT: String(ALT_MQTTS), WSS_PORT: String(ALT_WSS) });
    expect(result.stderr).toContain(`MQTT over TLS ${ALT_MQTTS}, WebSocket over TLS ${ALT_WSS} open`);
    const moved = new Set([ALT_MQTTS, ALT_WSS, 18831, 8020]);
    const targets = gatewayTargets([8883, 8443, ALT_MQTTS, ALT_WSS, 18831, 8020]);
    expect(outcomes(await started().probeFromClient(targets))).toEqual(expected(targets, (port) => (moved.has(port) ? connected(port) : DROPPED)));
    const table = await started().nft(['-j', 'list', 'table', 'inet', 'gateway_firewall']);
    // The TLS rules now match the moved ports: they counted the connections to ALT_MQTTS and ALT_WSS.
    expect(counterPackets(table, ACCEPT_RULE[8883] ?? '')).toBeGreaterThanOrEqual(2);
    expect(counterPackets(table, ACCEPT_RULE[8443] ?? '')).toBeGreaterThanOrEqual(2);
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
