/**
 * A Gadget Zero shared to an approved receiver over real signaling and WebRTC: every USB request above
 * the receiver's grant completes `not-allowed` at the sharer and never reaches the device; the requests
 * the grant covers work as before (the table is in docs/security.md).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createFerryServer } from '../../../signaling/index.ts';
import {
  GADGET_ZERO,
  GadgetZeroRequest,
  gadgetZeroPattern,
  SimulatedUsbDevice,
  WebUsbSource,
} from '../../../src/devices/usb/index.ts';
import {
  type PeerStatus,
  type Permission,
  ReceiverSession,
  type RemoteUsbDevice,
  SharerSession,
} from '../../../src/transport/index.ts';
import { connectSignaling, nodeLinks as links } from '../../support/node-peers.ts';

const SECRET = 'G'.repeat(22);
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const vendorOut = { requestType: 0x40, request: GadgetZeroRequest.writeBuffer, value: 0, index: 0 };
const vendorIn = { requestType: 0xc0, request: GadgetZeroRequest.readBuffer, value: 0, index: 0 };
const getStatus = { requestType: 0x80, request: 0x00, value: 0, index: 0, length: 2 };

async function signaling(url: string) {
  const client = await connectSignaling(url);
  cleanups.push(() => client.close());
  return client;
}

/** A Gadget Zero behind a sharer that asks; the receiver that joins is approved with `permission`. */
async function approvedUsb(permission: Permission) {
  const server = await createFerryServer({ port: 0 });
  cleanups.push(() => server.close());
  const device = new SimulatedUsbDevice();
  const source = await WebUsbSource.open(device, { usb: new EventTarget() });
  cleanups.push(() => source.close());
  const sharer = new SharerSession({
    signaling: await signaling(server.url),
    links,
    iceServers: [],
    name: 'desk',
    auth: { link: SECRET },
  });
  cleanups.push(() => sharer.close());
  sharer.addUsbDevice(source);
  const { sessionId } = await sharer.host();
  const session = new ReceiverSession({
    signaling: await signaling(server.url),
    links,
    iceServers: [],
    name: 'ci-box',
    auth: { link: SECRET },
    acceptUsb: true,
  });
  cleanups.push(() => session.close());
  const waiting = new Promise<PeerStatus>((resolve) => sharer.on('waiting', resolve));
  const announced = new Promise<RemoteUsbDevice>((resolve) => session.on('usb-device', resolve));
  await session.join({ sessionId });
  const peer = await waiting;
  expect(sharer.status().usbDevices).toEqual([{ device: 0, holder: undefined }]);
  sharer.grant(peer.peerId, permission);
  return { sharer, source, peer, remote: await announced };
}

/** What a Gadget Zero nobody wrote to holds in its ep0 buffer. */
async function freshEp0Buffer(length: number): Promise<Uint8Array> {
  const fresh = new SimulatedUsbDevice();
  await fresh.open();
  const read = await fresh.controlTransferIn(
    { requestType: 'vendor', recipient: 'device', request: vendorIn.request, value: 0, index: 0 },
    length,
  );
  return new Uint8Array(read.data!.buffer, read.data!.byteOffset, read.data!.byteLength);
}

const statuses = (results: Array<{ status: string }>) => results.map((result) => result.status);

describe('USB requests by permission, refused at the sharer with not-allowed', () => {
  it('input only: IN transfers and standard reads work; OUT, control and state changes are refused', {
    timeout: 30_000,
  }, async () => {
    const { sharer, source, peer, remote } = await approvedUsb('input');
    const active = GADGET_ZERO.sourceSinkConfiguration;
    expect(remote.activeConfiguration).toBe(active);

    const read = await remote.transferIn(1, 512);
    expect([read.status, read.data]).toEqual(['ok', gadgetZeroPattern(512)]);
    expect((await remote.controlTransfer(getStatus)).status).toBe('ok');
    expect((await remote.selectConfiguration(active)).status).toBe('ok');
    expect((await remote.clearHalt(0x81)).status).toBe('ok');

    const written = new Uint8Array(64).fill(0xab);
    expect(
      statuses([
        await remote.transferOut(1, gadgetZeroPattern(512)),
        await remote.controlTransfer({ ...vendorOut, length: written.length }, written),
        await remote.controlTransfer({ ...vendorIn, length: 64 }),
        await remote.selectConfiguration(GADGET_ZERO.loopbackConfiguration),
        await remote.selectAlternateInterface(0, 1),
        await remote.clearHalt(0x01),
        await remote.reset(),
      ]),
    ).toEqual(new Array(7).fill('not-allowed'));
    expect(source.announcement.activeConfiguration).toBe(active);
    expect(remote.counters.statuses()).toMatchObject({ 'not-allowed': 7 });

    // With full access the same vendor read shows the refused write never reached the device.
    sharer.grant(peer.peerId, 'full');
    const buffer = await remote.controlTransfer({ ...vendorIn, length: 64 });
    expect([buffer.status, buffer.data]).toEqual(['ok', await freshEp0Buffer(64)]);
    expect(buffer.data).not.toEqual(written);
  });

  it('input + output: OUT transfers and configuration changes work; control and reset are refused', {
    timeout: 30_000,
  }, async () => {
    const { remote } = await approvedUsb('input-output');
    expect((await remote.transferOut(1, gadgetZeroPattern(512))).status).toBe('ok');
    expect(
      statuses([
        await remote.controlTransfer({ ...vendorOut, length: 4 }, Uint8Array.of(1, 2, 3, 4)),
        await remote.controlTransfer({ ...vendorIn, length: 4 }),
        await remote.reset(),
      ]),
    ).toEqual(['not-allowed', 'not-allowed', 'not-allowed']);

    expect((await remote.selectConfiguration(GADGET_ZERO.loopbackConfiguration)).status).toBe('ok');
    const chunk = Uint8Array.from({ length: 700 }, (_, i) => (i * 5) & 0xff);
    const echoed = remote.transferIn(1, chunk.length);
    expect((await remote.transferOut(1, chunk)).status).toBe('ok');
    expect((await echoed).data).toEqual(chunk);
  });
});
