/**
 * deflate: raw DEFLATE (RFC 1951) inside the compression framing. Each end picks its own engine — the
 * platform's CompressionStream where it exists, fflate otherwise — since both produce the same format.
 * Inflating is bounded: output beyond the announced length stops the work (a deflate bomb expands
 * ~1000×, so the input is fed in small slices and checked between them).
 */
import { type DeflateOptions, deflateSync, Inflate } from 'fflate';
import { choice, integer, type ParamValues } from '../params.ts';
import { defineStage } from '../stage.ts';
import { CompressingHalf, type Compressor, DecompressingHalf, decompressFailed } from './compression.ts';

const deflateParams = {
  impl: choice(
    ['auto', 'stream', 'fflate'],
    'auto',
    'engine: auto = CompressionStream where present, else fflate',
  ),
  level: integer(6, 1, 9, 'fflate compression level (CompressionStream has none)'),
} as const;

type DeflateParams = ParamValues<typeof deflateParams>;

export const deflate = defineStage({
  name: 'deflate',
  summary: 'DEFLATE compression: better savings than lz4, more CPU; for slow links.',
  scope: 'link',
  rank: 60,
  params: deflateParams,
  createSender: (values, context) => new CompressingHalf(deflateEngine(values), context),
  createReceiver: (values, context) => new DecompressingHalf('deflate', deflateEngine(values), context),
});

function deflateEngine(values: DeflateParams): Compressor {
  const useStream = values.impl === 'stream' || (values.impl === 'auto' && hasDeflateRawStream());
  return useStream ? new StreamDeflate() : new FflateDeflate(values.level);
}

let deflateRawStreamSupport: boolean | undefined;

export function hasDeflateRawStream(): boolean {
  if (deflateRawStreamSupport === undefined) {
    try {
      new CompressionStream('deflate-raw');
      deflateRawStreamSupport = true;
    } catch {
      deflateRawStreamSupport = false; // absent, or too old to know 'deflate-raw'
    }
  }
  return deflateRawStreamSupport;
}

/** Input fed per step while inflating: at most ~1000× this much output is produced before a check. */
const INFLATE_SLICE = 512;

class FflateDeflate implements Compressor {
  constructor(private readonly level: DeflateParams['level']) {}

  compress(input: Uint8Array): Uint8Array {
    return deflateSync(input, { level: this.level as DeflateOptions['level'] });
  }

  decompress(payload: Uint8Array, rawLength: number): Uint8Array {
    const out = new Uint8Array(rawLength);
    let written = 0;
    let overflow = false;
    const inflater = new Inflate((chunk) => {
      if (written + chunk.length > rawLength) overflow = true;
      else out.set(chunk, written);
      written += chunk.length;
    });
    try {
      for (let at = 0; at < payload.length && !overflow; at += INFLATE_SLICE) {
        inflater.push(payload.subarray(at, at + INFLATE_SLICE), at + INFLATE_SLICE >= payload.length);
      }
    } catch (error) {
      throw decompressFailed('deflate', 'corrupt deflate data', error);
    }
    if (overflow || written !== rawLength) {
      throw decompressFailed(
        'deflate',
        `inflated to ${overflow ? 'more than' : ''} ${written} bytes, expected ${rawLength}`,
      );
    }
    return out;
  }
}

class StreamDeflate implements Compressor {
  async compress(input: Uint8Array): Promise<Uint8Array> {
    return pump(new CompressionStream('deflate-raw'), input.slice(), Number.POSITIVE_INFINITY);
  }

  async decompress(payload: Uint8Array, rawLength: number): Promise<Uint8Array> {
    let out: Uint8Array;
    try {
      out = await pump(new DecompressionStream('deflate-raw'), payload.slice(), rawLength);
    } catch (error) {
      throw decompressFailed('deflate', 'corrupt or oversized deflate data', error);
    }
    if (out.length !== rawLength)
      throw decompressFailed('deflate', `inflated to ${out.length} bytes, expected ${rawLength}`);
    return out;
  }
}

/** Runs one message through a (de)compression stream, stopping as soon as the output passes `limit`. */
async function pump(
  stream: CompressionStream | DecompressionStream,
  input: Uint8Array,
  limit: number,
): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  // Not awaited before reading (the stream would stall on backpressure); its failure surfaces on read.
  const writing = writer.write(input as Uint8Array<ArrayBuffer>).then(() => writer.close());
  writing.catch(() => undefined);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel();
      throw new RangeError(`output passes ${limit} bytes`);
    }
    chunks.push(value);
  }
  await writing;
  return concat(chunks, total);
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
