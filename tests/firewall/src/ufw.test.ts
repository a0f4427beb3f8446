// infra/firewall/apply-ufw.sh: its dry run, and the real thing, ufw run by the script inside a
// "gateway" network namespace (with a private copy of ufw's configuration, see UfwSandbox) and
// probed from a "client" namespace over IPv4 and IPv6 with real TCP connections.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCommand, type CommandResult } from '@gateway/service-kit/testing';
import { repoRoot } from './command.js';
import { FirewallLab, type StartedFirewallLab } from './firewall-lab.js';
import { requireFirewallTools, type FirewallTools } from './prerequisites.js';
import type { ProbeResult, ProbeTarget } from './tcp-programs.js';
import { UfwSandbox } from './ufw-sandbox.js';

const APPLY = 'infra/firewall/apply-ufw.sh';
/** SSH, then the proxy's raw MQTT, WebSocket + dashboard, MQTT over TLS and WebSocket over TLS. */
const OPEN = [22, 18831, 8020, 8883, 8443];
const BROKER = [1883, 8001];
/** Listening but in no rule: ufw's default (deny incoming) decides. */
const UNLISTED = 9101;
const ALT_MQTTS = 9883;
const ALT_WSS = 9443;
/** ufw's deny drops packets: a connection attempt times out (the nftables ruleset rejects instead). */
const DROPPED = 'failed: ETIMEDOUT';
const connected = (port: number) => `connected (gateway:${port})`;

/** One readable line per attempt, so a failing expectation shows the whole picture. */
function outcomes(results: readonly ProbeResult[]): Record<string, string> {
  return Object.fromEntries(results.map((r) => [`[${r.host}]:${r.port}`, r.connected ? `connected (${r.greeting})` : `failed: ${r.error ?? 'unknown'}`]));
}

function expected(targets: readonly ProbeTarget[], outcome: (port: number) => string): Record<string, string> {
  return Object.fromEntries(targets.map((t) => [`[${t.host}]:${t.port}`, outcome(t.port)]));
}

describe('apply-ufw.sh --dry-run', () => {
  let dir = '';
  let defaultsFile = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fwtest-ufw-dry-'));
    defaultsFile = join(dir, 'ufw');
  });

  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  function dryRun(env: Record<string, string>): Promise<CommandResult> {
    return runCommand('bash', [APPLY, '--dry-run'], { cwd: repoRoot, env: { UFW: 'ufw', UFW_DEFAULTS: defaultsFile, ...env }, timeoutMs: 20_000 });
  }

  it('prints the exact ufw commands for the configured ports, both TLS ports included, and changes nothing', async () => {
    await writeFile(defaultsFile, 'IPV6=no\n');
    const result = await dryRun({ MQTTS_PORT: String(ALT_MQTTS), WSS_PORT: String(ALT_WSS) });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      `# IPv6: ${defaultsFile} has IPV6=no; setting IPV6=yes so each rule covers IPv4 and IPv6`,
      `sed -i 's/^IPV6=.*/IPV6=yes/' ${defaultsFile}`,
      'ufw default deny incoming',
      'ufw default allow outgoing',
      'ufw allow 22/tcp comment SSH',
      "ufw allow 18831/tcp comment 'gateway proxy: raw MQTT'",
      "ufw allow 8020/tcp comment 'gateway proxy: MQTT over WebSocket and the dashboard'",
      `ufw allow ${ALT_MQTTS}/tcp comment 'gateway proxy: MQTT over TLS'`,
      `ufw allow ${ALT_WSS}/tcp comment 'gateway proxy: MQTT over WebSocket and the dashboard, over TLS'`,
      'ufw delete allow 1883/tcp',
      "ufw prepend deny 1883/tcp comment 'broker port: reached through the proxy only'",
      'ufw delete allow 8001/tcp',
      "ufw prepend deny 8001/tcp comment 'broker port: reached through the proxy only'",
      'ufw --force enable',
      '',
    ]);
    expect(await readFile(defaultsFile, 'utf8')).toBe('IPV6=no\n');
  });

  it('opens 8883 and 8443 by default and plans to add IPV6=yes when the defaults file has no such line (or is missing)', async () => {
    for (const present of [true, false]) {
      if (present) await writeFile(defaultsFile, '# no IPV6 line\n');
      else await rm(defaultsFile, { force: true });
      const result = await dryRun({});
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`echo IPV6=yes >> ${defaultsFile}\n`);
      expect(result.stdout).toContain("ufw allow 8883/tcp comment 'gateway proxy: MQTT over TLS'\n");
      expect(result.stdout).toContain("ufw allow 8443/tcp comment 'gateway proxy: MQTT over WebSocket and the dashboard, over TLS'\n");
    }
  });

  it('refuses a bad or overlapping TLS port, naming it, before printing any command', async () => {
    const cases: { env: Record<string, string>; message: string }[] = [
      { env: { MQTTS_PORT: '65536' }, message: "MQTTS_PORT must be a TCP port number (1-65535), got '65536'" },
      { env: { WSS_PORT: '08443' }, message: "WSS_PORT must be a TCP port number (1-65535), got '08443'" },
      { env: { BROKER_PORTS: '1883 8883' }, message: 'port 8883 is both allowed (MQTTS_PORT) and in BROKER_PORTS' },
      { env: { WSS_PORT: '8001' }, message: 'port 8001 is both allowed (WSS_PORT) and in BROKER_PORTS' },
    ];
    for (const { env, message } of cases) {
      const result = await dryRun(env);
      expect(result.code, JSON.stringify(env)).not.toBe(0);
      expect(result.stderr).toContain(message);
      expect(result.stdout).toBe('');
    }
  });
});

describe('apply-ufw.sh running ufw in a network namespace', () => {
  let tools: FirewallTools | undefined;
  let lab: StartedFirewallLab | undefined;
  let sandbox: UfwSandbox | undefined;

  // A fresh lab and ufw configuration per test: ufw's state (rules files, loaded chains) never leaks
  // from one test into the next.
  beforeEach(async () => {
    tools ??= requireFirewallTools({ ufw: true });
    lab = await new FirewallLab(tools).withListeners([...OPEN, ...BROKER, UNLISTED, ALT_MQTTS, ALT_WSS]).start();
    sandbox = await UfwSandbox.create(lab, tools);
  });

  afterEach(async () => {
    await sandbox?.remove();
    sandbox = undefined;
    await lab?.stop();
    lab = undefined;
  });

  function started(): { lab: StartedFirewallLab; ufw: UfwSandbox } {
    if (!lab || !sandbox) throw new Error('the lab or the ufw sandbox did not start (see the error of beforeEach)');
    return { lab, ufw: sandbox };
  }

  async function mustApply(env: Record<string, string> = {}): Promise<CommandResult> {
    const { lab: gateway, ufw } = started();
    const result = await ufw.run('bash', [APPLY], { env });
    expect(result.code, `${APPLY} failed: ${result.stderr}`).toBe(0);
    // Forget neighbours, so IPv6 probes afterwards need neighbour discovery through the firewall.
    await gateway.flushNeighbours();
    return result;
  }

  function gatewayTargets(ports: readonly number[]): ProbeTarget[] {
    const { ipv4, ipv6 } = started().lab.gateway;
    return ports.flatMap((port) => [
      { host: ipv4, port },
      { host: ipv6, port },
    ]);
  }

  async function status(): Promise<string> {
    const result = await started().ufw.ufw(['status', 'numbered']);
    expect(result.code, result.stderr).toBe(0);
    return result.stdout;
  }

  it('opens SSH, raw MQTT, WebSocket and both TLS ports and drops the broker ports and the rest, over IPv4 and IPv6', async () => {
    const { lab: gateway, ufw } = started();
    const all = gatewayTargets([...OPEN, ...BROKER, UNLISTED]);
    expect(outcomes(await gateway.probeFromClient(all))).toEqual(expected(all, connected));

    await ufw.writeDefaults((await ufw.readDefaults()).replace(/^IPV6=.*$/m, 'IPV6=no'));
    await mustApply();
    // IPV6=no would have left IPv6 open; the script turned it on before adding any rule.
    expect(await ufw.readDefaults()).toMatch(/^IPV6=yes$/m);
    expect(await status()).toMatch(/^Status: active$/m);

    const targets = gatewayTargets([...OPEN, ...BROKER, UNLISTED, ALT_MQTTS, ALT_WSS]);
    expect(outcomes(await gateway.probeFromClient(targets))).toEqual(expected(targets, (port) => (OPEN.includes(port) ? connected(port) : DROPPED)));
  }, 120_000);

  it('keeps the broker ports denied despite earlier allow rules (an allow-all, an allow for the port), and re-running changes nothing', async () => {
    const { lab: gateway, ufw } = started();
    // Someone opened the gateway to the client host entirely, and the broker ports to everyone.
    const earlier = [['allow', 'from', gateway.client.ipv4], ['allow', 'from', gateway.client.ipv6], ...BROKER.map((port) => ['allow', `${port}/tcp`])];
    for (const rule of earlier) expect((await ufw.ufw(rule)).code, rule.join(' ')).toBe(0);
    await mustApply();
    const first = await status();
    const lines = first.split('\n');
    const position = (pattern: string) => lines.findIndex((line) => new RegExp(`^\\[ *\\d+\\] ${pattern}`).test(line));
    for (const [family, source] of [['', gateway.client.ipv4], [' \\(v6\\)', gateway.client.ipv6]] as const) {
      // The allow-all rule for the client host is left alone, and the deny rules come before it.
      const allowAll = position(`Anywhere${family} +ALLOW IN +${source.replaceAll('.', '\\.')} *$`);
      expect(allowAll, first).toBeGreaterThanOrEqual(0);
      for (const port of BROKER) {
        const deny = position(`${port}/tcp${family} +DENY IN +Anywhere${family} +# broker port`);
        expect(deny, first).toBeGreaterThanOrEqual(0);
        expect(deny, first).toBeLessThan(allowAll);
        // The allow rule for the same port is gone: ufw would have skipped the deny rule otherwise.
        expect(position(`${port}/tcp${family} +ALLOW IN`), first).toBe(-1);
      }
    }
    for (const comment of ['gateway proxy: MQTT over TLS', 'gateway proxy: MQTT over WebSocket and the dashboard, over TLS']) {
      expect(first).toContain(`# ${comment}\n`);
    }

    const again = await mustApply();
    expect(again.stdout).toContain('Skipping adding existing rule');
    expect(again.stdout).toContain('Skipping inserting existing rule');
    expect(again.stdout).toContain('Could not delete non-existent rule');
    expect(await status()).toBe(first);

    // The client may reach anything (the allow-all rule) but the broker ports.
    const targets = gatewayTargets([...OPEN, ...BROKER, UNLISTED]);
    expect(outcomes(await gateway.probeFromClient(targets))).toEqual(expected(targets, (port) => (BROKER.includes(port) ? DROPPED : connected(port))));
  }, 120_000);

  it('takes the TLS ports from MQTTS_PORT and WSS_PORT, and refuses one that is a broker port without running ufw', async () => {
    const { lab: gateway, ufw } = started();
    const refused = await ufw.run('bash', [APPLY], { env: { BROKER_PORTS: '1883 8001 8883' } });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('port 8883 is both allowed (MQTTS_PORT) and in BROKER_PORTS');
    expect(await status()).toMatch(/^Status: inactive$/m);

    await mustApply({ MQTTS_PORT: String(ALT_MQTTS), WSS_PORT: String(ALT_WSS) });
    const moved = new Set([ALT_MQTTS, ALT_WSS, 18831, 8020]);
    const targets = gatewayTargets([8883, 8443, ALT_MQTTS, ALT_WSS, 18831, 8020]);
    expect(outcomes(await gateway.probeFromClient(targets))).toEqual(expected(targets, (port) => (moved.has(port) ? connected(port) : DROPPED)));
  }, 120_000);
});
