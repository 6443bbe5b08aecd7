/**
 * src/web-api's FerryHID and FerryHIDDevice over real sessions (real signaling server, real WebRTC
 * through @roamhq/wrtc): WebHID's state machine and Chrome's DOMExceptions, permissions, and
 * connect/disconnect as the sharer adds and removes a device, and the device outliving a lost link (issue
 * 13: the sharer vanishes without a goodbye, another re-joins the session). (The browser path, with
 * connect() and the built module, is tests/e2e/web-api-hid.test.ts.)
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
import type { KeepOptions } from '../../../src/web-api/keeper.ts';
import { connectSignaling, nodeLinks as links, simulatedCorpusDevice } from '../../support/node-peers.ts';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const DS4 = { vendorId: 0x054c, productId: 0x05c4 };

/** A Node sharer of a simulated DualShock 4 on `server`, granting every receiver `permission`. */
async function sharerOf(serverUrl: string, permission: Permission) {
  const { device } = simulatedCorpusDevice('sony-dualshock4-usb');
  await device.open();
  const signaling = await connectSignaling(serverUrl);
  const sharer = new SharerSession({
    signaling,
    links,
    iceServers: [],
    name: 'desk',
    auth: { link: 'secret-1' },
  });
  cleanups.push(() => sharer.close());
  sharer.on('waiting', ({ peerId }) => sharer.grant(peerId, permission));
  const source = await WebHidSource.open(device as unknown as HIDDevice, new EventTarget() as HID);
  const index = sharer.addDevice(source);
  return { device, sharer, signaling, source, index };
}

/** A sharer holding a simulated DualShock 4, and a FerryHID on a receiver it granted `permission`. */
async function shared(permission: Permission = 'full', keep: KeepOptions = { requestTimeoutMs: 1000 }) {
  const server = await createFerryServer({ port: 0 });
  cleanups.push(() => server.close());
  const first = await sharerOf(server.url, permission);
  const { sharer } = first;
  const { sessionId } = await sharer.host();
  const session = new ReceiverSession({
    signaling: await connectSignaling(server.url),
    links,
    iceServers: [],
    name: 'web app',
    auth: { link: 'secret-1' },
    requestTimeoutMs: keep.requestTimeoutMs,
    whenSharerLeaves: 'wait',
  });
  cleanups.push(() => session.close());
  const hid = new FerryHID(session, keep);
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
  /**
   * The sharer vanishes without a goodbye (its tab crashed, its network went): only its signaling
   * socket closes, so the server tells the receiver it left. Resolves when the receiver's link is down.
   */
  const vanish = async () => {
    const down = new Promise<{ kind: string }>((resolve) => session.on('link-down', resolve));
    first.signaling.close();
    expect((await down).kind).toBe('lost');
  };
  /** Another sharer (a reloaded page) joins the session with an equivalent DualShock 4. */
  const comesBack = async () => {
    const back = await sharerOf(server.url, permission);
    await back.sharer.join({ sessionId });
    return back;
  };
  return { ...first, hid, session, arrived, vanish, comesBack };
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

/** DS4 report 1: sticks centred, the cross button held (byte 4: hat 8 = none, button 2), L2 at 0x40. */
const CROSS_HELD = Uint8Array.from(
  { length: 63 },
  (_, i) => [0x80, 0x80, 0x80, 0x80, 0x28, 0, 0, 0x40][i] ?? 0,
);

/** What an open device's page sees: `reportId:bytes`, and `disconnect`/`connect` for `hid`. */
function watch(hid: FerryHID, device: FerryHIDDevice) {
  const reports: string[] = [];
  const events: string[] = [];
  device.addEventListener('inputreport', (event) => {
    const { reportId, data } = event as FerryHIDInputReportEvent;
    reports.push(`${reportId}:${[...new Uint8Array(data.buffer)].join(',')}`);
  });
  for (const type of ['connect', 'disconnect'])
    hid.addEventListener(type, (event) => {
      const same = (event as Event & { device: FerryHIDDevice }).device === device;
      events.push(`${type}${same ? '' : ' (another device)'}`);
    });
  return { reports, events };
}

const asSeen = (reportId: number, data: Uint8Array) => `${reportId}:${[...data].join(',')}`;

describe('FerryHID: when the link goes down (issue 13)', () => {
  it('keeps the device through a lost link: no disconnect, the same object; a request made while down completes when the sharer is back, and input flows again', {
    timeout: 40_000,
  }, async () => {
    const { device: real, hid, vanish, comesBack } = await shared('full', { requestTimeoutMs: 20_000 });
    const device = await picked(hid);
    await device.open();
    const { reports, events } = watch(hid, device);
    real.emitInput(1, CROSS_HELD);
    await expect.poll(() => reports, { timeout: 10_000 }).toEqual([asSeen(1, CROSS_HELD)]);

    await vanish();
    // The keeper lets go of what was held: the cross button released, sticks and trigger where they were.
    const released = CROSS_HELD.slice();
    released[4] = 0x08;
    expect(reports).toEqual([asSeen(1, CROSS_HELD), asSeen(1, released)]);
    expect(device.opened).toBe(true);
    expect(device.connected).toBe(true);
    expect(await hid.getDevices()).toEqual([device]);

    const whileDown = device.sendReport(5, Uint8Array.of(7, 7, 7));
    const back = await comesBack();
    const outputs: number[][] = [];
    back.device.addEventListener('output', (event) =>
      outputs.push([...(event as Event & { data: Uint8Array }).data]),
    );
    await whileDown;
    expect(outputs.at(-1)?.slice(0, 3)).toEqual([7, 7, 7]);
    const feature = await device.receiveFeatureReport(0x02);
    expect(feature.getUint8(0)).toBe(0x02);

    back.device.emitInput(1, Uint8Array.of(1, 2, 3));
    await expect.poll(() => reports.at(-1), { timeout: 10_000 }).toBe('1:1,2,3');
    expect(events).toEqual([]);
    expect(await hid.getDevices()).toEqual([device]);
    expect(await hid.requestDevice({ filters: [{ vendorId: DS4.vendorId }] })).toEqual([device]);

    // A sharer that stops sharing says goodbye: the device goes at once, with the usual disconnect.
    back.sharer.close();
    await expect.poll(() => events, { timeout: 10_000 }).toEqual(['disconnect']);
    expect(device.connected).toBe(false);
    expect(await rejection(device.sendReport(5, new Uint8Array(31)))).toBe(
      'InvalidStateError: The device was closed unexpectedly.',
    );
  });

  it('a link that stays down: a request rejects with TimeoutError at requestTimeoutMs, and past the grace the device goes with disconnect', {
    timeout: 30_000,
  }, async () => {
    const { hid, vanish } = await shared('full', { requestTimeoutMs: 1000, graceMs: 4000 });
    const device = await picked(hid);
    await device.open();
    const { events } = watch(hid, device);
    const gone = new Promise<Event>((resolve) => hid.addEventListener('disconnect', resolve));
    await vanish();
    expect(await rejection(device.sendFeatureReport(0x02, new Uint8Array(36)))).toBe(
      'TimeoutError: Failed to write the feature report. No answer within 1000 ms: the link to the sharer is down (reconnecting).',
    );
    expect(events).toEqual([]);
    expect(device.connected).toBe(true);
    expect(((await gone) as Event & { device: FerryHIDDevice }).device).toBe(device);
    expect(device.connected).toBe(false);
    expect(await hid.getDevices()).toEqual([]);
    expect(await rejection(device.receiveFeatureReport(0x02))).toBe(
      'InvalidStateError: The device was closed unexpectedly.',
    );
  });
});
