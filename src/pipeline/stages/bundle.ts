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
 *
 * `repeat=k` (sender only, the wire is unchanged): each unreliable bundle starts with the items of the k
 * unreliable bundles before it, again, so a message lost on the unretransmitted channel is recovered
 * from the next one. Only unreliable frames repeat, and their receivers already drop duplicates (seq
 * numbers its reports, input orders its MOTION by sequence), so the receiver needs nothing new. Repeats
 * are left out while more than REPEAT_BACKLOG_BYTES wait on the unreliable channel: the path is backed up
 * then, and doubling the bytes would only bring the sender's 64 KiB drop sooner (docs/performance.md).
 */
import { type Cursor, isExchangeFrame, readVarint, Scratch, varintLength, writeVarint } from '../bytes.ts';
import type { Cancel } from '../clock.ts';
import { PipelineError } from '../errors.ts';
import { duration, integer, type ParamValues } from '../params.ts';
import { type ChannelClass, defineStage, type StageContext, type StageHalf } from '../stage.ts';

export const BUNDLE_TAG = 0xb1;
/** An unreliable message must fit one SCTP packet (~1200 bytes after DTLS): a lost packet loses one bundle. */
export const UNRELIABLE_BUNDLE_BYTES = 1024;
/** `repeat` adds nothing while more than this waits on the unreliable channel (a quarter of its cap). */
export const REPEAT_BACKLOG_BYTES = 16 * 1024;

const bundleParams = {
  window: duration(1, 0, 100, 'longest a frame waits for others to share its message'),
  max: integer(65_536, 256, 262_144, 'largest bundle in bytes (unreliable bundles stop at 1024)'),
  repeat: integer(0, 0, 3, 'earlier unreliable bundles each unreliable bundle carries again'),
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

/** The new items (varint-framed, no tag) of the last unreliable bundles sent, oldest first once rotated. */
class BundleHistory {
  private readonly bodies: Uint8Array[];
  private readonly lengths: number[];
  private next = 0;

  constructor(depth: number, limit: number) {
    this.bodies = Array.from({ length: depth }, () => new Uint8Array(limit));
    this.lengths = new Array<number>(depth).fill(0);
  }

  /** Copies the remembered items, oldest first, into `into` at `at`; returns the offset after them. */
  writeInto(into: Uint8Array, at: number): number {
    let offset = at;
    for (let i = 0; i < this.bodies.length; i++) {
      const slot = (this.next + i) % this.bodies.length;
      const length = this.lengths[slot]!;
      into.set(this.bodies[slot]!.subarray(0, length), offset);
      offset += length;
    }
    return offset;
  }

  remember(items: Uint8Array): void {
    this.bodies[this.next]!.set(items);
    this.lengths[this.next] = items.length;
    this.next = (this.next + 1) % this.bodies.length;
  }

  forget(): void {
    this.lengths.fill(0);
  }
}

class PendingBundle {
  readonly buffer: Uint8Array;
  length = 0;
  /** Where this bundle's new items start (after the tag and any repeated items). */
  start = 0;
  lastFlushAt = Number.NEGATIVE_INFINITY;
  timer: Cancel | undefined;
  /** An end-of-turn flush is due (a request or reply is in the bundle). */
  deferred: Cancel | undefined;

  /**
   * `limit` bounds the new items; repeated items come on top of it (the buffer holds both). A bundle that
   * repeats more than one packet's worth of bytes travels as a fragmented SCTP message.
   */
  constructor(
    readonly limit: number,
    readonly history?: BundleHistory,
    depth = 0,
  ) {
    this.buffer = new Uint8Array(limit * (depth + 1));
  }
}

function unreliableBundle(limit: number, repeat: number): PendingBundle {
  return repeat > 0
    ? new PendingBundle(limit, new BundleHistory(repeat, limit), repeat)
    : new PendingBundle(limit);
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
      unreliable: unreliableBundle(Math.min(params.max, UNRELIABLE_BUNDLE_BYTES), params.repeat),
    };
  }

  push(bytes: Uint8Array, channel: ChannelClass): void {
    const bundle = this.pending[channel];
    const itemBytes = varintLength(bytes.length) + bytes.length;
    if (bundle.length > 0 && 1 + bundle.length - bundle.start + itemBytes > bundle.limit)
      this.flushClass(channel);
    if (1 + itemBytes > bundle.limit) {
      this.sendAlone(bytes, channel);
      return;
    }
    if (bundle.length === 0) {
      bundle.buffer[0] = BUNDLE_TAG;
      const clear = this.context.backlog(channel) <= REPEAT_BACKLOG_BYTES;
      bundle.length = bundle.history && clear ? bundle.history.writeInto(bundle.buffer, 1) : 1;
      bundle.start = bundle.length;
    }
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
      bundle.history?.forget();
      bundle.timer?.();
      bundle.timer = undefined;
      bundle.deferred?.();
      bundle.deferred = undefined;
      bundle.length = 0;
    }
  }

  private flushAtTurnEnd(channel: ChannelClass): void {
    const bundle = this.pending[channel];
    if (bundle.deferred) return;
    const { scheduler } = this.context;
    const flush = () => this.flushClass(channel);
    bundle.deferred = scheduler.defer ? scheduler.defer(flush) : scheduler.schedule(0, flush);
  }

  private scheduleFlush(channel: ChannelClass): void {
    const bundle = this.pending[channel];
    if (bundle.timer || bundle.deferred) return;
    const wait = bundle.lastFlushAt + this.params.window - this.context.clock.now();
    if (wait > 0) bundle.timer = this.context.scheduler.schedule(wait, () => this.flushClass(channel));
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
    bundle.history?.remember(bundle.buffer.subarray(bundle.start, length));
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
