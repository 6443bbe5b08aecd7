/**
 * Receiver first, over the real server and real WebRTC: the receiver made the session, so it holds both
 * its link's secret and its code; a sharer comes with one of them. The joiner's hello names the secret it
 * proves, and the receiver answers with that one. And how a paired session ends: normally or lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../../signaling/index.ts';
import { WebHidSource } from '../../../src/devices/index.ts';
import {
  type ChannelAuth,
  PeerAuthError,
  ReceiverSession,
  type RemoteDevice,
  SharerSession,
  type SignalingClient,
} from '../../../src/transport/index.ts';
import { connectSignaling, nodeLinks as links, simulatedCorpusDevice } from '../../support/node-peers.ts';

const SECRET = 'L'.repeat(22);
const CODE = 'amber-falcon';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(): Promise<FerryServer> {
  const server = await createFerryServer({ port: 0 });
  cleanups.push(() => server.close());
  return server;
}

/** A receiver that made its session, holding both secrets, like `ferry receive` with no argument. */
async function waitingReceiver(server: FerryServer) {
  const receiver = new ReceiverSession({
    signaling: await connectSignaling(server.url),
    links,
    iceServers: [],
    name: 'build-box',
    auth: { link: SECRET, code: CODE },
  });
  cleanups.push(() => receiver.close());
  const devices: RemoteDevice[] = [];
  const problems: Error[] = [];
  const ends: Array<{ reason: string; kind: string }> = [];
  receiver.on('device', (device) => devices.push(device));
  receiver.on('problem', (error) => problems.push(error));
  receiver.on('ended', (end) => ends.push(end));
  const hosted = await receiver.host();
  return { receiver, ...hosted, devices, problems, ends };
}

/** A sharer of a simulated DualShock 4 that joins the receiver's session with what it was given. */
async function joiningSharer(server: FerryServer, auth: ChannelAuth) {
  const { device } = simulatedCorpusDevice('sony-dualshock4-usb');
  await device.open();
  const signaling: SignalingClient = await connectSignaling(server.url);
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
  const problems: Error[] = [];
  sharer.on('problem', ({ error }) => problems.push(error));
  return { sharer, device, signaling, problems };
}

describe('receiver first: the hello names the secret it proves', () => {
  it('a sharer who typed the code pairs with a receiver holding both the link secret and the code', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const waiting = await waitingReceiver(server);
    const { sharer, device } = await joiningSharer(server, { code: CODE });
    await sharer.join({ nameplate: waiting.nameplate });
    await expect.poll(() => waiting.devices.length, { timeout: 20_000 }).toBe(1);
    const received: number[][] = [];
    waiting.devices[0]!.onInput((_id, data) => received.push([...data]));
    device.emitInput(1, Uint8Array.of(1, 2, 3));
    await expect.poll(() => received).toEqual([[1, 2, 3]]);
    expect(waiting.problems).toEqual([]);
  });

  it('a sharer who opened the link pairs with it the same way', { timeout: 30_000 }, async () => {
    const server = await startServer();
    const waiting = await waitingReceiver(server);
    const { sharer } = await joiningSharer(server, { link: SECRET });
    await sharer.join({ sessionId: waiting.sessionId });
    await expect.poll(() => waiting.devices.length, { timeout: 20_000 }).toBe(1);
    expect(waiting.problems).toEqual([]);
  });

  it('a sharer with a wrong code is told so; the receiver turns it away and waits for the right sharer', {
    timeout: 40_000,
  }, async () => {
    const server = await startServer();
    const waiting = await waitingReceiver(server);
    const wrong = await joiningSharer(server, { code: 'amber-cedar' });
    await wrong.sharer.join({ nameplate: waiting.nameplate });
    await expect.poll(() => wrong.problems.length, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(wrong.problems[0]).toBeInstanceOf(PeerAuthError);
    expect(wrong.problems[0]?.message).toBe('this code is wrong — check it and try again');
    expect(wrong.sharer.status().lastError).toMatch(/this code is wrong/);
    expect(waiting.problems.map((problem) => (problem as PeerAuthError).code)).toEqual(['bad-proof']);
    wrong.sharer.close();

    // The failed attempt burned the code (docs/security.md); the receiver's link still gets in.
    const right = await joiningSharer(server, { link: SECRET });
    await right.sharer.join({ sessionId: waiting.sessionId });
    await expect.poll(() => waiting.devices.length, { timeout: 20_000 }).toBe(1);
    expect(waiting.ends).toEqual([]);
  });
});

describe('how a paired session ends', () => {
  it('a sharer that leaves the server but never closes its link has vanished: the end is "lost"', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const waiting = await waitingReceiver(server);
    const { sharer, signaling } = await joiningSharer(server, { link: SECRET });
    await sharer.join({ sessionId: waiting.sessionId });
    await expect.poll(() => waiting.devices.length, { timeout: 20_000 }).toBe(1);
    signaling.close(); // only its signaling socket goes: the WebRTC link is left open and silent
    await expect
      .poll(() => waiting.ends, { timeout: 15_000 })
      .toEqual([{ reason: expect.stringMatching(/vanished/), kind: 'lost' }]);
  });

  it('a sharer that stops sharing ends it normally: "closed"', { timeout: 30_000 }, async () => {
    const server = await startServer();
    const waiting = await waitingReceiver(server);
    const { sharer } = await joiningSharer(server, { code: CODE });
    await sharer.join({ nameplate: waiting.nameplate });
    await expect.poll(() => waiting.devices.length, { timeout: 20_000 }).toBe(1);
    sharer.close();
    await expect
      .poll(() => waiting.ends, { timeout: 15_000 })
      .toEqual([{ reason: 'the sharer stopped sharing', kind: 'closed' }]);
  });
});
