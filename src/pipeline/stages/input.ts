/**
 * input: low latency on lossy links without losing a click. Each input report of a device with a report
 * codec is split by what its values are (input-roles.ts):
 *
 * - a report whose edges changed (a button, a key, anything not an axis) is an EDGE: sent on the
 *   reliable channel (never lost, in order) and repeated in the next `repeat` MOTION messages, so a lost
 *   packet costs no edge and usually no retransmission wait;
 * - every report also offers a MOTION on the unreliable channel: relative values as running totals (a
 *   lost MOTION loses no motion: the next one carries it), absolute axes as they are (the latest wins).
 *   MOTION waits while more than `backlog` bytes wait on the unreliable channel (its congestion window
 *   is shut), and then leaves at most every `interval`: meanwhile the newest waits, replacing the one
 *   before it, instead of queueing. A data rate that fits the smallest congestion window SCTP falls back
 *   to under loss is what keeps the latency at the path's delay; one message per report (1000/s) does
 *   not fit at 5 % loss and a 50 ms round trip, and queues. `pacing=fixed` (the default) always waits
 *   the interval (an isolated report, a device at ≤ 250 Hz, never waits); `pacing=adaptive` starts at
 *   `interval`, halves it each second the channel stays clear (below 1 ms: none, so nothing waits on a
 *   clean path after a few seconds), and doubles it back, from 1 ms, each time the channel backs up —
 *   on a lossy path each relaxation collapses the window again (docs/performance.md), hence not the default;
 * - when a device pauses `settle` after a MOTION, its last report goes once more as a reliable EDGE
 *   (same edge count), so the final position and the last motion arrive even if that MOTION did not.
 *
 * The receiver (input-merge.ts) rebuilds ordinary input reports: every edge in order, relative motion
 * summed exactly, absolute state never going backwards. Reports of devices without a codec, and every
 * other frame, pass through untouched on the reliable channel. Wire format: input-wire.ts.
 */
import { FrameType, frameDevice, isInputFrame, reportKey, Scratch } from '../bytes.ts';
import type { Cancel } from '../clock.ts';
import { choice, duration, integer, type ParamValues } from '../params.ts';
import { defineStage, type StageContext, type StageHalf } from '../stage.ts';
import { UNRELIABLE_BUNDLE_BYTES } from './bundle.ts';
import { InputMerger } from './input-merge.ts';
import { edgesDiffer, type ReportRoles, reportOf, rolesOf } from './input-roles.ts';
import {
  edgeLength,
  MAX_RELATIVE_VALUES,
  MAX_REPEATED_EDGES,
  motionLength,
  writeEdge,
  writeMotion,
} from './input-wire.ts';

const inputParams = {
  repeat: integer(3, 0, MAX_REPEATED_EDGES, 'unreliable messages that repeat each edge'),
  interval: duration(4, 0, 100, 'least time between two MOTION messages of a device (the newest waits)'),
  pacing: choice(
    ['fixed', 'adaptive'],
    'fixed',
    'fixed: always the interval; adaptive: it halves each second the unreliable channel stays clear, doubles back when it backs up',
  ),
  backlog: integer(512, 0, 65_536, 'bytes queued on the unreliable channel above which motion waits'),
  settle: duration(
    20,
    0,
    1000,
    'after this long without a report, the last one goes again reliably (0: never)',
  ),
} as const;

export type InputParams = ParamValues<typeof inputParams>;

/** While motion waits for the unreliable channel to drain, it looks again this often (ms). */
const DRAIN_POLL_MS = 1;
/** Waits shorter than this count as none: a float remainder must not re-arm a timer at the same instant. */
const EPSILON_MS = 0.001;
/** Adaptive pacing halves its interval after this long without finding the channel backed up (ms). */
const RELAX_MS = 1000;

export const input = defineStage({
  name: 'input',
  summary:
    'Button and key changes reliably (and repeated), motion unreliably with the latest state: low latency on lossy links, no lost click.',
  scope: 'link',
  rank: 40,
  params: inputParams,
  createSender: (values, context) => new InputSplitter(values, context),
  createReceiver: (_values, context) => new InputMerger(context),
});

/** A copy kept across calls, in a buffer reused while the length allows: no allocation per report. */
class Kept {
  private buffer = new Uint8Array(0);
  private length = -1;

  keep(bytes: Uint8Array): void {
    if (this.buffer.length < bytes.length) this.buffer = new Uint8Array(bytes.length);
    this.buffer.set(bytes);
    this.length = bytes.length;
  }

  /** The kept bytes (valid until the next keep), or undefined. */
  get bytes(): Uint8Array | undefined {
    return this.length < 0 ? undefined : this.buffer.subarray(0, this.length);
  }

  clear(): void {
    this.length = -1;
  }
}

class SenderStream {
  reportSeq = 0;
  edgeSeq = 0;
  readonly totals: Int32Array;
  readonly values: Float64Array;
  readonly previous: Float64Array;
  readonly previousReport = new Kept();
  /** The last edges (frame copies), oldest first, each with the MOTION messages it still rides in. */
  readonly recent: Array<{ frame: Uint8Array; left: number }> = [];
  /** The newest MOTION's frame, waiting for the unreliable channel. */
  readonly waiting = new Kept();
  poll: Cancel | undefined;
  /** The last report, when it went only as MOTION, and when it came. */
  readonly unsettled = new Kept();
  lastAt = 0;
  lastMotionAt = Number.NEGATIVE_INFINITY;
  settleTimer: Cancel | undefined;

  constructor(readonly roles: ReportRoles) {
    this.totals = new Int32Array(roles.relative.length);
    this.values = new Float64Array(roles.shape.valueCount);
    this.previous = new Float64Array(roles.shape.valueCount);
  }
}

class InputSplitter implements StageHalf {
  private readonly streams = new Map<number, SenderStream>();
  private readonly scratch = new Scratch(1024);
  /** The link's current MOTION interval (ms): congestion is the link's, not one device's. */
  private interval: number;
  /** When the interval last grew, and when it last shrank or the channel was last found backed up. */
  private grewAt = Number.NEGATIVE_INFINITY;
  private lastSendAt = Number.NEGATIVE_INFINITY;
  private calmSince = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly params: InputParams,
    private readonly context: StageContext,
  ) {
    // Adaptive pacing starts cautious and relaxes while the path stays clear: collapsing the congestion
    // window first and pacing afterwards would cost the queue it built.
    this.interval = params.interval;
  }

  push(bytes: Uint8Array, channel: 'reliable' | 'unreliable'): void {
    const stream = isInputFrame(bytes) ? this.streamFor(bytes) : undefined;
    if (!stream) {
      if (bytes[0] === FrameType.DeviceGone || bytes[0] === FrameType.Announce)
        this.forget(frameDevice(bytes));
      this.context.emit(bytes, channel);
      return;
    }
    const { roles, values, totals } = stream;
    const report = reportOf(bytes);
    if (report.length < roles.shape.byteLength) {
      this.context.emit(bytes, channel); // shorter than its descriptor: nothing to decode, pass it on
      return;
    }
    roles.shape.decode(report, values);
    for (let j = 0; j < roles.relative.length; j++)
      totals[j] = (totals[j]! + values[roles.relative[j]!]!) | 0;
    stream.reportSeq = (stream.reportSeq + 1) >>> 0;
    const previousReport = stream.previousReport.bytes;
    const isEdge = !previousReport || edgesDiffer(roles, values, stream.previous, report, previousReport);
    stream.previous.set(values);
    stream.previousReport.keep(report);
    stream.lastAt = this.context.clock.now();
    if (isEdge) stream.unsettled.clear();
    else stream.unsettled.keep(bytes);
    if (isEdge) {
      stream.edgeSeq = (stream.edgeSeq + 1) >>> 0;
      this.sendEdge(stream, bytes);
      if (this.params.repeat > 0) this.remember(stream, bytes);
    }
    if (isEdge && this.params.repeat === 0) return;
    this.offerMotion(stream, bytes);
    if (!isEdge) this.settleLater(stream);
  }

  close(): void {
    for (const stream of this.streams.values()) this.stop(stream);
    this.streams.clear();
  }

  private stop(stream: SenderStream): void {
    stream.poll?.();
    stream.settleTimer?.();
  }

  /** Once the stream has been quiet for `settle`, its last report goes again, reliably. */
  private settleLater(stream: SenderStream): void {
    const settle = this.params.settle;
    if (settle <= 0 || stream.settleTimer) return;
    const check = () => {
      stream.settleTimer = undefined;
      const frame = stream.unsettled.bytes;
      if (!frame) return;
      const quiet = this.context.clock.now() - stream.lastAt;
      if (settle - quiet >= EPSILON_MS) {
        stream.settleTimer = this.context.scheduler.schedule(settle - quiet, check);
        return;
      }
      stream.unsettled.clear();
      this.sendEdge(stream, frame);
    };
    stream.settleTimer = this.context.scheduler.schedule(settle, check);
  }

  private streamFor(frame: Uint8Array): SenderStream | undefined {
    const key = reportKey(frame);
    let stream = this.streams.get(key);
    if (stream) return stream;
    const shape = this.context.codecFor(frameDevice(frame))?.input(frame[2]!);
    if (!shape || reportOf(frame).length < shape.byteLength) return undefined;
    const roles = rolesOf(shape);
    // Nothing to merge in a report of edges only (keys, vendor bytes): every report goes as it is.
    if (roles.relative.length + roles.latest.length === 0) return undefined;
    if (roles.relative.length > MAX_RELATIVE_VALUES) return undefined;
    stream = new SenderStream(roles);
    this.streams.set(key, stream);
    return stream;
  }

  private forget(device: number): void {
    for (const [key, stream] of this.streams) {
      if (key >> 8 !== device) continue;
      this.stop(stream);
      this.streams.delete(key);
    }
  }

  /** The report, reliably: an edge, or the settled last state (then with an unchanged edge count). */
  private sendEdge(stream: SenderStream, frame: Uint8Array): void {
    stream.waiting.clear(); // this carries the totals and axes of the newest report
    const out = this.scratch.take(edgeLength(stream.totals.length, frame.length));
    const length = writeEdge(out, stream, frame);
    this.context.emit(out.subarray(0, length), 'reliable');
  }

  private remember(stream: SenderStream, frame: Uint8Array): void {
    stream.recent.push({ frame: frame.slice(), left: this.params.repeat });
    if (stream.recent.length > MAX_REPEATED_EDGES) stream.recent.shift();
  }

  /** Sends MOTION now, or keeps it (replacing an older one) until the interval has passed and the channel drained. */
  private offerMotion(stream: SenderStream, frame: Uint8Array): void {
    if (this.motionWait(stream) === 0) {
      stream.waiting.clear();
      this.sendMotion(stream, frame);
      return;
    }
    stream.waiting.keep(frame);
    this.pollLater(stream);
  }

  /** How long the next MOTION must still wait (ms); 0: it may go now. */
  private motionWait(stream: SenderStream): number {
    const now = this.context.clock.now();
    const queued = this.context.backlog('unreliable');
    // Bytes still queued a millisecond after the last send: the congestion window is full. (Right after a
    // send its own bytes are queued for a moment on any path.)
    const backedUp = queued > this.params.backlog || (queued > 0 && now - this.lastSendAt >= DRAIN_POLL_MS);
    if (this.params.pacing === 'adaptive') this.adapt(backedUp, now);
    if (backedUp) return DRAIN_POLL_MS;
    const wait = stream.lastMotionAt + this.interval - now;
    return wait < EPSILON_MS ? 0 : wait;
  }

  /**
   * Doubles the interval (from 1 ms, up to the parameter, at most once a millisecond) while the channel
   * is backed up; halves it (below 1 ms: none) once RELAX_MS passed without, and again after each RELAX_MS.
   */
  private adapt(backedUp: boolean, now: number): void {
    if (backedUp) {
      if (now - this.grewAt >= DRAIN_POLL_MS) {
        this.interval = Math.min(this.params.interval, Math.max(1, this.interval * 2));
        this.grewAt = now;
      }
      this.calmSince = now;
    } else if (this.interval > 0 && now - this.calmSince >= RELAX_MS) {
      this.interval = this.interval <= 1 ? 0 : this.interval / 2;
      this.calmSince = now;
    }
  }

  private pollLater(stream: SenderStream): void {
    if (stream.poll) return;
    stream.poll = this.context.scheduler.schedule(this.motionWait(stream), () => {
      stream.poll = undefined;
      const waiting = stream.waiting.bytes;
      if (!waiting) return;
      if (this.motionWait(stream) > 0) this.pollLater(stream);
      else {
        stream.waiting.clear();
        this.sendMotion(stream, waiting);
      }
    });
  }

  private sendMotion(stream: SenderStream, frame: Uint8Array): void {
    const repeated = stream.recent.map((edge) => edge.frame);
    const relative = stream.totals.length;
    // Keep one MOTION within one packet when the edges allow: drop the oldest repeats first.
    while (repeated.length > 0 && motionLength(relative, frame.length, repeated) > UNRELIABLE_BUNDLE_BYTES) {
      repeated.shift();
    }
    const out = this.scratch.take(motionLength(relative, frame.length, repeated));
    const length = writeMotion(out, stream, frame, repeated);
    stream.lastMotionAt = this.context.clock.now();
    this.lastSendAt = stream.lastMotionAt;
    for (const edge of stream.recent) edge.left--;
    while (stream.recent.length > 0 && stream.recent[0]!.left <= 0) stream.recent.shift();
    this.context.emit(out.subarray(0, length), 'unreliable');
  }
}
