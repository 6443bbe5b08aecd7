import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { CLOSE_CODES } from '../../../src/protocol/signaling.ts';
import {
  SignalingClient,
  SignalingError,
  type SignalingEvents,
  type WebSocketConstructor,
} from '../../../src/transport/signaling-client.ts';
import { signalUrl, startServer } from './helpers.ts';

// Compile-time: both platforms' constructors fit the injected type.
const platforms: WebSocketConstructor[] = [WebSocket, globalThis.WebSocket];

async function connected(url: string): Promise<SignalingClient> {
  const client = new SignalingClient(WebSocket, 1000);
  await client.connect(url);
  return client;
}

function nextEvent<K extends keyof SignalingEvents>(
  client: SignalingClient,
  event: K,
): Promise<SignalingEvents[K]> {
  return new Promise((resolve) => {
    const off = client.on(event, (payload) => {
      off();
      resolve(payload);
    });
  });
}

async function rejection(promise: Promise<unknown>): Promise<SignalingError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (error instanceof SignalingError) return error;
  throw new Error(`expected a SignalingError, got ${String(error)}`);
}

describe('SignalingClient', () => {
  it('accepts both the browser and the ws WebSocket', () => {
    expect(platforms).toHaveLength(2);
  });

  it('creates, joins, relays signals and reports peers leaving', async () => {
    const server = await startServer();
    const receiver = await connected(signalUrl(server));
    const sharer = await connected(signalUrl(server));
    try {
      const created = await receiver.create('receiver', 'kiosk');
      const peerJoined = nextEvent(receiver, 'peer-joined');
      const joined = await sharer.join({ nameplate: created.nameplate }, 'sharer', 'laptop');
      expect(joined.peers).toEqual([{ peerId: created.peerId, role: 'receiver', name: 'kiosk' }]);
      expect(await peerJoined).toEqual({ peerId: joined.peerId, role: 'sharer', name: 'laptop' });

      const signal = nextEvent(receiver, 'signal');
      sharer.signal(created.peerId, { type: 'offer', sdp: 'v=0' });
      expect(await signal).toEqual({ from: joined.peerId, data: { type: 'offer', sdp: 'v=0' } });

      const left = nextEvent(receiver, 'peer-left');
      sharer.leave();
      expect(await left).toEqual({ peerId: joined.peerId });
    } finally {
      receiver.close();
      sharer.close();
    }
  });

  it('rejects a request with the server’s error code', async () => {
    const server = await startServer();
    const client = await connected(signalUrl(server));
    const error = await rejection(client.join({ nameplate: '42' }, 'sharer', 'laptop'));
    expect(error.code).toBe('unknown-session');
    client.close();
  });

  it('reports errors for fire-and-forget messages as events', async () => {
    const server = await startServer();
    const client = await connected(signalUrl(server));
    const error = nextEvent(client, 'error');
    client.signal('nobody', { type: 'offer' });
    expect((await error).code).toBe('not-in-session');
    client.close();
  });

  it('emits close with the expiry code when the session expires', async () => {
    const server = await startServer({ idleTimeoutMs: 60 });
    const client = await connected(signalUrl(server));
    const closed = nextEvent(client, 'close');
    await client.create('receiver', 'kiosk');
    expect((await closed).code).toBe(CLOSE_CODES.sessionExpired);
    expect(() => client.signal('x', {})).toThrow(SignalingError);
  });

  it('rejects requests that cannot be sent', async () => {
    const client = new SignalingClient(WebSocket);
    expect((await rejection(client.create('sharer', 'x'))).code).toBe('not-connected');
    const server = await startServer();
    await client.connect(signalUrl(server));
    const pending = client.create('sharer', 'x');
    expect((await rejection(client.create('sharer', 'y'))).code).toBe('request-pending');
    await pending;
    expect(() => client.signal('p', { sdp: 'x'.repeat(20_000) })).toThrow(/signal/);
    client.close();
  });

  it('times out a request nobody answers, and rejects one cut off by a close', async () => {
    const silent = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => silent.once('listening', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const client = new SignalingClient(WebSocket, 30);
      await client.connect(`ws://127.0.0.1:${port}`);
      expect((await rejection(client.create('sharer', 'x'))).code).toBe('timeout');

      const cutOff = client.create('sharer', 'x');
      for (const socket of silent.clients) socket.close(CLOSE_CODES.tooManyErrors, 'bye');
      expect((await rejection(cutOff)).code).toBe('too-many-errors');
    } finally {
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('fails to connect to a server that is not there', async () => {
    const server = await startServer();
    const url = signalUrl(server);
    await server.close();
    const client = new SignalingClient(WebSocket);
    expect((await rejection(client.connect(url))).code).toBe('closed');
  });
});
