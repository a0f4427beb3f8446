// Runs ufw (and apply-ufw.sh) for real inside the lab's gateway namespace without touching this
// machine's own ufw: each command runs in a private mount namespace where /etc/ufw and /etc/default
// are bind mounts of copies in a temporary directory, reset to ufw's installation defaults first.
// The iptables rules ufw loads live in the gateway's network namespace and go away with it.
//
//   const ufw = await UfwSandbox.create(lab, tools);
//   await ufw.run('bash', ['infra/firewall/apply-ufw.sh']);
//   await ufw.remove();
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandResult, RunOptions } from '@gateway/service-kit/testing';
import type { StartedFirewallLab } from './firewall-lab.js';
import type { FirewallTools } from './prerequisites.js';

/** Bind-mounts $1 on /etc/ufw and $2 on /etc/default, then runs the rest of the arguments. */
const WITH_PRIVATE_CONFIG = 'mount --bind "$1" /etc/ufw && mount --bind "$2" /etc/default && shift 2 && exec "$@"';

export class UfwSandbox {
  readonly #lab: StartedFirewallLab;
  readonly #ufw: string;
  readonly #dir: string;

  private constructor(lab: StartedFirewallLab, ufw: string, dir: string) {
    this.#lab = lab;
    this.#ufw = ufw;
    this.#dir = dir;
  }

  /** Copies the machine's ufw configuration, then `ufw --force reset` in the sandbox: no rules, ufw inactive. */
  static async create(lab: StartedFirewallLab, tools: FirewallTools): Promise<UfwSandbox> {
    if (tools.ufw === undefined) throw new Error('UfwSandbox needs ufw (requireFirewallTools({ ufw: true }))');
    const dir = await mkdtemp(join(tmpdir(), 'fwtest-ufw-'));
    const sandbox = new UfwSandbox(lab, tools.ufw, dir);
    try {
      await cp('/etc/ufw', join(dir, 'ufw'), { recursive: true });
      await cp('/etc/default', join(dir, 'default'), { recursive: true });
      const reset = await sandbox.ufw(['--force', 'reset']);
      if (reset.code !== 0) throw new Error(`ufw --force reset in the sandbox failed: ${reset.stderr || reset.stdout}`);
    } catch (error) {
      await sandbox.remove();
      throw error;
    }
    return sandbox;
  }

  /** Runs a command in the gateway namespace, with the sandbox's /etc/ufw and /etc/default. */
  run(file: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    return this.#lab.inGateway(
      'unshare',
      ['--mount', '--propagation', 'private', 'sh', '-c', WITH_PRIVATE_CONFIG, 'sandbox', join(this.#dir, 'ufw'), join(this.#dir, 'default'), file, ...args],
      { timeoutMs: 60_000, ...options },
    );
  }

  ufw(args: readonly string[]): Promise<CommandResult> {
    return this.run(this.#ufw, args);
  }

  /** The sandbox's copy of /etc/default/ufw. */
  readDefaults(): Promise<string> {
    return readFile(join(this.#dir, 'default', 'ufw'), 'utf8');
  }

  writeDefaults(text: string): Promise<void> {
    return writeFile(join(this.#dir, 'default', 'ufw'), text);
  }

  /** Deletes the copies (the rules ufw loaded stay in the gateway namespace until the lab stops). */
  async remove(): Promise<void> {
    await rm(this.#dir, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.remove();
  }
}
