/**
 * seq: lets input reports travel on the unordered, unreliable data channel (maxRetransmits 0), so a lost
 * packet never stalls the reports behind it. Everything else stays on the reliable ordered channel.
 *
 *   SEQUENCED  seq u32 LE | input report frame        (unreliable channel only; one counter per device)
 *
 * The receiver either reorders within a window (mode=reorder: gaps wait at most `wait`, then count as
 * lost) or keeps only what is newer than the last delivered report (mode=latest: for devices whose every
 * report carries the full state). Losses are counted and reported either way.
 */
import { INPUT_HEADER, isInputFrame, readU32, Scratch, writeU32 } from '../bytes.ts';
import { PipelineError } from '../errors.ts';
import { choice, duration, integer, type ParamValues } from '../params.ts';
import { type ChannelClass, defineStage, type StageContext, type StageHalf } from '../stage.ts';
import { ReorderBuffer } from './reorder.ts';

export const SEQ_HEADER = 4;

const seqParams = {
  window: integer(64, 1, 4096, 'reports held while waiting for a missing one'),
  wait: duration(5, 0, 1000, 'longest a gap is waited for before its reports count as lost'),
  mode: choice(
    ['reorder', 'latest'],
    'reorder',
    'reorder: deliver in order; latest: drop stale reports at once',
  ),
} as const;

export type SeqParams = ParamValues<typeof seqParams>;

export const seq = defineStage({
  name: 'seq',
  summary:
    'Sends input reports unreliably (no head-of-line blocking) with sequence numbers to reorder and count losses.',
  scope: 'link',
  rank: 40,
  params: seqParams,
  createSender: (_values, context) => new Sequencer(context),
  createReceiver: (values, context) => new Resequencer(values, context),
});

class Sequencer implements StageHalf {
  private readonly next = new Uint32Array(256);
  private readonly scratch = new Scratch();

  constructor(private readonly context: StageContext) {}

  push(bytes: Uint8Array, channel: ChannelClass): void {
    if (!isInputFrame(bytes)) {
      this.context.emit(bytes, channel);
      return;
    }
    const device = bytes[1]!;
    const out = this.scratch.take(SEQ_HEADER + bytes.length);
    writeU32(out, 0, this.next[device]!);
    this.next[device] = this.next[device]! + 1; // Uint32Array wraps at 2³²; the receiver uses serial arithmetic.
    out.set(bytes, SEQ_HEADER);
    this.context.emit(out.subarray(0, SEQ_HEADER + bytes.length), 'unreliable');
  }
}

class Resequencer implements StageHalf {
  private readonly devices = new Map<number, ReorderBuffer>();

  constructor(
    private readonly params: SeqParams,
    private readonly context: StageContext,
  ) {}

  push(bytes: Uint8Array, channel: ChannelClass): void {
    if (channel === 'reliable') {
      this.context.emit(bytes, channel);
      return;
    }
    const frame = bytes.subarray(SEQ_HEADER);
    if (bytes.length < SEQ_HEADER + INPUT_HEADER || !isInputFrame(frame)) {
      throw new PipelineError('malformed', 'an unreliable message must be a sequenced input report', 'seq');
    }
    this.bufferFor(frame[1]!).accept(readU32(bytes, 0), frame);
  }

  flush(): void {
    for (const buffer of this.devices.values()) buffer.releaseAll();
  }

  close(): void {
    for (const buffer of this.devices.values()) buffer.close();
    this.devices.clear();
  }

  private bufferFor(device: number): ReorderBuffer {
    let buffer = this.devices.get(device);
    if (!buffer) {
      const { context } = this;
      buffer = new ReorderBuffer(this.params, context.scheduler, {
        deliver: (frame) => context.emit(frame, 'unreliable'),
        lost: (count) => context.reportLoss(device, count),
      });
      this.devices.set(device, buffer);
    }
    return buffer;
  }
}
