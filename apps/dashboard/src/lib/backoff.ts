// Reconnect delays: exponential backoff with a cap and "equal jitter", so many dashboards that
// lost the same proxy do not all come back in the same millisecond.
export interface BackoffOptions {
  /** Delay of the first retry, in ms. */
  readonly initialMs: number;
  /** Upper bound of any delay, in ms. */
  readonly maxMs: number;
  readonly factor: number;
  /** 0 = no jitter, 1 = the delay may shrink by up to 100 %. */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 15_000, factor: 2, jitter: 0.3 };

/** The delay before retry number `attempt` (0-based); `random` returns a number in [0, 1). */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const safeAttempt = Math.max(0, Math.floor(attempt));
  const raw = Math.min(options.maxMs, options.initialMs * options.factor ** safeAttempt);
  const jitter = Math.min(1, Math.max(0, options.jitter));
  return Math.round(raw * (1 - jitter * random()));
}
