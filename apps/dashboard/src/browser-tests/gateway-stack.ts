// The real stack in-process for end-to-end tests: broker, proxy (serving the built dashboard and
// upgrading /mqtt on the same port) and optionally the simulator, all on ports chosen by the OS.
// The broker can require logins: a password file (BROKER_PASSWORD_FILE) and BROKER_ALLOW_ANONYMOUS=false.
// Each service logs at debug level into memory; logText() gives the lines for a failed test to print.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBrokerConfig, startBroker, type StartedBroker } from '@gateway/broker';
import { loadProxyConfig, startProxy, type StartedProxy } from '@gateway/proxy';
import { captureLogs, type LogCapture } from '@gateway/service-kit/testing';
import { startSimulator, type SimulatorOptions, type StartedSimulator } from '@gateway/simulator';
import { BROWSER_TEST_DIST } from './paths';
import { writePasswordFile } from './password-file';

/** The logs of the stack's services, one capture each. */
interface StackLogs {
  broker: LogCapture;
  proxy: LogCapture;
  simulator: LogCapture;
}

export class StartedGatewayStack implements AsyncDisposable {
  constructor(
    readonly broker: StartedBroker,
    public proxy: StartedProxy,
    readonly simulator: StartedSimulator | undefined,
    private readonly logs: StackLogs,
    /** The temporary folder of the password file, removed on close. */
    private readonly secretsDir?: string,
  ) {}

  /** The services' last `limit` log lines, oldest first, one JSON line each. */
  logText(limit = 300): string {
    const { broker, proxy, simulator } = this.logs;
    const lines = [...broker.lines, ...proxy.lines, ...simulator.lines];
    lines.sort((a, b) => String(a['time']).localeCompare(String(b['time'])));
    return lines
      .slice(-limit)
      .map((line) => JSON.stringify(line))
      .join('\n');
  }

  /** The dashboard's URL, served by the proxy. */
  get url(): string {
    return `http://127.0.0.1:${this.proxy.wsPort}/`;
  }

  /** MQTT over TCP through the proxy, for independent clients. */
  get mqttUrl(): string {
    return `mqtt://127.0.0.1:${this.proxy.tcpPort}`;
  }

  private stoppedPorts: { wsPort: number; tcpPort: number } | undefined;

  /** Closes the proxy, dropping every connection through it. */
  async stopProxy(): Promise<void> {
    this.stoppedPorts = { wsPort: this.proxy.wsPort, tcpPort: this.proxy.tcpPort };
    await this.proxy.close();
  }

  /** Starts a new proxy on the ports of the stopped one. */
  async startProxyAgain(): Promise<void> {
    const ports = this.stoppedPorts ?? { wsPort: this.proxy.wsPort, tcpPort: this.proxy.tcpPort };
    this.proxy = await startProxy(proxyConfig(this.broker, ports.wsPort, ports.tcpPort), { logger: this.logs.proxy.logger });
    this.stoppedPorts = undefined;
  }

  async close(): Promise<void> {
    await this.simulator?.close().catch(() => undefined);
    await this.proxy.close();
    await this.broker.close();
    if (this.secretsDir) rmSync(this.secretsDir, { recursive: true, force: true });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function proxyConfig(broker: StartedBroker, wsPort = 0, tcpPort = 0) {
  return loadProxyConfig({
    PROXY_HOST: '127.0.0.1',
    PROXY_TCP_PORT: String(tcpPort),
    PROXY_WS_PORT: String(wsPort),
    PROXY_ADMIN_PORT: '0',
    PROXY_TCP_UPSTREAMS: `127.0.0.1:${broker.tcpPort}`,
    PROXY_WS_UPSTREAMS: `127.0.0.1:${broker.wsPort}`,
    PROXY_STATIC_DIR: BROWSER_TEST_DIST,
    PROXY_TLS: 'false', // the page is tested over plain ws://; the proxy's own tests cover wss://
  });
}

/**
 * `await new GatewayStack().withSimulator({ sensors: 3 }).start()`; a broker that wants logins:
 * `new GatewayStack().withUsers({ operator: 'secret' }).withoutAnonymous()`.
 */
export class GatewayStack {
  private simulatorOptions: Omit<SimulatorOptions, 'url'> | undefined;
  private users: Readonly<Record<string, string>> | undefined;
  private allowAnonymous = true;

  withSimulator(options: Omit<SimulatorOptions, 'url'> = {}): this {
    this.simulatorOptions = options;
    return this;
  }

  /** Gives the broker a password file with these users (name -> password), written by gateway-passwd. */
  withUsers(users: Readonly<Record<string, string>>): this {
    this.users = users;
    return this;
  }

  /** BROKER_ALLOW_ANONYMOUS=false: clients without a user name get CONNACK 5. */
  withoutAnonymous(): this {
    this.allowAnonymous = false;
    return this;
  }

  async start(): Promise<StartedGatewayStack> {
    const secretsDir = this.users ? mkdtempSync(join(tmpdir(), 'dashboard-e2e-secrets-')) : undefined;
    const env: Record<string, string> = { BROKER_TCP_PORT: '0', BROKER_WS_PORT: '0', BROKER_ADMIN_PORT: '0', BROKER_PERSISTENCE: 'memory' };
    if (!this.allowAnonymous) env['BROKER_ALLOW_ANONYMOUS'] = 'false';
    const logs: StackLogs = { broker: captureLogs('broker', 'debug'), proxy: captureLogs('proxy', 'debug'), simulator: captureLogs('simulator', 'debug') };
    let broker: StartedBroker | undefined;
    let proxy: StartedProxy | undefined;
    try {
      if (secretsDir && this.users) {
        env['BROKER_PASSWORD_FILE'] = join(secretsDir, 'passwd');
        await writePasswordFile(env['BROKER_PASSWORD_FILE'], this.users);
      }
      broker = await startBroker(loadBrokerConfig(env), { logger: logs.broker.logger });
      proxy = await startProxy(proxyConfig(broker), { logger: logs.proxy.logger });
      const simulator = this.simulatorOptions
        ? await startSimulator({ ...this.simulatorOptions, url: `mqtt://127.0.0.1:${proxy.tcpPort}`, logger: logs.simulator.logger })
        : undefined;
      return new StartedGatewayStack(broker, proxy, simulator, logs, secretsDir);
    } catch (error) {
      await proxy?.close();
      await broker?.close();
      if (secretsDir) rmSync(secretsDir, { recursive: true, force: true });
      throw error;
    }
  }
}
