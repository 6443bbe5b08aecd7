/**
 * What the impaired part counts at the receiver, per window: latency of every delivered report (shared
 * clock), which sequence numbers arrived (lost = never delivered), button edges seen (one per bit that
 * changed between consecutive delivered reports), ΣX (motion delivered), and stale deliveries — a report
 * older than one already delivered (the state went backwards) or older than the wire's delay plus
 * STALE_SLACK_MS when it arrived (old motion replayed after an outage).
 */
import { sharedNow } from '../receiver/recorder.ts';
import { BUTTONS_OFFSET, popcount, SEQ_OFFSET, TAG_OFFSET, X_OFFSET } from './mouse.ts';

export const STALE_SLACK_MS = 50;

export interface ImpairedWindowStart {
  tag: number;
  firstSeq: number;
  count: number;
  delayMs: number;
}

export interface ImpairedWindowResult {
  delivered: number;
  /** Distinct sequence numbers of this window delivered. */
  distinct: number;
  duplicates: number;
  latencies: Float64Array;
  /** Arrival time (shared clock) of each delivered report, in order. */
  arrivals: Float64Array;
  /** Latency of the reports whose buttons differed from the previous delivered one. */
  edgeLatencies: Float64Array;
  edges: number;
  motionX: number;
  regressed: number;
  tooOld: number;
  stray: number;
}

const u32 = (data: Uint8Array, at: number) =>
  ((data[at] ?? 0) |
    ((data[at + 1] ?? 0) << 8) |
    ((data[at + 2] ?? 0) << 16) |
    ((data[at + 3] ?? 0) << 24)) >>>
  0;
const i16 = (data: Uint8Array, at: number) => (((data[at] ?? 0) | ((data[at + 1] ?? 0) << 8)) << 16) >> 16;

export class ImpairedRecorder {
  private window: ImpairedWindowStart | undefined;
  private seen = new Uint8Array(0);
  private latencies: number[] = [];
  private arrivals: number[] = [];
  private edgeLatencies: number[] = [];
  private counts = {
    delivered: 0,
    distinct: 0,
    duplicates: 0,
    edges: 0,
    motionX: 0,
    regressed: 0,
    tooOld: 0,
  };
  private buttons = 0;
  private newest = -1;
  stray = 0;
  /** Every report seen, of any window: the settle wait watches it. */
  total = 0;

  start(window: ImpairedWindowStart): void {
    this.window = window;
    this.seen = new Uint8Array(window.count);
    this.latencies = [];
    this.arrivals = [];
    this.edgeLatencies = [];
    this.counts = { delivered: 0, distinct: 0, duplicates: 0, edges: 0, motionX: 0, regressed: 0, tooOld: 0 };
    this.buttons = 0;
    this.newest = -1;
    this.stray = 0;
  }

  get delivered(): number {
    return this.counts.delivered;
  }

  add(stampMs: number, data: Uint8Array): void {
    this.total++;
    const window = this.window;
    if (!window || u32(data, TAG_OFFSET) !== window.tag) {
      this.stray++;
      return;
    }
    const at = sharedNow();
    const age = at - stampMs;
    const counts = this.counts;
    counts.delivered++;
    this.latencies.push(age);
    this.arrivals.push(at);
    const index = u32(data, SEQ_OFFSET) - window.firstSeq;
    if (index >= 0 && index < window.count) {
      if (this.seen[index]) counts.duplicates++;
      else counts.distinct++;
      this.seen[index] = 1;
    }
    if (index < this.newest) counts.regressed++;
    else this.newest = index;
    if (age > window.delayMs + STALE_SLACK_MS) counts.tooOld++;
    const buttons = data[BUTTONS_OFFSET] ?? 0;
    if (buttons !== this.buttons) {
      counts.edges += popcount(buttons ^ this.buttons);
      this.edgeLatencies.push(age);
      this.buttons = buttons;
    }
    counts.motionX += i16(data, X_OFFSET);
  }

  stop(): ImpairedWindowResult {
    this.window = undefined;
    return {
      ...this.counts,
      latencies: Float64Array.from(this.latencies),
      arrivals: Float64Array.from(this.arrivals),
      edgeLatencies: Float64Array.from(this.edgeLatencies),
      stray: this.stray,
    };
  }
}
