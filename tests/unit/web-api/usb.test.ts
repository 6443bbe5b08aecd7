/**
 * src/web-api's FerryUSB and FerryUSBDevice over real sessions (a Node sharer holding a simulated Gadget
 * Zero, real signaling, WebRTC through @roamhq/wrtc): Chrome's host-side rules and exceptions, transfers
 * and their statuses, forget, disconnect, and the device outliving a lost link (issue 13). The browser
 * path is tests/e2e/web-api-usb.test.ts.
 */
import wrtc from '@roamhq/wrtc';
import { afterEach, describe, expect, it } from 'vitest';
import { createFerryServer } from '../../../signaling/index.ts';
import {
  GadgetZeroRequest,
  gadgetZeroPattern,
  SimulatedUsbDevice,
  WebUsbSource,
} from '../../../src/devices/usb/index.ts';
import { ReceiverSession, SharerSession, simplePeerLinks } from '../../../src/transport/index.ts';
import { FerryUSB, type FerryUSBDevice } from '../../../src/web-api/index.ts';
import type { KeepOptions } from '../../../src/web-api/keeper.ts';
import { connectSignaling } from '../../support/node-peers.ts';

const links = simplePeerLinks(wrtc);
const SECRET = 'U'.repeat(22);
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A Node sharer of a simulated Gadget Zero on the server at `serverUrl`. */
async function sharerOf(serverUrl: string) {
  const device = new SimulatedUsbDevice();
  const usbEvents = new EventTarget();
  const source = await WebUsbSource.open(device, { usb: usbEvents });
  cleanups.push(() => source.close());
  const signaling = await connectSignaling(serverUrl);
  const sharer = new SharerSession({
    signaling,
    links,
    iceServers: [],
    name: 'desk',
    auth: { link: SECRET },
    approval: 'anyone',
  });
  cleanups.push(() => sharer.close());
  sharer.addUsbDevice(source);
  return { device, usbEvents, sharer, signaling };
}

async function shared(keep: KeepOptions = {}) {
  const server = await createFerryServer({ port: 0 });
  cleanups.push(() => server.close());
  const { device, usbEvents, sharer, signaling } = await sharerOf(server.url);
  const { sessionId } = await sharer.host();
  const session = new ReceiverSession({
    signaling: await connectSignaling(server.url),
    links,
    iceServers: [],
    name: 'web app',
    auth: { link: SECRET },
    acceptUsb: true,
    whenSharerLeaves: 'wait',
  });
  cleanups.push(() => session.close());
  const usb = new FerryUSB(session, keep);
  const announced = new Promise((resolve) => session.on('usb-device', resolve));
  await session.join({ sessionId });
  await announced;
  const unplug = () => {
    device.unplug();
    usbEvents.dispatchEvent(Object.assign(new Event('disconnect'), { device }));
  };
  /** Plugs in another Gadget Zero (a new device, the same descriptors) and shares it. */
  const plugAgain = async () => {
    const source = await WebUsbSource.open(new SimulatedUsbDevice(), { usb: new EventTarget() });
    cleanups.push(() => source.close());
    sharer.addUsbDevice(source);
  };
  /** The sharer vanishes without a goodbye: only its signaling socket closes. Resolves at the link down. */
  const vanish = async () => {
    const down = new Promise<{ kind: string }>((resolve) => session.on('link-down', resolve));
    signaling.close();
    expect((await down).kind).toBe('lost');
  };
  /** Another sharer (a reloaded page) joins the session with another Gadget Zero. */
  const comesBack = async () => {
    const back = await sharerOf(server.url);
    await back.sharer.join({ sessionId });
    return back;
  };
  return { usb, unplug, plugAgain, vanish, comesBack };
}

const vendor = (request: number, value = 0): USBControlTransferParameters => ({
  requestType: 'vendor',
  recipient: 'device',
  request,
  value,
  index: 0,
});

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: Error) => `${error.name}: ${error.message}`,
  );

async function picked(usb: FerryUSB): Promise<FerryUSBDevice> {
  return usb.requestDevice({ filters: [{ vendorId: 0x0525 }] });
}

describe('FerryUSB', () => {
  it("picks a shared device by Chrome's filters, or rejects as Chrome does", {
    timeout: 20_000,
  }, async () => {
    const { usb } = await shared();
    expect(await usb.getDevices()).toEqual([]);
    expect(await rejection(usb.requestDevice({ filters: [{ vendorId: 0x1234 }] }))).toBe(
      'NotFoundError: No device selected.',
    );
    expect(await rejection(usb.requestDevice({ filters: [{ productId: 1 }] }))).toBe(
      'TypeError: A filter containing a productId must also contain a vendorId.',
    );
    const device = await usb.requestDevice({ filters: [{ classCode: 0xff }] }); // vendor-specific interfaces
    expect([device.vendorId, device.productId, device.productName]).toEqual([0x0525, 0xa4a0, 'Gadget Zero']);
    expect(Object.prototype.toString.call(device)).toBe('[object USBDevice]');
    expect(await usb.getDevices()).toEqual([device]);
  });
});

describe('FerryUSBDevice', () => {
  it("applies Chrome's rules and moves data: control, a stall, bulk loopback", {
    timeout: 20_000,
  }, async () => {
    const { usb } = await shared();
    const device = await picked(usb);
    expect(await rejection(device.controlTransferIn(vendor(GadgetZeroRequest.readBuffer), 4))).toBe(
      'InvalidStateError: The device must be opened first.',
    );
    await device.open();
    await device.open(); // Chrome resolves a second open()
    expect(device.configuration?.configurationValue).toBe(3);
    expect(await rejection(device.claimInterface(7))).toBe(
      'NotFoundError: The interface number provided is not supported by the device in its current configuration.',
    );
    expect(await rejection(device.selectConfiguration(9))).toBe(
      'NotFoundError: The configuration value provided is not supported by the device.',
    );

    const written = await device.controlTransferOut(
      vendor(GadgetZeroRequest.writeBuffer),
      Uint8Array.of(1, 2, 3),
    );
    expect(written).toEqual({ status: 'ok', bytesWritten: 3 });
    const read = await device.controlTransferIn(vendor(GadgetZeroRequest.readBuffer), 3);
    expect([read.status, [...new Uint8Array(read.data?.buffer ?? new ArrayBuffer(0))]]).toEqual([
      'ok',
      [1, 2, 3],
    ]);
    expect((await device.controlTransferIn(vendor(GadgetZeroRequest.readBuffer, 1), 3)).status).toBe('stall');

    // Source/sink (configuration 3): bulk IN sends Gadget Zero's pattern.
    expect(await rejection(device.transferIn(1, 64))).toBe(
      'NotFoundError: The specified endpoint is not part of a claimed and selected alternate interface.',
    );
    expect(await rejection(device.transferIn(0, 64))).toBe(
      'IndexSizeError: The specified endpoint number is out of range.',
    );
    await device.claimInterface(0);
    const pattern = await device.transferIn(1, 64);
    expect([...new Uint8Array(pattern.data?.buffer ?? new ArrayBuffer(0))]).toEqual([
      ...gadgetZeroPattern(64),
    ]);

    await device.selectConfiguration(2); // loopback; claims are dropped with the old configuration
    expect(device.configuration?.interfaces[0]?.claimed).toBe(false);
    await device.claimInterface(0);
    expect(await device.transferOut(1, Uint8Array.of(9, 8, 7))).toEqual({ status: 'ok', bytesWritten: 3 });
    const back = await device.transferIn(1, 512);
    expect([...new Uint8Array(back.data?.buffer ?? new ArrayBuffer(0))]).toEqual([9, 8, 7]);
  });

  it('forget() and unplugging: NotFoundError afterwards, disconnect for a granted device', {
    timeout: 20_000,
  }, async () => {
    const { usb, unplug } = await shared();
    const device = await picked(usb);
    await device.open();
    await device.forget();
    expect(await rejection(device.open())).toBe('NotFoundError: The device was disconnected.');
    expect(await usb.getDevices()).toEqual([]);
    const again = await picked(usb);
    await again.open();
    const gone = new Promise<Event>((resolve) => (usb.ondisconnect = resolve));
    unplug();
    expect(((await gone) as Event & { device: unknown }).device).toBe(again);
    expect(await rejection(again.controlTransferIn(vendor(GadgetZeroRequest.readBuffer), 3))).toBe(
      'NotFoundError: The device was disconnected.',
    );
    expect(await usb.getDevices()).toEqual([]);
  });

  it('fires connect when a granted device is shared again, with a new device object', {
    timeout: 20_000,
  }, async () => {
    const { usb, unplug, plugAgain } = await shared();
    const device = await picked(usb);
    const gone = new Promise((resolve) => (usb.ondisconnect = resolve));
    unplug();
    await gone;
    const back = new Promise<Event>((resolve) => (usb.onconnect = resolve));
    await plugAgain();
    const again = ((await back) as Event & { device: FerryUSBDevice }).device;
    expect(again).not.toBe(device);
    expect(await usb.getDevices()).toEqual([again]);
    await again.open();
    expect(again.configuration?.configurationValue).toBe(3);
  });
});

/** `disconnect`/`connect` events as the page sees them, naming whether they are for `device`. */
function watch(usb: FerryUSB, device: FerryUSBDevice): string[] {
  const events: string[] = [];
  for (const type of ['connect', 'disconnect'])
    usb.addEventListener(type, (event) => {
      const same = (event as Event & { device: FerryUSBDevice }).device === device;
      events.push(`${type}${same ? '' : ' (another device)'}`);
    });
  return events;
}

const bytesOf = (result: USBInTransferResult) => [
  ...new Uint8Array(result.data?.buffer ?? new ArrayBuffer(0)),
];

describe('FerryUSB: when the link goes down (issue 13)', () => {
  it('keeps the device through a lost link: no disconnect, the same open object; a transfer made while down completes when the sharer is back', {
    timeout: 40_000,
  }, async () => {
    const { usb, vanish, comesBack } = await shared({ requestTimeoutMs: 20_000 });
    const device = await picked(usb);
    await device.open();
    await device.claimInterface(0);
    expect(bytesOf(await device.transferIn(1, 64))).toEqual([...gadgetZeroPattern(64)]);
    const events = watch(usb, device);

    await vanish();
    expect(device.opened).toBe(true);
    expect(device.connected).toBe(true);
    expect(device.configuration?.interfaces[0]?.claimed).toBe(true);
    expect(await usb.getDevices()).toEqual([device]);

    const whileDown = device.transferIn(1, 64);
    const back = await comesBack();
    expect(bytesOf(await whileDown)).toEqual([...gadgetZeroPattern(64)]);
    const written = await device.controlTransferOut(
      vendor(GadgetZeroRequest.writeBuffer),
      Uint8Array.of(4, 5, 6),
    );
    expect(written).toEqual({ status: 'ok', bytesWritten: 3 });
    expect(bytesOf(await device.controlTransferIn(vendor(GadgetZeroRequest.readBuffer), 3))).toEqual([
      4, 5, 6,
    ]);
    expect(events).toEqual([]);
    expect(await usb.getDevices()).toEqual([device]);

    // A sharer that stops sharing says goodbye: the device goes at once, with the usual disconnect.
    back.sharer.close();
    await expect.poll(() => events, { timeout: 10_000 }).toEqual(['disconnect']);
    expect(device.opened).toBe(false);
    expect(await rejection(device.transferIn(1, 64))).toBe('NotFoundError: The device was disconnected.');
  });

  it('a link that stays down: transfers reject with TimeoutError at requestTimeoutMs, and past the grace the device goes with disconnect', {
    timeout: 30_000,
  }, async () => {
    const { usb, vanish } = await shared({ requestTimeoutMs: 1000, graceMs: 4000 });
    const device = await picked(usb);
    await device.open();
    await device.claimInterface(0);
    const events = watch(usb, device);
    const gone = new Promise<Event>((resolve) => usb.addEventListener('disconnect', resolve));
    await vanish();
    expect(await rejection(device.transferIn(1, 64))).toBe('TimeoutError: The transfer timed out.');
    expect(await rejection(device.controlTransferIn(vendor(GadgetZeroRequest.readBuffer), 3))).toBe(
      'TimeoutError: The transfer timed out.',
    );
    expect(events).toEqual([]);
    expect(device.opened).toBe(true);
    expect(((await gone) as Event & { device: FerryUSBDevice }).device).toBe(device);
    expect(device.opened).toBe(false);
    expect(await usb.getDevices()).toEqual([]);
    expect(await rejection(device.transferIn(1, 64))).toBe('NotFoundError: The device was disconnected.');
  });
});
