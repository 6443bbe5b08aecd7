/**
 * The one interface every stage implements. A stage is a PAIR of halves: the sender half runs on the
 * end that emits a message, its mirror (the receiver half) on the end that takes it in. Each end runs
 * an outbound chain of sender halves (spec order) and an inbound chain of receiver halves (reverse order),
 * so every stage works in both directions.
 *
 * Halves are push-based. Bytes passed to `push` and to `emit` are BORROWED: valid only during the call,
 * so buffers can be reused on the hot path. A half that keeps bytes past the call copies them.
 */
import type { Clock, Scheduler } from './clock.ts';
import type { ReportCodec } from './codec.ts';
import type { ParamSchema, ParamValues } from './params.ts';

/**
 * Which data channel a message travels on. Only input reports may go `unreliable` (unordered,
 * maxRetransmits 0), and only when `seq` or `input` is in the pipeline; everything else is `reliable`.
 */
export type ChannelClass = 'reliable' | 'unreliable';

export type Role = 'sharer' | 'receiver';

export type Emit = (bytes: Uint8Array, channel: ChannelClass) => void;

export interface StageHalf {
  /** Takes one message. A Promise result marks an async step; the chain keeps messages in order. */
  push(bytes: Uint8Array, channel: ChannelClass): void | Promise<void>;
  /** Emits at once whatever the half holds for later (bundles, coalescing windows, paced frames). */
  flush?(): void;
  /** Cancels timers and drops held state; the half is not used again. */
  close?(): void;
}

/** Input reports that `seq` found missing on the unreliable channel. */
export interface LossEvent {
  readonly device: number;
  /** Reports declared lost by this event. */
  readonly lost: number;
  /** Reports declared lost on this device since the pipeline started. */
  readonly totalLost: number;
}

export interface StageContext {
  readonly role: Role;
  readonly direction: 'outbound' | 'inbound';
  /** Hands bytes to the next half (or out of the pipeline). Never throws. */
  readonly emit: Emit;
  readonly clock: Clock;
  /** Tasks that throw are reported as PipelineErrors, never left uncaught. */
  readonly scheduler: Scheduler;
  /** The share secret (base64url, 16 bytes); only `encrypt` reads it. */
  readonly secret: string | undefined;
  /** Per-connection salt both ends agree on; only `encrypt` reads it. */
  readonly connectionContext: Uint8Array | undefined;
  readonly codecFor: (device: number) => ReportCodec | undefined;
  readonly reportLoss: (device: number, lost: number) => void;
  /** Bytes queued on that data channel and not yet sent (0 when the link does not say); `input` reads it. */
  readonly backlog: (channel: ChannelClass) => number;
}

/**
 * `device` stages are local policy applied per device (coalesce, discard, pace): they never change the
 * bytes on the wire, so the two ends need not agree on them. `link` stages define the wire format
 * (seq, bundle, compression, encrypt) and must be the same, in the same order, at both ends.
 */
export type StageScope = 'device' | 'link';

export interface StageDefinition<S extends ParamSchema = ParamSchema, N extends string = string> {
  readonly name: N;
  /** One line for the share page UI. */
  readonly summary: string;
  readonly scope: StageScope;
  /** Position in a pipeline: stages appear in rising rank; equal ranks exclude each other. */
  readonly rank: number;
  /** Declaration order is the order of positional arguments. */
  readonly params: S;
  /**
   * True when the receiver half emits only views of the bytes pushed into it (or those bytes), and never
   * writes into them: a pipeline of such stages over a link that hands out a fresh buffer per message
   * delivers frames that stay valid after the call (Pipeline.inboundViews), so a receiver may keep them
   * without a copy. Undefined means no: the half may emit from a buffer it reuses (decompression, crypto).
   */
  readonly receiverEmitsViews?: boolean;
  createSender(params: ParamValues<S>, context: StageContext): StageHalf;
  createReceiver(params: ParamValues<S>, context: StageContext): StageHalf;
}

/** Identity: the half a stage uses for the direction it does not touch. */
export function passThrough(context: StageContext): StageHalf {
  return { push: (bytes, channel) => context.emit(bytes, channel) };
}

/** Declares a stage with its parameter types inferred from `params`. */
export function defineStage<const N extends string, const S extends ParamSchema>(
  definition: StageDefinition<S, N>,
): StageDefinition<S, N> {
  return definition;
}
