import { describe, expect, it } from 'vitest';
import { CLOSE_CODES, MAX_MESSAGE_BYTES } from '../../../src/protocol/signaling.ts';
import { expectRelay, pair, startServer, TestPeer } from './helpers.ts';

describe('signaling server: pairing and relay', () => {
  it('pairs receiver-first: the receiver creates, a sharer joins by session id, signals flow both ways', async () => {
    const server = await startServer();
    const { creator, joiner, created, joined, notice } = await pair(server, 'receiver');

    expect(created.sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(created.nameplate).toMatch(/^[1-9][0-9]{5}$/);
    expect(joined.sessionId).toBe(created.sessionId);
    expect(joined.peers).toEqual([{ peerId: created.peerId, role: 'receiver', name: 'receiver-1' }]);
    expect(notice.peer).toEqual({ peerId: joined.peerId, role: 'sharer', name: 'sharer-1' });
    await expectRelay(joiner, joined.peerId, creator, created.peerId);
  });

  it('pairs sharer-first', async () => {
    const server = await startServer();
    const { creator, joiner, created, joined } = await pair(server, 'sharer');
    expect(joined.peers[0]?.role).toBe('sharer');
    await expectRelay(creator, created.peerId, joiner, joined.peerId);
  });

  it('joins by nameplate, and hands out distinct nameplates to live sessions', async () => {
    const server = await startServer();
    const first = await pair(server);
    const creator = await TestPeer.connect(server);
    creator.send({ type: 'create', role: 'receiver', name: 'second' });
    const created = await creator.next('created');
    expect(created.nameplate).not.toBe(first.created.nameplate);

    const sharer = await TestPeer.connect(server);
    sharer.send({ type: 'join', nameplate: created.nameplate, role: 'sharer', name: 'typist' });
    const joined = await sharer.next('joined');
    expect(joined.sessionId).toBe(created.sessionId);
    await creator.next('peer-joined');
    await expectRelay(sharer, joined.peerId, creator, created.peerId);
    await first.creator.expectSilence();
  });

  it('relays only to the addressed member of the same session', async () => {
    const server = await startServer();
    const a = await pair(server);
    const b = await pair(server);
    const extra = await TestPeer.connect(server);
    extra.send({ type: 'join', sessionId: a.created.sessionId, role: 'receiver', name: 'receiver-2' });
    await extra.next('joined');
    await a.creator.next('peer-joined');
    await a.joiner.next('peer-joined');

    // A member of session B cannot reach session A's peer, even knowing its id.
    b.joiner.send({ type: 'signal', to: a.created.peerId, data: { type: 'offer', sdp: 'x' } });
    expect((await b.joiner.next('error')).code).toBe('unknown-peer');

    a.joiner.send({ type: 'signal', to: a.created.peerId, data: { type: 'candidate', candidate: {} } });
    expect((await a.creator.next('signal')).data).toEqual({ type: 'candidate', candidate: {} });
    await Promise.all([extra.expectSilence(), b.creator.expectSilence()]);
  });

  it('rejects a second sharer, a receiver beyond the cap, and unknown sessions', async () => {
    const server = await startServer({ maxReceivers: 2 });
    const { created } = await pair(server, 'sharer');
    const sessionId = created.sessionId;

    const secondSharer = await TestPeer.connect(server);
    secondSharer.send({ type: 'join', sessionId, role: 'sharer', name: 'again' });
    expect(await secondSharer.next('error')).toMatchObject({ code: 'sharer-exists', inReplyTo: 'join' });

    const third = await TestPeer.connect(server);
    third.send({ type: 'join', sessionId, role: 'receiver', name: 'r2' });
    await third.next('joined');
    const fourth = await TestPeer.connect(server);
    fourth.send({ type: 'join', sessionId, role: 'receiver', name: 'r3' });
    expect((await fourth.next('error')).code).toBe('session-full');

    fourth.send({ type: 'join', sessionId: 'A'.repeat(22), role: 'receiver', name: 'r3' });
    expect((await fourth.next('error')).code).toBe('unknown-session');
    fourth.send({ type: 'join', nameplate: '999', role: 'receiver', name: 'r3' });
    expect((await fourth.next('error')).code).toBe('unknown-session');
  });

  it('defaults to four receivers per session', async () => {
    const server = await startServer();
    const { created } = await pair(server, 'sharer');
    for (let n = 2; n <= 5; n++) {
      const receiver = await TestPeer.connect(server);
      receiver.send({ type: 'join', sessionId: created.sessionId, role: 'receiver', name: `r${n}` });
      const reply = await receiver.next(n <= 4 ? 'joined' : 'error');
      if (reply.type === 'error') expect(reply.code).toBe('session-full');
    }
  });

  it('tells the others when a peer leaves or its socket vanishes', async () => {
    const server = await startServer();
    const { creator, joiner, joined } = await pair(server);
    joiner.send({ type: 'leave' });
    expect((await creator.next('peer-left')).peerId).toBe(joined.peerId);

    const again = await pair(server);
    again.joiner.socket.terminate();
    expect((await again.creator.next('peer-left')).peerId).toBe(again.joined.peerId);
  });

  it('relays what a socket sent just before it closed (a closing page says goodbye, then closes)', async () => {
    const server = await startServer();
    const { creator, joiner, created, joined } = await pair(server, 'sharer');
    creator.send({ type: 'signal', to: joined.peerId, data: { type: 'goodbye' } });
    creator.socket.close(1000, 'bye');
    const relayed = await joiner.next('signal');
    expect(relayed).toMatchObject({ from: created.peerId, data: { type: 'goodbye' } });
    expect((await joiner.next('peer-left')).peerId).toBe(created.peerId);
  });

  it('terminates a peer that stops answering pings', async () => {
    const server = await startServer({ pingIntervalMs: 50 });
    const { creator, joiner, joined } = await pair(server);
    joiner.socket.pause(); // no reads, so no pongs: looks dead to the server
    expect((await creator.next('peer-left')).peerId).toBe(joined.peerId);
  });
});

describe('signaling server: bad input fails only that socket', () => {
  const badMessages: Array<[string, string, string]> = [
    ['malformed JSON', '{"type": "join"', 'bad-json'],
    ['a JSON array', '[1,2,3]', 'bad-message'],
    ['an unknown type', '{"type":"subscribe","topics":["x"]}', 'unknown-type'],
    [
      'a join with both targets',
      JSON.stringify({ type: 'join', sessionId: 'A'.repeat(22), nameplate: '1', role: 'sharer', name: 'n' }),
      'bad-message',
    ],
    ['a signal with non-object data', '{"type":"signal","to":"abc","data":"offer"}', 'bad-message'],
    ['a signal before joining', '{"type":"signal","to":"abc","data":{}}', 'not-in-session'],
  ];

  it.each(badMessages)('answers %s with an error and keeps other sessions working', async (_, text, code) => {
    const server = await startServer();
    const bystanders = await pair(server);
    const culprit = await TestPeer.connect(server);
    culprit.sendRaw(text);
    expect((await culprit.next('error')).code).toBe(code);
    await expectRelay(
      bystanders.joiner,
      bystanders.joined.peerId,
      bystanders.creator,
      bystanders.created.peerId,
    );
  });

  it('closes an oversized message’s socket only', async () => {
    const server = await startServer();
    const bystanders = await pair(server);
    const culprit = await pair(server);
    culprit.joiner.send({
      type: 'signal',
      to: culprit.created.peerId,
      data: { sdp: 'x'.repeat(MAX_MESSAGE_BYTES) },
    });
    expect((await culprit.joiner.closed).code).toBe(1009); // ws: message too big
    expect((await culprit.creator.next('peer-left')).peerId).toBe(culprit.joined.peerId);
    await expectRelay(
      bystanders.joiner,
      bystanders.joined.peerId,
      bystanders.creator,
      bystanders.created.peerId,
    );
  });

  it('closes a socket after too many bad messages, with a reason', async () => {
    const server = await startServer({ maxBadMessages: 3 });
    const bystanders = await pair(server);
    const culprit = await TestPeer.connect(server);
    for (let n = 0; n < 3; n++) culprit.sendRaw('nope');
    expect(await culprit.closed).toEqual({
      code: CLOSE_CODES.tooManyErrors,
      reason: 'too many bad messages',
    });
    await expectRelay(
      bystanders.joiner,
      bystanders.joined.peerId,
      bystanders.creator,
      bystanders.created.peerId,
    );
  });

  it('refuses create or join from a socket already in a session', async () => {
    const server = await startServer();
    const { joiner, created } = await pair(server);
    joiner.send({ type: 'create', role: 'sharer', name: 'twice' });
    expect((await joiner.next('error')).code).toBe('already-in-session');
    joiner.send({ type: 'join', sessionId: created.sessionId, role: 'sharer', name: 'twice' });
    expect((await joiner.next('error')).code).toBe('already-in-session');
  });
});

describe('signaling server: expiry', () => {
  it('deletes a session nobody is connected to after sessionTtlMs', async () => {
    const server = await startServer({ sessionTtlMs: 100 });
    const creator = await TestPeer.connect(server);
    creator.send({ type: 'create', role: 'receiver', name: 'r' });
    const { sessionId } = await creator.next('created');
    creator.send({ type: 'leave' });

    // Within the TTL the session can still be rejoined (a peer reconnecting)...
    const early = await TestPeer.connect(server);
    early.send({ type: 'join', sessionId, role: 'sharer', name: 's' });
    await early.next('joined');
    early.send({ type: 'leave' });

    // ...after it, it is gone.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const late = await TestPeer.connect(server);
    late.send({ type: 'join', sessionId, role: 'sharer', name: 's' });
    expect((await late.next('error')).code).toBe('unknown-session');
  });

  it('closes a session whose members have been idle for idleTimeoutMs', async () => {
    const server = await startServer({ idleTimeoutMs: 60 });
    const { creator, joiner } = await pair(server);
    const closes = await Promise.all([creator.closed, joiner.closed]);
    expect(closes).toEqual([
      { code: CLOSE_CODES.sessionExpired, reason: 'session expired' },
      { code: CLOSE_CODES.sessionExpired, reason: 'session expired' },
    ]);
    const health = await fetch(`${server.url}/healthz`);
    expect(await health.json()).toEqual({ ok: true, sessions: 0 });
  });
});

describe('/config.json', () => {
  it('tells the web app which ICE servers to use, none by default', async () => {
    const plain = await startServer({});
    expect(await (await fetch(`${plain.url}/config.json`)).json()).toEqual({ iceServers: [] });
    const withStun = await startServer({ iceServers: [{ urls: 'stun:stun.example.org' }] });
    expect(await (await fetch(`${withStun.url}/config.json`)).json()).toEqual({
      iceServers: [{ urls: 'stun:stun.example.org' }],
    });
  });
});
