/** Shared fixtures for the pipeline tests: corpus recordings as Ferry frames, and a sharer↔receiver link. */

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parseReportDescriptor } from '../../../src/hid/index.ts';
import {
  type ChannelClass,
  createPipeline,
  type LossEvent,
  type Pipeline,
  type PipelineError,
  type PipelineOptions,
  type PipelineSpec,
  type ReportCodec,
  reportCodecFromModel,
  VirtualClock,
} from '../../../src/pipeline/index.ts';
import { encodeInputReport } from '../../../src/protocol/index.ts';

const corpusDir = fileURLToPath(new URL('../../../../shared/corpus/hid/', import.meta.url));

export interface Recording {
  readonly name: string;
  readonly codec: ReportCodec;
  /** Input-report frames for device `device`, timestamps from the recording (ms). */
  readonly frames: Uint8Array[];
}

interface CorpusFile {
  descriptor: string;
  recording?: Array<{ t: number; report: string }>;
}

const hex = (text: string) => Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));

let cached: Recording[] | undefined;

/** Every corpus file with a recording, as frames of device 1. */
export function corpusRecordings(device = 1): Recording[] {
  if (device === 1 && cached) return cached;
  const recordings = readdirSync(corpusDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .flatMap((file) => {
      const body = JSON.parse(readFileSync(corpusDir + file, 'utf8')) as CorpusFile;
      if (!body.recording?.length) return [];
      const model = parseReportDescriptor(hex(body.descriptor));
      const frames = body.recording.map(({ t, report }) => {
        const bytes = hex(report);
        const [reportId, data] = model.usesReportIds ? [bytes[0]!, bytes.subarray(1)] : [0, bytes];
        return encodeInputReport(device, reportId, t * 1000, data);
      });
      return [{ name: file.replace('.json', ''), codec: reportCodecFromModel(model), frames }];
    });
  if (device === 1) cached = recordings;
  return recordings;
}

export interface Link {
  readonly clock: VirtualClock;
  readonly sharer: Pipeline;
  readonly receiver: Pipeline;
  /** Frames that left the receiver's pipeline (copies). */
  readonly atReceiver: Uint8Array[];
  /** Virtual time at which each of `atReceiver` left. */
  readonly receivedAt: number[];
  /** Frames that left the sharer's pipeline (copies). */
  readonly atSharer: Uint8Array[];
  /** Messages the sharer put on the link, with their channel (copies). */
  readonly wire: Array<{ message: Uint8Array; channel: ChannelClass }>;
  readonly errors: PipelineError[];
  readonly losses: LossEvent[];
  /** Runs timers and async work until nothing is left. */
  settle(): Promise<void>;
}

export const TEST_SECRET = 'AAECAwQFBgcICQoLDA0ODw';
export const TEST_CONTEXT = new Uint8Array(32).fill(7);

export interface LinkOptions {
  readonly codecFor?: PipelineOptions['codecFor'];
  readonly deviceSpec?: PipelineOptions['deviceSpec'];
  /** Lets a test drop, reorder or corrupt messages on their way to the receiver. */
  readonly tamper?: (message: Uint8Array, channel: ChannelClass) => Array<[Uint8Array, ChannelClass]>;
  readonly receiverSpec?: PipelineSpec | string;
  /** What the sharer's link says waits on each channel (default: nothing). */
  readonly backlog?: PipelineOptions['backlog'];
}

/** Two pipelines joined back to back, on one virtual clock. */
export function createLink(spec: PipelineSpec | string, options: LinkOptions = {}): Link {
  const clock = new VirtualClock(1_000);
  const atReceiver: Uint8Array[] = [];
  const receivedAt: number[] = [];
  const atSharer: Uint8Array[] = [];
  const wire: Link['wire'] = [];
  const errors: PipelineError[] = [];
  const losses: LossEvent[] = [];
  const common = {
    secret: TEST_SECRET,
    connectionContext: TEST_CONTEXT,
    clock,
    scheduler: clock,
    codecFor: options.codecFor,
    deviceSpec: options.deviceSpec,
    onError: (error: PipelineError) => errors.push(error),
    onLoss: (event: LossEvent) => losses.push(event),
  };
  let receiver: Pipeline | undefined;
  const sharer = createPipeline(spec, {
    ...common,
    role: 'sharer',
    backlog: options.backlog,
    onOutbound: (message, channel) => {
      wire.push({ message: message.slice(), channel });
      const delivered = options.tamper
        ? options.tamper(message.slice(), channel)
        : [[message, channel] as const];
      for (const [bytes, on] of delivered) receiver?.inbound.push(bytes, on);
    },
    onInbound: (frame) => atSharer.push(frame.slice()),
  });
  receiver = createPipeline(options.receiverSpec ?? spec, {
    ...common,
    role: 'receiver',
    onOutbound: (message, channel) => sharer.inbound.push(message, channel),
    onInbound: (frame) => {
      atReceiver.push(frame.slice());
      receivedAt.push(clock.now());
    },
  });
  const settle = async () => {
    for (let round = 0; round < 50; round++) {
      // Async work hands off between the two ends; alternate until both have been idle in turn.
      for (let turn = 0; turn < 4; turn++) {
        await sharer.idle();
        await receiver.idle();
      }
      if (clock.pending === 0) return;
      clock.advance(10_000);
    }
  };
  return { clock, sharer, receiver, atReceiver, receivedAt, atSharer, wire, errors, losses, settle };
}

/** Pushes frames at the sharer at their own timestamps (relative to the first), advancing the clock. */
export async function replay(link: Link, frames: readonly Uint8Array[]): Promise<void> {
  const start = link.clock.now();
  let first: number | undefined;
  for (const frame of frames) {
    if (frame[0] === 0x10) {
      first ??= timestampOf(frame);
      link.clock.advanceTo(Math.max(link.clock.now(), start + timestampOf(frame) - first));
    }
    link.sharer.outbound.push(frame);
  }
  await link.settle();
}

export function timestampOf(frame: Uint8Array): number {
  return new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getFloat64(4, true);
}

export const hexOf = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** A random valid spec string: a subset of stages in rank order, each with some parameters written out. */
export const specArbitrary = fc
  .record({
    coalesce: fc.option(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.constantFrom('average', 'latest'))),
    discard: fc.option(fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 10 }))),
    pace: fc.option(fc.integer({ min: 0, max: 100 })),
    seq: fc.option(fc.tuple(fc.integer({ min: 1, max: 256 }), fc.constantFrom('reorder', 'latest'))),
    /** `input` excludes `seq` (same rank): it takes the seq slot when both are drawn. */
    input: fc.option(fc.tuple(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 0, max: 4096 }))),
    bundle: fc.option(
      fc.tuple(
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 256, max: 65536 }),
        fc.integer({ min: 0, max: 3 }),
      ),
    ),
    compress: fc.option(fc.constantFrom('lz4', 'deflate(impl=fflate)', 'deflate(stream,level=9)')),
    encrypt: fc.option(fc.integer({ min: 32, max: 4096 })),
  })
  .map((pick) =>
    [
      pick.coalesce && `coalesce(${pick.coalesce[0]}ms,${pick.coalesce[1]})`,
      pick.discard && `discard(keepalive=${pick.discard[0]}ms, deadband=${pick.discard[1]})`,
      pick.pace !== null && `pace(${pick.pace}ms)`,
      pick.input
        ? `input(repeat=${pick.input[0]},backlog=${pick.input[1]})`
        : pick.seq && `seq(window=${pick.seq[0]},mode=${pick.seq[1]})`,
      pick.bundle && `bundle(${pick.bundle[0] * 250}us,${pick.bundle[1]},repeat=${pick.bundle[2]})`,
      pick.compress,
      pick.encrypt !== null && `encrypt(${pick.encrypt})`,
    ]
      .filter(Boolean)
      .join(' , '),
  );

/** Link-stage compositions only (plus pace): what leaves the receiver must equal what entered. */
export const exactSpecArbitrary = fc
  .record({
    pace: fc.option(fc.integer({ min: 0, max: 40 })),
    seq: fc.option(fc.constantFrom('reorder', 'latest')),
    bundle: fc.option(
      fc.tuple(
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 256, max: 4096 }),
        fc.integer({ min: 0, max: 3 }),
      ),
    ),
    compress: fc.option(fc.constantFrom('lz4', 'deflate(impl=fflate)', 'deflate(impl=stream)')),
    encrypt: fc.boolean(),
  })
  .map((pick) =>
    [
      pick.pace !== null && `pace(${pick.pace}ms)`,
      pick.seq && `seq(mode=${pick.seq})`,
      pick.bundle && `bundle(${pick.bundle[0] * 250}us,${pick.bundle[1]},repeat=${pick.bundle[2]})`,
      pick.compress,
      pick.encrypt && 'encrypt',
    ]
      .filter(Boolean)
      .join(','),
  );

/** A receiver-side pipeline alone, for feeding it hand-made (often hostile) messages. */
export function receiverOnly(spec: PipelineSpec | string) {
  const frames: Uint8Array[] = [];
  const errors: PipelineError[] = [];
  const pipeline = createPipeline(spec, {
    role: 'receiver',
    secret: TEST_SECRET,
    connectionContext: TEST_CONTEXT,
    onOutbound: () => undefined,
    onInbound: (frame) => frames.push(frame.slice()),
    onError: (error) => errors.push(error),
  });
  return { pipeline, frames, errors };
}

/** An input-report frame with the given data bytes. */
export function inputFrame(
  timestampMs: number,
  data: ArrayLike<number>,
  device = 1,
  reportId = 0,
): Uint8Array {
  return encodeInputReport(device, reportId, timestampMs, Uint8Array.from(data));
}

/** The report codec of one corpus device, by file name. */
export function corpusCodec(name: string): ReportCodec {
  const body = JSON.parse(readFileSync(`${corpusDir}${name}.json`, 'utf8')) as CorpusFile;
  return reportCodecFromModel(parseReportDescriptor(hex(body.descriptor)));
}

/** Decoded values of an input frame, or undefined when its codec has no such report. */
export function valuesOf(codec: ReportCodec, frame: Uint8Array): Float64Array | undefined {
  const shape = codec.input(frame[2]!);
  if (!shape || frame.length - 12 < shape.byteLength) return undefined;
  const values = new Float64Array(shape.valueCount);
  shape.decode(frame.subarray(12), values);
  return values;
}
