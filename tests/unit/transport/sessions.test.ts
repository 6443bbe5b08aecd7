import { afterEach, describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../../signaling/index.ts';
import { WebHidSource } from '../../../src/devices/index.ts';
import {
  ReceiverSession,
  type RemoteDevice,
  RemoteDeviceError,
  SharerSession,
} from '../../../src/transport/index.ts';
import { connectSignaling, nodeLinks as links, simulatedCorpusDevice } from '../../support/node-peers.ts';

const cleanups: Array<() => void | Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(): Promise<FerryServer> {
  const server = await createFerryServer({ port: 0 });
  cleanups.push(() => server.close());
  return server;
}

const signaling = (server: FerryServer) => connectSignaling(server.url);

function nextDevice(session: ReceiverSession): Promise<RemoteDevice> {
  return new Promise((resolve) => session.on('device', resolve));
}

async function pair(server: FerryServer, secretForReceiver = 'secret-1') {
  const { corpus, device } = simulatedCorpusDevice('sony-dualshock4-usb');
  await device.open();
  const sharer = new SharerSession({
    signaling: await signaling(server),
    links,
    iceServers: [],
    name: 'desk',
    auth: { link: 'secret-1', code: 'amber-falcon' },
  });
  cleanups.push(() => sharer.close());
  // The sharer asks (the default); approve whoever proves the secret, as a person would on the share page.
  sharer.on('waiting', ({ peerId }) => sharer.grant(peerId, 'full'));
  sharer.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget() as HID));
  const { sessionId } = await sharer.host();
  const receiver = new ReceiverSession({
    signaling: await signaling(server),
    links,
    iceServers: [],
    name: 'ci-box',
    auth: { link: secretForReceiver },
    requestTimeoutMs: 1000,
  });
  cleanups.push(() => receiver.close());
  return { corpus, device, sharer, receiver, sessionId };
}

describe('sharer and receiver sessions over real signaling and WebRTC', () => {
  it('announce, input, output and feature reports travel both ways', { timeout: 20_000 }, async () => {
    const server = await startServer();
    const { device, receiver, sessionId } = await pair(server);
    const remoteDevice = nextDevice(receiver);
    await receiver.join({ sessionId });
    const remote = await remoteDevice;
    expect(remote.announcement.productId).toBe(0x05c4);
    expect(remote.announcement.collections).toEqual(JSON.parse(JSON.stringify(device.collections)));

    const received: Array<[number, number[]]> = [];
    remote.onInput((reportId, data) => received.push([reportId, [...data]]));
    device.emitInput(1, Uint8Array.of(1, 2, 3, 4));
    device.emitInput(1, Uint8Array.of(5, 6, 7, 8));
    await expect.poll(() => received.length).toBe(2);
    expect(received).toEqual([
      [1, [1, 2, 3, 4]],
      [1, [5, 6, 7, 8]],
    ]);

    const outputs: number[][] = [];
    device.addEventListener('output', (event) =>
      outputs.push([...(event as Event & { data: Uint8Array }).data]),
    );
    await remote.sendOutputReport(5, new Uint8Array(31).fill(7));
    expect(outputs).toEqual([new Array(31).fill(7)]);

    const feature = Uint8Array.from({ length: 36 }, (_, i) => i);
    await remote.setFeatureReport(4, feature);
    expect([...(await remote.getFeatureReport(4))]).toEqual([...feature]);
    await expect(remote.getFeatureReport(0x42)).rejects.toBeInstanceOf(RemoteDeviceError);
  });

  it('a receiver with the wrong secret is refused and never sees the device', {
    timeout: 20_000,
  }, async () => {
    const server = await startServer();
    const { sharer, receiver, sessionId } = await pair(server, 'wrong-secret');
    const devices: RemoteDevice[] = [];
    receiver.on('device', (device) => devices.push(device));
    const ended = new Promise((resolve) => receiver.on('ended', resolve));
    await receiver.join({ sessionId });
    expect(await ended).toEqual({
      reason: "this link's secret is wrong — ask for the link again",
      kind: 'failed',
    });
    expect(devices).toEqual([]);
    // The receiver with the wrong link is told; the sharer, whose share is fine, shows no error.
    await expect.poll(() => sharer.status().peers).toEqual([]);
    expect(sharer.status().lastError).toBeUndefined();
  });

  it('the receiver learns when the sharer goes away', { timeout: 20_000 }, async () => {
    const server = await startServer();
    const { sharer, receiver, sessionId } = await pair(server);
    const remoteDevice = nextDevice(receiver);
    await receiver.join({ sessionId });
    const remote = await remoteDevice;
    const ended = new Promise((resolve) => receiver.on('ended', resolve));
    sharer.close();
    expect(await ended).toEqual({ reason: 'the sharer stopped sharing', kind: 'closed' });
    expect(remote.closed).toBe(true);
    await expect(remote.getFeatureReport(4)).rejects.toMatchObject({ code: 'closed' });
  });
});
