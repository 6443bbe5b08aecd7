/**
 * bundle: several frames in one channel message. Wire format (one message):
 *
 *   BUNDLE   tag u8 = 0xB1 | ( length varint (LEB128) | item bytes ){1..}
 *
 * Items keep their order and their bytes (input reports carry their own timestamps), so unbundling
 * restores every frame exactly. The first frame after a quiet window leaves at once (an unreliable one at
 * the end of the current turn); frames that follow within the window wait for it to end (or for the size
 * limit), so an isolated report gains no latency and a burst becomes one message. Reliable and unreliable
 * frames are bundled apart.
 *
 * Requests and replies (HID output/feature, USB) are never held for the window: one sends its bundle at
 * the end of the current turn, so the frames that turn produces (an OUT transfer and the IN issued with
 * it, a completion and the next) share one message — each data-channel send has a fixed cost that, for
 * request/response traffic, outweighs everything else Ferry does (docs/performance.md).
 */
import { type Cursor, isExchangeFrame, readVarint, Scratch, varintLength, writeVarint } from '../bytes.ts';
import type { Cancel } from '../clock.ts';
import { PipelineError } from '../errors.ts';
import { duration, integer, type ParamValues } from '../params.ts';
import { type ChannelClass, defineStage, type StageContext, type StageHalf } from '../stage.ts';

export const BUNDLE_TAG = 0xb1;
/** An unreliable message must fit one SCTP packet (~1200 bytes after DTLS): a lost packet loses one bundle. */
export const UNRELIABLE_BUNDLE_BYTES = 1024;

const bundleParams = {
  window: duration(1, 0, 100, 'longest a frame waits for others to share its message'),
  max: integer(65_536, 256, 262_144, 'largest bundle in bytes (unreliable bundles stop at 1024)'),
} as const;

export const bundle = defineStage({
  name: 'bundle',
  summary: 'Sends bursts of frames as one message; an isolated frame still leaves at once.',
  scope: 'link',
  rank: 50,
  params: bundleParams,
  receiverEmitsViews: true, // items are subarrays of the bundle
  createSender: (values, context) => new Bundler(values, context),
  createReceiver: (_values, context) => new Unbundler(context),
});

class PendingBundle {
  readonly buffer: Uint8Array;
  length = 0;
  lastFlushAt = Number.NEGATIVE_INFINITY;
  timer: Cancel | undefined;
  /** An end-of-turn flush is due (a request or reply is in the bundle). */
  deferred: Cancel | undefined;

  constructor(readonly limit: number) {
    this.buffer = new Uint8Array(limit);
  }
}

class Bundler implements StageHalf {
  private readonly pending: Record<ChannelClass, PendingBundle>;
  private readonly single = new Scratch();

  constructor(
    private readonly params: ParamValues<typeof bundleParams>,
    private readonly context: StageContext,
  ) {
    this.pending = {
      reliable: new PendingBundle(params.max),
      unreliable: new PendingBundle(Math.min(params.max, UNRELIABLE_BUNDLE_BYTES)),
    };
  }

  push(bytes: Uint8Array, channel: ChannelClass): void {
    const bundle = this.pending[channel];
    const itemBytes = varintLength(bytes.length) + bytes.length;
    if (bundle.length > 0 && bundle.length + itemBytes > bundle.limit) this.flushClass(channel);
    if (1 + itemBytes > bundle.limit) {
      this.sendAlone(bytes, channel);
      return;
    }
    if (bundle.length === 0) bundle.buffer[bundle.length++] = BUNDLE_TAG;
    bundle.length = writeVarint(bundle.buffer, bundle.length, bytes.length);
    bundle.buffer.set(bytes, bundle.length);
    bundle.length += bytes.length;
    if (channel === 'reliable' && isExchangeFrame(bytes)) this.flushAtTurnEnd(channel);
    else this.scheduleFlush(channel);
  }

  flush(): void {
    this.flushClass('reliable');
    this.flushClass('unreliable');
  }

  close(): void {
    for (const bundle of Object.values(this.pending)) {
      bundle.timer?.();
      bundle.timer = undefined;
      bundle.deferred?.();
      bundle.deferred = undefined;
      bundle.length = 0;
    }
  }

  /** Made once per channel class: a request or reply asks for an end-of-turn flush every turn. */
  private readonly flushes: Record<ChannelClass, () => void> = {
    reliable: () => this.flushClass('reliable'),
    unreliable: () => this.flushClass('unreliable'),
  };

  private flushAtTurnEnd(channel: ChannelClass): void {
    const bundle = this.pending[channel];
    if (bundle.deferred) return;
    const { scheduler } = this.context;
    const flush = this.flushes[channel];
    bundle.deferred = scheduler.defer ? scheduler.defer(flush) : scheduler.schedule(0, flush);
  }

  private scheduleFlush(channel: ChannelClass): void {
    const bundle = this.pending[channel];
    if (bundle.timer || bundle.deferred) return;
    const wait = bundle.lastFlushAt + this.params.window - this.context.clock.now();
    // Where timers are throttled (a hidden tab runs them once a second) the window would hold the
    // frames behind it for up to a second, and the receiver would drop them as late: there the window
    // is the current turn, whose frames still share a message.
    if (wait > 0 && this.context.scheduler.throttled?.()) this.flushAtTurnEnd(channel);
    else if (wait > 0) bundle.timer = this.context.scheduler.schedule(wait, () => this.flushClass(channel));
    // After a quiet window an unreliable frame leaves at the end of this turn, not alone: input reports
    // that came due together (a stalled page catching up, Mojo delivering a backlog) arrive as back-to-back
    // tasks and share its message. Per report that is a task's delay; per burst, one send instead of two
    // (the first report used to go alone and the rest a window later).
    else if (channel === 'unreliable') this.flushAtTurnEnd(channel);
    else this.flushClass(channel);
  }

  private flushClass(channel: ChannelClass): void {
    const bundle = this.pending[channel];
    bundle.timer?.();
    bundle.timer = undefined;
    bundle.deferred?.();
    bundle.deferred = undefined;
    if (bundle.length === 0) return;
    const length = bundle.length;
    bundle.length = 0;
    bundle.lastFlushAt = this.context.clock.now();
    this.context.emit(bundle.buffer.subarray(0, length), channel);
  }

  /** A frame bigger than the bundle limit travels in a bundle of its own, after what was waiting. */
  private sendAlone(bytes: Uint8Array, channel: ChannelClass): void {
    const out = this.single.take(1 + varintLength(bytes.length) + bytes.length);
    out[0] = BUNDLE_TAG;
    const start = writeVarint(out, 1, bytes.length);
    out.set(bytes, start);
    this.pending[channel].lastFlushAt = this.context.clock.now();
    this.context.emit(out.subarray(0, start + bytes.length), channel);
  }
}

class Unbundler implements StageHalf {
  private readonly cursor: Cursor = { offset: 0 };

  constructor(private readonly context: StageContext) {}

  push(bytes: Uint8Array, channel: ChannelClass): void {
    // Check the whole framing first, so a broken bundle yields no frame at all.
    this.walk(bytes, undefined);
    this.walk(bytes, channel);
  }

  private walk(bytes: Uint8Array, deliverOn: ChannelClass | undefined): void {
    if (bytes[0] !== BUNDLE_TAG) throw new PipelineError('malformed', 'not a bundle (bad tag)', 'bundle');
    const cursor = this.cursor;
    cursor.offset = 1;
    if (bytes.length < 3) throw new PipelineError('malformed', 'empty bundle', 'bundle');
    while (cursor.offset < bytes.length) {
      const length = readVarint(bytes, cursor, 'bundle');
      const start = cursor.offset;
      if (length === 0 || start + length > bytes.length) {
        throw new PipelineError('malformed', `item of ${length} bytes overruns the bundle`, 'bundle');
      }
      cursor.offset = start + length;
      if (deliverOn) this.context.emit(bytes.subarray(start, start + length), deliverOn);
    }
  }
}
