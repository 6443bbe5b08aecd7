/**
 * Several signaling nodes on one Redis: two real servers (and one real `ferry serve --redis` process)
 * sharing a real redis-server, with raw WebSocket peers on each. Peers on different nodes must see each
 * other exactly as on one node, and a node's death must not take the other node's sessions with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FerryServer } from '../../../signaling/index.ts';
import { CLOSE_CODES } from '../../../src/protocol/signaling.ts';
import { startFerry } from '../../support/ferry-process.ts';
import { type RedisServer, startRedis } from '../../support/redis-server.ts';
import { expectRelay, startServer, TestPeer } from './helpers.ts';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

/** Each test its own key prefix, so that no test sees another's sessions or nodes. */
let run = 0;
function node(heartbeatTtlMs = 1000): Promise<FerryServer> {
  return startServer({ redis: { url: redis.url, heartbeatTtlMs, keyPrefix: `t${run}:` } });
}
async function twoNodes(): Promise<[FerryServer, FerryServer]> {
  run++;
  return [await node(), await node()];
}

async function create(server: FerryServer, role: 'sharer' | 'receiver' = 'receiver') {
  const peer = await TestPeer.connect(server);
  peer.send({ type: 'create', role, name: `${role}-creator` });
  return { peer, created: await peer.next('created') };
}

describe('two signaling nodes sharing a Redis', () => {
  it('pair a session created on A with a sharer joining by its id on B, relaying both ways', async () => {
    const [a, b] = await twoNodes();
    const { peer: receiver, created } = await create(a);
    const sharer = await TestPeer.connect(b);
    sharer.send({ type: 'join', sessionId: created.sessionId, role: 'sharer', name: 'laptop' });
    const joined = await sharer.next('joined');
    expect(joined.sessionId).toBe(created.sessionId);
    expect(joined.peers).toEqual([{ peerId: created.peerId, role: 'receiver', name: 'receiver-creator' }]);
    const notice = await receiver.next('peer-joined');
    expect(notice.peer).toEqual({ peerId: joined.peerId, role: 'sharer', name: 'laptop' });

    await expectRelay(receiver, created.peerId, sharer, joined.peerId);

    sharer.send({ type: 'leave' });
    expect(await receiver.next('peer-left')).toEqual({ type: 'peer-left', peerId: joined.peerId });
    await receiver.expectSilence();
  });

  it('join by code on the other node, and refuse a second sharer whichever node it comes through', async () => {
    const [a, b] = await twoNodes();
    const { peer: sharer, created } = await create(a, 'sharer');
    const receiver = await TestPeer.connect(b);
    receiver.send({ type: 'join', nameplate: created.nameplate, role: 'receiver', name: 'desk' });
    const joined = await receiver.next('joined');
    expect(joined.sessionId).toBe(created.sessionId);
    await sharer.next('peer-joined');

    for (const server of [a, b]) {
      const second = await TestPeer.connect(server);
      second.send({ type: 'join', nameplate: created.nameplate, role: 'sharer', name: 'another' });
      expect((await second.next('error')).code).toBe('sharer-exists');
    }
    await expectRelay(sharer, created.peerId, receiver, joined.peerId);
  });

  it('burn a nameplate for both nodes, and drop the failed joiner on the other node', async () => {
    const [a, b] = await twoNodes();
    const { peer: sharer, created } = await create(a, 'sharer');
    const guesser = await TestPeer.connect(b);
    guesser.send({ type: 'join', nameplate: created.nameplate, role: 'receiver', name: 'guess' });
    const joined = await guesser.next('joined');
    await sharer.next('peer-joined');

    sharer.send({ type: 'code-failed', peerId: joined.peerId });
    expect(await sharer.next('nameplate-burned')).toEqual({
      type: 'nameplate-burned',
      nameplate: created.nameplate,
    });
    expect(await sharer.next('peer-left')).toEqual({ type: 'peer-left', peerId: joined.peerId });
    expect((await guesser.next('nameplate-burned')).nameplate).toBe(created.nameplate);
    expect((await guesser.closed).code).toBe(CLOSE_CODES.codeFailed);

    for (const server of [a, b]) {
      const late = await TestPeer.connect(server);
      late.send({ type: 'join', nameplate: created.nameplate, role: 'receiver', name: 'late' });
      expect((await late.next('error')).code).toBe('code-burned');
      // The link (session id) still works: only the code burned.
      const byLink = await TestPeer.connect(server);
      byLink.send({ type: 'join', sessionId: created.sessionId, role: 'receiver', name: 'link' });
      await byLink.next('joined');
      await sharer.next('peer-joined');
    }
  });

  it('keep unknown ids and nameplates unknown on every node', async () => {
    const [a, b] = await twoNodes();
    await create(a);
    const peer = await TestPeer.connect(b);
    peer.send({ type: 'join', sessionId: 'AAAAAAAAAAAAAAAAAAAAAA', role: 'sharer', name: 'x' });
    expect((await peer.next('error')).code).toBe('unknown-session');
    peer.send({ type: 'join', nameplate: '123456', role: 'sharer', name: 'x' });
    expect((await peer.next('error')).code).toBe('unknown-session');
    peer.send({ type: 'signal', to: 'nobody', data: { type: 'offer', sdp: 'v=0' } });
    expect((await peer.next('error')).code).toBe('not-in-session');
  });

  it('when A closes, tell B’s peers that A’s members left, and keep B’s own sessions working', async () => {
    const [a, b] = await twoNodes();
    const { peer: sharerOnA, created } = await create(a, 'sharer');
    const receiverOnB = await TestPeer.connect(b);
    receiverOnB.send({ type: 'join', sessionId: created.sessionId, role: 'receiver', name: 'desk' });
    await receiverOnB.next('joined');
    await sharerOnA.next('peer-joined');
    const own = await create(b, 'sharer');
    const ownReceiver = await TestPeer.connect(b);
    ownReceiver.send({ type: 'join', nameplate: own.created.nameplate, role: 'receiver', name: 'r' });
    const ownJoined = await ownReceiver.next('joined');
    await own.peer.next('peer-joined');

    await a.close();
    expect(await receiverOnB.next('peer-left')).toEqual({ type: 'peer-left', peerId: created.peerId });
    await expectRelay(own.peer, own.created.peerId, ownReceiver, ownJoined.peerId);
    // The session A's sharer left is still joinable by a new sharer through B.
    const newSharer = await TestPeer.connect(b);
    newSharer.send({ type: 'join', sessionId: created.sessionId, role: 'sharer', name: 'again' });
    await newSharer.next('joined');
    expect((await receiverOnB.next('peer-joined')).peer.name).toBe('again');
  });

  it('when a `ferry serve --redis` node is killed, B’s peers learn its members are gone', async () => {
    run++;
    const prefix = `t${run}:`;
    const b = await node();
    const child = startFerry([
      'serve',
      '--port',
      '0',
      '--redis',
      redis.url,
      '--redis-heartbeat-ms',
      '1000',
      '--redis-prefix',
      prefix,
    ]);
    try {
      const line = await child.waitForLine((text) => text.startsWith('Ferry is running at'));
      // It listens on loopback; the printed name may be `localhost`, which could resolve to ::1.
      const port = Number(new URL(line.replace('Ferry is running at ', '').trim()).port);
      const a = { url: `http://127.0.0.1:${port}`, port, close: async () => {} } satisfies FerryServer;
      const { peer: sharerOnA, created } = await create(a, 'sharer');
      const receiverOnB = await TestPeer.connect(b);
      receiverOnB.send({ type: 'join', nameplate: created.nameplate, role: 'receiver', name: 'desk' });
      const joined = await receiverOnB.next('joined');
      await sharerOnA.next('peer-joined');
      await expectRelay(sharerOnA, created.peerId, receiverOnB, joined.peerId);
      const own = await create(b, 'receiver');

      child.child.kill('SIGKILL');
      await child.exited;
      // Bounded: the heartbeat TTL (1 s) plus one check (0.5 s), with slack for a loaded machine. (A TTL much
      // shorter would let an event-loop stall on a loaded machine pass for a dead node.)
      expect(await receiverOnB.next('peer-left', 10_000)).toEqual({
        type: 'peer-left',
        peerId: created.peerId,
      });

      const sharer = await TestPeer.connect(b);
      sharer.send({ type: 'join', sessionId: own.created.sessionId, role: 'sharer', name: 's' });
      const ownJoined = await sharer.next('joined');
      await own.peer.next('peer-joined');
      await expectRelay(own.peer, own.created.peerId, sharer, ownJoined.peerId);
    } finally {
      child.child.kill('SIGKILL');
    }
  });

  it('expire an idle session for members on both nodes, and free its nameplate', async () => {
    run++;
    const options = {
      redis: { url: redis.url, heartbeatTtlMs: 1000, keyPrefix: `t${run}:` },
      idleTimeoutMs: 400,
    };
    const [a, b] = [await startServer(options), await startServer(options)];
    const { peer: sharer, created } = await create(a, 'sharer');
    const receiver = await TestPeer.connect(b);
    receiver.send({ type: 'join', sessionId: created.sessionId, role: 'receiver', name: 'desk' });
    await receiver.next('joined');
    await sharer.next('peer-joined');
    expect((await sharer.closed).code).toBe(CLOSE_CODES.sessionExpired);
    expect((await receiver.closed).code).toBe(CLOSE_CODES.sessionExpired);
    const late = await TestPeer.connect(b);
    late.send({ type: 'join', nameplate: created.nameplate, role: 'receiver', name: 'late' });
    expect((await late.next('error')).code).toBe('unknown-session');
  });
});

describe('ferry serve --redis', () => {
  it('refuses to start, saying why, when the Redis cannot be reached', async () => {
    const child = startFerry(['serve', '--port', '0', '--redis', 'redis://127.0.0.1:1']);
    try {
      expect(await child.exited).toBe(1);
      expect(child.stderr.join('\n')).toContain('cannot reach Redis at redis://127.0.0.1:1');
    } finally {
      child.child.kill('SIGKILL');
    }
  });
});
