/**
 * Framing shared by the compression stages (deflate, lz4). One message:
 *
 *   STORED      mode u8 = 0 | original bytes
 *   COMPRESSED  mode u8 = 1 | rawLength varint (LEB128) | compressed bytes
 *
 * A message that does not shrink, or is too small to bother, is sent stored. The receiver never trusts
 * rawLength: it is capped, and the decompressed size must match it exactly.
 */
import { type Cursor, MAX_MESSAGE_BYTES, readVarint, Scratch, varintLength, writeVarint } from '../bytes.ts';
import { PipelineError } from '../errors.ts';
import type { ChannelClass, StageContext, StageHalf } from '../stage.ts';

export const Mode = { Stored: 0, Compressed: 1 } as const;
/** Below this a frame header plus a short report rarely shrinks; compressing would only cost time. */
export const MIN_COMPRESS_BYTES = 32;

export interface Compressor {
  /** Compressed bytes (borrowed until the next call), or undefined when they would not be smaller. */
  compress(input: Uint8Array): Uint8Array | undefined | Promise<Uint8Array | undefined>;
  /** Exactly `rawLength` bytes, or a PipelineError('decompress-failed'). */
  decompress(payload: Uint8Array, rawLength: number): Uint8Array | Promise<Uint8Array>;
}

export class CompressingHalf implements StageHalf {
  private readonly scratch = new Scratch();

  constructor(
    private readonly compressor: Compressor,
    private readonly context: StageContext,
  ) {}

  push(bytes: Uint8Array, channel: ChannelClass): void | Promise<void> {
    if (bytes.length < MIN_COMPRESS_BYTES) {
      this.emitStored(bytes, channel);
      return;
    }
    const result = this.compressor.compress(bytes);
    if (!(result instanceof Promise)) {
      this.emitSmaller(bytes, result, channel);
      return;
    }
    const input = bytes.slice(); // borrowed bytes do not outlive this call
    return result.then((compressed) => this.emitSmaller(input, compressed, channel));
  }

  private emitSmaller(input: Uint8Array, compressed: Uint8Array | undefined, channel: ChannelClass): void {
    const header = 1 + varintLength(input.length);
    if (!compressed || header + compressed.length >= 1 + input.length) {
      this.emitStored(input, channel);
      return;
    }
    const out = this.scratch.take(header + compressed.length);
    out[0] = Mode.Compressed;
    writeVarint(out, 1, input.length);
    out.set(compressed, header);
    this.context.emit(out.subarray(0, header + compressed.length), channel);
  }

  private emitStored(input: Uint8Array, channel: ChannelClass): void {
    const out = this.scratch.take(1 + input.length);
    out[0] = Mode.Stored;
    out.set(input, 1);
    this.context.emit(out.subarray(0, 1 + input.length), channel);
  }
}

export class DecompressingHalf implements StageHalf {
  private readonly cursor: Cursor = { offset: 0 };

  constructor(
    private readonly stage: string,
    private readonly compressor: Compressor,
    private readonly context: StageContext,
  ) {}

  push(bytes: Uint8Array, channel: ChannelClass): void | Promise<void> {
    const mode = bytes[0];
    if (mode === Mode.Stored) {
      if (bytes.length < 2) throw new PipelineError('malformed', 'empty stored message', this.stage);
      this.context.emit(bytes.subarray(1), channel);
      return;
    }
    if (mode !== Mode.Compressed) throw new PipelineError('malformed', `unknown mode ${mode}`, this.stage);
    this.cursor.offset = 1;
    const rawLength = readVarint(bytes, this.cursor, this.stage);
    if (rawLength === 0 || rawLength > MAX_MESSAGE_BYTES) {
      throw new PipelineError('too-large', `claims ${rawLength} bytes once decompressed`, this.stage);
    }
    const result = this.compressor.decompress(bytes.subarray(this.cursor.offset), rawLength);
    if (!(result instanceof Promise)) {
      this.context.emit(result, channel);
      return;
    }
    return result.then((raw) => this.context.emit(raw, channel));
  }
}

export function decompressFailed(stage: string, why: string, cause?: unknown): PipelineError {
  return new PipelineError('decompress-failed', why, stage, cause === undefined ? undefined : { cause });
}
