/**
 * A kept device across links (src/receiver/keep): requests wait for a link or fail at their timeout as a
 * timeout (never hang, never "no device"), an equivalent device resumes the same VirtualHidDevice, a
 * different one is a new device, and past the grace a kept device is removed. Real RemoteDevices; the
 * frames they send are captured where a link would carry them.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { collectionsFromDescriptor } from '../../../src/hid/index.ts';
import { type DeviceAnnouncement, decodeFrame, ReplyStatus } from '../../../src/protocol/index.ts';
import { DeviceKeeper, keptForLinkDown, type VirtualHidDevice } from '../../../src/receiver/keep/index.ts';
import { RemoteDeviceError } from '../../../src/receiver/sinks/types.ts';
import { RemoteDevice } from '../../../src/transport/index.ts';
import { fromHex, loadCorpus } from '../hid/corpus.ts';

const MOUSE = loadCorpus().find((device) => device.file === 'genius-gila-mouse-if0.json')!;
const TIMEOUT_MS = 2000;

function announcement(productId = 0x0138): DeviceAnnouncement {
  return {
    kind: 'hid',
    vendorId: 0x0458,
    productId,
    productName: 'Gila',
    collections: collectionsFromDescriptor(MOUSE.descriptor) as DeviceAnnouncement['collections'],
  };
}

/** A RemoteDevice of one link, and the request ids it sent. */
function linkDevice(body = announcement()): { device: RemoteDevice; requests: number[] } {
  const requests: number[] = [];
  const device = new RemoteDevice(
    0,
    body,
    (bytes) => {
      const frame = decodeFrame(bytes);
      if ('requestId' in frame) requests.push(frame.requestId);
    },
    TIMEOUT_MS,
  );
  return { device, requests };
}

function keeper(removed: string[] = [], keep = false): DeviceKeeper {
  return new DeviceKeeper(
    { graceMs: 60_000, freshMs: 100, requestTimeoutMs: TIMEOUT_MS, keep },
    { removed: (device, why) => removed.push(`${device.name}: ${why}`) },
  );
}

/** The link goes down as the session does it: the keeper first, then the link's devices close. */
function linkDown(devices: DeviceKeeper, ...sources: RemoteDevice[]): void {
  devices.linkDown();
  for (const source of sources) source.close();
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('VirtualHidDevice and DeviceKeeper', () => {
  it('resumes an equivalent device on the next link: the same virtual device, its inputs flowing again', () => {
    const devices = keeper();
    const first = linkDevice();
    const { device, resumed } = devices.take(first.device);
    expect(resumed).toBe(false);
    const inputs: string[] = [];
    device.onInput((reportId, data) => inputs.push(`${reportId}:${[...data].join(',')}`));
    first.device.deliverInput(1, fromHex('08010000ffff00'), Date.now());
    linkDown(devices, first.device);
    expect(devices.keptCount).toBe(1);

    const second = linkDevice();
    const again = devices.take(second.device);
    expect(again).toEqual({ device, resumed: true, swapped: false });
    second.device.deliverInput(1, fromHex('01020000000000'), Date.now());
    expect(inputs).toEqual(['1:8,1,0,0,255,255,0', '1:0,0,0,0,0,0,0', '1:1,2,0,0,0,0,0']);
    expect(devices.count).toBe(1);
  });

  it('a different device (another product id) is a new device, and the kept one is removed past the grace', () => {
    const removed: string[] = [];
    const devices = keeper(removed);
    const first = linkDevice();
    const { device } = devices.take(first.device);
    const closed = vi.fn();
    device.onClose(closed);
    linkDown(devices, first.device);
    expect(devices.take(linkDevice(announcement(0x0139)).device).resumed).toBe(false);
    expect(devices.count).toBe(2);
    vi.advanceTimersByTime(60_000);
    expect(closed).toHaveBeenCalledOnce();
    expect(removed).toEqual(['Gila (0458:0138): no sharer brought it back within 60 s (--grace)']);
    expect(devices.count).toBe(1);
  });

  it('a page that went away is kept only as long as a reload takes, and removed saying it did not come back', () => {
    const removed: string[] = [];
    const devices = keeper(removed);
    const first = linkDevice();
    const { device } = devices.take(first.device);
    const closed = vi.fn();
    device.onClose(closed);
    devices.linkDown(keptForLinkDown({ returnWithinMs: 15_000 }));
    first.device.close();
    vi.advanceTimersByTime(14_999);
    expect(closed).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(closed).toHaveBeenCalledOnce();
    expect(removed).toEqual([
      "Gila (0458:0138): the sharer's page did not come back within 15 s (it was closed, not reloaded)",
    ]);
  });

  it('a page that went away and reloads within the window resumes the same device', () => {
    const devices = keeper();
    const first = linkDevice();
    const { device } = devices.take(first.device);
    devices.linkDown(keptForLinkDown({ returnWithinMs: 15_000 }));
    first.device.close();
    vi.advanceTimersByTime(3000);
    const again = devices.take(linkDevice().device);
    expect(again).toMatchObject({ device, resumed: true });
    vi.advanceTimersByTime(60_000);
    expect(device.removed).toBe(false);
  });

  it('a request while the link is down waits for it, and goes through the device that resumes', async () => {
    const devices = keeper();
    const first = linkDevice();
    const { device } = devices.take(first.device);
    linkDown(devices, first.device);
    const answer = device.getFeatureReport(7);
    const second = linkDevice();
    devices.take(second.device);
    await vi.advanceTimersByTimeAsync(0);
    expect(second.requests).toHaveLength(1);
    second.device.deliverReply(second.requests[0]!, ReplyStatus.Ok, Uint8Array.of(1, 2));
    expect([...(await answer)]).toEqual([1, 2]);
  });

  it('a request while the link stays down fails at its timeout as a timeout that says so', async () => {
    const devices = keeper();
    const first = linkDevice();
    const { device } = devices.take(first.device);
    linkDown(devices, first.device);
    const answer = device.sendOutputReport(0, Uint8Array.of(1)).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    const error = await answer;
    expect(error).toBeInstanceOf(RemoteDeviceError);
    expect(error).toMatchObject({ code: 'timeout', message: /link to the sharer is down \(reconnecting\)/ });
  });

  it('a request in flight when the link goes down fails at its deadline as a timeout, not as "no device"', async () => {
    const devices = keeper();
    const first = linkDevice();
    const { device } = devices.take(first.device);
    const answer = device.setFeatureReport(3, Uint8Array.of(9)).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(500);
    expect(first.requests).toHaveLength(1);
    linkDown(devices, first.device);
    await vi.advanceTimersByTimeAsync(1499);
    let settled = false;
    void answer.then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await answer).toMatchObject({ code: 'timeout' });
  });

  it('a device the sharer removes while the link is up is removed at once, and its requests fail "closed"', async () => {
    const devices = keeper();
    const first = linkDevice();
    const { device } = devices.take(first.device);
    const answer = device.getFeatureReport(1).catch((error: unknown) => error);
    first.device.close(); // DEVICE_GONE
    expect(devices.count).toBe(0);
    expect(await answer).toMatchObject({ code: 'closed' });
    expect(await device.getFeatureReport(1).catch((error: unknown) => error)).toMatchObject({
      code: 'closed',
    });
  });

  it('with --keep, a device the sharer removes (it stops sharing) is kept for the grace and resumes', () => {
    const devices = keeper([], true);
    const first = linkDevice();
    const { device } = devices.take(first.device);
    first.device.close(); // DEVICE_GONE before the goodbye
    expect(devices.keptCount).toBe(1);
    expect(devices.take(linkDevice().device)).toEqual({ device, resumed: true, swapped: false });
  });

  it('drops the backlog that comes with a resumed link and counts it', () => {
    const devices = keeper();
    const first = linkDevice();
    const { device } = devices.take(first.device);
    const seen: number[] = [];
    device.onInput((_id, _data, t) => seen.push(t));
    linkDown(devices, first.device);
    const second = linkDevice();
    devices.take(second.device);
    const now = Date.now();
    second.device.deliverInput(1, fromHex('01000000000000'), now - 5_000);
    second.device.deliverInput(1, fromHex('01000000000000'), now - 10);
    expect(seen).toEqual([now - 10]);
    expect(devices.staleDropped).toBe(1);
  });

  it('removeAll removes every device and names the kept ones', () => {
    const removed: string[] = [];
    const devices = keeper(removed);
    const first = linkDevice();
    const kept: VirtualHidDevice = devices.take(first.device).device;
    linkDown(devices, first.device);
    devices.take(linkDevice(announcement(0x0139)).device);
    devices.removeAll('the run ended');
    expect(kept.removed).toBe(true);
    expect(removed).toEqual(['Gila (0458:0138): the run ended']);
    expect(devices.count).toBe(0);
  });

  it('a swap (DEVICE_GONE `swapped`) to an equivalent device carries on: the same virtual device, never closed', () => {
    const removed: string[] = [];
    const devices = keeper(removed);
    const first = linkDevice();
    const { device } = devices.take(first.device);
    const closed = vi.fn();
    device.onClose(closed);
    const inputs: string[] = [];
    device.onInput((reportId, data) => inputs.push(`${reportId}:${data[0]}`));
    first.device.close('swapped');
    expect(device.attached).toBe(false);

    const next = linkDevice();
    expect(devices.take(next.device)).toEqual({ device, resumed: true, swapped: true });
    next.device.deliverInput(1, fromHex('04000000000000'), Date.now());
    expect(inputs.at(-1)).toBe('1:4');
    vi.advanceTimersByTime(120_000);
    expect(closed).not.toHaveBeenCalled();
    expect(removed).toEqual([]);
    expect(devices.count).toBe(1);
  });

  it('a swap to a different device removes the old one at once, before the new one is presented', () => {
    const removed: string[] = [];
    const devices = keeper(removed);
    const first = linkDevice();
    const { device } = devices.take(first.device);
    first.device.close('swapped');
    const next = devices.take(linkDevice(announcement(0x0139)).device);
    expect(device.removed).toBe(true);
    expect(next.resumed).toBe(false);
    expect(next.device).not.toBe(device);
    expect(removed).toEqual(['Gila (0458:0138): the sharer replaced it with a different device']);
    expect(devices.count).toBe(1);
  });

  it('a plain removal (no reason) still removes the device at once without --keep', () => {
    const devices = keeper();
    const first = linkDevice();
    const { device } = devices.take(first.device);
    first.device.close();
    expect(device.removed).toBe(true);
    expect(devices.take(linkDevice().device).resumed).toBe(false);
  });

  it('a swapped device that no replacement follows is removed past the grace', () => {
    const removed: string[] = [];
    const devices = keeper(removed);
    const first = linkDevice();
    const { device } = devices.take(first.device);
    first.device.close('swapped');
    vi.advanceTimersByTime(60_001);
    expect(device.removed).toBe(true);
    expect(removed).toEqual(['Gila (0458:0138): no sharer brought it back within 60 s (--grace)']);
  });

  it('a link that goes down between a swap and its announcement: the next link is matched as after any outage', () => {
    const removed: string[] = [];
    const devices = keeper(removed);
    const first = linkDevice();
    const { device } = devices.take(first.device);
    first.device.close('swapped');
    devices.linkDown();
    const other = devices.take(linkDevice(announcement(0x0139)).device);
    expect(other.resumed).toBe(false);
    expect(device.removed).toBe(false);
    expect(devices.take(linkDevice().device)).toEqual({ device, resumed: true, swapped: false });
    expect(removed).toEqual([]);
  });

  it('a stalled link releases what is held and drops the backlog it then delivers, keeping the device', () => {
    const devices = keeper();
    const link = linkDevice();
    const { device } = devices.take(link.device);
    const inputs: string[] = [];
    device.onInput((reportId, data) => inputs.push(`${reportId}:${[...data].join(',')}`));
    link.device.deliverInput(1, fromHex('08010000ffff00'), Date.now());
    expect(devices.stall()).toBe(1);
    expect(inputs.at(-1)).toBe('1:0,0,0,0,0,0,0');
    vi.advanceTimersByTime(5000);
    for (let i = 0; i < 5; i++) link.device.deliverInput(1, fromHex('08010000ffff00'), Date.now() - 4000);
    link.device.deliverInput(1, fromHex('01020000000000'), Date.now());
    expect(inputs).toEqual(['1:8,1,0,0,255,255,0', '1:0,0,0,0,0,0,0', '1:1,2,0,0,0,0,0']);
    expect(device.staleDropped).toBe(5);
    expect(devices.keptCount).toBe(0);
    expect(device.attached).toBe(true);
  });

  it('a backlog far later than the link has been is dropped even when nothing said the link stalled', () => {
    const devices = keeper();
    const link = linkDevice();
    const { device } = devices.take(link.device);
    const delivered: number[] = [];
    device.onInput((_id, _data, timestampMs) => delivered.push(timestampMs));
    const stamps = [Date.now()];
    link.device.deliverInput(1, fromHex('01000000000000'), stamps[0]!);
    vi.advanceTimersByTime(3000);
    for (let i = 1; i <= 3; i++) link.device.deliverInput(1, fromHex('01000000000000'), stamps[0]! + i * 10);
    link.device.deliverInput(1, fromHex('01000000000000'), Date.now());
    expect(delivered).toEqual([stamps[0], Date.now()]);
    expect(device.staleDropped).toBe(3);
  });

  it('a sharer whose clock is far off is judged against its own link, so none of its reports is dropped', () => {
    const devices = keeper();
    const link = linkDevice();
    const { device } = devices.take(link.device);
    let delivered = 0;
    device.onInput(() => delivered++);
    for (let i = 0; i < 20; i++) {
      link.device.deliverInput(1, fromHex('01000000000000'), Date.now() - 30_000);
      vi.advanceTimersByTime(10);
    }
    expect(delivered).toBe(20);
    expect(device.staleDropped).toBe(0);
  });
});
