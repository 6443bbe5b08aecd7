/**
 * The receiver's side of a session that outlives its sharer (issue 10 item 5), and a failed code attempt
 * burning the nameplate (issue 11 item 1), with real signaling and real Node WebRTC.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../../signaling/index.ts';
import { WebHidSource } from '../../../src/devices/index.ts';
import {
  type ChannelAuth,
  NO_SHARER,
  ReceiverSession,
  type RemoteDevice,
  SharerSession,
  type SignalingClient,
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

async function sharerOn(server: FerryServer, auth: ChannelAuth) {
  const { device } = simulatedCorpusDevice('sony-dualshock4-usb');
  await device.open();
  const signaling = await connectSignaling(server.url);
  const sharer = new SharerSession({
    signaling,
    links,
    iceServers: [],
    name: 'desk',
    auth,
    approval: 'anyone',
  });
  cleanups.push(() => sharer.close());
  sharer.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget() as HID));
  return { sharer, signaling };
}

async function receiverOn(server: FerryServer, auth: ChannelAuth, whenSharerLeaves?: 'end' | 'wait') {
  const receiver = new ReceiverSession({
    signaling: await connectSignaling(server.url),
    links,
    iceServers: [],
    name: 'ci-box',
    auth,
    whenSharerLeaves,
  });
  cleanups.push(() => receiver.close());
  const events: string[] = [];
  receiver.on('no-sharer', ({ reason }) => events.push(`no-sharer: ${reason}`));
  receiver.on('sharer-joined', ({ name }) => events.push(`sharer-joined: ${name}`));
  receiver.on('connected', () => events.push('connected'));
  receiver.on('ended', ({ reason }) => events.push(`ended: ${reason}`));
  return { receiver, events };
}

const next = <T>(subscribe: (resolve: (value: T) => void) => void) => new Promise<T>(subscribe);
const nextDevice = (receiver: ReceiverSession) =>
  next<RemoteDevice>((resolve) => receiver.on('device', resolve));

describe('a receiver in a session whose sharer has gone', () => {
  it('is told at once that nobody is sharing, then connects when a sharer joins', {
    timeout: 20_000,
  }, async () => {
    const server = await startServer();
    const gone = await sharerOn(server, { link: 'secret-1' });
    const { sessionId } = await gone.sharer.host();
    gone.sharer.close();

    const { receiver, events } = await receiverOn(server, { link: 'secret-1' });
    expect(await receiver.join({ sessionId })).toBeUndefined();
    expect(events).toEqual([`no-sharer: ${NO_SHARER.absent}`]);

    const back = await sharerOn(server, { link: 'secret-1' });
    const device = nextDevice(receiver);
    await back.sharer.join({ sessionId });
    expect((await device).announcement.productName).toMatch(/DualShock 4/);
    expect(events).toEqual([`no-sharer: ${NO_SHARER.absent}`, 'sharer-joined: desk', 'connected']);
  });

  it("'wait': a connected receiver stays when the sharer goes, and reconnects when it comes back", {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const first = await sharerOn(server, { link: 'secret-1' });
    const { sessionId } = await first.sharer.host();
    const { receiver, events } = await receiverOn(server, { link: 'secret-1' }, 'wait');
    const remote = nextDevice(receiver);
    await receiver.join({ sessionId });
    const device = await remote;

    const absent = next((resolve) => receiver.on('no-sharer', resolve));
    first.sharer.close();
    expect(await absent).toEqual({ reason: NO_SHARER.left });
    expect(device.closed).toBe(true);

    const back = await sharerOn(server, { link: 'secret-1' });
    const again = nextDevice(receiver);
    await back.sharer.join({ sessionId });
    expect((await again).closed).toBe(false);
    expect(events.filter((event) => event.startsWith('ended'))).toEqual([]);
    expect(events.at(-1)).toBe('connected');
  });

  it("'end' (the default): a connected receiver's session ends when the sharer goes", {
    timeout: 20_000,
  }, async () => {
    const server = await startServer();
    const { sharer } = await sharerOn(server, { link: 'secret-1' });
    const { sessionId } = await sharer.host();
    const { receiver } = await receiverOn(server, { link: 'secret-1' });
    const remote = nextDevice(receiver);
    await receiver.join({ sessionId });
    await remote;
    const ended = next<{ reason: string }>((resolve) => receiver.on('ended', resolve));
    sharer.close();
    expect((await ended).reason).toBeTruthy();
  });
});

describe('a failed code attempt', () => {
  it('burns the nameplate: the sharer hears of it and a later join by the code is refused', {
    timeout: 20_000,
  }, async () => {
    const server = await startServer();
    const { sharer, signaling } = await sharerOn(server, { link: 'secret-1', code: 'amber-falcon' });
    const { nameplate, sessionId } = await sharer.host();
    const burned = next<{ nameplate: string }>((resolve) => signaling.on('nameplate-burned', resolve));

    const { receiver } = await receiverOn(server, { code: 'amber-otter' });
    const ended = next<{ reason: string }>((resolve) => receiver.on('ended', resolve));
    await receiver.join({ nameplate });
    expect(await burned).toEqual({ nameplate });
    expect((await ended).reason).toBe('this code is wrong — check it and try again');

    const late: SignalingClient = await connectSignaling(server.url);
    cleanups.push(() => late.close());
    await expect(late.join({ nameplate }, 'receiver', 'late')).rejects.toMatchObject({ code: 'code-burned' });
    expect((await late.join({ sessionId }, 'receiver', 'late')).sessionId).toBe(sessionId);
  });
});
