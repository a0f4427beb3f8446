// Collects items and hands them over in one batch per animation frame, so a flood of messages
// costs one render per frame. A timer backs up requestAnimationFrame, which stops in hidden tabs,
// and the pending queue is bounded (oldest dropped) so a hidden tab cannot grow without limit.
export interface FrameBatcherOptions {
  /** Most items kept waiting; older ones are dropped beyond it. */
  readonly maxPending: number;
  /** Fallback flush delay, ms, for when animation frames do not run. */
  readonly fallbackMs?: number;
  readonly requestFrame?: (callback: () => void) => unknown;
}

export interface FrameBatcher<T> {
  push(item: T): void;
  /** Flushes now (tests, page hide). */
  flush(): void;
  /** Items dropped because the queue was full. */
  readonly dropped: number;
}

export function createFrameBatcher<T>(onFlush: (items: T[]) => void, options: FrameBatcherOptions): FrameBatcher<T> {
  const requestFrame =
    options.requestFrame ?? (typeof requestAnimationFrame === 'function' ? (callback: () => void) => requestAnimationFrame(callback) : undefined);
  let pending: T[] = [];
  let scheduled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let dropped = 0;

  const flush = (): void => {
    scheduled = false;
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const items = pending;
    pending = [];
    onFlush(items);
  };

  return {
    push(item) {
      pending.push(item);
      if (pending.length > options.maxPending) {
        const excess = pending.length - options.maxPending;
        pending.splice(0, excess);
        dropped += excess;
      }
      if (scheduled) return;
      scheduled = true;
      if (requestFrame) requestFrame(flush);
      timer = setTimeout(flush, options.fallbackMs ?? 250);
    },
    flush,
    get dropped() {
      return dropped;
    },
  };
}
