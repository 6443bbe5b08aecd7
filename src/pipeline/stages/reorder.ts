/**
 * Per-device reordering of sequenced reports. Sequence numbers are u32 and wrap; differences are taken
 * in 32-bit serial arithmetic (RFC 1982), so wrapping is invisible.
 */
import type { Cancel, Scheduler } from '../clock.ts';

export interface ReorderParams {
  readonly window: number;
  readonly wait: number;
  readonly mode: 'reorder' | 'latest';
}

export interface ReorderSink {
  deliver(frame: Uint8Array): void;
  lost(count: number): void;
}

const serialDiff = (a: number, b: number) => (a - b) | 0;
const successor = (value: number) => (value + 1) >>> 0;

export class ReorderBuffer {
  /** Both ends start each device at 0 when the pipeline (one per peer connection) is created. */
  private next: number;
  /** Reports that arrived ahead of a gap, copied (the caller's bytes are borrowed). */
  private readonly held = new Map<number, Uint8Array>();
  private timer: Cancel | undefined;

  constructor(
    private readonly params: ReorderParams,
    private readonly scheduler: Scheduler,
    private readonly sink: ReorderSink,
    first = 0,
  ) {
    this.next = first;
  }

  accept(seq: number, frame: Uint8Array): void {
    const ahead = serialDiff(seq, this.next);
    if (ahead < 0 || this.held.has(seq)) return; // late or duplicate: its place has passed
    if (this.params.mode === 'latest') {
      this.skipTo(seq);
      this.deliverNext(frame);
    } else if (ahead === 0) {
      this.deliverNext(frame);
      this.drain();
    } else if (ahead >= this.params.window) {
      this.releaseAll();
      this.skipTo(seq);
      this.deliverNext(frame);
    } else {
      this.held.set(seq, frame.slice());
      this.armTimer();
    }
  }

  /** Gives up on every gap: delivers what is held, in order, counting the missing reports as lost. */
  releaseAll(): void {
    while (this.held.size > 0) this.skipGap();
  }

  close(): void {
    this.timer?.();
    this.timer = undefined;
    this.held.clear();
  }

  private deliverNext(frame: Uint8Array): void {
    this.next = successor(this.next);
    this.sink.deliver(frame);
  }

  private drain(): void {
    for (let frame = this.held.get(this.next); frame; frame = this.held.get(this.next)) {
      this.held.delete(this.next);
      this.deliverNext(frame);
    }
    if (this.held.size === 0) {
      this.timer?.();
      this.timer = undefined;
    }
  }

  private skipTo(seq: number): void {
    const missing = serialDiff(seq, this.next);
    if (missing > 0) this.sink.lost(missing);
    this.next = seq;
  }

  private skipGap(): void {
    let oldest: number | undefined;
    for (const seq of this.held.keys()) {
      if (oldest === undefined || serialDiff(seq, oldest) < 0) oldest = seq;
    }
    if (oldest === undefined) return;
    this.skipTo(oldest);
    this.drain();
  }

  private armTimer(): void {
    if (this.timer) return;
    this.timer = this.scheduler.schedule(this.params.wait, () => {
      this.timer = undefined;
      this.skipGap();
      if (this.held.size > 0) this.armTimer();
    });
  }
}
