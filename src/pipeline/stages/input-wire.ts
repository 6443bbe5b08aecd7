/**
 * The `input` stage's two messages, little-endian, declared once here (docs/pipeline.md):
 *
 *   EDGE    tag u8 = 0xE1 | edgeSeq u32 | reportSeq u32 | R u8 | totals i32 × R | input report frame
 *   MOTION  tag u8 = 0xE2 | edgeSeq u32 | reportSeq u32 | R u8 | totals i32 × R
 *           | frameLength varint | input report frame | k u8 | ( length varint | input report frame ){k}
 *
 * EDGE travels on the reliable channel, MOTION on the unreliable one. `edgeSeq` counts the stream's
 * edges up to and including this report, `reportSeq` its reports; both are u32 and wrap (serial
 * arithmetic). `totals` are the running sums (i32, wrapping) of the report's R relative values up to and
 * including this report. MOTION repeats the stream's last k edges (edgeSeq − k + 1 … edgeSeq) so one
 * lost message does not cost an edge. Every embedded frame is an input report of one device and report
 * ID. The decoder checks all of it and throws PipelineError('malformed') on anything else.
 */
import {
  type Cursor,
  INPUT_HEADER,
  isInputFrame,
  readU32,
  readVarint,
  varintLength,
  writeU32,
  writeVarint,
} from '../bytes.ts';
import { PipelineError } from '../errors.ts';

export const EDGE_TAG = 0xe1;
export const MOTION_TAG = 0xe2;
/** tag, edgeSeq, reportSeq, R. */
const FIXED_HEADER = 10;
/** More relative values than any report has (HID usages per report are far fewer). */
export const MAX_RELATIVE_VALUES = 64;
export const MAX_REPEATED_EDGES = 16;

export interface InputMessageHead {
  edgeSeq: number;
  reportSeq: number;
  totals: Int32Array;
}

/** Bytes EDGE needs for a frame of `frameLength` with `relative` values. */
export const edgeLength = (relative: number, frameLength: number) =>
  FIXED_HEADER + 4 * relative + frameLength;

export function motionLength(relative: number, frameLength: number, repeated: readonly Uint8Array[]): number {
  let length = FIXED_HEADER + 4 * relative + varintLength(frameLength) + frameLength + 1;
  for (const edge of repeated) length += varintLength(edge.length) + edge.length;
  return length;
}

function writeHead(out: Uint8Array, tag: number, head: InputMessageHead): number {
  out[0] = tag;
  writeU32(out, 1, head.edgeSeq);
  writeU32(out, 5, head.reportSeq);
  out[9] = head.totals.length;
  let at = FIXED_HEADER;
  for (const total of head.totals) {
    writeU32(out, at, total >>> 0);
    at += 4;
  }
  return at;
}

/** Writes EDGE into `out` (at least edgeLength bytes); returns its length. */
export function writeEdge(out: Uint8Array, head: InputMessageHead, frame: Uint8Array): number {
  const at = writeHead(out, EDGE_TAG, head);
  out.set(frame, at);
  return at + frame.length;
}

/** Writes MOTION into `out` (at least motionLength bytes); `repeated` are the last edges, oldest first. */
export function writeMotion(
  out: Uint8Array,
  head: InputMessageHead,
  frame: Uint8Array,
  repeated: readonly Uint8Array[],
): number {
  let at = writeVarint(out, writeHead(out, MOTION_TAG, head), frame.length);
  out.set(frame, at);
  at += frame.length;
  out[at++] = repeated.length;
  for (const edge of repeated) {
    at = writeVarint(out, at, edge.length);
    out.set(edge, at);
    at += edge.length;
  }
  return at;
}

/** A decoded message: views into the message's bytes (borrowed, like the message). */
export interface InputMessage {
  kind: 'edge' | 'motion';
  edgeSeq: number;
  reportSeq: number;
  totals: Int32Array;
  frame: Uint8Array;
  /** MOTION: the repeated edges, oldest first (edge i has edgeSeq − repeated.length + 1 + i). */
  repeated: Uint8Array[];
}

const fail = (why: string): never => {
  throw new PipelineError('malformed', why, 'input');
};

export function isInputStageMessage(bytes: Uint8Array): boolean {
  return bytes[0] === EDGE_TAG || bytes[0] === MOTION_TAG;
}

export function decodeInputMessage(bytes: Uint8Array): InputMessage {
  const kind =
    bytes[0] === EDGE_TAG
      ? 'edge'
      : bytes[0] === MOTION_TAG
        ? 'motion'
        : fail('not an input message (bad tag)');
  if (bytes.length < FIXED_HEADER) fail(`message of ${bytes.length} bytes is shorter than its header`);
  const relative = bytes[9]!;
  if (relative > MAX_RELATIVE_VALUES) fail(`${relative} relative values (at most ${MAX_RELATIVE_VALUES})`);
  const cursor: Cursor = { offset: FIXED_HEADER + 4 * relative };
  if (cursor.offset > bytes.length) fail('truncated totals');
  const totals = new Int32Array(relative);
  for (let i = 0; i < relative; i++) totals[i] = readU32(bytes, FIXED_HEADER + 4 * i) | 0;
  const head = { edgeSeq: readU32(bytes, 1), reportSeq: readU32(bytes, 5), totals };
  if (kind === 'edge') {
    const frame = checkedFrame(bytes.subarray(cursor.offset), undefined);
    return { kind, ...head, frame, repeated: [] };
  }
  const frame = checkedFrame(lengthPrefixed(bytes, cursor), undefined);
  const count = bytes[cursor.offset++];
  if (count === undefined) fail('truncated repeat count');
  if (count! > MAX_REPEATED_EDGES) fail(`${count} repeated edges (at most ${MAX_REPEATED_EDGES})`);
  const repeated: Uint8Array[] = [];
  for (let i = 0; i < count!; i++) repeated.push(checkedFrame(lengthPrefixed(bytes, cursor), frame));
  if (cursor.offset !== bytes.length) fail(`${bytes.length - cursor.offset} bytes after the last edge`);
  return { kind, ...head, frame, repeated };
}

function lengthPrefixed(bytes: Uint8Array, cursor: Cursor): Uint8Array {
  const length = readVarint(bytes, cursor, 'input');
  const start = cursor.offset;
  if (start + length > bytes.length) fail(`a frame of ${length} bytes overruns the message`);
  cursor.offset = start + length;
  return bytes.subarray(start, start + length);
}

/** An input report frame; repeated edges must be of the same device and report ID as the message. */
function checkedFrame(frame: Uint8Array, of: Uint8Array | undefined): Uint8Array {
  if (frame.length < INPUT_HEADER || !isInputFrame(frame)) fail('the embedded frame is not an input report');
  if (of && (frame[1] !== of[1] || frame[2] !== of[2])) fail('a repeated edge of another device or report');
  return frame;
}
