/**
 * The recent history of a few axes as one time series, sample-and-hold: each input report that carries
 * any of them adds a row with every axis's latest value. Rows live in preallocated Float64Arrays twice
 * the capacity long, each row written at `i` and `i + capacity`, so the newest `size` rows are always
 * one contiguous stretch: the chart gets subarray views of them, and neither recording nor drawing copies.
 */
export class AxisRing {
  readonly capacity: number;
  /** Receive times in seconds (performance.now() / 1000), oldest first within `window()`. */
  private readonly times: Float64Array;
  private readonly columns: Float64Array[];
  private readonly held: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(axisCount: number, capacity: number) {
    this.capacity = capacity;
    this.times = new Float64Array(capacity * 2);
    this.columns = Array.from({ length: axisCount }, () => new Float64Array(capacity * 2));
    this.held = new Float64Array(axisCount);
  }

  get size(): number {
    return this.filled;
  }

  /** Holds `value` for axis `axis` until it changes; call push() once the report's axes are all set. */
  set(axis: number, value: number): void {
    this.held[axis] = value;
  }

  latest(axis: number): number {
    return this.held[axis] ?? 0;
  }

  push(atSeconds: number): void {
    const { next, capacity } = this;
    this.times[next] = atSeconds;
    this.times[next + capacity] = atSeconds;
    for (let axis = 0; axis < this.columns.length; axis++) {
      const column = this.columns[axis]!;
      const value = this.held[axis]!;
      column[next] = value;
      column[next + capacity] = value;
    }
    this.next = next + 1 === capacity ? 0 : next + 1;
    if (this.filled < capacity) this.filled += 1;
  }

  /** Where the newest `size` rows start in the doubled arrays. */
  private start(): number {
    return this.filled < this.capacity ? 0 : this.next;
  }

  /** The rows oldest first as views [times, axis 0, axis 1, …] (no copy; valid until the next push). */
  window(): Float64Array[] {
    const from = this.start();
    const to = from + this.filled;
    return [this.times.subarray(from, to), ...this.columns.map((column) => column.subarray(from, to))];
  }
}
