/**
 * src/web-api's FerryUSB and FerryUSBDevice over real sessions (a Node sharer holding a simulated Gadget
 * Zero, real signaling, WebRTC through @roamhq/wrtc): Chrome's host-side rules and exceptions, transfers
 * and their statuses, forget, and disconnect. The browser path is tests/e2e/web-api-usb.test.ts.
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
import { connectSignaling } from '../../support/node-peers.ts';

const links = simplePeerLinks(wrtc);
const SECRET = 'U'.repeat(22);
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function shared() {
  const server = await createFerryServer({ port: 0 });
  cleanups.push(() => server.close());
  const device = new SimulatedUsbDevice();
  const usbEvents = new EventTarget();
  const source = await WebUsbSource.open(device, { usb: usbEvents });
  cleanups.push(() => source.close());
  const sharer = new SharerSession({
    signaling: await connectSignaling(server.url),
    links,
    iceServers: [],
    name: 'desk',
    auth: { link: SECRET },
    approval: 'anyone',
  });
  cleanups.push(() => sharer.close());
  sharer.addUsbDevice(source);
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
  const usb = new FerryUSB(session);
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
  return { usb, unplug, plugAgain };
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
