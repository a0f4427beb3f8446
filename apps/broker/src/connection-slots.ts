// Counts open connections in total and per source address, refusing one that would go over either cap.

export type SlotLimit = 'max_connections' | 'max_connections_per_address';

export type SlotVerdict = { ok: true } | { ok: false; limit: SlotLimit; open: number; max: number };

const ACQUIRED: SlotVerdict = { ok: true };

export interface ConnectionSlotsOptions {
  maxConnections: number;
  maxConnectionsPerAddress: number;
}

export class ConnectionSlots {
  #total = 0;
  readonly #perAddress = new Map<string, number>();

  constructor(private readonly options: ConnectionSlotsOptions) {}

  /** Takes a slot for a connection from `address`; the caller releases it, once, when the connection closes. */
  acquire(address: string): SlotVerdict {
    const fromAddress = this.#perAddress.get(address) ?? 0;
    if (this.#total >= this.options.maxConnections) return { ok: false, limit: 'max_connections', open: this.#total, max: this.options.maxConnections };
    if (fromAddress >= this.options.maxConnectionsPerAddress) {
      return { ok: false, limit: 'max_connections_per_address', open: fromAddress, max: this.options.maxConnectionsPerAddress };
    }
    this.#total += 1;
    this.#perAddress.set(address, fromAddress + 1);
    return ACQUIRED;
  }

  /** Gives back a slot `acquire` granted for `address`. */
  release(address: string): void {
    this.#total -= 1;
    const left = (this.#perAddress.get(address) ?? 1) - 1;
    if (left === 0) this.#perAddress.delete(address);
    else this.#perAddress.set(address, left);
  }

  /** Open connections holding a slot, in total and from `address`. */
  count(address?: string): number {
    return address === undefined ? this.#total : (this.#perAddress.get(address) ?? 0);
  }
}
