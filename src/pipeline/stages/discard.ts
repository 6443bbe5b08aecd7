/**
 * discard: drops an input report that says nothing new — identical to the last report sent for the same
 * device+report ID, or different only within `deadband` logical units on absolute axes. Reports with
 * relative motion are never dropped. Sender-only; the wire is unchanged.
 *
 * Keep-alive: a report is still sent every `keepalive` ms while identical ones arrive, and the newest
 * dropped report is sent once `keepalive` after the last send, so the receiver always converges on the
 * device's true final state (deadband drift included). keepalive=0ms turns both off.
 */
import { INPUT_HEADER, isInputFrame } from '../bytes.ts';
import type { Cancel } from '../clock.ts';
import { type InputReportShape, ValueRole } from '../codec.ts';
import { duration, integer, type ParamValues } from '../params.ts';
import { type ChannelClass, defineStage, passThrough, type StageContext, type StageHalf } from '../stage.ts';
import { createStateLookup, HeldFrame } from './report-state.ts';

const discardParams = {
  keepalive: duration(500, 0, 60_000, 'an unchanged report is still sent this often (0ms: never)'),
  deadband: integer(0, 0, 65_535, 'axis changes up to this many logical units count as unchanged'),
} as const;

type DiscardParams = ParamValues<typeof discardParams>;

export const discard = defineStage({
  name: 'discard',
  summary: 'Drops reports that repeat the previous one (optionally within a deadband), with a keep-alive.',
  scope: 'device',
  rank: 20,
  params: discardParams,
  createSender: (values, context) => new Discarder(values, context),
  createReceiver: (_values, context) => passThrough(context),
});

class LastSent {
  readonly incoming: Float64Array;
  readonly sent: Float64Array;
  readonly sentFrame = new HeldFrame();
  readonly dropped = new HeldFrame();
  readonly droppedValues: Float64Array;
  hasSent = false;
  sentAt = 0;
  timer: Cancel | undefined;

  constructor(readonly shape: InputReportShape) {
    this.incoming = new Float64Array(shape.valueCount);
    this.sent = new Float64Array(shape.valueCount);
    this.droppedValues = new Float64Array(shape.valueCount);
  }

  /** Whether `frame` (decoded in `incoming`) tells the receiver something new. */
  isNews(frame: Uint8Array, deadband: number): boolean {
    if (!this.hasSent) return true;
    const { roles } = this.shape;
    for (let i = 0; i < roles.length; i++) {
      const now = this.incoming[i]!;
      if (
        roles[i] === ValueRole.Relative
          ? now !== 0
          : Math.abs(now - this.sent[i]!) > (roles[i] === ValueRole.Axis ? deadband : 0)
      ) {
        return true;
      }
    }
    return deadband === 0
      ? !sameBytes(frame.subarray(INPUT_HEADER), this.sentFrame.data)
      : !sameTail(frame, this);
  }
}

/** Byte-identical data: with no deadband, "unchanged" means exactly that (padding bits included). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Bytes past the declared fields (some devices send longer reports) must match exactly. */
function sameTail(frame: Uint8Array, last: LastSent): boolean {
  const start = INPUT_HEADER + last.shape.byteLength;
  return sameBytes(frame.subarray(start), last.sentFrame.bytes.subarray(start));
}

class Discarder implements StageHalf {
  private readonly lookup;
  /** Reports whose newest dropped copy waits for the keep-alive timer. */
  private readonly trailing = new Set<LastSent>();

  constructor(
    private readonly params: DiscardParams,
    private readonly context: StageContext,
  ) {
    this.lookup = createStateLookup(context, (shape) => new LastSent(shape));
  }

  push(bytes: Uint8Array, channel: ChannelClass): void {
    const entry = isInputFrame(bytes) ? this.lookup(bytes) : undefined;
    if (!entry) {
      this.context.emit(bytes, channel);
      return;
    }
    const last = entry.state;
    last.shape.decode(bytes.subarray(INPUT_HEADER), last.incoming);
    const keepaliveDue =
      this.params.keepalive > 0 && this.context.clock.now() - last.sentAt >= this.params.keepalive;
    if (keepaliveDue || last.isNews(bytes, this.params.deadband))
      this.send(last, bytes, last.incoming, channel);
    else this.drop(last, bytes);
  }

  close(): void {
    for (const last of this.trailing) last.timer?.();
    this.trailing.clear();
  }

  private send(last: LastSent, frame: Uint8Array, values: Float64Array, channel: ChannelClass): void {
    last.sent.set(values);
    last.sentFrame.store(frame);
    last.hasSent = true;
    last.sentAt = this.context.clock.now();
    last.dropped.length = 0;
    this.context.emit(frame, channel);
  }

  private drop(last: LastSent, frame: Uint8Array): void {
    last.dropped.store(frame);
    last.droppedValues.set(last.incoming);
    if (this.params.keepalive === 0 || last.timer) return;
    this.trailing.add(last);
    const wait = last.sentAt + this.params.keepalive - this.context.clock.now();
    last.timer = this.context.scheduler.schedule(wait, () => this.sendTrailing(last));
  }

  /** The newest dropped report, once the keep-alive interval has passed without a send. */
  private sendTrailing(last: LastSent): void {
    last.timer = undefined;
    this.trailing.delete(last);
    // A send since the drop cleared `dropped`: the receiver is already up to date.
    if (last.dropped.length === 0) return;
    this.send(last, last.dropped.bytes, last.droppedValues, 'reliable');
  }
}
