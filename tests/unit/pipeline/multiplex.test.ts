import { describe, expect, it } from 'vitest';
import { encodeDeviceGone } from '../../../src/protocol/index.ts';
import { corpusCodec, createLink, hexOf, inputFrame, replay } from './helpers.ts';

const codec = corpusCodec('logitech-m105-mouse-usb');
const mouse = (device: number, t: number, dx: number) => inputFrame(t, [0, dx, 0, 0], device);

describe('multiplex', () => {
  it('runs each device through its own device stages over one shared link', async () => {
    const link = createLink('seq,bundle(1ms),lz4,encrypt', {
      codecFor: () => codec,
      deviceSpec: (device) => (device === 1 ? 'coalesce(10ms)' : undefined),
    });
    const frames = Array.from({ length: 20 }, (_, i) => [mouse(1, i * 0.5, 2), mouse(2, i * 0.5, 2)]).flat();
    await replay(link, frames);
    const of = (device: number) => link.atReceiver.filter((frame) => frame[1] === device);
    expect(of(2).map(hexOf)).toEqual(frames.filter((frame) => frame[1] === 2).map(hexOf));
    expect(of(1).length).toBeLessThan(20);
    expect(of(1).reduce((sum, frame) => sum + frame[13]!, 0)).toBe(40);
    expect(new Set(link.wire.map((entry) => entry.channel))).toEqual(new Set(['unreliable']));
  });

  it('starts a device afresh after its DEVICE_GONE', async () => {
    const link = createLink('discard(keepalive=0ms)', { codecFor: () => codec });
    const still = inputFrame(0, [1, 0, 0, 0]);
    await replay(link, [still, still, encodeDeviceGone(1), still]);
    expect(link.atReceiver.map((frame) => frame[0])).toEqual([0x10, 0x03, 0x10]);
  });

  it('refuses a device spec with link stages, reporting a typed error', async () => {
    const link = createLink('bundle', { deviceSpec: () => 'coalesce,lz4' });
    link.sharer.outbound.push(mouse(1, 0, 1));
    await link.settle();
    expect(link.errors.map((error) => error.code)).toEqual(['spec-scope']);
    expect(link.atReceiver).toEqual([]);
  });
});
