/**
 * pace: a jitter buffer at the receiver. Input reports are replayed with the sharer's original spacing
 * (their timestamps) after a fixed delay, so network jitter no longer reaches the device. Receiver-only:
 * the sender half passes frames through, the wire is unchanged. Off unless put in the spec.
 *
 * The fastest transit seen so far is the baseline; each report is due at its timestamp + baseline +
 * delay. A report later than that budget re-bases the buffer (the path got slower, or the clocks drift).
 * Due times never go backwards, so reports keep their order. Other frames pass at once; DEVICE_GONE
 * first releases everything held.
 */
import { FrameType, inputTimestamp, isInputFrame } from '../bytes.ts';
import type { Cancel } from '../clock.ts';
import { duration, type ParamValues } from '../params.ts';
import { type ChannelClass, defineStage, passThrough, type StageContext, type StageHalf } from '../stage.ts';

/** Bound on held reports per device: beyond it the oldest is released early rather than buffer without end. */
export const MAX_PACED_REPORTS = 1024;

const paceParams = {
  delay: duration(20, 0, 1000, 'added latency that absorbs network jitter'),
} as const;

export const pace = defineStage({
  name: 'pace',
  summary: "Replays input reports with the sharer's original timing after a fixed delay (jitter buffer).",
  scope: 'device',
  rank: 30,
  params: paceParams,
  createSender: (_values, context) => passThrough(context),
  createReceiver: (values, context) => new Pacer(values, context),
});

class Pacer implements StageHalf {
  private readonly queue: Array<{ frame: Uint8Array; dueAt: number; channel: ChannelClass }> = [];
  private baseline: number | undefined;
  private lastDueAt = Number.NEGATIVE_INFINITY;
  private timer: Cancel | undefined;

  constructor(
    private readonly params: ParamValues<typeof paceParams>,
    private readonly context: StageContext,
  ) {}

  push(bytes: Uint8Array, channel: ChannelClass): void {
    if (!isInputFrame(bytes)) {
      if (bytes[0] === FrameType.DeviceGone) this.flush();
      this.context.emit(bytes, channel);
      return;
    }
    const now = this.context.clock.now();
    const dueAt = this.dueTime(inputTimestamp(bytes), now);
    if (dueAt <= now && this.queue.length === 0) {
      this.context.emit(bytes, channel);
      return;
    }
    if (this.queue.length >= MAX_PACED_REPORTS) this.releaseHead();
    this.queue.push({ frame: bytes.slice(), dueAt, channel });
    this.armTimer(now);
  }

  flush(): void {
    this.timer?.();
    this.timer = undefined;
    while (this.queue.length > 0) this.releaseHead();
  }

  close(): void {
    this.timer?.();
    this.timer = undefined;
    this.queue.length = 0;
  }

  private dueTime(timestamp: number, now: number): number {
    const transit = now - timestamp;
    if (
      this.baseline === undefined ||
      transit < this.baseline ||
      transit - this.baseline > this.params.delay
    ) {
      this.baseline = transit;
    }
    this.lastDueAt = Math.max(timestamp + this.baseline + this.params.delay, this.lastDueAt);
    return this.lastDueAt;
  }

  private releaseHead(): void {
    const head = this.queue.shift();
    if (head) this.context.emit(head.frame, head.channel);
  }

  private armTimer(now: number): void {
    const head = this.queue[0];
    if (this.timer || !head) return;
    this.timer = this.context.scheduler.schedule(head.dueAt - now, () => {
      this.timer = undefined;
      const time = this.context.clock.now();
      while (this.queue.length > 0 && this.queue[0]!.dueAt <= time) this.releaseHead();
      this.armTimer(time);
    });
  }
}
