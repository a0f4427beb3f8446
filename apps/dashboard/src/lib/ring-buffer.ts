// A bounded FIFO: pushing beyond the capacity drops the oldest items, so memory stays constant
// however busy a subscription gets.
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private size = 0;
  /** How many items were ever pushed, including the ones since dropped. */
  private pushed = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring buffer capacity must be a positive integer, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.size;
  }

  get totalPushed(): number {
    return this.pushed;
  }

  push(...items: T[]): void {
    for (const item of items) {
      const end = (this.start + this.size) % this.capacity;
      this.items[end] = item;
      if (this.size < this.capacity) this.size += 1;
      else this.start = (this.start + 1) % this.capacity;
      this.pushed += 1;
    }
  }

  /** The item at `index`, 0 being the oldest kept. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.size) return undefined;
    return this.items[(this.start + index) % this.capacity];
  }

  /** The newest item, or undefined when empty. */
  last(): T | undefined {
    return this.at(this.size - 1);
  }

  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.size = 0;
  }

  toArray(): T[] {
    const out: T[] = [];
    for (let index = 0; index < this.size; index += 1) out.push(this.items[(this.start + index) % this.capacity] as T);
    return out;
  }
}
