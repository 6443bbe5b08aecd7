/**
 * A kept generic USB device across links (src/receiver/keep/virtual-usb-device.ts), over real
 * back-to-back shares of a simulated Gadget Zero (tests/unit/usb/usb-share-harness.ts): a transfer
 * while the link is down goes through the device that resumes, or completes `timeout` (never
 * `disconnected`) when none does; an IN cut by the link going down is sent again on the next link.
 */
import { describe, expect, it } from 'vitest';
import { GADGET_ZERO } from '../../../src/devices/usb/index.ts';
import { DeviceKeeper, type VirtualUsbDevice } from '../../../src/receiver/keep/index.ts';
import { type Share, share } from '../usb/usb-share-harness.ts';

const GET_STATUS = { requestType: 0x80, request: 0, value: 0, index: 0, length: 2 } as const;

function keeper(usb?: { linkWaitMs: number }): DeviceKeeper {
  return new DeviceKeeper(
    { graceMs: 60_000, freshMs: 100, requestTimeoutMs: 2000, keep: false, usb },
    { removed: () => undefined },
  );
}

/** The link goes down as the session does it: the keeper first, then the link's devices close. */
function linkDown(devices: DeviceKeeper, link: Share): void {
  devices.linkDown();
  link.remote.close();
}

async function looping(device: VirtualUsbDevice): Promise<void> {
  const selected = await device.selectConfiguration(GADGET_ZERO.loopbackConfiguration);
  expect(selected.status).toBe('ok');
}

describe('VirtualUsbDevice', () => {
  it('the same Gadget Zero on the next link resumes the kept device; a control transfer made while down goes through it', async () => {
    const devices = keeper();
    const first = await share();
    const { device } = devices.takeUsb(first.remote);
    linkDown(devices, first);
    const status = device.controlTransfer(GET_STATUS);
    const second = await share();
    expect(devices.takeUsb(second.remote)).toEqual({ device, resumed: true, swapped: false });
    expect((await status).status).toBe('ok');
    devices.removeAll('done');
  });

  it('a transfer while the link stays down completes `timeout` at its deadline, not `disconnected`', async () => {
    const devices = keeper();
    const first = await share();
    const { device } = devices.takeUsb(first.remote);
    linkDown(devices, first);
    const result = await device.transferOut(1, Uint8Array.of(1, 2, 3), { timeoutMs: 30 });
    expect(result.status).toBe('timeout');
    devices.removeAll('done');
  });

  it('with linkWaitMs (the web API), a bulk IN without a timeout of its own completes `timeout` while the link stays down', async () => {
    const devices = keeper({ linkWaitMs: 30 });
    const first = await share();
    const { device } = devices.takeUsb(first.remote);
    linkDown(devices, first);
    expect((await device.transferIn(1, 4)).status).toBe('timeout');
    expect(device.removed).toBe(false);
    devices.removeAll('done');
  });

  it('a bulk IN waiting when the link goes down is sent again on the next link and gets its data there', async () => {
    const devices = keeper();
    const first = await share();
    const { device } = devices.takeUsb(first.remote);
    await looping(device);
    const waiting = device.transferIn(1, 4);
    await new Promise((resolve) => setTimeout(resolve, 20));
    linkDown(devices, first);
    const second = await share();
    devices.takeUsb(second.remote);
    // The host had selected the loopback configuration: the new link's device is put in it again.
    await expect.poll(() => second.remote.activeConfiguration).toBe(GADGET_ZERO.loopbackConfiguration);
    expect((await device.transferOut(1, Uint8Array.of(9, 8, 7, 6))).status).toBe('ok');
    const result = await waiting;
    expect(result.status).toBe('ok');
    expect([...result.data]).toEqual([9, 8, 7, 6]);
    devices.removeAll('done');
  });

  it('removed, everything waiting completes `disconnected`', async () => {
    const devices = keeper();
    const first = await share();
    const { device } = devices.takeUsb(first.remote);
    linkDown(devices, first);
    const waiting = device.transferIn(1, 4);
    devices.removeAll('the run ended');
    expect((await waiting).status).toBe('disconnected');
    expect((await device.reset()).status).toBe('disconnected');
  });

  it('a swap to the same Gadget Zero carries on (same device); a later plain removal removes it', async () => {
    const devices = keeper();
    const first = await share();
    const { device } = devices.takeUsb(first.remote);
    first.remote.close('swapped');
    expect(device.removed).toBe(false);
    const second = await share();
    expect(devices.takeUsb(second.remote)).toEqual({ device, resumed: true, swapped: true });
    expect((await device.controlTransfer(GET_STATUS)).status).toBe('ok');
    second.remote.close();
    expect(device.removed).toBe(true);
  });
});
