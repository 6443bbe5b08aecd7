/**
 * Anti-replay sliding window (as in IPsec/DTLS, RFC 4303 §3.4.3): accepts each counter at most once and
 * refuses counters older than `size` behind the highest accepted one. One byte per slot, in a ring.
 */
export type ReplayVerdict = 'fresh' | 'replayed' | 'too-old';

export class ReplayWindow {
  private highest = -1;
  private readonly seen: Uint8Array;

  constructor(readonly size: number) {
    this.seen = new Uint8Array(size);
  }

  check(counter: number): ReplayVerdict {
    if (counter > this.highest) return 'fresh';
    if (this.highest - counter >= this.size) return 'too-old';
    return this.seen[counter % this.size] === 1 ? 'replayed' : 'fresh';
  }

  /** Marks `counter` as used; call only after the message authenticated. */
  accept(counter: number): void {
    if (counter > this.highest) {
      const advance = Math.min(counter - this.highest, this.size);
      for (let i = 1; i <= advance; i++) this.seen[(this.highest + i) % this.size] = 0;
      this.highest = counter;
    }
    this.seen[counter % this.size] = 1;
  }
}
