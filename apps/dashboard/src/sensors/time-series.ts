// A fixed-capacity time series in two typed arrays (timestamps and values), oldest first:
// one hour at 10 readings per second per sensor, in constant memory.
export class TimeSeries {
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  private start = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  push(time: number, value: number): void {
    const end = (this.start + this.size) % this.capacity;
    this.times[end] = time;
    this.values[end] = value;
    if (this.size < this.capacity) this.size += 1;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** The newest point's time. */
  lastTime(): number | undefined {
    return this.size === 0 ? undefined : this.times[(this.start + this.size - 1) % this.capacity];
  }

  /** The points with time >= `since`, oldest first, as fresh arrays. */
  since(since: number): { times: Float64Array; values: Float64Array } {
    // Binary search over the logical (unwrapped) index for the first point at or after `since`.
    let low = 0;
    let high = this.size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.times[(this.start + mid) % this.capacity] ?? 0) < since) low = mid + 1;
      else high = mid;
    }
    const count = this.size - low;
    const times = new Float64Array(count);
    const values = new Float64Array(count);
    for (let i = 0; i < count; i += 1) {
      const physical = (this.start + low + i) % this.capacity;
      times[i] = this.times[physical] ?? 0;
      values[i] = this.values[physical] ?? 0;
    }
    return { times, values };
  }

  /** Minimum and maximum value of the points with time >= `since`. */
  range(since: number): { min: number; max: number } | undefined {
    const { values } = this.since(since);
    if (values.length === 0) return undefined;
    let min = Infinity;
    let max = -Infinity;
    for (const value of values) {
      if (value < min) min = value;
      if (value > max) max = value;
    }
    return { min, max };
  }

  clear(): void {
    this.start = 0;
    this.size = 0;
  }
}
