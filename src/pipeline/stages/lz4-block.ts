/**
 * LZ4 block format (https://github.com/lz4/lz4/blob/dev/doc/lz4_Block_format.md), sized for messages
 * of tens to thousands of bytes.
 *
 * Why not lz4js's compressBlock: its 64 Ki-entry hash table is never invalidated between calls, and an
 * entry left by the previous message at the same position yields a match at offset 0 — a corrupt block.
 * Clearing 256 KiB per message costs ~10 µs, ten times the compression itself. Here each table entry is
 * stamped with a running base, so entries from earlier messages are simply out of range: nothing to clear.
 * The decoder checks every length and offset against both buffers instead of trusting them.
 */
import { decompressFailed } from './compression.ts';

const MIN_MATCH = 4;
/** The block format ends with at least 5 literals, and no match starts in the last 12 bytes. */
const LAST_LITERALS = 5;
const MATCH_FIND_LIMIT = 12;
const MAX_OFFSET = 65_535;
const HASH_BITS = 12;

const read32 = (bytes: Uint8Array, at: number) =>
  bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
const hash = (sequence: number) => Math.imul(sequence, 2_654_435_761) >>> (32 - HASH_BITS);

/** Worst-case compressed size of `length` bytes. */
export function lz4Bound(length: number): number {
  return length + Math.ceil(length / 255) + 16;
}

export class Lz4Encoder {
  private readonly table = new Int32Array(1 << HASH_BITS);
  /** Positions are stored as base + position: anything below the current base is from an older message. */
  private base = 1;

  /** Compresses `src` into `dst` (at least lz4Bound bytes); returns the block length. */
  encode(src: Uint8Array, dst: Uint8Array): number {
    if (this.base + src.length > 0x3fff_ffff) {
      this.table.fill(0);
      this.base = 1;
    }
    const base = this.base;
    this.base += src.length + 1;
    let anchor = 0;
    let out = 0;
    let position = 0;
    while (position < src.length - MATCH_FIND_LIMIT) {
      const sequence = read32(src, position);
      const slot = hash(sequence);
      const candidate = this.table[slot]! - base;
      this.table[slot] = base + position;
      if (candidate < 0 || position - candidate > MAX_OFFSET || read32(src, candidate) !== sequence) {
        position++;
        continue;
      }
      let length = MIN_MATCH;
      while (
        position + length < src.length - LAST_LITERALS &&
        src[position + length] === src[candidate + length]
      )
        length++;
      out = writeSequence(dst, out, src, anchor, position - anchor, position - candidate, length);
      position += length;
      anchor = position;
    }
    return writeLastLiterals(dst, out, src, anchor);
  }
}

function writeSequence(
  dst: Uint8Array,
  start: number,
  src: Uint8Array,
  anchor: number,
  literals: number,
  offset: number,
  length: number,
): number {
  const matchCode = length - MIN_MATCH;
  let out = start;
  dst[out++] = (Math.min(literals, 15) << 4) | Math.min(matchCode, 15);
  if (literals >= 15) out = writeLengthTail(dst, out, literals - 15);
  dst.set(src.subarray(anchor, anchor + literals), out);
  out += literals;
  dst[out++] = offset;
  dst[out++] = offset >>> 8;
  if (matchCode >= 15) out = writeLengthTail(dst, out, matchCode - 15);
  return out;
}

function writeLastLiterals(dst: Uint8Array, start: number, src: Uint8Array, anchor: number): number {
  const literals = src.length - anchor;
  let out = start;
  dst[out++] = Math.min(literals, 15) << 4;
  if (literals >= 15) out = writeLengthTail(dst, out, literals - 15);
  dst.set(src.subarray(anchor), out);
  return out + literals;
}

function writeLengthTail(dst: Uint8Array, start: number, rest: number): number {
  let out = start;
  let remaining = rest;
  for (; remaining >= 255; remaining -= 255) dst[out++] = 255;
  dst[out++] = remaining;
  return out;
}

/** Decodes `src` into `dst`; returns the number of bytes written. */
export function decodeLz4Block(src: Uint8Array, dst: Uint8Array): number {
  let s = 0;
  let d = 0;
  while (s < src.length) {
    const token = src[s++]!;
    let literals = token >>> 4;
    if (literals === 15) [literals, s] = extendLength(src, s, literals);
    if (s + literals > src.length || d + literals > dst.length) throw fail('literal run overruns a buffer');
    for (let end = s + literals; s < end; ) dst[d++] = src[s++]!;
    if (s === src.length) return d; // the last sequence carries literals only
    if (s + 2 > src.length) throw fail('truncated match offset');
    const offset = src[s]! | (src[s + 1]! << 8);
    s += 2;
    if (offset === 0 || offset > d) throw fail(`match offset ${offset} points before the start`);
    let length = token & 15;
    if (length === 15) [length, s] = extendLength(src, s, length);
    length += MIN_MATCH;
    if (d + length > dst.length) throw fail('match overruns the output');
    // Byte by byte on purpose: a match may overlap the bytes it is producing (run-length encoding).
    for (let from = d - offset, end = d + length; d < end; ) dst[d++] = dst[from++]!;
  }
  throw fail('empty block');
}

function extendLength(src: Uint8Array, start: number, base: number): [number, number] {
  let length = base;
  let s = start;
  for (;;) {
    const byte = src[s++];
    if (byte === undefined) throw fail('truncated length');
    length += byte;
    if (byte !== 255) return [length, s];
  }
}

const fail = (why: string) => decompressFailed('lz4', why);
