import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { compressBlock, decompressBlock } from 'lz4js';
import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../../src/pipeline/index.ts';
import { decodeLz4Block, Lz4Encoder, lz4Bound } from '../../../src/pipeline/stages/lz4-block.ts';
import { corpusRecordings, createLink, hexOf, receiverOnly, replay } from './helpers.ts';

/** Byte strings with repeats, so the encoder finds matches (long, overlapping, at every offset). */
const compressible = fc
  .array(
    fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 40 }),
      fc
        .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 600 }))
        .map(([byte, n]) => new Uint8Array(n).fill(byte)),
    ),
    { maxLength: 20 },
  )
  .map((parts) => {
    const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length * 2, 0));
    let at = 0;
    for (const part of parts) for (let copy = 0; copy < 2; copy++, at += part.length) out.set(part, at);
    return out;
  });

describe('lz4 block codec', () => {
  const encoder = new Lz4Encoder();

  it('round-trips, and writes blocks the reference decoder (lz4js) reads', () => {
    fc.assert(
      fc.property(compressible, (input) => {
        const block = new Uint8Array(lz4Bound(input.length));
        const length = encoder.encode(input, block);
        const ours = new Uint8Array(input.length);
        expect(decodeLz4Block(block.subarray(0, length), ours)).toBe(input.length);
        expect(hexOf(ours)).toBe(hexOf(input));
        const reference = new Uint8Array(input.length);
        expect(decompressBlock(block, reference, 0, length, 0)).toBe(input.length);
        expect(hexOf(reference)).toBe(hexOf(input));
      }),
    );
  });

  it('reads blocks written by the reference encoder', () => {
    fc.assert(
      fc.property(compressible, (input) => {
        const block = new Uint8Array(lz4Bound(input.length) + 64);
        const length = compressBlock(input, block, 0, input.length, new Uint32Array(1 << 16));
        fc.pre(length > 0);
        const out = new Uint8Array(input.length);
        expect(decodeLz4Block(block.subarray(0, length), out)).toBe(input.length);
        expect(hexOf(out)).toBe(hexOf(input));
      }),
    );
  });

  it('fails hostile blocks with a typed error, never writing past the output', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 64 }),
        fc.integer({ min: 0, max: 200 }),
        (block, size) => {
          try {
            expect(decodeLz4Block(block, new Uint8Array(size))).toBeLessThanOrEqual(size);
          } catch (error) {
            expect(error).toBeInstanceOf(PipelineError);
            expect((error as PipelineError).code).toBe('decompress-failed');
          }
        },
      ),
    );
  });
});

describe.each(['lz4', 'deflate(impl=fflate)', 'deflate(impl=stream)'])('%s stage', (spec) => {
  it('round-trips corpus recordings', async () => {
    for (const recording of corpusRecordings().slice(0, 6)) {
      const link = createLink(`bundle(8ms),${spec}`);
      await replay(link, recording.frames.slice(0, 300));
      expect(link.errors).toEqual([]);
      expect(link.atReceiver.map(hexOf)).toEqual(recording.frames.slice(0, 300).map(hexOf));
    }
  });

  it('sends a message that does not shrink stored (mode 0), byte for byte', async () => {
    const link = createLink(spec);
    const random = Uint8Array.from({ length: 64 }, (_, i) => (i * 151 + 17) % 251);
    const frame = Uint8Array.of(0x03, 1); // DEVICE_GONE: tiny
    link.sharer.outbound.push(frame);
    link.sharer.outbound.push(Uint8Array.of(0x11, 1, 0, 0, 1, 0, 0, 0, ...random));
    await link.settle();
    expect(hexOf(link.wire[0]!.message)).toBe('000301');
    expect(link.wire[1]!.message[0]).toBe(0);
  });

  it.each([
    ['an unknown mode', [7, 1, 2, 3]],
    ['an empty stored message', [0]],
    ['a zero raw length', [1, 0, 1, 2]],
    ['a raw length past the cap', [1, 0xff, 0xff, 0x7f, 1, 2, 3]],
    ['a truncated raw length', [1, 0x80]],
    ['a payload that does not match its length', [1, 40, 0x10, 0x01]],
  ])('rejects %s', async (_name, bytes) => {
    const { pipeline, frames, errors } = receiverOnly(spec);
    pipeline.inbound.push(Uint8Array.from(bytes), 'reliable');
    await pipeline.idle();
    expect(frames).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(['malformed', 'too-large', 'decompress-failed']).toContain(errors[0]!.code);
  });
});

describe('deflate', () => {
  it('interoperates across engines (both speak raw DEFLATE)', async () => {
    const frames = corpusRecordings()[2]!.frames.slice(0, 100);
    const link = createLink('bundle(8ms),deflate(impl=stream)', {
      receiverSpec: 'bundle(8ms),deflate(impl=fflate)',
    });
    await replay(link, frames);
    expect(link.atReceiver.map(hexOf)).toEqual(frames.map(hexOf));
  });

  // 10 MB of zeros deflate to ~10 KB: a message claiming 1000 bytes must be refused long before 10 MB.
  const bomb = deflateSync(new Uint8Array(10_000_000));

  it.each(['fflate', 'stream'])('stops a deflate bomb early (%s)', async (impl) => {
    const message = new Uint8Array(4 + Math.min(bomb.length, 40_000));
    message.set([1, 0xe8, 0x07]); // claims 1000 bytes
    message.set(bomb.subarray(0, message.length - 3), 3);
    const { pipeline, frames, errors } = receiverOnly(`deflate(impl=${impl})`);
    const started = performance.now();
    pipeline.inbound.push(message, 'reliable');
    await pipeline.idle();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(frames).toEqual([]);
    expect(errors.map((error) => error.code)).toEqual(['decompress-failed']);
  });
});
