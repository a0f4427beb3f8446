// The peers whose word about a client is believed: the PROXY v2 header on a TCP connection, and the
// X-Forwarded-For and X-Client-Cert-CN headers of a WebSocket upgrade. Entries are IP addresses, CIDR
// blocks or host names (a compose service name such as `proxy`), resolved at start, every 30 s, and again
// (at most once a second) when an unknown peer connects: the proxy may start after the broker, or come
// back from a restart with a new address.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { Logger } from '@gateway/service-kit';

const RESOLVE_INTERVAL_MS = 30_000;
const MIN_RESOLVE_GAP_MS = 1000;

/** `::ffff:10.0.0.1` as `10.0.0.1`: IPv4 peers of a dual-stack socket. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}

function addTo(list: BlockList, entry: string): boolean {
  const [address = '', prefix] = entry.split('/');
  const family = isIP(address);
  if (family === 0) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (prefix === undefined) list.addAddress(address, type);
  else list.addSubnet(address, Number(prefix), type);
  return true;
}

export class TrustedProxies {
  #list = new BlockList();
  #timer: NodeJS.Timeout | undefined;
  readonly #hasNames: boolean;
  #resolvedAt = 0;
  #resolving: Promise<void> | undefined;

  private constructor(
    private readonly entries: readonly string[],
    private readonly logger: Logger,
  ) {
    this.#hasNames = entries.some((entry) => isIP(entry.split('/')[0] ?? '') === 0);
  }

  /** Builds the set, resolving host names now and then every 30 s (a name that does not resolve yet is retried). */
  static async create(entries: readonly string[], logger: Logger): Promise<TrustedProxies> {
    const trusted = new TrustedProxies(entries, logger);
    await trusted.#resolve();
    if (trusted.#hasNames) {
      trusted.#timer = setInterval(() => void trusted.#resolve(), RESOLVE_INTERVAL_MS);
      trusted.#timer.unref();
    }
    return trusted;
  }

  /** Whether a connection from `address` (a socket's remote address) comes from a trusted proxy. */
  has(address: string | undefined): boolean {
    if (address === undefined) return false;
    const plain = plainAddress(address);
    const family = isIP(plain);
    return family !== 0 && this.#list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  }

  /** Like `has`, but an unknown address first makes host names resolve again (at most once a second). */
  async check(address: string | undefined): Promise<boolean> {
    if (this.has(address) || !this.#hasNames || performance.now() - this.#resolvedAt < MIN_RESOLVE_GAP_MS) return this.has(address);
    await this.#resolve();
    return this.has(address);
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #resolve(): Promise<void> {
    this.#resolving ??= this.#lookUp().finally(() => {
      this.#resolving = undefined;
      this.#resolvedAt = performance.now();
    });
    return this.#resolving;
  }

  async #lookUp(): Promise<void> {
    const list = new BlockList();
    for (const entry of this.entries) {
      if (addTo(list, entry)) continue;
      try {
        for (const { address } of await lookup(entry, { all: true })) addTo(list, address);
      } catch (error) {
        this.logger.warn({ trustedProxy: entry, err: (error as Error).message }, 'trusted proxy host name does not resolve (yet): not trusted until it does');
      }
    }
    this.#list = list;
  }
}
