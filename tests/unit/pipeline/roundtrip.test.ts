import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeAnnounce,
  encodeDeviceGone,
  encodeFeatureGet,
  encodeOutputReport,
  encodeReply,
  ReplyStatus,
} from '../../../src/protocol/index.ts';
import { corpusRecordings, createLink, exactSpecArbitrary, hexOf, replay } from './helpers.ts';

const announce = encodeAnnounce(1, {
  kind: 'hid',
  vendorId: 0x046d,
  productId: 0xc077,
  productName: 'Test mouse',
  collections: [],
});

const receiverRequests = [
  encodeOutputReport(1, 0, 1, Uint8Array.of(1, 2, 3)),
  encodeFeatureGet(1, 5, 2),
  encodeOutputReport(1, 2, 3, new Uint8Array(300).fill(9)),
];

describe('pipeline round trip (link stages and pace)', () => {
  it('delivers every corpus recording unchanged, in order, through random compositions', async () => {
    const recordings = corpusRecordings();
    expect(recordings.length).toBeGreaterThanOrEqual(20);
    await fc.assert(
      fc.asyncProperty(
        exactSpecArbitrary,
        fc.integer({ min: 0, max: recordings.length - 1 }),
        async (spec, pick) => {
          const recording = recordings[pick]!;
          const link = createLink(spec);
          const frames = [
            announce,
            ...recording.frames.slice(0, 400),
            encodeReply(1, 0, 9, ReplyStatus.Ok),
            encodeDeviceGone(1),
          ];
          await replay(link, frames);
          expect(link.errors).toEqual([]);
          if (spec.includes('pace') || spec.includes('seq')) {
            // pace holds input reports but lets control frames pass; seq puts them on another channel.
            // Each kind keeps its own order; their interleaving is not preserved.
            for (const isInput of [true, false]) {
              const kind = (list: Uint8Array[]) =>
                list.filter((frame) => (frame[0] === 0x10) === isInput).map(hexOf);
              expect(kind(link.atReceiver)).toEqual(kind(frames));
            }
          } else {
            expect(link.atReceiver.map(hexOf)).toEqual(frames.map(hexOf));
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('carries the receiver→sharer direction too (outputs and feature requests)', async () => {
    await fc.assert(
      fc.asyncProperty(exactSpecArbitrary, async (spec) => {
        const link = createLink(spec);
        for (const frame of receiverRequests) link.receiver.outbound.push(frame);
        await link.settle();
        expect(link.errors).toEqual([]);
        expect(link.atSharer.map(hexOf)).toEqual(receiverRequests.map(hexOf));
      }),
      { numRuns: 25 },
    );
  });

  it('sends only input reports unreliably, and only with seq', async () => {
    const frames = [announce, ...corpusRecordings()[0]!.frames.slice(0, 50), encodeDeviceGone(1)];
    const withSeq = createLink('seq,bundle');
    await replay(withSeq, frames);
    expect(new Set(withSeq.wire.map((entry) => entry.channel))).toEqual(new Set(['reliable', 'unreliable']));
    const withoutSeq = createLink('bundle,lz4,encrypt');
    await replay(withoutSeq, frames);
    expect(withoutSeq.wire.every((entry) => entry.channel === 'reliable')).toBe(true);
  });

  it('passes frames through untouched with the empty pipeline', async () => {
    const link = createLink('');
    const frames = corpusRecordings()[1]!.frames.slice(0, 20);
    await replay(link, frames);
    expect(link.wire.map((entry) => hexOf(entry.message))).toEqual(frames.map(hexOf));
    expect(link.atReceiver.map(hexOf)).toEqual(frames.map(hexOf));
  });
});
