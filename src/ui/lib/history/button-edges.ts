/**
 * When each button went down and up: a ring of edges (time, button, down) in typed arrays, the current
 * state and a press count per button. Only changes are stored, so a held button costs nothing per report.
 */
export class ButtonEdges {
  readonly capacity: number;
  private readonly times: Float64Array;
  private readonly buttons: Uint8Array;
  private readonly downs: Uint8Array;
  private readonly state: Uint8Array;
  private readonly pressCounts: Uint32Array;
  /** Scratch for spans(): where each button's stretch ends, NaN when it is up. */
  private readonly ends: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(buttonCount: number, capacity: number) {
    this.capacity = capacity;
    this.times = new Float64Array(capacity);
    this.buttons = new Uint8Array(capacity);
    this.downs = new Uint8Array(capacity);
    this.state = new Uint8Array(buttonCount);
    this.pressCounts = new Uint32Array(buttonCount);
    this.ends = new Float64Array(buttonCount);
  }

  get buttonCount(): number {
    return this.state.length;
  }

  get size(): number {
    return this.filled;
  }

  isDown(button: number): boolean {
    return this.state[button] === 1;
  }

  /** When the newest edge happened (seconds), or -Infinity before any. */
  get latestEdge(): number {
    return this.filled === 0
      ? Number.NEGATIVE_INFINITY
      : this.times[(this.next - 1 + this.capacity) % this.capacity]!;
  }

  anyDown(): boolean {
    return this.state.includes(1);
  }

  presses(button: number): number {
    return this.pressCounts[button] ?? 0;
  }

  /** Records an edge when `down` differs from the button's state; returns whether it did. */
  set(button: number, down: boolean, atSeconds: number): boolean {
    const now = down ? 1 : 0;
    if (this.state[button] === now) return false;
    this.state[button] = now;
    if (down) this.pressCounts[button]! += 1;
    this.times[this.next] = atSeconds;
    this.buttons[this.next] = button;
    this.downs[this.next] = now;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    if (this.filled < this.capacity) this.filled += 1;
    return true;
  }

  /**
   * Calls `span(button, from, to)` for every stretch a button was down that ends after `since`, newest
   * first (`to` is `until` for a button still down). Stretches older than the ring are cut at `since`.
   */
  spans(since: number, until: number, span: (button: number, from: number, to: number) => void): void {
    const ends = this.ends;
    for (let button = 0; button < ends.length; button++)
      ends[button] = this.state[button] === 1 ? until : Number.NaN;
    for (let back = 1; back <= this.filled; back++) {
      const at = (this.next - back + this.capacity) % this.capacity;
      const time = this.times[at]!;
      const button = this.buttons[at]!;
      if (this.downs[at] === 1) {
        if (!Number.isNaN(ends[button]!)) span(button, Math.max(since, time), ends[button]!);
        ends[button] = Number.NaN;
      } else ends[button] = time;
      if (time < since) break;
    }
    for (let button = 0; button < ends.length; button++) {
      if (!Number.isNaN(ends[button]!) && ends[button]! > since) span(button, since, ends[button]!);
    }
  }
}
