/**
 * lz4: a fast LZ77-family compressor, LZ4 block format without a frame header (the compression framing
 * carries the raw length). Codec in lz4-block.ts; blocks are standard LZ4 (tests decode them with lz4js).
 */
import { Scratch } from '../bytes.ts';
import { defineStage } from '../stage.ts';
import { CompressingHalf, type Compressor, DecompressingHalf, decompressFailed } from './compression.ts';
import { decodeLz4Block, Lz4Encoder, lz4Bound } from './lz4-block.ts';

export const lz4 = defineStage({
  name: 'lz4',
  summary: 'Fast LZ4 compression: little CPU, modest savings; for large or repetitive reports.',
  scope: 'link',
  rank: 60,
  params: {},
  createSender: (_values, context) => new CompressingHalf(new Lz4Compressor(), context),
  createReceiver: (_values, context) => new DecompressingHalf('lz4', new Lz4Compressor(), context),
});

class Lz4Compressor implements Compressor {
  private readonly encoder = new Lz4Encoder();
  private readonly encoded = new Scratch();
  private readonly decoded = new Scratch();

  compress(input: Uint8Array): Uint8Array {
    const out = this.encoded.take(lz4Bound(input.length));
    return out.subarray(0, this.encoder.encode(input, out));
  }

  decompress(payload: Uint8Array, rawLength: number): Uint8Array {
    const out = this.decoded.take(rawLength).subarray(0, rawLength);
    const written = decodeLz4Block(payload, out);
    if (written !== rawLength)
      throw decompressFailed('lz4', `decoded ${written} bytes, expected ${rawLength}`);
    return out;
  }
}
