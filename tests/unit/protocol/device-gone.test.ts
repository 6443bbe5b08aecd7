/**
 * DEVICE_GONE's optional reason byte (issue 13, swaps): the 2-byte frame every receiver has always
 * understood, and the 3-byte form saying `swapped` that a sharer sends only to receivers whose hello
 * lists SWAP_CAPABILITY.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeFrame,
  encodeDeviceGone,
  FrameError,
  FrameType,
  GONE_REASONS,
  type HelloBody,
  SWAP_CAPABILITY,
} from '../../../src/protocol/index.ts';
import { deviceGoneFrame } from '../../../src/transport/device-gone.ts';

function hello(capabilities: string[]): HelloBody {
  return {
    role: 'receiver',
    name: 'box',
    capabilities,
    pipeline: '',
    auth: { method: 'none', proof: '' },
  };
}

describe('DEVICE_GONE with a reason', () => {
  it('round-trips every channel and reason; no reason is the old 2-byte frame', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.constantFrom(...GONE_REASONS), (device, reason) => {
        expect(decodeFrame(encodeDeviceGone(device, reason))).toEqual({
          type: 'device-gone',
          device,
          reason,
        });
        const plain = encodeDeviceGone(device);
        expect([...plain]).toEqual([FrameType.DeviceGone, device]);
        expect(decodeFrame(plain)).toEqual({ type: 'device-gone', device });
      }),
    );
    expect([...encodeDeviceGone(4, 'swapped')]).toEqual([FrameType.DeviceGone, 4, 1]);
  });

  it('rejects any other length or an unknown reason with a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 6 }), (tail) => {
        const frame = Uint8Array.of(FrameType.DeviceGone, ...tail);
        const valid = tail.length === 1 || (tail.length === 2 && tail[1]! < GONE_REASONS.length);
        let decoded: unknown;
        try {
          decoded = decodeFrame(frame);
        } catch (error) {
          expect(error).toBeInstanceOf(FrameError);
          expect(valid).toBe(false);
          return;
        }
        expect(valid).toBe(true);
        expect(decoded).toMatchObject({ type: 'device-gone', device: tail[0] });
      }),
      { numRuns: 5000 },
    );
  });

  it('a sharer says `swapped` only to a receiver that lists the capability; others get the 2-byte frame', () => {
    const knows = { remote: hello(['hid', SWAP_CAPABILITY]) };
    const older = { remote: hello(['hid', 'usb']) };
    expect(decodeFrame(deviceGoneFrame(knows, 2, 'swapped'))).toEqual({
      type: 'device-gone',
      device: 2,
      reason: 'swapped',
    });
    expect([...deviceGoneFrame(older, 2, 'swapped')]).toEqual([FrameType.DeviceGone, 2]);
    expect([...deviceGoneFrame(knows, 2, 'removed')]).toEqual([FrameType.DeviceGone, 2]);
    expect([...deviceGoneFrame({ remote: undefined }, 2, 'swapped')]).toEqual([FrameType.DeviceGone, 2]);
  });
});
