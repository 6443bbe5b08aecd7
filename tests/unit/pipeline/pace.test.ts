import { describe, expect, it } from 'vitest';
import { encodeDeviceGone, encodeReply, ReplyStatus } from '../../../src/protocol/index.ts';
import { createLink, hexOf, inputFrame } from './helpers.ts';

/** Delivers frames to the receiver at chosen arrival times, as a jittery network would. */
async function arrive(spec: string, arrivals: Array<[number, Uint8Array]>) {
  const link = createLink(spec);
  const start = link.clock.now();
  for (const [at, frame] of arrivals) {
    link.clock.advanceTo(start + at);
    link.sharer.outbound.push(frame);
  }
  await link.settle();
  return { link, times: link.receivedAt.map((time) => time - start) };
}

describe('pace', () => {
  it("restores the sharer's spacing after the delay, absorbing jitter", async () => {
    // Sent every 10 ms; arrivals jitter by up to 8 ms.
    const jitter = [0, 8, 1, 7, 0, 3, 8, 2];
    const arrivals = jitter.map((extra, i): [number, Uint8Array] => [
      i * 10 + extra,
      inputFrame(i * 10, [i]),
    ]);
    const { link, times } = await arrive('pace(10ms)', arrivals);
    expect(times).toEqual(jitter.map((_, i) => 10 + i * 10));
    expect(link.atReceiver.map(hexOf)).toEqual(arrivals.map(([, frame]) => hexOf(frame)));
  });

  it('adds nothing but the configured delay on a steady link', async () => {
    const arrivals = Array.from({ length: 5 }, (_, i): [number, Uint8Array] => [
      i * 4,
      inputFrame(i * 4, [i]),
    ]);
    const { times } = await arrive('pace(20ms)', arrivals);
    expect(times).toEqual([20, 24, 28, 32, 36]);
  });

  it('re-bases when a report is later than the whole budget, without reordering', async () => {
    const arrivals: Array<[number, Uint8Array]> = [
      [0, inputFrame(0, [0])],
      [50, inputFrame(10, [1])], // 40 ms late: the path got slower
      [60, inputFrame(20, [2])],
    ];
    const { times } = await arrive('pace(10ms)', arrivals);
    expect(times).toEqual([10, 60, 70]);
  });

  it('lets control frames through at once, and flushes held reports before DEVICE_GONE', async () => {
    const reply = encodeReply(1, 0, 1, ReplyStatus.Ok);
    const { link, times } = await arrive('pace(30ms)', [
      [0, inputFrame(0, [0])],
      [1, reply],
      [2, inputFrame(2, [1])],
      [3, encodeDeviceGone(1)],
    ]);
    expect(link.atReceiver.map((frame) => frame[0])).toEqual([0x14, 0x10, 0x10, 0x03]);
    expect(times).toEqual([1, 3, 3, 3]);
  });

  it('does not buffer without bound', async () => {
    const link = createLink('pace(1000ms)');
    for (let i = 0; i < 3000; i++) link.sharer.outbound.push(inputFrame(i * 0.01, [i & 0xff]));
    expect(link.atReceiver.length).toBeGreaterThanOrEqual(3000 - 1024);
    await link.settle();
    expect(link.atReceiver).toHaveLength(3000);
  });
});
