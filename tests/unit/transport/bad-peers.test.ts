import wrtc from '@roamhq/wrtc';
import { afterEach, describe, expect, it } from 'vitest';
import { createFerryServer } from '../../../signaling/index.ts';
import { SimulatedHidDevice, WebHidSource } from '../../../src/devices/index.ts';
import { collectionsFromDescriptor } from '../../../src/hid/index.ts';
import { type CollectionBody, encodeInputReport } from '../../../src/protocol/index.ts';
import {
  ReceiverSession,
  type RemoteDevice,
  SharerSession,
  type SignalingClient,
  simplePeerLinks,
} from '../../../src/transport/index.ts';
import { loadCorpusDevice } from '../../support/corpus.ts';
import { connectSignaling } from '../../support/node-peers.ts';
import { rawReceiver } from '../../support/raw-receiver.ts';

const links = simplePeerLinks(wrtc);
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function connect(url: string): Promise<SignalingClient> {
  const client = await connectSignaling(url);
  cleanups.push(() => client.close());
  return client;
}

async function setup() {
  const server = await createFerryServer({ port: 0 });
  cleanups.push(() => server.close());
  const corpus = loadCorpusDevice('logitech-m105-mouse-usb');
  const device = new SimulatedHidDevice({
    vendorId: corpus.vendorId,
    productId: corpus.productId,
    productName: corpus.name,
    collections: collectionsFromDescriptor(corpus.descriptor) as unknown as CollectionBody[],
  });
  await device.open();
  const sharer = new SharerSession({
    signaling: await connect(server.url),
    links,
    iceServers: [],
    name: 'desk',
    auth: { link: 'S'.repeat(22) },
    approval: 'anyone',
  });
  cleanups.push(() => sharer.close());
  sharer.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget()));
  const { sessionId } = await sharer.host();

  const good = new ReceiverSession({
    signaling: await connect(server.url),
    links,
    iceServers: [],
    name: 'good',
    auth: { link: 'S'.repeat(22) },
  });
  cleanups.push(() => good.close());
  const goodDevice = new Promise<RemoteDevice>((resolve) => good.on('device', resolve));
  await good.join({ sessionId });
  const received: number[][] = [];
  (await goodDevice).onInput((_id, data) => received.push([...data]));
  return { server, device, sharer, sessionId, received };
}

/** A receiver that authenticates properly and then misbehaves at the frame level. */
async function rogueReceiver(url: string, sessionId: string) {
  const auth = { link: 'S'.repeat(22) };
  const rogue = await rawReceiver({
    signaling: await connect(url),
    sessionId,
    auth,
    name: 'rogue',
    capabilities: [],
  });
  cleanups.push(() => rogue.channel.close());
  return rogue;
}

describe('one bad peer never takes down another', () => {
  it('malformed frames get error frames, and after too many the rogue link is closed; the good receiver keeps receiving', async () => {
    const { server, device, sessionId, received } = await setup();
    const rogue = await rogueReceiver(server.url, sessionId);
    rogue.channel.send(Uint8Array.of(0x55, 1, 2));
    rogue.channel.send(Uint8Array.of(0x10, 0, 1)); // a truncated input report
    // An input frame from a receiver is well-formed but meaningless there: it is ignored.
    rogue.channel.send(encodeInputReport(0, 0, 1, Uint8Array.of(1)));
    await expect.poll(() => rogue.frames.filter((f) => f.type === 'error').length).toBe(2);
    expect(rogue.frames.find((f) => f.type === 'error')).toMatchObject({
      message: expect.stringMatching(/unknown frame type 0x55/),
    });

    device.emitInput(0, Uint8Array.of(1, 2, 3, 4));
    await expect.poll(() => received.length).toBe(1);

    const closed = new Promise<string>((resolve) => rogue.channel.on('closed', resolve));
    // Past the pipeline: raw bytes that are not even a bundle.
    for (let i = 0; i < 30; i++) rogue.channel.link.send(Uint8Array.of(0xee));
    expect(await closed).toBeTruthy();

    device.emitInput(0, Uint8Array.of(5, 6, 7, 8));
    await expect.poll(() => received.length).toBe(2);
    expect(received[1]).toEqual([5, 6, 7, 8]);
  }, 30_000);

  it('a receiver that vanishes mid-stream does not disturb the other', async () => {
    const { server, device, sessionId, received, sharer } = await setup();
    const rogue = await rogueReceiver(server.url, sessionId);
    const streaming = setInterval(() => device.emitInput(0, Uint8Array.of(0, 1, 0, 0)), 2);
    cleanups.push(() => clearInterval(streaming));
    await expect.poll(() => rogue.frames.length).toBeGreaterThan(10);
    rogue.channel.link.close();
    await expect.poll(() => sharer.status().peers.length, { timeout: 10_000 }).toBe(1);
    const before = received.length;
    await expect.poll(() => received.length - before).toBeGreaterThan(20);
  }, 30_000);
});
