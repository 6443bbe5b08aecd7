/**
 * Byte helpers for the hot path: Ferry frame header fields read in place (no decodeFrame, no objects)
 * and LEB128 varints. Everything is little-endian, like the frames themselves (src/protocol/layout.ts).
 */
import {
  FrameType,
  INPUT_HEADER,
  MAX_CONTROL_FRAME_BYTES,
  MAX_USB_FRAME_BYTES,
  USB_FRAME_RANGE,
  UsbFrameType,
} from '../protocol/index.ts';
import { PipelineError } from './errors.ts';

export { FrameType, INPUT_HEADER, UsbFrameType };

export function isInputFrame(frame: Uint8Array): boolean {
  return frame[0] === FrameType.InputReport && frame.length >= INPUT_HEADER;
}

/**
 * Requests and replies — HID output/feature requests and their REPLY, every USB frame, errors, pings:
 * someone is waiting for each, so no stage may hold one back for a window.
 */
export function isExchangeFrame(frame: Uint8Array): boolean {
  const type = frame[0] ?? 0;
  return (
    (type >= FrameType.OutputReport && type <= FrameType.Reply) ||
    (type >= USB_FRAME_RANGE.first && type <= USB_FRAME_RANGE.last) ||
    (type >= FrameType.Error && type <= FrameType.Pong)
  );
}

export function frameDevice(frame: Uint8Array): number {
  return frame[1] ?? 0;
}

/** device << 8 | reportId: one number keys per-report state without allocating strings. */
export function reportKey(frame: Uint8Array): number {
  return ((frame[1] ?? 0) << 8) | (frame[2] ?? 0);
}

// A Float64Array's bytes are in host order; a one-time probe makes the reads below correct on any host.
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
const hostIsLittleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The f64 LE timestamp of an input frame, read without a DataView allocation. */
export function inputTimestamp(frame: Uint8Array): number {
  for (let i = 0; i < 8; i++) f64Bytes[hostIsLittleEndian ? i : 7 - i] = frame[4 + i] ?? 0;
  return f64[0]!;
}

export function writeU32(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value;
  out[offset + 1] = value >>> 8;
  out[offset + 2] = value >>> 16;
  out[offset + 3] = value >>> 24;
}

export function readU32(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>>
    0
  );
}

/** Where a reader is inside a message; reused across calls so parsing allocates nothing. */
export interface Cursor {
  offset: number;
}

/** Varints longer than this are refused: 3 bytes cover 2 MiB, more than any message may hold. */
export const MAX_VARINT_BYTES = 3;

export function varintLength(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : 3;
}

/** Writes an unsigned LEB128 varint (7 bits a byte, least significant group first); returns the new offset. */
export function writeVarint(out: Uint8Array, offset: number, value: number): number {
  let rest = value;
  let at = offset;
  while (rest >= 0x80) {
    out[at++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  out[at++] = rest;
  return at;
}

/** Reads a varint of at most MAX_VARINT_BYTES at `cursor`, advancing it; throws on truncation. */
export function readVarint(bytes: Uint8Array, cursor: Cursor, stage: string): number {
  let value = 0;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const byte = bytes[cursor.offset + i];
    if (byte === undefined) throw new PipelineError('malformed', 'truncated length field', stage);
    value |= (byte & 0x7f) << (7 * i);
    if (byte < 0x80) {
      cursor.offset += i + 1;
      return value;
    }
  }
  throw new PipelineError('malformed', `length field longer than ${MAX_VARINT_BYTES} bytes`, stage);
}

/** A growable scratch buffer: reused between messages so the steady state allocates nothing. */
export class Scratch {
  private buffer: Uint8Array;

  constructor(initialBytes = 256) {
    this.buffer = new Uint8Array(initialBytes);
  }

  /** A buffer of at least `bytes` bytes; its contents are undefined. */
  take(bytes: number): Uint8Array {
    if (this.buffer.length < bytes) this.buffer = new Uint8Array(Math.max(bytes, this.buffer.length * 2));
    return this.buffer;
  }
}

/** The largest frame the pipeline carries: a control frame with big collections, or a USB frame. */
export const MAX_FRAME_BYTES = Math.max(MAX_CONTROL_FRAME_BYTES, MAX_USB_FRAME_BYTES);
/** The largest message accepted from the link: one frame plus every stage's framing. */
export const MAX_MESSAGE_BYTES = MAX_FRAME_BYTES + 64;
