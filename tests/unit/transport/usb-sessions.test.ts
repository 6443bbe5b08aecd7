/** Gadget Zero shared from a Node SharerSession to a ReceiverSession over real signaling and WebRTC. */
import wrtc from '@roamhq/wrtc';
import { afterEach, describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../../signaling/index.ts';
import {
  GADGET_ZERO,
  GadgetZeroRequest,
  gadgetZeroPattern,
  SimulatedUsbDevice,
  WebUsbSource,
} from '../../../src/devices/usb/index.ts';
import { encodeUsbRequest, type Frame } from '../../../src/protocol/index.ts';
import {
  ReceiverSession,
  type RemoteUsbDevice,
  SharerSession,
  type SignalingClient,
  simplePeerLinks,
} from '../../../src/transport/index.ts';
import { PeerChannel } from '../../../src/transport/peer-channel.ts';
import { connectSignaling } from '../../support/node-peers.ts';

const links = simplePeerLinks(wrtc);
const SECRET = 'U'.repeat(22);
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function signaling(server: FerryServer): Promise<SignalingClient> {
  const client = await connectSignaling(server.url);
  cleanups.push(() => client.close());
  return client;
}

async function startServer(): Promise<FerryServer> {
  const server = await createFerryServer({ port: 0 });
  cleanups.push(() => server.close());
  return server;
}

/** A Node sharer with a simulated Gadget Zero, hosting a session with the default pipeline (or `pipeline`). */
async function shareGadgetZero(server: FerryServer, pipeline?: string) {
  const device = new SimulatedUsbDevice();
  const usb = new EventTarget();
  const source = await WebUsbSource.open(device, { usb });
  cleanups.push(() => source.close());
  const sharer = new SharerSession({
    signaling: await signaling(server),
    links,
    iceServers: [],
    name: 'desk',
    auth: { link: SECRET },
    approval: 'anyone',
    ...(pipeline === undefined ? {} : { pipeline }),
  });
  cleanups.push(() => sharer.close());
  sharer.addUsbDevice(source);
  const { sessionId } = await sharer.host();
  const unplug = () => {
    device.unplug();
    usb.dispatchEvent(Object.assign(new Event('disconnect'), { device }));
  };
  return { device, source, sharer, sessionId, unplug };
}

async function receiver(server: FerryServer, name: string, acceptUsb = true): Promise<ReceiverSession> {
  const session = new ReceiverSession({
    signaling: await signaling(server),
    links,
    iceServers: [],
    name,
    auth: { link: SECRET },
    acceptUsb,
  });
  cleanups.push(() => session.close());
  return session;
}

const nextUsbDevice = (session: ReceiverSession) =>
  new Promise<RemoteUsbDevice>((resolve) => session.on('usb-device', resolve));

async function connectedPair(pipeline?: string) {
  const server = await startServer();
  const shared = await shareGadgetZero(server, pipeline);
  const session = await receiver(server, 'ci-box');
  const announced = nextUsbDevice(session);
  await session.join({ sessionId: shared.sessionId });
  return { server, ...shared, session, remote: await announced };
}

const vendorOut = { requestType: 0x40, request: GadgetZeroRequest.writeBuffer, value: 0, index: 0 };
const vendorIn = { requestType: 0xc0, request: GadgetZeroRequest.readBuffer, value: 0, index: 0 };

describe('a generic USB device over sessions, real signaling and WebRTC', () => {
  it('descriptors, control, bulk loopback, stall and clearHalt, cancel', { timeout: 30_000 }, async () => {
    const { source, sharer, remote } = await connectedPair();
    expect(remote.descriptors.entries.map((entry) => [entry.type, entry.index, [...entry.bytes]])).toEqual(
      source.descriptors.map((entry) => [entry.type, entry.index, [...entry.bytes]]),
    );
    expect([remote.descriptors.device.vendorId, remote.descriptors.device.productId]).toEqual([
      0x0525, 0xa4a0,
    ]);
    expect(sharer.status().usbDevices).toEqual([{ device: 0, holder: expect.any(String) }]);

    const written = Uint8Array.from({ length: 1000 }, (_, i) => (i * 13) & 0xff);
    expect((await remote.controlTransfer({ ...vendorOut, length: written.length }, written)).status).toBe(
      'ok',
    );
    expect((await remote.controlTransfer({ ...vendorIn, length: written.length })).data).toEqual(written);

    // Source/sink (the active configuration): a wrong pattern halts bulk OUT until clearHalt.
    expect((await remote.transferOut(1, Uint8Array.of(9, 9))).status).toBe('stall');
    expect((await remote.clearHalt(0x01)).status).toBe('ok');
    expect((await remote.transferOut(1, gadgetZeroPattern(512))).status).toBe('ok');

    expect((await remote.selectConfiguration(GADGET_ZERO.loopbackConfiguration)).status).toBe('ok');
    const chunks = Array.from({ length: 16 }, (_, n) =>
      Uint8Array.from({ length: 1 + n * 1021 }, (_, i) => (i * 7 + n) & 0xff),
    );
    const reads = chunks.map((chunk) => remote.transferIn(1, chunk.length));
    const writes = await Promise.all(chunks.map((chunk) => remote.transferOut(1, chunk)));
    expect(writes.map((write) => [write.status, write.actualLength])).toEqual(
      chunks.map((c) => ['ok', c.length]),
    );
    const results = await Promise.all(reads);
    expect(results.map((result) => result.status)).toEqual(chunks.map(() => 'ok'));
    expect(results.map((result) => result.data)).toEqual(chunks);

    const abort = new AbortController();
    const waiting = remote.transferIn(1, 64, { signal: abort.signal });
    await expect.poll(() => source.inFlightCount).toBe(1);
    abort.abort();
    expect((await waiting).status).toBe('cancelled');
    await expect.poll(() => source.inFlightCount).toBe(0);
  });

  // 'bundle(1ms)' delivers views of each message's own buffer, which the receiver keeps without a copy;
  // lz4 decompresses into a buffer it reuses, so there every IN is copied. Either way, results read
  // after the later messages arrived are intact.
  it.each(['bundle(1ms)', 'bundle(1ms),lz4'])(
    'bulk IN data held across later messages is intact with %s',
    { timeout: 30_000 },
    async (pipeline) => {
      const { remote } = await connectedPair(pipeline);
      expect((await remote.selectConfiguration(GADGET_ZERO.loopbackConfiguration)).status).toBe('ok');
      const chunks = Array.from({ length: 24 }, (_, n) =>
        Uint8Array.from({ length: 4096 + n * 512 }, (_, i) => (i * 31 + n * 7) & 0xff),
      );
      const reads = chunks.map((chunk) => remote.transferIn(1, chunk.length));
      await Promise.all(chunks.map((chunk) => remote.transferOut(1, chunk)));
      const results = await Promise.all(reads);
      // More traffic through the same link before the results are read.
      for (let i = 0; i < 8; i++) {
        const filler = new Uint8Array(8192).fill(i);
        const [, back] = await Promise.all([remote.transferOut(1, filler), remote.transferIn(1, 8192)]);
        expect(back.data).toEqual(filler);
      }
      expect(results.map((result) => result.data)).toEqual(chunks);
    },
  );

  it('unplug mid-transfer: the transfer completes disconnected and the device goes', {
    timeout: 30_000,
  }, async () => {
    const { source, session, remote, unplug } = await connectedPair();
    await remote.selectConfiguration(GADGET_ZERO.loopbackConfiguration);
    const waiting = remote.transferIn(1, 64);
    await expect.poll(() => source.inFlightCount).toBe(1);
    const gone = new Promise<RemoteUsbDevice>((resolve) => session.on('usb-device-gone', resolve));
    unplug();
    expect((await waiting).status).toBe('disconnected');
    expect(await gone).toBe(remote);
    expect(remote.closed).toBe(true);
    expect((await remote.transferOut(1, Uint8Array.of(1))).status).toBe('disconnected');
  });

  it('one receiver holds the device; the next one that can take it gets it when the holder leaves', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const { sessionId, source, sharer } = await shareGadgetZero(server);
    const hidOnly = await receiver(server, 'hid-only', false);
    const first = await receiver(server, 'first');
    const second = await receiver(server, 'second');
    const seen: string[] = [];
    hidOnly.on('usb-device', () => seen.push('hid-only'));
    second.on('usb-device', () => seen.push('second'));
    await hidOnly.join({ sessionId });
    const held = nextUsbDevice(first);
    await first.join({ sessionId });
    const remote = await held;
    await second.join({ sessionId });
    await expect.poll(() => sharer.status().peers.filter((peer) => peer.state === 'open').length).toBe(3);
    expect(seen).toEqual([]);

    // The holder leaves with a bulk IN waiting: it is cancelled on the sharer, and the device moves on.
    await remote.selectConfiguration(GADGET_ZERO.loopbackConfiguration);
    void remote.transferIn(1, 64);
    await expect.poll(() => source.inFlightCount).toBe(1);
    const handedOver = nextUsbDevice(second);
    first.close();
    const next = await handedOver;
    expect(source.inFlightCount).toBe(0);
    expect(next.activeConfiguration).toBe(GADGET_ZERO.loopbackConfiguration);
    expect((await next.transferOut(1, Uint8Array.of(1, 2, 3))).status).toBe('ok');
    expect((await next.transferIn(1, 64)).data).toEqual(Uint8Array.of(1, 2, 3));
    expect(seen).toEqual(['second']);
  });

  it('a USB request frame arriving at a receiver is rejected as a bad frame', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const session = await receiver(server, 'ci-box');
    const problems: Error[] = [];
    session.on('problem', (error) => problems.push(error));
    const { sessionId } = await session.host();
    const rogue = await rogueSharer(server, sessionId);
    rogue.channel.send(
      encodeUsbRequest(0, {
        kind: 'transfer',
        requestId: 1,
        endpoint: 0x81,
        length: 8,
        data: new Uint8Array(0),
      }),
    );
    await expect.poll(() => rogue.frames.filter((frame) => frame.type === 'error').length).toBe(1);
    expect(problems.map((error) => error.message)).toEqual([
      expect.stringMatching(/request is for the sharer/),
    ]);
  });
});

/** A sharer that authenticates properly and then sends what only a receiver may send. */
async function rogueSharer(server: FerryServer, sessionId: string) {
  const client = await signaling(server);
  const joined = await client.join({ sessionId }, 'sharer', 'rogue');
  const receiverPeer = joined.peers.find((peer) => peer.role === 'receiver')!;
  const link = links({ initiator: true, iceServers: [] });
  link.onSignal((data) => client.signal(receiverPeer.peerId, data as Record<string, unknown>));
  client.on('signal', ({ data }) => link.signal(data));
  const channel = new PeerChannel(receiverPeer.peerId, link, {
    role: 'sharer',
    name: 'rogue',
    sessionId,
    speaksFirst: true, // it joined the session
    auth: { link: SECRET },
    capabilities: ['hid', 'usb'],
    pipeline: 'bundle(1ms)',
  });
  cleanups.push(() => channel.close());
  const frames: Frame[] = [];
  channel.on('frame', (frame) => frames.push(frame));
  await expect.poll(() => channel.ready, { timeout: 10_000 }).toBe(true);
  return { channel, frames };
}
