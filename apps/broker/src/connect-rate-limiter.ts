// A token bucket per source address for CONNECT packets: `limit` CONNECTs at once, refilled at `limit`
// per `windowMs`. Buckets that have filled up again are forgotten, so idle addresses cost no memory.

export interface ConnectRateLimiterOptions {
  limit: number;
  windowMs: number;
  /** Milliseconds clock; tests pass their own. */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class ConnectRateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;
  #sweptAt: number;

  constructor(private readonly options: ConnectRateLimiterOptions) {
    this.#now = options.now ?? Date.now;
    this.#sweptAt = this.#now();
  }

  /** Spends a token for a CONNECT from `address`; false when its bucket is empty (the CONNECT is refused). */
  tryConnect(address: string): boolean {
    const now = this.#now();
    if (now - this.#sweptAt >= this.options.windowMs) this.#sweep(now);
    const bucket = this.#buckets.get(address) ?? { tokens: this.options.limit, updatedAt: now };
    this.#refill(bucket, now);
    this.#buckets.set(address, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Addresses with a partly spent bucket. */
  get trackedAddresses(): number {
    return this.#buckets.size;
  }

  #refill(bucket: Bucket, now: number): void {
    const earned = ((now - bucket.updatedAt) * this.options.limit) / this.options.windowMs;
    bucket.tokens = Math.min(this.options.limit, bucket.tokens + earned);
    bucket.updatedAt = now;
  }

  #sweep(now: number): void {
    this.#sweptAt = now;
    for (const [address, bucket] of this.#buckets) {
      this.#refill(bucket, now);
      if (bucket.tokens >= this.options.limit) this.#buckets.delete(address);
    }
  }
}
