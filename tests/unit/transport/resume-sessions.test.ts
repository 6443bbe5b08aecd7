/**
 * Issue 13 with Node peers, real signaling and real Node WebRTC: a sharer that comes back as a new
 * SharerSession resumes its session (the reloaded page's path); both ends ride out a signaling server
 * restart (reconnecting clients, same ids); and a sharer whose own socket dropped makes its link to a
 * receiver again when that receiver dropped it.
 */

import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createFerryServer, type FerryServer } from '../../../signaling/index.ts';
import { type SimulatedHidDevice, WebHidSource } from '../../../src/devices/index.ts';
import {
  ReceiverSession,
  type RemoteDevice,
  SharerSession,
  type SharerStatus,
  SignalingClient,
  type WebSocketConstructor,
} from '../../../src/transport/index.ts';
import { nodeLinks as links, simulatedCorpusDevice } from '../../support/node-peers.ts';

const AUTH = { link: 'secret-13' };
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(port = 0): Promise<FerryServer> {
  const server = await createFerryServer({ port });
  cleanups.push(() => server.close());
  return server;
}

/** `ws` sockets this test can cut, to play a network that drops one peer's signaling only. */
const sockets: WebSocket[] = [];
class TrackedSocket extends WebSocket {
  constructor(url: string) {
    super(url);
    sockets.push(this);
  }
}

async function signalingTo(server: FerryServer): Promise<SignalingClient> {
  const client = new SignalingClient(TrackedSocket as unknown as WebSocketConstructor, {
    requestTimeoutMs: 3000,
    reconnect: { baseMs: 100, maxMs: 400 },
  });
  await client.connect(`${server.url.replace(/^http/, 'ws')}/signal`);
  return client;
}

async function sharerOn(server: FerryServer) {
  const { device, corpus } = simulatedCorpusDevice('sony-dualshock3-usb');
  await device.open();
  const signaling = await signalingTo(server);
  const sharer = new SharerSession({
    signaling,
    links,
    iceServers: [],
    name: 'desk',
    auth: AUTH,
    approval: 'anyone',
  });
  cleanups.push(() => sharer.close());
  sharer.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget() as HID));
  return { sharer, signaling, device, report: corpus.recording[0]!.report };
}

async function receiverOn(server: FerryServer, whenSharerLeaves: 'end' | 'wait') {
  const signaling = await signalingTo(server);
  const receiver = new ReceiverSession({
    signaling,
    links,
    iceServers: [],
    name: 'ci-box',
    auth: AUTH,
    whenSharerLeaves,
  });
  cleanups.push(() => receiver.close());
  const ended: string[] = [];
  receiver.on('ended', ({ reason }) => ended.push(reason));
  return { receiver, signaling, ended };
}

const nextDevice = (receiver: ReceiverSession) =>
  new Promise<RemoteDevice>((resolve) => receiver.on('device', resolve));

/** Emits the device's report until one reaches `remote` (a link being made again may miss the first). */
async function reportArrives(device: SimulatedHidDevice, report: Uint8Array, remote: RemoteDevice) {
  const arrived = new Promise<number>((resolve) => remote.onInput((reportId) => resolve(reportId)));
  const timer = setInterval(() => device.emitInput(report[0]!, report.subarray(1)), 50);
  try {
    return await arrived;
  } finally {
    clearInterval(timer);
  }
}

function statusWhere(sharer: SharerSession, test: (status: SharerStatus) => boolean) {
  return new Promise<SharerStatus>((resolve) => {
    const off = sharer.on('status', (status) => {
      if (!test(status)) return;
      off();
      resolve(status);
    });
  });
}

describe('resuming a share', () => {
  it('a new SharerSession resumes the session: same id and peer id, the waiting receiver connects again', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const first = await sharerOn(server);
    const hosted = await first.sharer.host();
    const peerId = first.signaling.session?.peerId ?? '';
    const { receiver, ended } = await receiverOn(server, 'wait');
    const before = nextDevice(receiver);
    await receiver.join({ sessionId: hosted.sessionId });
    await before;
    first.sharer.close(); // the page unloads

    const reloaded = await sharerOn(server);
    const again = nextDevice(receiver);
    const resumed = await reloaded.sharer.resume({
      sessionId: hosted.sessionId,
      peerId,
      nameplate: hosted.nameplate,
    });
    expect(resumed).toEqual({ sessionId: hosted.sessionId, nameplate: hosted.nameplate, peerId });
    expect(await reportArrives(reloaded.device, reloaded.report, await again)).toBe(reloaded.report[0]);
    expect(ended).toEqual([]);
  });

  it('both ends ride out a signaling server restart, and reports still flow', {
    timeout: 30_000,
  }, async () => {
    let server = await startServer();
    const { sharer, device, report } = await sharerOn(server);
    const { sessionId } = await sharer.host();
    const { receiver, ended } = await receiverOn(server, 'end');
    const remote = nextDevice(receiver);
    await receiver.join({ sessionId });
    const shared = await remote;

    const down = statusWhere(sharer, (status) => status.signaling.state === 'reconnecting');
    await server.close();
    expect((await down).signaling.outages).toBe(1);
    const up = statusWhere(sharer, (status) => status.signaling.state === 'connected');
    server = await startServer(server.port);
    expect((await up).signaling).toEqual({ state: 'connected', downSince: undefined, outages: 1 });
    expect(await reportArrives(device, report, shared)).toBe(report[0]);
    expect(ended).toEqual([]);
    expect(receiver.connected).toBe(true);
  });

  it('makes its link to a receiver again when its own signaling dropped and the receiver let go', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const { sharer, signaling, device, report } = await sharerOn(server);
    const sharerSocket = sockets.at(-1)!;
    const { sessionId } = await sharer.host();
    const { receiver, ended } = await receiverOn(server, 'wait');
    const first = nextDevice(receiver);
    await receiver.join({ sessionId });
    await first;

    // The server sees the sharer go (peer-left), so the receiver drops its link and waits.
    const again = nextDevice(receiver);
    const resumed = new Promise((resolve) => signaling.on('resumed', resolve));
    const relinking = statusWhere(sharer, (status) =>
      status.peers.some((peer) => peer.downSince !== undefined && peer.outages === 1),
    );
    sharerSocket.terminate();
    await resumed;
    await relinking; // the share page says "reconnecting (n s) · 1 outage" for this receiver meanwhile
    expect(await reportArrives(device, report, await again)).toBe(report[0]);
    expect(sharer.status().peers).toEqual([
      expect.objectContaining({ name: 'ci-box', state: 'open', downSince: undefined, outages: 1 }),
    ]);
    expect(ended).toEqual([]);
  });
});
