/**
 * A real pairing across two signaling nodes sharing a real Redis: the sharer (a simulated HID device
 * behind a real SharerSession) signals through node A, the receiver through node B, and WebRTC (the
 * Node stack `ferry receive` uses) carries the device's reports between them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../../signaling/index.ts';
import { WebHidSource } from '../../../src/devices/index.ts';
import { ReceiverSession, type RemoteDevice, SharerSession } from '../../../src/transport/index.ts';
import { connectSignaling, nodeLinks as links, simulatedCorpusDevice } from '../../support/node-peers.ts';
import { type RedisServer, startRedis } from '../../support/redis-server.ts';

let redis: RedisServer;
const cleanups: Array<() => void | Promise<void>> = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await redis?.stop();
});

async function startNode(): Promise<FerryServer> {
  const server = await createFerryServer({ port: 0, redis: { url: redis.url, keyPrefix: 'pair:' } });
  cleanups.push(() => server.close());
  return server;
}

async function shareThrough(server: FerryServer) {
  const { device } = simulatedCorpusDevice('sony-dualshock4-usb');
  await device.open();
  const sharer = new SharerSession({
    signaling: await connectSignaling(server.url),
    links,
    iceServers: [],
    name: 'desk',
    auth: { link: 'secret-1', code: 'amber-falcon' },
    approval: 'anyone',
  });
  cleanups.push(() => sharer.close());
  sharer.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget() as HID));
  return { device, sharer, hosted: await sharer.host() };
}

async function receiveThrough(server: FerryServer, auth: { link: string } | { code: string }) {
  const receiver = new ReceiverSession({
    signaling: await connectSignaling(server.url),
    links,
    iceServers: [],
    name: 'ci-box',
    auth,
    requestTimeoutMs: 1000,
  });
  cleanups.push(() => receiver.close());
  const device = new Promise<RemoteDevice>((resolve) => receiver.on('device', resolve));
  return { receiver, device };
}

describe('a sharer on node A and a receiver on node B', () => {
  it('pair by link over WebRTC and deliver reports byte-exact, both ways', { timeout: 30_000 }, async () => {
    const [a, b] = [await startNode(), await startNode()];
    const { device, hosted } = await shareThrough(a);
    const { receiver, device: remoteDevice } = await receiveThrough(b, { link: 'secret-1' });
    await receiver.join({ sessionId: hosted.sessionId });
    const remote = await remoteDevice;
    expect(remote.announcement.productId).toBe(0x05c4);

    const received: Array<[number, number[]]> = [];
    remote.onInput((reportId, data) => received.push([reportId, [...data]]));
    const report = Uint8Array.from({ length: 63 }, (_, i) => (i * 37 + 11) & 0xff);
    device.emitInput(1, report);
    await expect.poll(() => received.length).toBe(1);
    expect(received).toEqual([[1, [...report]]]);

    const outputs: number[][] = [];
    device.addEventListener('output', (event) =>
      outputs.push([...(event as Event & { data: Uint8Array }).data]),
    );
    await remote.sendOutputReport(5, new Uint8Array(31).fill(7));
    expect(outputs).toEqual([new Array(31).fill(7)]);
  });

  it('pair by the short code typed on the other node', { timeout: 30_000 }, async () => {
    const [a, b] = [await startNode(), await startNode()];
    const { device, hosted } = await shareThrough(b);
    const { receiver, device: remoteDevice } = await receiveThrough(a, { code: 'amber-falcon' });
    await receiver.join({ nameplate: hosted.nameplate });
    const remote = await remoteDevice;
    const received: number[][] = [];
    remote.onInput((_, data) => received.push([...data]));
    device.emitInput(1, Uint8Array.of(9, 8, 7, 6, 5));
    await expect.poll(() => received.length).toBe(1);
    expect(received).toEqual([[9, 8, 7, 6, 5]]);
  });
});
