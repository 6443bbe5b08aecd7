import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/pipeline/index.ts';
import { ReorderBuffer } from '../../../src/pipeline/stages/reorder.ts';
import { createLink, hexOf, inputFrame, receiverOnly } from './helpers.ts';

const inputs = (count: number) => Array.from({ length: count }, (_, i) => inputFrame(i, [i & 0xff, i >> 8]));

/** A link that holds back unreliable messages and releases them in the order `order` gives. */
function shuffledLink(spec: string, order: (messages: Uint8Array[]) => Uint8Array[]) {
  const held: Uint8Array[] = [];
  const link = createLink(spec, {
    tamper: (message, channel) => {
      if (channel === 'reliable') return [[message, channel]];
      held.push(message);
      return [];
    },
  });
  const release = async () => {
    for (const message of order(held.splice(0))) link.receiver.inbound.push(message, 'unreliable');
    await link.settle();
  };
  return { link, release };
}

describe('seq', () => {
  it('reorders within the window and reports every dropped report once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.boolean()), { minLength: 60, maxLength: 60 }),
        async (plan) => {
          const frames = inputs(60);
          const dropped = new Set(plan.flatMap(([, drop], i) => (drop ? [i] : [])));
          const { link, release } = shuffledLink('seq(window=64,wait=5ms)', (messages) =>
            messages
              .map((message, i) => ({ message, i, key: i + plan[i]![0] }))
              .filter(({ i }) => !dropped.has(i))
              .sort((a, b) => a.key - b.key || a.i - b.i)
              .map(({ message }) => message),
          );
          for (const frame of frames) link.sharer.outbound.push(frame);
          await release();
          const survivors = frames.filter((_, i) => !dropped.has(i)).map(hexOf);
          // Reordering can only cost a report when it overtook a gap that was given up on.
          const delivered = link.atReceiver.map(hexOf);
          expect([...delivered].sort()).toEqual(delivered.slice().sort());
          expect(delivered).toEqual(survivors.filter((frame) => delivered.includes(frame)));
          expect(delivered.length).toBe(survivors.length);
          expect(link.receiver.stats.lost).toBe(
            dropped.has(59) ? dropped.size - countTrailing(dropped, 59) : dropped.size,
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('mode=latest delivers only newer reports, at once', async () => {
    const { link, release } = shuffledLink('seq(mode=latest)', (messages) => [
      messages[0]!,
      messages[3]!,
      messages[1]!,
      messages[4]!,
    ]);
    for (const frame of inputs(5)) link.sharer.outbound.push(frame);
    await release();
    expect(link.atReceiver.map(hexOf)).toEqual([inputs(5)[0]!, inputs(5)[3]!, inputs(5)[4]!].map(hexOf));
    expect(link.losses.map((loss) => loss.lost)).toEqual([2]);
  });

  it('reports losses per device with running totals', async () => {
    const { link, release } = shuffledLink('seq', (messages) => messages.filter((_, i) => i % 3 !== 1));
    const frames = [
      ...inputs(9),
      ...inputs(9).map((frame) => Uint8Array.of(frame[0]!, 2, ...frame.subarray(2))),
    ];
    for (const frame of frames) link.sharer.outbound.push(frame);
    await release();
    const totals = new Map(link.losses.map((loss) => [loss.device, loss.totalLost]));
    expect(totals).toEqual(
      new Map([
        [1, 3],
        [2, 3],
      ]),
    );
  });

  it('handles sequence numbers that wrap past 2³²', () => {
    const clock = new VirtualClock();
    const delivered: number[] = [];
    const buffer = new ReorderBuffer(
      { window: 8, wait: 5, mode: 'reorder' },
      clock,
      {
        deliver: (frame) => delivered.push(frame[0]!),
        lost: () => undefined,
      },
      0xfffffffe,
    );
    const at = (seq: number, tag: number) => buffer.accept(seq >>> 0, Uint8Array.of(tag));
    at(0xfffffffe, 1);
    at(0x00000000, 3);
    at(0xffffffff, 2);
    at(0x00000001, 4);
    at(0xfffffffd, 9); // stale
    expect(delivered).toEqual([1, 2, 3, 4]);
  });

  it('drops duplicates', async () => {
    const { link, release } = shuffledLink('seq', (messages) => [...messages, ...messages]);
    for (const frame of inputs(4)) link.sharer.outbound.push(frame);
    await release();
    expect(link.atReceiver).toHaveLength(4);
  });

  it.each([
    ['too short', [0, 0, 0, 0, 0x10]],
    ['not an input report', [0, 0, 0, 0, 0x11, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]],
  ])('rejects an unreliable message that is %s', (_name, bytes) => {
    const { pipeline, frames, errors } = receiverOnly('seq');
    pipeline.inbound.push(Uint8Array.from(bytes), 'unreliable');
    expect(frames).toEqual([]);
    expect(errors.map((error) => [error.code, error.stage])).toEqual([['malformed', 'seq']]);
  });

  it('refuses unreliable messages when seq is not in the pipeline', () => {
    const { pipeline, errors } = receiverOnly('bundle');
    pipeline.inbound.push(Uint8Array.of(0xb1, 2, 3, 1), 'unreliable');
    expect(errors.map((error) => error.code)).toEqual(['unexpected-channel']);
  });
});

/** Drops at the very end are never noticed: no later report reveals the gap. */
function countTrailing(dropped: Set<number>, last: number): number {
  let count = 0;
  for (let i = last; dropped.has(i); i--) count++;
  return count;
}
