/**
 * SignalingClient with `reconnect`: when the server goes away (here: closed, and a new one started on the
 * same port with no sessions at all), each client retries with backoff and resumes its session from what
 * it holds; both come back under their old peer ids, so signals between them flow again and nothing
 * looks new to either (no 'peer-joined' for a peer it already knew).
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { FerryServer } from '../../../signaling/index.ts';
import {
  SignalingClient,
  type SignalingEvents,
  type WebSocketConstructor,
} from '../../../src/transport/signaling-client.ts';
import { signalUrl, startServer } from './helpers.ts';

const FAST = { baseMs: 50, maxMs: 200 };

function client(): SignalingClient {
  return new SignalingClient(WebSocket as unknown as WebSocketConstructor, {
    requestTimeoutMs: 2000,
    reconnect: FAST,
  });
}

function events<K extends keyof SignalingEvents>(target: SignalingClient, event: K): SignalingEvents[K][] {
  const seen: SignalingEvents[K][] = [];
  target.on(event, (payload) => seen.push(payload));
  return seen;
}

function nextEvent<K extends keyof SignalingEvents>(target: SignalingClient, event: K) {
  return new Promise<SignalingEvents[K]>((resolve) => {
    const off = target.on(event, (payload) => {
      off();
      resolve(payload);
    });
  });
}

async function restart(server: FerryServer): Promise<FerryServer> {
  await server.close();
  await new Promise((resolve) => setTimeout(resolve, 300)); // a few failed attempts meanwhile
  return startServer({ port: server.port });
}

describe('SignalingClient: reconnect and resume', () => {
  it('resumes both ends of a session across a server restart, same ids, signals flowing', async () => {
    const server = await startServer();
    const sharer = client();
    const receiver = client();
    await sharer.connect(signalUrl(server));
    await receiver.connect(signalUrl(server));
    const created = await sharer.create('sharer', 'laptop');
    const joined = await receiver.join({ sessionId: created.sessionId }, 'receiver', 'kiosk');
    const reconnecting = events(sharer, 'reconnecting');
    const closes = events(sharer, 'close');
    const receiverJoins = events(receiver, 'peer-joined');
    const resumedSharer = nextEvent(sharer, 'resumed');
    const resumedReceiver = nextEvent(receiver, 'resumed');

    const again = await restart(server);
    const [a, b] = await Promise.all([resumedSharer, resumedReceiver]);
    expect(new Set([a.recreated, b.recreated])).toEqual(new Set([true, false]));
    expect(a.peerId).toBe(created.peerId);
    expect(b.peerId).toBe(joined.peerId);
    expect(a.nameplate).toBe(created.nameplate);
    expect(sharer.session).toMatchObject({ sessionId: created.sessionId, peerId: created.peerId });
    expect(reconnecting.length).toBeGreaterThan(0);
    expect(reconnecting[0]).toMatchObject({ attempt: 1, outages: 1 });
    expect(sharer.outageCount).toBe(1);
    expect(sharer.reconnecting).toBe(false);
    expect(closes).toEqual([]);

    const signal = nextEvent(receiver, 'signal');
    sharer.signal(joined.peerId, { type: 'offer', sdp: 'v=0' });
    expect(await signal).toEqual({ from: created.peerId, data: { type: 'offer', sdp: 'v=0' } });
    expect(receiverJoins).toEqual([]); // the sharer came back as itself: nothing new for the receiver
    sharer.close();
    receiver.close();
    await again.close();
  });

  it('holds signals sent while reconnecting and sends them once back', async () => {
    const server = await startServer();
    const sharer = client();
    const receiver = client();
    await sharer.connect(signalUrl(server));
    await receiver.connect(signalUrl(server));
    const created = await sharer.create('sharer', 'laptop');
    const joined = await receiver.join({ sessionId: created.sessionId }, 'receiver', 'kiosk');
    const down = nextEvent(sharer, 'reconnecting');
    await server.close();
    await down;
    sharer.signal(joined.peerId, { type: 'candidate', candidate: 'c1' });
    const signal = nextEvent(receiver, 'signal');
    const again = await startServer({ port: server.port });
    expect(await signal).toEqual({ from: created.peerId, data: { type: 'candidate', candidate: 'c1' } });
    sharer.close();
    receiver.close();
    await again.close();
  });

  it('stops retrying on close(), and says close once', async () => {
    const server = await startServer();
    const sharer = client();
    await sharer.connect(signalUrl(server));
    await sharer.create('sharer', 'laptop');
    const down = nextEvent(sharer, 'reconnecting');
    const closes = events(sharer, 'close');
    await server.close();
    await down;
    sharer.close();
    expect(closes).toEqual([{ code: 1000, reason: 'bye' }]);
    expect(sharer.reconnecting).toBe(false);
  });

  it('does not reconnect a client that is in no session, nor one without the option', async () => {
    const server = await startServer();
    const idle = client();
    const plain = new SignalingClient(WebSocket as unknown as WebSocketConstructor, 2000);
    await idle.connect(signalUrl(server));
    await plain.connect(signalUrl(server));
    await plain.create('sharer', 'laptop');
    const idleClosed = nextEvent(idle, 'close');
    const plainClosed = nextEvent(plain, 'close');
    await server.close();
    expect((await idleClosed).code).toBe(1001);
    expect((await plainClosed).code).toBe(1001);
    expect(idle.reconnecting || plain.reconnecting).toBe(false);
  });

  it('gives up after maxAttempts and closes', async () => {
    const server = await startServer();
    const sharer = new SignalingClient(WebSocket as unknown as WebSocketConstructor, {
      requestTimeoutMs: 2000,
      reconnect: { ...FAST, maxAttempts: 2 },
    });
    await sharer.connect(signalUrl(server));
    await sharer.create('sharer', 'laptop');
    const attempts = events(sharer, 'reconnecting');
    const closed = nextEvent(sharer, 'close');
    await server.close();
    expect(await closed).toEqual({ code: 1006, reason: 'gave up reconnecting' });
    expect(attempts.map((event) => event.attempt)).toEqual([1, 2]);
  });
});
