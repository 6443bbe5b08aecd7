/**
 * The receiving half of `input` (input.ts): rebuilds ordinary input reports from EDGE and MOTION.
 *
 * - Edges are applied strictly in edgeSeq order, from whichever copy comes first (the reliable EDGE or
 *   a MOTION's repeats); later copies are dropped. Delivered reports take their edge values only from
 *   the edges applied so far, so a MOTION that outran a lost edge never shows that edge early (which,
 *   with the edge's late arrival, would make a spurious pair).
 * - MOTION newer than everything delivered is delivered (older ones are dropped: the latest wins); its
 *   relative values become what the running totals say is still owed, split into several reports when a
 *   sum would leave the field's logical range.
 * - An edge that arrives after newer motion was delivered is delivered with the newest axes and no
 *   motion: the state never goes backwards.
 */
import { FrameType, frameDevice, reportKey, Scratch } from '../bytes.ts';
import { PipelineError } from '../errors.ts';
import type { ChannelClass, StageContext, StageHalf } from '../stage.ts';
import { copyValues, type ReportRoles, reportOf, rolesOf } from './input-roles.ts';
import { decodeInputMessage, type InputMessage, isInputStageMessage } from './input-wire.ts';

/** A sum this many times a field's range is delivered in that many reports; beyond, the rest is dropped. */
const MAX_SPLIT_REPORTS = 32;

const serialDiff = (a: number, b: number) => (a - b) | 0;

class ReceiverStream {
  /** 0: no edge applied yet (the sender's first report is always edge 1). */
  edgeSeq = 0;
  readonly edgeValues: Float64Array;
  newestSeq = 0;
  hasNewest = false;
  readonly newestValues: Float64Array;
  /** Running totals delivered so far; both ends start a stream at 0. */
  readonly delivered: Int32Array;
  readonly values: Float64Array;
  readonly owed: Float64Array;

  constructor(readonly roles: ReportRoles) {
    const count = roles.shape.valueCount;
    this.edgeValues = new Float64Array(count);
    this.newestValues = new Float64Array(count);
    this.values = new Float64Array(count);
    this.delivered = new Int32Array(roles.relative.length);
    this.owed = new Float64Array(roles.relative.length);
  }
}

export class InputMerger implements StageHalf {
  private readonly streams = new Map<number, ReceiverStream>();
  private readonly out = new Scratch(256);

  constructor(private readonly context: StageContext) {}

  push(bytes: Uint8Array, channel: ChannelClass): void {
    if (!isInputStageMessage(bytes)) {
      if (channel === 'unreliable') {
        throw new PipelineError('malformed', 'an unreliable message must be an input MOTION', 'input');
      }
      if (bytes[0] === FrameType.DeviceGone || bytes[0] === FrameType.Announce)
        this.forget(frameDevice(bytes));
      this.context.emit(bytes, channel);
      return;
    }
    const message = decodeInputMessage(bytes);
    const wanted = message.kind === 'edge' ? 'reliable' : 'unreliable';
    if (channel !== wanted) {
      throw new PipelineError('unexpected-channel', `${message.kind} on the ${channel} channel`, 'input');
    }
    const stream = this.streamFor(message);
    if (!stream) {
      // No codec for this device (yet): an edge is still a whole report; motion cannot be rebuilt.
      if (message.kind === 'edge') this.context.emit(message.frame, 'reliable');
      return;
    }
    if (message.kind === 'edge') this.onEdge(stream, message);
    else this.onMotion(stream, message);
  }

  close(): void {
    this.streams.clear();
  }

  private streamFor(message: InputMessage): ReceiverStream | undefined {
    const key = reportKey(message.frame);
    let stream = this.streams.get(key);
    if (!stream) {
      const shape = this.context.codecFor(frameDevice(message.frame))?.input(message.frame[2]!);
      if (!shape) return undefined;
      stream = new ReceiverStream(rolesOf(shape));
      this.streams.set(key, stream);
    }
    const { roles } = stream;
    if (message.totals.length !== roles.relative.length) {
      throw new PipelineError(
        'malformed',
        `${message.totals.length} relative totals for a report with ${roles.relative.length}`,
        'input',
      );
    }
    const short = [message.frame, ...message.repeated].some(
      (f) => reportOf(f).length < roles.shape.byteLength,
    );
    if (short) throw new PipelineError('malformed', 'a report shorter than its descriptor says', 'input');
    return stream;
  }

  private forget(device: number): void {
    for (const key of [...this.streams.keys()]) if (key >> 8 === device) this.streams.delete(key);
  }

  /** A reliable report: a new edge (or, with an edge already applied, the settled last state). */
  private onEdge(stream: ReceiverStream, message: InputMessage): void {
    const isNewEdge = stream.edgeSeq === 0 || serialDiff(message.edgeSeq, stream.edgeSeq) > 0;
    if (stream.hasNewest && serialDiff(message.reportSeq, stream.newestSeq) <= 0) {
      if (isNewEdge) this.applyLateEdge(stream, message.frame, message.edgeSeq);
      return;
    }
    if (isNewEdge) this.takeEdge(stream, message.frame, message.edgeSeq);
    this.deliverNewest(stream, message, message.edgeSeq !== stream.edgeSeq);
  }

  private onMotion(stream: ReceiverStream, message: InputMessage): void {
    if (stream.hasNewest && serialDiff(message.reportSeq, stream.newestSeq) <= 0) return; // the latest wins
    const first = (message.edgeSeq - message.repeated.length + 1) >>> 0;
    for (let i = 0; i < message.repeated.length; i++) {
      const edgeSeq = (first + i) >>> 0;
      const ahead = serialDiff(edgeSeq, stream.edgeSeq);
      if (ahead > 1) break; // a gap: the reliable channel will bring the missing edge, in order
      if (ahead === 1) this.applyLateEdge(stream, message.repeated[i]!, edgeSeq);
    }
    if (stream.edgeSeq === 0) return; // no edge state to show yet
    this.deliverNewest(stream, message, message.edgeSeq !== stream.edgeSeq);
  }

  private takeEdge(stream: ReceiverStream, frame: Uint8Array, edgeSeq: number): void {
    stream.roles.shape.decode(reportOf(frame), stream.values);
    copyValues(stream.values, stream.edgeValues, stream.roles.edges);
    stream.edgeSeq = edgeSeq;
  }

  /** An edge older than the newest delivered state: its edges, the newest axes, no motion. */
  private applyLateEdge(stream: ReceiverStream, frame: Uint8Array, edgeSeq: number): void {
    this.takeEdge(stream, frame, edgeSeq);
    const { roles, values } = stream;
    if (stream.hasNewest) copyValues(stream.newestValues, values, roles.latest);
    for (const index of roles.relative) values[index] = 0;
    this.emitReport(stream, frame, 'reliable');
  }

  /** The message's report as the newest state; `lagging`: its edges are not all applied yet. */
  private deliverNewest(stream: ReceiverStream, message: InputMessage, lagging: boolean): void {
    const { roles, values, owed, delivered } = stream;
    roles.shape.decode(reportOf(message.frame), values);
    if (lagging) copyValues(stream.edgeValues, values, roles.edges);
    for (let j = 0; j < owed.length; j++) {
      owed[j] = (message.totals[j]! - delivered[j]!) | 0;
    }
    delivered.set(message.totals);
    stream.newestSeq = message.reportSeq;
    stream.hasNewest = true;
    stream.newestValues.set(values);
    const channel = message.kind === 'edge' ? 'reliable' : 'unreliable';
    for (let part = 0; part < MAX_SPLIT_REPORTS; part++) {
      const more = this.takeOwed(stream);
      this.emitReport(stream, message.frame, channel);
      if (!more) return;
    }
  }

  /** Moves as much of what is owed as each field can hold into `values`; true if some is left. */
  private takeOwed(stream: ReceiverStream): boolean {
    const { roles, values, owed } = stream;
    const { minimum, maximum } = roles.shape;
    let left = false;
    for (let j = 0; j < owed.length; j++) {
      const index = roles.relative[j]!;
      const want = owed[j]!;
      const part = want === 0 ? 0 : Math.min(Math.max(want, minimum[index]!), maximum[index]!);
      values[index] = part;
      owed[j] = want - part;
      if (owed[j] !== 0 && part !== 0) left = true;
    }
    return left;
  }

  /** `values` encoded into a copy of `base` (its header, timestamp and undecoded bits), emitted. */
  private emitReport(stream: ReceiverStream, base: Uint8Array, channel: ChannelClass): void {
    const out = this.out.take(base.length).subarray(0, base.length);
    out.set(base);
    stream.roles.shape.encode(stream.values, reportOf(out));
    this.context.emit(out, channel);
  }
}
