/**
 * The signaling heartbeat (issue 13): the server greets every socket with a `heartbeat` naming its
 * interval and sends one every interval (with a WebSocket ping); a SignalingClient that then hears
 * nothing for about two intervals drops the socket and reconnects, resuming its session. The silence
 * is real: the client talks to the server through a TCP relay in this process that can stop forwarding
 * without closing anything, as a network that went away does. No timing is asserted.
 */
import { createServer, type Server, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { FerryServer } from '../../../signaling/index.ts';
import {
  SignalingClient,
  type SignalingEvents,
  type WebSocketConstructor,
} from '../../../src/transport/signaling-client.ts';
import { cleanupAfterEach } from '../../support/cleanups.ts';
import { startServer, TestPeer } from './helpers.ts';

const INTERVAL_MS = 200;
const defer = cleanupAfterEach();

/** A TCP relay to `port` that forwards both ways until muted, then drops every byte and every close. */
async function relay(port: number): Promise<{ url: string; mute(muted: boolean): void }> {
  let muted = false;
  const sockets: Socket[] = [];
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    upstream.connect(port, '127.0.0.1');
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      from.on('data', (data) => muted || to.write(data));
      from.on('error', () => to.destroy());
      from.on('close', () => muted || to.destroy()); // a dead network carries no FIN either
    }
    sockets.push(client, upstream);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  defer(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise((done) => server.close(done));
  });
  const { port: relayPort } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${relayPort}/signal`,
    mute: (value) => {
      muted = value;
    },
  };
}

function nextEvent<K extends keyof SignalingEvents>(target: SignalingClient, event: K) {
  return new Promise<SignalingEvents[K]>((resolve) => {
    const off = target.on(event, (payload) => {
      off();
      resolve(payload);
    });
  });
}

const server = (): Promise<FerryServer> => startServer({ pingIntervalMs: INTERVAL_MS });

/** A server from before heartbeats, as far as one client's create goes: it answers, and says nothing else. */
async function silentServer(): Promise<string> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((done) => wss.once('listening', done));
  wss.on('connection', (socket) =>
    socket.on('message', () =>
      socket.send(
        JSON.stringify({ type: 'created', sessionId: 'A'.repeat(22), nameplate: '123456', peerId: 'p1' }),
      ),
    ),
  );
  defer(() => {
    for (const socket of wss.clients) socket.terminate();
    return new Promise((done) => wss.close(done));
  });
  return `ws://127.0.0.1:${(wss.address() as { port: number }).port}/signal`;
}

describe('signaling heartbeat', () => {
  it('the server greets each socket with its interval and keeps sending heartbeats', async () => {
    const peer = await TestPeer.connect(await server());
    await expect.poll(() => peer.heartbeats.length).toBeGreaterThan(2);
    expect(peer.heartbeats[0]).toEqual({ type: 'heartbeat', intervalMs: INTERVAL_MS });
  });

  it('a client whose server falls silent reconnects and resumes its session', async () => {
    const ferry = await server();
    const wire = await relay(ferry.port);
    const client = new SignalingClient(WebSocket as unknown as WebSocketConstructor, {
      requestTimeoutMs: 1000,
      reconnect: { baseMs: 50, maxMs: 200 },
    });
    defer(() => client.close());
    await client.connect(wire.url);
    const created = await client.create('sharer', 'laptop');
    const reconnecting = nextEvent(client, 'reconnecting');
    wire.mute(true);
    expect((await reconnecting).reason).toMatch(/no word from the server/);
    const resumed = nextEvent(client, 'resumed');
    wire.mute(false);
    expect((await resumed).peerId).toBe(created.peerId);
    expect(client.session?.sessionId).toBe(created.sessionId);
  });

  it('a client between sessions (left, now joining again) reconnects too, and its join goes through', async () => {
    const ferry = await server();
    const host = await TestPeer.connect(ferry);
    host.send({ type: 'create', role: 'sharer', name: 'desk' });
    const { sessionId } = await host.next('created');
    const wire = await relay(ferry.port);
    const client = new SignalingClient(WebSocket as unknown as WebSocketConstructor, {
      requestTimeoutMs: 5000,
      reconnect: { baseMs: 50, maxMs: 200 },
    });
    defer(() => client.close());
    await client.connect(wire.url);
    await client.join({ sessionId }, 'receiver', 'ci-box');
    // What a receiver whose link went down does: leave, and join again, into a network that went dark.
    client.leave();
    wire.mute(true);
    const reconnecting = nextEvent(client, 'reconnecting');
    const joined = client.join({ sessionId }, 'receiver', 'ci-box').catch((error: Error) => error);
    await reconnecting;
    wire.mute(false);
    const failed = await joined;
    // The join that was out when the socket dropped fails as a closed socket; the next one succeeds.
    expect(failed).toBeInstanceOf(Error);
    expect((await client.join({ sessionId }, 'receiver', 'ci-box')).sessionId).toBe(sessionId);
  });

  it('a client of a server that sends no heartbeats never judges its silence', async () => {
    const client = new SignalingClient(WebSocket as unknown as WebSocketConstructor, {
      requestTimeoutMs: 1000,
      reconnect: { baseMs: 50, maxMs: 200 },
    });
    defer(() => client.close());
    const reconnects: unknown[] = [];
    client.on('reconnecting', (event) => reconnects.push(event));
    await client.connect(await silentServer());
    await client.create('sharer', 'laptop');
    await new Promise((done) => setTimeout(done, 1500));
    expect(reconnects).toEqual([]);
  });
});
