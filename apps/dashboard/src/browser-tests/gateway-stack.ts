// The real stack in-process for end-to-end tests: broker, proxy (serving the built dashboard and
// upgrading /mqtt on the same port) and optionally the simulator, all on ports chosen by the OS.
// The broker can require logins: a password file (BROKER_PASSWORD_FILE) and BROKER_ALLOW_ANONYMOUS=false.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBrokerConfig, startBroker, type StartedBroker } from '@gateway/broker';
import { loadProxyConfig, startProxy, type StartedProxy } from '@gateway/proxy';
import { startSimulator, type SimulatorOptions, type StartedSimulator } from '@gateway/simulator';
import { writePasswordFile } from './password-file';

export const DIST_DIR = fileURLToPath(new URL('../../dist', import.meta.url));

export class StartedGatewayStack implements AsyncDisposable {
  constructor(
    readonly broker: StartedBroker,
    public proxy: StartedProxy,
    readonly simulator: StartedSimulator | undefined,
    /** The temporary folder of the password file, removed on close. */
    private readonly secretsDir?: string,
  ) {}

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
    this.proxy = await startProxy(proxyConfig(this.broker, ports.wsPort, ports.tcpPort));
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
    PROXY_STATIC_DIR: DIST_DIR,
    PROXY_TLS: 'false', // the page is tested over plain ws://; the proxy's own tests cover wss://
    LOG_LEVEL: 'silent',
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
    const env: Record<string, string> = { BROKER_TCP_PORT: '0', BROKER_WS_PORT: '0', BROKER_ADMIN_PORT: '0', BROKER_PERSISTENCE: 'memory', LOG_LEVEL: 'silent' };
    if (!this.allowAnonymous) env['BROKER_ALLOW_ANONYMOUS'] = 'false';
    let broker: StartedBroker | undefined;
    let proxy: StartedProxy | undefined;
    try {
      if (secretsDir && this.users) {
        env['BROKER_PASSWORD_FILE'] = join(secretsDir, 'passwd');
        await writePasswordFile(env['BROKER_PASSWORD_FILE'], this.users);
      }
      broker = await startBroker(loadBrokerConfig(env));
      proxy = await startProxy(proxyConfig(broker));
      const simulator = this.simulatorOptions ? await startSimulator({ ...this.simulatorOptions, url: `mqtt://127.0.0.1:${proxy.tcpPort}` }) : undefined;
      return new StartedGatewayStack(broker, proxy, simulator, secretsDir);
    } catch (error) {
      await proxy?.close();
      await broker?.close();
      if (secretsDir) rmSync(secretsDir, { recursive: true, force: true });
      throw error;
    }
  }
}
