/**
 * src/web-api's FerryHID and FerryHIDDevice over real sessions (real signaling server, real WebRTC
 * through @roamhq/wrtc): WebHID's state machine and Chrome's DOMExceptions, permissions, and
 * connect/disconnect as the sharer adds and removes a device. (The browser path, with connect() and the
 * built module, is tests/e2e/web-api-hid.test.ts.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createFerryServer } from '../../../signaling/index.ts';
import { WebHidSource } from '../../../src/devices/index.ts';
import {
  type Permission,
  ReceiverSession,
  type RemoteDevice,
  SharerSession,
} from '../../../src/transport/index.ts';
import { FerryHID, type FerryHIDDevice, type FerryHIDInputReportEvent } from '../../../src/web-api/index.ts';
import { connectSignaling, nodeLinks as links, simulatedCorpusDevice } from '../../support/node-peers.ts';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const DS4 = { vendorId: 0x054c, productId: 0x05c4 };

/** A sharer holding a simulated DualShock 4, and a FerryHID on a receiver it granted `permission`. */
async function shared(permission: Permission = 'full') {
  const server = await createFerryServer({ port: 0 });
  cleanups.push(() => server.close());
  const { device } = simulatedCorpusDevice('sony-dualshock4-usb');
  await device.open();
  const sharer = new SharerSession({
    signaling: await connectSignaling(server.url),
    links,
    iceServers: [],
    name: 'desk',
    auth: { link: 'secret-1' },
  });
  cleanups.push(() => sharer.close());
  sharer.on('waiting', ({ peerId }) => sharer.grant(peerId, permission));
  const source = await WebHidSource.open(device as unknown as HIDDevice, new EventTarget() as HID);
  const index = sharer.addDevice(source);
  const { sessionId } = await sharer.host();
  const session = new ReceiverSession({
    signaling: await connectSignaling(server.url),
    links,
    iceServers: [],
    name: 'web app',
    auth: { link: 'secret-1' },
    requestTimeoutMs: 1000,
    whenSharerLeaves: 'wait',
  });
  cleanups.push(() => session.close());
  const hid = new FerryHID(session);
  const announced = new Promise<RemoteDevice>((resolve) => session.on('device', resolve));
  await session.join({ sessionId });
  const remote = await announced;
  /** Resolves once `count` more input reports reached this end (whether or not the page was told). */
  const arrived = (count: number) =>
    new Promise<void>((resolve) => {
      let left = count;
      const stop = remote.onInput(() => {
        if (--left > 0) return;
        stop();
        resolve();
      });
    });
  return { device, sharer, source, index, hid, arrived };
}

async function picked(hid: FerryHID): Promise<FerryHIDDevice> {
  const [device] = await hid.requestDevice({ filters: [{ vendorId: DS4.vendorId }] });
  if (!device) throw new Error('requestDevice picked nothing');
  return device;
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: Error) => `${error.name}: ${error.message}`,
  );

describe('FerryHID: requestDevice and getDevices', () => {
  it('grants only what requestDevice picked, with Chrome TypeErrors for bad options', {
    timeout: 20_000,
  }, async () => {
    const { hid } = await shared();
    expect(await hid.getDevices()).toEqual([]);
    const request = hid.requestDevice as (...args: unknown[]) => Promise<unknown>;
    expect(await rejection(request.call(hid))).toBe(
      "TypeError: Failed to execute 'requestDevice' on 'HID': 1 argument required, but only 0 present.",
    );
    expect(await rejection(request.call(hid, {}))).toMatch(/'filters' .*Required member is undefined/);
    expect(await rejection(request.call(hid, { filters: [{ productId: 1 }] }))).toBe(
      'TypeError: A filter containing a productId must also contain a vendorId.',
    );
    expect(await hid.requestDevice({ filters: [{ vendorId: 0x1234 }] })).toEqual([]);
    expect(await hid.requestDevice({ filters: [], exclusionFilters: [{ vendorId: DS4.vendorId }] })).toEqual(
      [],
    );
    const [device] = await hid.requestDevice({ filters: [{ usagePage: 1, usage: 5 }] }); // a gamepad
    expect(device?.vendorId).toBe(DS4.vendorId);
    expect(device?.productId).toBe(DS4.productId);
    expect(Object.prototype.toString.call(device)).toBe('[object HIDDevice]');
    expect(await hid.getDevices()).toEqual([device]);
  });
});

describe('FerryHIDDevice: open, reports, close, forget', () => {
  it('follows blink hid_device.cc: InvalidStateError before open and twice open; input only while open', {
    timeout: 20_000,
  }, async () => {
    const { device: real, hid, arrived } = await shared();
    const device = await picked(hid);
    expect(await rejection(device.sendReport(5, new Uint8Array(31)))).toBe(
      'InvalidStateError: The device must be opened first.',
    );
    const seen: string[] = [];
    device.oninputreport = (event: Event) => {
      const { reportId, data } = event as FerryHIDInputReportEvent;
      seen.push(`${reportId}:${[...new Uint8Array(data.buffer)].join(',')}`);
    };
    const first = arrived(1);
    real.emitInput(1, Uint8Array.of(9, 9)); // not open yet: the page does not see it
    await first;
    await device.open();
    expect(device.opened).toBe(true);
    expect(await rejection(device.open())).toBe('InvalidStateError: The device is already open.');
    real.emitInput(1, Uint8Array.of(1, 2, 3));
    await expect.poll(() => seen, { timeout: 10_000 }).toEqual(['1:1,2,3']);

    const outputs: number[][] = [];
    real.addEventListener('output', (event) =>
      outputs.push([...(event as Event & { data: Uint8Array }).data]),
    );
    await device.sendReport(5, Uint8Array.of(7, 7, 7));
    expect(outputs.at(-1)?.slice(0, 3)).toEqual([7, 7, 7]);

    // A numbered feature report comes back as in Chrome on Linux: its id first.
    await device.sendFeatureReport(0x02, new Uint8Array(36).fill(4));
    const feature = await device.receiveFeatureReport(0x02);
    expect(feature.getUint8(0)).toBe(0x02);
    expect([...new Uint8Array(feature.buffer).subarray(1)]).toEqual(new Array(36).fill(4));

    await device.close();
    expect(device.opened).toBe(false);
    const whileClosed = arrived(1);
    real.emitInput(1, Uint8Array.of(4));
    await whileClosed;
    await device.open();
    real.emitInput(1, Uint8Array.of(5));
    await expect.poll(() => seen, { timeout: 10_000 }).toEqual(['1:1,2,3', '1:5']);
  });

  it('forget() revokes: the device is forgotten, getDevices() leaves it out, requestDevice() grants it again', {
    timeout: 20_000,
  }, async () => {
    const { hid } = await shared();
    const device = await picked(hid);
    await device.open();
    await device.forget();
    expect(device.opened).toBe(false);
    expect(await rejection(device.open())).toBe('InvalidStateError: The device is forgotten.');
    expect(await hid.getDevices()).toEqual([]);
    expect(await picked(hid)).toBe(device);
    await device.open();
    expect(device.opened).toBe(true);
  });

  it('a request beyond the grant rejects with NotAllowedError, naming the grant', {
    timeout: 20_000,
  }, async () => {
    const { hid } = await shared('input');
    const device = await picked(hid);
    await device.open();
    expect(await rejection(device.receiveFeatureReport(0x02))).toBe(
      "NotAllowedError: Failed to receive the feature report. The sharer's grant to this page does not allow it.",
    );
  });
});

describe('FerryHID: devices that go and come back', () => {
  it('fires disconnect for a granted device the sharer removes, then connect when it is shared again', {
    timeout: 20_000,
  }, async () => {
    const { sharer, source, index, hid } = await shared();
    const device = await picked(hid);
    await device.open();
    const events: string[] = [];
    const gone = new Promise<Event>((resolve) => (hid.ondisconnect = resolve));
    hid.addEventListener('connect', (event) => events.push(event.type));
    sharer.removeDevice(index);
    const event = (await gone) as Event & { device: FerryHIDDevice };
    expect(event.device).toBe(device);
    expect(device.opened).toBe(true); // as in Chrome, until the page closes it
    expect(await rejection(device.sendReport(5, new Uint8Array(31)))).toBe(
      'InvalidStateError: The device was closed unexpectedly.',
    );
    expect(await hid.getDevices()).toEqual([]);

    const back = new Promise<Event>((resolve) => (hid.onconnect = resolve));
    sharer.addDevice(source);
    const again = ((await back) as Event & { device: FerryHIDDevice }).device;
    expect(again).not.toBe(device); // a new HIDDevice, as Chrome makes for a re-plugged device
    expect(await hid.getDevices()).toEqual([again]);
    await again.open();
    expect(events).toEqual(['connect']);
  });
});
