import { describe, expect, it } from 'vitest';
import { ValueRole } from '../../../src/pipeline/index.ts';
import { corpusCodec, corpusRecordings, createLink, hexOf, inputFrame, replay, valuesOf } from './helpers.ts';

describe('discard', () => {
  it.each(['discard', 'discard(keepalive=200ms,deadband=3)'])(
    '%s only drops reports that say nothing new, and the receiver ends on the true state',
    async (spec) => {
      const deadband = spec.includes('deadband') ? 3 : 0;
      let dropped = 0;
      for (const recording of corpusRecordings()) {
        const link = createLink(spec, { codecFor: () => recording.codec });
        await replay(link, recording.frames);
        const sent = link.atReceiver.map(hexOf);
        // Output is the input with some reports left out (and the newest dropped one re-sent at the end).
        let cursor = 0;
        const lastSent = new Map<number, Uint8Array>();
        for (const frame of recording.frames) {
          const id = frame[2]!;
          if (sent[cursor] === hexOf(frame)) {
            cursor++;
            lastSent.set(id, frame);
            continue;
          }
          dropped++;
          const reference = lastSent.get(id)!;
          expect(reference, recording.name).toBeDefined();
          const now = valuesOf(recording.codec, frame)!;
          const before = valuesOf(recording.codec, reference)!;
          recording.codec.input(id)!.roles.forEach((role, i) => {
            if (role === ValueRole.Relative) expect(now[i]).toBe(0);
            else if (role === ValueRole.Axis)
              expect(Math.abs(now[i]! - before[i]!)).toBeLessThanOrEqual(deadband);
            else expect(now[i]).toBe(before[i]);
          });
        }
        const lastIn = new Map(recording.frames.map((frame) => [frame[2]!, hexOf(frame.subarray(12))]));
        const lastOut = new Map(link.atReceiver.map((frame) => [frame[2]!, hexOf(frame.subarray(12))]));
        expect(lastOut, recording.name).toEqual(lastIn);
      }
      expect(dropped).toBeGreaterThan(0);
    },
  );

  const codec = corpusCodec('logitech-m105-mouse-usb');
  const mouse = (t: number, buttons: number, dx: number) => inputFrame(t, [buttons, dx & 0xff, 0, 0]);

  it('never drops relative motion, even when reports repeat byte for byte', async () => {
    const frames = Array.from({ length: 20 }, (_, i) => mouse(i, 0, 3));
    const link = createLink('discard', { codecFor: () => codec });
    await replay(link, frames);
    expect(link.atReceiver).toHaveLength(20);
  });

  it('sends an unchanged report every keep-alive interval', async () => {
    const frames = Array.from({ length: 200 }, (_, i) => mouse(i * 10, 1, 0)); // 2 s of a held button
    const link = createLink('discard(keepalive=500ms)', { codecFor: () => codec });
    await replay(link, frames);
    expect(link.atReceiver).toHaveLength(5); // t=0, 500, 1000, 1500, and the trailing one at 2000
  });

  it('with keepalive=0ms sends each distinct state once', async () => {
    const frames = [mouse(0, 1, 0), mouse(5, 1, 0), mouse(9, 0, 0), mouse(12, 0, 0)];
    const link = createLink('discard(keepalive=0ms)', { codecFor: () => codec });
    await replay(link, frames);
    expect(link.atReceiver.map(hexOf)).toEqual([frames[0]!, frames[2]!].map(hexOf));
  });

  it('passes everything when the device has no codec', async () => {
    const frames = Array.from({ length: 5 }, (_, i) => mouse(i, 0, 0));
    const link = createLink('discard');
    await replay(link, frames);
    expect(link.atReceiver).toHaveLength(5);
  });
});
