/**
 * Real devices in a share (`ferry share <selector>`): live from the start, and the share is over once
 * every one of them is unplugged — not before, and only once.
 */
import { describe, expect, it } from 'vitest';
import { NodeHidSource } from '../../../src/node-devices/index.ts';
import { liveDevices } from '../../../src/sharer/index.ts';
import { HandleDouble, UNNUMBERED } from '../node-devices/hid-handle-double.ts';

function device() {
  const handle = new HandleDouble();
  const source = new NodeHidSource(handle, {
    vendorId: 0x1209,
    productId: 1,
    productName: 'pad',
    reportDescriptor: UNNUMBERED,
  });
  return { handle, source };
}

describe('liveDevices', () => {
  it('ends when the last device is unplugged, once', () => {
    const first = device();
    const second = device();
    const devices = liveDevices([first.source, second.source], []);
    const ends: string[] = [];
    devices.onEnd((reason) => ends.push(reason));
    devices.start();
    first.handle.emit('error', new Error('unplugged'));
    expect(ends).toEqual([]);
    second.handle.emit('error', new Error('unplugged'));
    second.handle.emit('error', new Error('unplugged'));
    expect(ends).toEqual(['every shared device is gone']);
  });

  it('close closes every device', async () => {
    const first = device();
    const second = device();
    await liveDevices([first.source, second.source], []).close();
    expect([first.handle.closed, second.handle.closed]).toEqual([true, true]);
  });
});
