import { describe, expect, it } from 'vitest';
import { encodeOutputReport, encodeReply, encodeUsbRequest } from '../../../src/protocol/index.ts';
import { corpusRecordings, createLink, hexOf, inputFrame, receiverOnly, replay } from './helpers.ts';

const BUNDLE_TAG = 0xb1;

describe('bundle', () => {
  it('sends an isolated frame at once, then holds a burst for at most the window', async () => {
    const link = createLink('bundle(2ms)');
    link.sharer.outbound.push(inputFrame(0, [1]));
    expect(link.wire).toHaveLength(1); // leading edge: no wait
    for (let i = 0; i < 5; i++) link.sharer.outbound.push(inputFrame(i, [i]));
    expect(link.wire).toHaveLength(1);
    link.clock.advance(1.9);
    expect(link.wire).toHaveLength(1);
    link.clock.advance(0.1);
    expect(link.wire).toHaveLength(2);
    expect(link.wire[1]!.message[0]).toBe(BUNDLE_TAG);
    await link.settle();
    expect(link.atReceiver).toHaveLength(6);
  });

  it('where timers are throttled (a hidden tab), does not hold a burst for the window: it leaves with the turn', async () => {
    const link = createLink('bundle(2ms)', { throttled: () => true });
    link.sharer.outbound.push(inputFrame(0, [1]));
    expect(link.wire).toHaveLength(1);
    for (let i = 0; i < 5; i++) link.sharer.outbound.push(inputFrame(i, [i]));
    expect(link.wire).toHaveLength(1);
    link.clock.advance(0); // the end of this turn: a throttled 2 ms timer could have taken a second
    expect(link.wire).toHaveLength(2);
    await link.settle();
    expect(link.atReceiver).toHaveLength(6);
  });

  it('restores every corpus frame with its timestamp, in order, with fewer messages', async () => {
    for (const recording of corpusRecordings().slice(0, 8)) {
      const link = createLink('bundle(4ms)');
      await replay(link, recording.frames);
      expect(link.atReceiver.map(hexOf)).toEqual(recording.frames.map(hexOf));
      expect(link.wire.length).toBeLessThanOrEqual(recording.frames.length);
    }
  });

  it('never holds a request or a reply for the window: it leaves with the current turn', async () => {
    const link = createLink('bundle(5ms)');
    link.sharer.outbound.push(inputFrame(0, [1])); // opens the window
    link.sharer.outbound.push(inputFrame(1, [2])); // held by it
    const request = encodeOutputReport(1, 0, 7, Uint8Array.of(1, 2, 3));
    const reply = encodeReply(1, 0, 8, 0, Uint8Array.of(4));
    link.sharer.outbound.push(request);
    link.sharer.outbound.push(reply);
    expect(link.wire).toHaveLength(1);
    link.clock.advance(0); // the end of this turn, long before the window's end
    expect(link.wire).toHaveLength(2);
    await link.settle();
    // The held input report left with them, in order: one message, nothing reordered.
    expect(link.atReceiver.map(hexOf)).toEqual(
      [inputFrame(0, [1]), inputFrame(1, [2]), request, reply].map(hexOf),
    );
  });

  it('lets the frames of one turn share a message, even a USB transfer larger than 16 KiB', () => {
    const link = createLink('bundle(1ms)');
    const data = new Uint8Array(16 * 1024).fill(5);
    const out = encodeUsbRequest(1, {
      kind: 'transfer',
      requestId: 1,
      endpoint: 1,
      length: data.length,
      data,
    });
    const inRequest = encodeUsbRequest(1, {
      kind: 'transfer',
      requestId: 2,
      endpoint: 0x81,
      length: data.length,
      data: new Uint8Array(0),
    });
    link.sharer.outbound.push(out);
    link.sharer.outbound.push(inRequest);
    link.clock.advance(0);
    expect(link.wire).toHaveLength(1);
    expect(link.atReceiver.map(hexOf)).toEqual([out, inRequest].map(hexOf));
  });

  it('splits at the size limit and sends an oversized frame alone', async () => {
    const link = createLink('bundle(10ms,256)');
    const small = Array.from({ length: 40 }, (_, i) => inputFrame(i, new Array(20).fill(i)));
    const big = inputFrame(99, new Array(1000).fill(7));
    link.sharer.outbound.push(inputFrame(0, [0]));
    for (const frame of [...small, big]) link.sharer.outbound.push(frame);
    await link.settle();
    expect(
      link.wire.slice(1).every((entry) => entry.message.length <= 256 || entry.message.length > 1000),
    ).toBe(true);
    expect(link.atReceiver.map(hexOf)).toEqual([inputFrame(0, [0]), ...small, big].map(hexOf));
  });

  it('sends a burst of unreliable reports after a quiet window as one message, not the first alone', async () => {
    const link = createLink('seq,bundle(1ms)');
    for (let burst = 0; burst < 3; burst++) {
      // Reports that came due together (a stalled page catching up) arrive in one turn.
      for (let i = 0; i < 6; i++) link.sharer.outbound.push(inputFrame(burst * 6 + i, [i]));
      link.clock.advance(5); // quiet again: the next burst opens a new window
    }
    await link.settle();
    expect(link.wire.filter((entry) => entry.channel === 'unreliable')).toHaveLength(3);
    expect(link.atReceiver).toHaveLength(18);
  });

  it('keeps unreliable bundles within one packet', async () => {
    const link = createLink('seq,bundle(50ms,16384)');
    const frames = Array.from({ length: 200 }, (_, i) => inputFrame(i, new Array(30).fill(i & 0xff)));
    for (const frame of frames) link.sharer.outbound.push(frame);
    await link.settle();
    const unreliable = link.wire.filter((entry) => entry.channel === 'unreliable');
    expect(unreliable.length).toBeGreaterThan(5);
    expect(Math.max(...unreliable.map((entry) => entry.message.length))).toBeLessThanOrEqual(1024);
    expect(link.atReceiver).toHaveLength(200);
  });

  it.each([
    ['a bare frame', [0x10, 1, 0, 0]],
    ['an empty bundle', [BUNDLE_TAG]],
    ['a zero-length item', [BUNDLE_TAG, 0, 0x10]],
    ['an item overrunning the message', [BUNDLE_TAG, 20, 0x03, 1]],
    ['a truncated length', [BUNDLE_TAG, 0x80]],
    ['an over-long length', [BUNDLE_TAG, 0x80, 0x80, 0x80, 0x01, 1]],
    ['a good item then garbage', [BUNDLE_TAG, 2, 0x03, 1, 9, 1]],
  ])('rejects %s without delivering anything', (_name, bytes) => {
    const { pipeline, frames, errors } = receiverOnly('bundle');
    pipeline.inbound.push(Uint8Array.from(bytes), 'reliable');
    expect(frames).toEqual([]);
    expect(errors.map((error) => [error.name, error.code, error.stage])).toEqual([
      ['PipelineError', 'malformed', 'bundle'],
    ]);
  });
});
