/**
 * Re-admission tickets (issue 13, "reconnect by itself"; docs/security.md, "Re-admission tickets") over
 * real signaling and real Node WebRTC: a receiver the sharer approved comes back in with its permission
 * and no second approval when its link is made again, after the sharer's page reloads (a new
 * SharerSession given the stored tickets) or after a link dropped within one page. A ticket the sharer
 * does not know, one it forgot on a revoke, a malformed READMIT and a receiver without the capability are
 * all asked about, as before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createFerryServer, type FerryServer } from '../../../signaling/index.ts';
import { WebHidSource } from '../../../src/devices/index.ts';
import { encodeReadmit, type Frame, FrameError, TICKET_CAPABILITY } from '../../../src/protocol/index.ts';
import {
  type PeerStatus,
  type Permission,
  ReceiverSession,
  type RemoteDevice,
  SharerSession,
  SignalingClient,
  type TicketRecord,
  type WebSocketConstructor,
} from '../../../src/transport/index.ts';
import type { PeerChannel } from '../../../src/transport/peer-channel.ts';
import { readmitProof } from '../../../src/transport/tickets.ts';
import { nodeLinks as links, simulatedCorpusDevice } from '../../support/node-peers.ts';
import { rawReceiver as rawFrameReceiver } from '../../support/raw-receiver.ts';

const AUTH = { link: 'B'.repeat(22) };
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `ws` sockets this test can cut, to play a network that drops one peer's signaling only. */
const sockets: WebSocket[] = [];
class TrackedSocket extends WebSocket {
  constructor(url: string) {
    super(url);
    sockets.push(this);
  }
}

async function startServer(): Promise<FerryServer> {
  const server = await createFerryServer({ port: 0 });
  cleanups.push(() => server.close());
  return server;
}

async function signalingTo(server: FerryServer): Promise<SignalingClient> {
  const client = new SignalingClient(TrackedSocket as unknown as WebSocketConstructor, {
    requestTimeoutMs: 3000,
    reconnect: { baseMs: 100, maxMs: 400 },
  });
  await client.connect(`${server.url.replace(/^http/, 'ws')}/signal`);
  cleanups.push(() => client.close());
  return client;
}

/** A sharer that asks for each receiver (the default), counting how often it asked. */
async function askingSharer(server: FerryServer, tickets?: TicketRecord[]) {
  const { device } = simulatedCorpusDevice('sony-dualshock3-usb');
  await device.open();
  const signaling = await signalingTo(server);
  const socket = sockets.at(-1)!;
  const sharer = new SharerSession({ signaling, links, iceServers: [], name: 'desk', auth: AUTH, tickets });
  cleanups.push(() => sharer.close());
  sharer.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget() as HID));
  const asked: PeerStatus[] = [];
  sharer.on('waiting', (peer) => asked.push(peer));
  let records: TicketRecord[] = [];
  sharer.on('tickets', (latest) => (records = latest));
  const nextWaiting = () => new Promise<PeerStatus>((resolve) => sharer.on('waiting', resolve));
  return { sharer, signaling, socket, asked, nextWaiting, tickets: () => records };
}

async function waitingReceiver(server: FerryServer) {
  const receiver = new ReceiverSession({
    signaling: await signalingTo(server),
    links,
    iceServers: [],
    name: 'ci-box',
    auth: AUTH,
    whenSharerLeaves: 'wait',
  });
  cleanups.push(() => receiver.close());
  const ended: string[] = [];
  receiver.on('ended', ({ reason }) => ended.push(reason));
  return { receiver, ended };
}

const nextDevice = (receiver: ReceiverSession) =>
  new Promise<RemoteDevice>((resolve) => receiver.on('device', resolve));

/** A sharer that hosts, and a receiver in its session that the sharer approved by hand with `permission`. */
async function approvedReceiver(server: FerryServer, permission: Permission) {
  const first = await askingSharer(server);
  const hosted = await first.sharer.host();
  const peerId = first.signaling.session?.peerId ?? '';
  const { receiver, ended } = await waitingReceiver(server);
  const arrival = first.nextWaiting();
  const device = nextDevice(receiver);
  await receiver.join({ sessionId: hosted.sessionId });
  expect(first.sharer.grant((await arrival).peerId, permission)).toBe(true);
  await device;
  expect(receiver.permission).toBe(permission);
  return { first, hosted, peerId, receiver, ended };
}

/**
 * A receiver at the frame level that joins `sessionId` and, once authenticated, sends `readmit` (unless
 * it has no ticket capability). It records every frame the sharer sends.
 */
async function rawReceiver(
  server: FerryServer,
  sessionId: string,
  options: { capabilities: string[]; readmit?: (channel: PeerChannel) => Uint8Array },
) {
  const { readmit } = options;
  const raw = await rawFrameReceiver({
    signaling: await signalingTo(server),
    sessionId,
    auth: AUTH,
    capabilities: options.capabilities,
    onReady: readmit && ((channel) => channel.send(readmit(channel))),
  });
  cleanups.push(() => raw.channel.close());
  const grants = () => raw.frames.filter((frame) => frame.type === 'grant');
  return { ...raw, grants };
}

/** The ticket in the one GRANT `raw` got. */
async function ticketOf(raw: Awaited<ReturnType<typeof rawReceiver>>): Promise<Uint8Array> {
  await expect.poll(() => raw.grants().length, { timeout: 10_000 }).toBe(1);
  const grant = raw.grants()[0] as Extract<Frame, { type: 'grant' }>;
  return grant.ticket!.slice();
}

/** A READMIT proving `ticket` on the raw receiver's link, as ReceiverSession makes it. */
const presentingFor = (sessionId: string) => (ticket: Uint8Array) => (channel: PeerChannel) =>
  encodeReadmit(readmitProof(ticket, sessionId, channel.link.fingerprints()));

const withTicket = ['hid', TICKET_CAPABILITY];
const noTicket = () => encodeReadmit();

describe('re-admission tickets', () => {
  it('a reloaded sharer given its tickets lets the approved receiver back in, with its permission, without asking', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const { first, hosted, peerId, receiver, ended } = await approvedReceiver(server, 'input-output');
    const tickets = first.tickets();
    expect(tickets).toEqual([{ ticket: expect.stringMatching(/^[\w-]{22}$/), permission: 'input-output' }]);
    first.sharer.close(); // the page unloads; the stored share keeps `tickets`

    const reloaded = await askingSharer(server, tickets);
    const again = nextDevice(receiver);
    const regranted = new Promise<Permission>((resolve) =>
      receiver.on('granted', ({ permission }) => resolve(permission)),
    );
    await reloaded.sharer.resume({ sessionId: hosted.sessionId, peerId, nameplate: hosted.nameplate });
    await again;
    expect(await regranted).toBe('input-output');
    expect(reloaded.asked).toEqual([]);
    expect(reloaded.sharer.status().peers).toEqual([
      expect.objectContaining({ name: 'ci-box', state: 'open', permission: 'input-output' }),
    ]);
    expect(receiver.permission).toBe('input-output');
    expect(ended).toEqual([]);
  });

  it('a link made again within one page lets the approved receiver back in without asking', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const { first, receiver, ended } = await approvedReceiver(server, 'input');
    // The server sees the sharer go: the receiver drops its link, rejoins as a new peer, and is called.
    const again = nextDevice(receiver);
    first.socket.terminate();
    await again;
    expect(first.asked).toHaveLength(1); // the first approval only
    expect(first.sharer.status().peers).toEqual([
      expect.objectContaining({ name: 'ci-box', state: 'open', permission: 'input' }),
    ]);
    expect(receiver.permission).toBe('input');
    expect(ended).toEqual([]);
  });

  it('a ticket the sharer does not know is asked about, and approving it then works', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const { first, hosted, peerId, receiver } = await approvedReceiver(server, 'full');
    first.sharer.close();

    // Another share's ticket (the receiver's is not among them): the proof matches none.
    const strangers: TicketRecord[] = [{ ticket: 'C'.repeat(22), permission: 'full' }];
    const reloaded = await askingSharer(server, strangers);
    const arrival = reloaded.nextWaiting();
    const again = nextDevice(receiver);
    await reloaded.sharer.resume({ sessionId: hosted.sessionId, peerId, nameplate: hosted.nameplate });
    const peer = await arrival;
    expect(peer).toMatchObject({ name: 'ci-box', state: 'waiting', permission: undefined });
    expect(reloaded.sharer.grant(peer.peerId, 'input')).toBe(true);
    await again;
    expect(receiver.permission).toBe('input');
  });

  it('a revoked receiver’s ticket is forgotten: presenting it again is asked about', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const { sharer, nextWaiting, asked, tickets } = await askingSharer(server);
    const { sessionId } = await sharer.host();
    const presenting = presentingFor(sessionId);
    const admitByHand = async (permission: Permission) => {
      const arrival = nextWaiting();
      const raw = await rawReceiver(server, sessionId, { capabilities: withTicket, readmit: noTicket });
      const { peerId } = await arrival;
      sharer.grant(peerId, permission);
      return { peerId, ticket: await ticketOf(raw) };
    };
    const kept = await admitByHand('full');
    const revoked = await admitByHand('input');
    expect(tickets()).toHaveLength(2);
    sharer.revoke(revoked.peerId);
    expect(tickets()).toEqual([{ ticket: expect.any(String), permission: 'full' }]);
    expect(asked).toHaveLength(2);

    // The kept ticket on a new link is let in at once; the revoked one on a new link is asked about.
    const back = await rawReceiver(server, sessionId, {
      capabilities: withTicket,
      readmit: presenting(kept.ticket),
    });
    await expect.poll(() => back.grants().length, { timeout: 10_000 }).toBe(1);
    expect(back.grants()[0]).toMatchObject({ permission: 'full' });
    expect(asked).toHaveLength(2);
    const turnedAway = nextWaiting();
    const again = await rawReceiver(server, sessionId, {
      capabilities: withTicket,
      readmit: presenting(revoked.ticket),
    });
    expect(await turnedAway).toMatchObject({ name: 'raw', state: 'waiting' });
    expect(asked).toHaveLength(3);
    expect(again.grants()).toEqual([]);
  });

  it('"anyone" gives no ticket; a ticket proven under it is still forgotten when that receiver is revoked', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const { sharer, nextWaiting, asked, tickets } = await askingSharer(server);
    const { sessionId } = await sharer.host();
    const presenting = presentingFor(sessionId);
    const arrival = nextWaiting();
    const first = await rawReceiver(server, sessionId, { capabilities: withTicket, readmit: noTicket });
    sharer.grant((await arrival).peerId, 'full');
    const ticket = await ticketOf(first);

    sharer.setApproval('anyone', 'input');
    const admitted = new Promise<PeerStatus>((resolve) => sharer.on('receiver', resolve));
    const open = await rawReceiver(server, sessionId, { capabilities: withTicket, readmit: noTicket });
    await expect.poll(() => open.grants().length, { timeout: 10_000 }).toBe(1);
    expect(open.grants()[0]).toEqual({ type: 'grant', permission: 'input' }); // no ticket
    await admitted;
    expect(tickets()).toHaveLength(1);

    // The first receiver comes back under "anyone" with its ticket, and is then revoked.
    const back = new Promise<PeerStatus>((resolve) => sharer.on('receiver', resolve));
    const returning = await rawReceiver(server, sessionId, {
      capabilities: withTicket,
      readmit: presenting(ticket),
    });
    await expect.poll(() => returning.grants().length, { timeout: 10_000 }).toBe(1);
    expect(returning.grants()[0]).toEqual({ type: 'grant', permission: 'input' });
    const { peerId } = await back;
    await expect.poll(() => tickets().length, { timeout: 10_000 }).toBe(1);
    sharer.revoke(peerId);
    expect(tickets()).toEqual([]);

    sharer.setApproval('ask');
    const turnedAway = nextWaiting();
    await rawReceiver(server, sessionId, { capabilities: withTicket, readmit: presenting(ticket) });
    expect(await turnedAway).toMatchObject({ name: 'raw', state: 'waiting' });
    expect(asked).toHaveLength(2);
  });

  it('a malformed READMIT is rejected with a typed error and the receiver is asked about', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const { sharer, nextWaiting, tickets } = await askingSharer(server);
    const { sessionId } = await sharer.host();
    const problems: Error[] = [];
    sharer.on('problem', ({ error }) => problems.push(error));
    const arrival = nextWaiting();
    // A READMIT whose proof is 5 bytes instead of 32.
    const raw = await rawReceiver(server, sessionId, {
      capabilities: withTicket,
      readmit: () => Uint8Array.of(0x06, 0, 1, 2, 3, 4, 5),
    });
    expect(await arrival).toMatchObject({ name: 'raw', state: 'waiting' });
    expect(problems).toEqual([expect.any(FrameError)]);
    expect((problems[0] as FrameError).code).toBe('truncated');
    expect(raw.grants()).toEqual([]);
    expect(tickets()).toEqual([]);
  });

  it('a receiver without the capability is asked as before and gets the 4-byte GRANT, no ticket', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const { sharer, nextWaiting, tickets } = await askingSharer(server);
    const { sessionId } = await sharer.host();
    const arrival = nextWaiting();
    const raw = await rawReceiver(server, sessionId, { capabilities: ['hid'] });
    sharer.grant((await arrival).peerId, 'input');
    await expect.poll(() => raw.grants().length, { timeout: 10_000 }).toBe(1);
    expect(raw.grants()[0]).toEqual({ type: 'grant', permission: 'input' });
    expect(tickets()).toEqual([]);
  });
});
