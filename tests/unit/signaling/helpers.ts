/** A real server on an ephemeral port and raw `ws` peers that queue what they receive. */
import { afterEach } from 'vitest';
import WebSocket from 'ws';
import { createFerryServer, type FerryServer, type FerryServerOptions } from '../../../signaling/index.ts';
import type { Role, ServerMessage } from '../../../src/protocol/signaling.ts';

const running: FerryServer[] = [];
const peers: TestPeer[] = [];

afterEach(async () => {
  for (const peer of peers.splice(0)) peer.socket.terminate();
  await Promise.all(running.splice(0).map((server) => server.close()));
});

/** Set, every server of these tests keeps its sessions in that Redis (the suite run against RedisRooms). */
const redisUrl = process.env.FERRY_TEST_REDIS_URL;
let prefixes = 0;

export async function startServer(options: FerryServerOptions = {}): Promise<FerryServer> {
  const redis =
    redisUrl && !options.redis ? { url: redisUrl, keyPrefix: `s${process.pid}-${++prefixes}:` } : undefined;
  const server = await createFerryServer({ port: 0, ...(redis ? { redis } : {}), ...options });
  running.push(server);
  return server;
}

export function signalUrl(server: FerryServer): string {
  return `${server.url.replace(/^http/, 'ws')}/signal`;
}

export class TestPeer {
  private readonly inbox: ServerMessage[] = [];
  /** The server's `heartbeat` messages so far (kept out of the inbox). */
  readonly heartbeats: ServerMessage[] = [];
  private waiter: (() => void) | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      // Liveness, not content: the server's heartbeats are counted, never in the way of next().
      if (message.type === 'heartbeat') this.heartbeats.push(message);
      else this.inbox.push(message);
      this.waiter?.();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    socket.on('error', () => {}); // oversized-frame tests make the server drop us; 'close' reports it
  }

  /** `from` binds the client end (127.0.0.2 and 127.0.0.3 are distinct clients); `headers` go in the upgrade. */
  static async connect(
    server: FerryServer,
    options: { from?: string; headers?: Record<string, string> } = {},
  ): Promise<TestPeer> {
    const socket = new WebSocket(signalUrl(server), { localAddress: options.from, headers: options.headers });
    // Listen before the socket opens: a server that refuses a socket speaks in the same breath as it opens.
    const peer = new TestPeer(socket);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    peers.push(peer);
    return peer;
  }

  /** Whether the server has closed (or dropped) this socket. */
  get isClosed(): boolean {
    return this.socket.readyState === WebSocket.CLOSED;
  }

  send(message: object): void {
    this.sendRaw(JSON.stringify(message));
  }

  sendRaw(text: string): void {
    this.socket.send(text);
  }

  /** The next message received, which must be of `type`. */
  async next<T extends ServerMessage['type']>(
    type: T,
    timeoutMs = 2000,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const message = await this.receive(timeoutMs);
    if (message.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(message)}`);
    return message as Extract<ServerMessage, { type: T }>;
  }

  /** The next message received, whatever its type. */
  nextAny(timeoutMs = 2000): Promise<ServerMessage> {
    return this.receive(timeoutMs);
  }

  /** Resolves if nothing arrives for `ms` (used after the interesting messages, to prove no leak). */
  async expectSilence(ms = 50): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (this.inbox.length > 0) throw new Error(`unexpected message ${JSON.stringify(this.inbox[0])}`);
  }

  private async receive(timeoutMs: number): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    while (this.inbox.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a message');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.inbox.shift()!;
  }
}

/** Creates a session and joins a second peer to it; returns both, with the join notice consumed. */
export async function pair(server: FerryServer, creatorRole: Role = 'receiver') {
  const creator = await TestPeer.connect(server);
  creator.send({ type: 'create', role: creatorRole, name: `${creatorRole}-1` });
  const created = await creator.next('created');
  const joiner = await TestPeer.connect(server);
  const joinerRole: Role = creatorRole === 'receiver' ? 'sharer' : 'receiver';
  joiner.send({ type: 'join', sessionId: created.sessionId, role: joinerRole, name: `${joinerRole}-1` });
  const joined = await joiner.next('joined');
  const notice = await creator.next('peer-joined');
  return { creator, joiner, created, joined, notice };
}

/** Proves a pair still relays both ways. */
export async function expectRelay(a: TestPeer, aId: string, b: TestPeer, bId: string): Promise<void> {
  a.send({ type: 'signal', to: bId, data: { type: 'offer', sdp: 'v=0' } });
  const atB = await b.next('signal');
  if (atB.from !== aId) throw new Error(`signal came from ${atB.from}, not ${aId}`);
  b.send({ type: 'signal', to: aId, data: { type: 'answer', sdp: 'v=0' } });
  const atA = await a.next('signal');
  if (atA.from !== bId) throw new Error(`signal came from ${atA.from}, not ${bId}`);
}
