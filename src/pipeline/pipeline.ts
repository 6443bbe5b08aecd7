/**
 * One pipeline per peer connection. Outbound: frames → per-device stages (spec order) → link stages
 * (spec order) → messages. Inbound: messages → link receiver halves (reverse order) → frame shape check
 * → per-device receiver halves (reverse order) → frames.
 */
import { FrameType, INPUT_HEADER, MAX_FRAME_BYTES, MAX_MESSAGE_BYTES, UsbFrameType } from './bytes.ts';
import { buildChain, type Chain, type ChainHooks, type ChainLink } from './chain.ts';
import { type Clock, realClock, realScheduler, type Scheduler } from './clock.ts';
import type { ReportCodec } from './codec.ts';
import { PipelineError, PipelineSpecError, toPipelineError } from './errors.ts';
import { DeviceRouter } from './multiplex.ts';
import type { ParamValues } from './params.ts';
import { type PipelineSpec, stageDefinition, validatePipelineSpec } from './spec.ts';
import type { ChannelClass, Emit, LossEvent, Role, StageContext, StageHalf } from './stage.ts';

export interface PipelineOptions {
  readonly role: Role;
  /** The share secret (base64url of 16 bytes); required when the spec has `encrypt`. */
  readonly secret?: string;
  /** Per-connection salt, identical at both ends (e.g. a hash of both HELLOs); required with `encrypt`. */
  readonly connectionContext?: Uint8Array;
  readonly clock?: Clock;
  readonly scheduler?: Scheduler;
  /** The report codec of a device (from its descriptor); coalesce and discard need it. */
  readonly codecFor?: (device: number) => ReportCodec | undefined;
  /** Device stages for one device in place of the spec's (a mouse coalesces, a keyboard does not). */
  readonly deviceSpec?: (device: number) => PipelineSpec | string | undefined;
  /** A message for the link. Borrowed: send (or copy) it before returning. */
  readonly onOutbound: (message: Uint8Array, channel: ChannelClass) => void;
  /** A frame for the application (decode it with decodeFrame). Borrowed, like messages. */
  readonly onInbound: (frame: Uint8Array) => void;
  /** Every rejected message and failed step; the pipeline itself keeps running. */
  readonly onError: (error: PipelineError) => void;
  readonly onLoss?: (event: LossEvent) => void;
  /** Bytes waiting on a data channel of the link (RTCDataChannel.bufferedAmount); `input` holds motion on it. */
  readonly backlog?: (channel: ChannelClass) => number;
}

export interface PipelineStats {
  /** Input reports `seq` declared lost. */
  lost: number;
  /** Errors reported (each one dropped a message or a step). */
  errors: number;
}

export interface Pipeline {
  readonly spec: PipelineSpec;
  readonly outbound: { push(frame: Uint8Array): void };
  readonly inbound: { push(message: Uint8Array, channel: ChannelClass): void };
  readonly stats: Readonly<PipelineStats>;
  /**
   * True when every stage's receiver half emits views of the message it was given (no stage, or only
   * `bundle`): each inbound frame is then a view into the message pushed into `inbound`, never written
   * to later. Frames are still borrowed by contract; a receiver whose link hands out a fresh buffer per
   * message (Link.freshMessages) may keep them without copying.
   */
  readonly inboundViews: boolean;
  /** Releases everything held for later (bundles, windows, paced frames) now. */
  flush(): void;
  /** Resolves once no async step (crypto, compression) is in flight. */
  idle(): Promise<void>;
  /** Stops timers and drops held state; later pushes are ignored. */
  close(): void;
}

/**
 * HID and generic-USB frames. USB frames are requests and completions: always `reliable`, and device
 * stages (coalesce, discard, pace) act on input reports only, so they pass USB frames through untouched.
 */
const knownFrameTypes = new Set<number>([...Object.values(FrameType), ...Object.values(UsbFrameType)]);

export function createPipeline(specOrText: PipelineSpec | string, options: PipelineOptions): Pipeline {
  const spec = validatePipelineSpec(specOrText);
  const stats: PipelineStats = { lost: 0, errors: 0 };
  const tracker = new IdleTracker();
  let closed = false;
  const reportError = (error: PipelineError) => {
    stats.errors++;
    options.onError(error);
  };
  const hooks: ChainHooks = { reportError, track: (work) => tracker.track(work) };
  const lossTotals = new Map<number, number>();
  const contextFor = (direction: StageContext['direction'], emit: Emit): StageContext => ({
    role: options.role,
    direction,
    emit,
    clock: options.clock ?? realClock,
    scheduler: guardScheduler(options.scheduler ?? realScheduler, reportError, () => closed),
    secret: options.secret,
    connectionContext: options.connectionContext,
    codecFor: options.codecFor ?? (() => undefined),
    reportLoss: (device, lost) => {
      stats.lost += lost;
      const totalLost = (lossTotals.get(device) ?? 0) + lost;
      lossTotals.set(device, totalLost);
      options.onLoss?.({ device, lost, totalLost });
    },
    backlog: options.backlog ?? (() => 0),
  });
  const linkStages = spec.filter((stage) => stageDefinition(stage.name)?.scope === 'link');
  const deviceStagesOf = deviceStageResolver(spec, options.deviceSpec);
  const hasDeviceStages = spec.length !== linkStages.length || options.deviceSpec !== undefined;
  const usesUnreliable = linkStages.some((stage) => stage.name === 'seq' || stage.name === 'input');

  const outboundLink = buildChain(links(linkStages, 'outbound', contextFor), options.onOutbound, hooks);
  const outboundDevices = hasDeviceStages
    ? routed(deviceStagesOf, 'outbound', contextFor, outboundLink.push, hooks)
    : undefined;
  const inboundDevices = hasDeviceStages
    ? routed(deviceStagesOf, 'inbound', contextFor, (frame) => options.onInbound(frame), hooks)
    : undefined;
  const deliver: Emit = (frame, channel) => {
    const problem = frameShapeProblem(frame);
    if (problem) reportError(new PipelineError('malformed', problem, 'pipeline'));
    else if (inboundDevices) inboundDevices.push(frame, channel);
    else options.onInbound(frame);
  };
  const inboundLink = buildChain(links([...linkStages].reverse(), 'inbound', contextFor), deliver, hooks);
  const chains = [outboundDevices, outboundLink, inboundLink, inboundDevices].filter(
    (chain) => chain !== undefined,
  );

  return {
    spec,
    stats,
    inboundViews:
      options.deviceSpec === undefined &&
      spec.every((stage) => stageDefinition(stage.name)?.receiverEmitsViews === true),
    outbound: {
      push(frame) {
        if (closed) return;
        if (frame.length < 2 || frame.length > MAX_FRAME_BYTES) {
          reportError(
            new PipelineError('malformed', `refusing to send a frame of ${frame.length} bytes`, 'pipeline'),
          );
        } else (outboundDevices ?? outboundLink).push(frame, 'reliable');
      },
    },
    inbound: {
      push(message, channel) {
        if (closed) return;
        const problem = messageProblem(message, channel, usesUnreliable);
        if (problem) reportError(problem);
        else inboundLink.push(message, channel);
      },
    },
    flush: () => {
      for (const chain of chains) chain.flush();
    },
    idle: () => tracker.idle(),
    close: () => {
      closed = true;
      for (const chain of chains) chain.close();
    },
  };
}

function links(
  stages: PipelineSpec,
  direction: StageContext['direction'],
  contextFor: (direction: StageContext['direction'], emit: Emit) => StageContext,
): ChainLink[] {
  return stages.map((stage) => {
    const definition = stageDefinition(stage.name)!;
    const params = stage.params as ParamValues<typeof definition.params>;
    return {
      stage: stage.name,
      create: (emit: Emit): StageHalf =>
        direction === 'outbound'
          ? definition.createSender(params, contextFor(direction, emit))
          : definition.createReceiver(params, contextFor(direction, emit)),
    };
  });
}

/** Device stages per device: the override for that device when given, else the spec's own. */
function deviceStageResolver(
  spec: PipelineSpec,
  override: PipelineOptions['deviceSpec'],
): (device: number) => PipelineSpec {
  const fromSpec = spec.filter((stage) => stageDefinition(stage.name)?.scope === 'device');
  return (device) => {
    const own = override?.(device);
    if (own === undefined) return fromSpec;
    const stages = validatePipelineSpec(own);
    const linkStage = stages.find((stage) => stageDefinition(stage.name)?.scope !== 'device');
    if (linkStage) {
      throw new PipelineSpecError(
        'spec-scope',
        `'${linkStage.name}' is a link stage; a device spec has device stages only`,
      );
    }
    return stages;
  };
}

function routed(
  stagesOf: (device: number) => PipelineSpec,
  direction: StageContext['direction'],
  contextFor: (direction: StageContext['direction'], emit: Emit) => StageContext,
  sink: Emit,
  hooks: ChainHooks,
): Chain {
  const router = new DeviceRouter((device) => {
    const stages = stagesOf(device);
    const ordered = direction === 'outbound' ? stages : [...stages].reverse();
    return buildChain(links(ordered, direction, contextFor), sink, hooks);
  });
  return buildChain([{ stage: 'multiplex', create: () => router }], sink, hooks);
}

function messageProblem(
  message: Uint8Array,
  channel: ChannelClass,
  usesUnreliable: boolean,
): PipelineError | undefined {
  if (message.length === 0) return new PipelineError('malformed', 'empty message', 'pipeline');
  if (message.length > MAX_MESSAGE_BYTES) {
    return new PipelineError(
      'too-large',
      `message of ${message.length} bytes; the cap is ${MAX_MESSAGE_BYTES}`,
      'pipeline',
    );
  }
  if (channel === 'unreliable' && !usesUnreliable) {
    return new PipelineError(
      'unexpected-channel',
      'unreliable messages need seq or input in the pipeline',
      'pipeline',
    );
  }
  return undefined;
}

/** Just enough to keep device stages safe; full validation is decodeFrame's job. */
function frameShapeProblem(frame: Uint8Array): string | undefined {
  if (frame.length < 2) return `frame of ${frame.length} bytes`;
  if (!knownFrameTypes.has(frame[0]!)) return `unknown frame type 0x${frame[0]!.toString(16)}`;
  if (frame[0] === FrameType.InputReport && frame.length < INPUT_HEADER) return 'truncated input report';
  if (frame.length > MAX_FRAME_BYTES) return `frame of ${frame.length} bytes`;
  return undefined;
}

function guardScheduler(
  scheduler: Scheduler,
  reportError: (error: PipelineError) => void,
  isClosed: () => boolean,
): Scheduler {
  const guarded = (task: () => void) => () => {
    if (isClosed()) return;
    try {
      task();
    } catch (error) {
      reportError(toPipelineError(error));
    }
  };
  return {
    schedule: (delayMs, task) => scheduler.schedule(delayMs, guarded(task)),
    defer: (task) =>
      scheduler.defer ? scheduler.defer(guarded(task)) : scheduler.schedule(0, guarded(task)),
    ...(scheduler.throttled ? { throttled: scheduler.throttled } : {}),
  };
}

class IdleTracker {
  private inFlight = 0;
  private waiters: Array<() => void> = [];

  track(work: Promise<void>): void {
    this.inFlight++;
    const settle = () => {
      this.inFlight--;
      if (this.inFlight === 0) for (const wake of this.waiters.splice(0)) wake();
    };
    work.then(settle, settle);
  }

  idle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}
