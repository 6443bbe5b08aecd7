/**
 * Issue 11 item 1: no message, sequence or connection pattern crashes or wedges the server, and one
 * client address cannot starve another. 127.0.0.2 and 127.0.0.3 are distinct clients of a server on
 * 127.0.0.1 (all of 127/8 is loopback on Linux).
 */
import { describe, expect, it } from 'vitest';
import { CLOSE_CODES, MAX_MESSAGE_BYTES, type ServerMessage } from '../../../src/protocol/signaling.ts';
import { expectRelay, pair, startServer, TestPeer } from './helpers.ts';

const FLOODER = '127.0.0.2';
const BYSTANDER = '127.0.0.3';

async function pairFrom(server: Awaited<ReturnType<typeof startServer>>, from: string) {
  const creator = await TestPeer.connect(server, { from });
  creator.send({ type: 'create', role: 'sharer', name: 'sharer' });
  const created = await creator.next('created');
  const joiner = await TestPeer.connect(server, { from });
  joiner.send({ type: 'join', sessionId: created.sessionId, role: 'receiver', name: 'receiver' });
  const joined = await joiner.next('joined');
  await creator.next('peer-joined');
  await expectRelay(creator, created.peerId, joiner, joined.peerId);
  return { creator, joiner, created, joined };
}

/** The next error, skipping nothing: the reply must be an `error`. */
async function errorOf(peer: TestPeer): Promise<Extract<ServerMessage, { type: 'error' }>> {
  return peer.next('error');
}

describe('signaling hardening: replies are bounded and sends never throw', () => {
  it('answers a message whose type nearly fills the cap with a short error, and nothing else breaks', async () => {
    const server = await startServer();
    const bystanders = await pair(server);
    const culprit = await TestPeer.connect(server);
    const text = JSON.stringify({ type: 'x'.repeat(16_300) });
    expect(text.length).toBeLessThan(MAX_MESSAGE_BYTES);
    culprit.sendRaw(text);
    const reply = await errorOf(culprit);
    expect(reply.code).toBe('unknown-type');
    expect(reply.inReplyTo).toBeUndefined();
    expect(JSON.stringify(reply).length).toBeLessThan(512);
    await expectRelay(
      bystanders.joiner,
      bystanders.joined.peerId,
      bystanders.creator,
      bystanders.created.peerId,
    );
  });

  it('refuses to relay a signal that would outgrow the cap once re-encoded, telling only the sender', async () => {
    const server = await startServer();
    const bystanders = await pair(server);
    const culprit = await pair(server);
    // JSON.stringify writes 1e21 as 1e+21: each number grows by a byte on its way through the server.
    const numbers = Array.from({ length: 3200 }, () => '1e21').join(',');
    const text = `{"type":"signal","to":"${culprit.created.peerId}","data":{"n":[${numbers}]}}`;
    expect(text.length).toBeLessThan(MAX_MESSAGE_BYTES);
    culprit.joiner.sendRaw(text);
    expect((await errorOf(culprit.joiner)).code).toBe('too-large');
    await expectRelay(culprit.joiner, culprit.joined.peerId, culprit.creator, culprit.created.peerId);
    await expectRelay(
      bystanders.joiner,
      bystanders.joined.peerId,
      bystanders.creator,
      bystanders.created.peerId,
    );
  });

  it('refuses signal data nested deeper than any WebRTC signal', async () => {
    const server = await startServer();
    const { joiner, created } = await pair(server);
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    joiner.sendRaw(`{"type":"signal","to":"${created.peerId}","data":{"deep":${deep}}}`);
    expect((await errorOf(joiner)).code).toBe('bad-message');
  });
});

describe('signaling hardening: per-address limits', () => {
  it('stops one address that creates and leaves sessions in a loop, while another address pairs', async () => {
    const server = await startServer();
    const flooder = await TestPeer.connect(server, { from: FLOODER });
    let refusal: ServerMessage | undefined;
    for (let n = 0; n < 10_000 && refusal === undefined; n++) {
      flooder.send({ type: 'create', role: 'sharer', name: 'flood' });
      const reply = await flooder.nextAny();
      if (reply.type === 'created') flooder.send({ type: 'leave' });
      else refusal = reply;
    }
    expect(refusal?.type).toBe('error');
    if (refusal?.type !== 'error') return;
    expect(refusal?.code).toBe('rate-limited');
    expect(refusal?.retryAfterMs).toBeGreaterThan(0);
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { sessions: number };
    expect(health.sessions).toBeLessThan(100);
    await pairFrom(server, BYSTANDER);
  });

  it('pairs and relays from one address while another floods creates and garbage at the same time', async () => {
    const server = await startServer();
    let flooding = true;
    let floodSockets = 0;
    const flood = (async () => {
      while (flooding) {
        const flooder = await TestPeer.connect(server, { from: FLOODER });
        floodSockets++;
        for (let n = 0; n < 200 && !flooder.isClosed; n++) {
          flooder.send({ type: 'create', role: 'sharer', name: 'flood' });
          flooder.send({ type: 'leave' });
          flooder.sendRaw(n % 2 === 0 ? 'garbage' : JSON.stringify({ type: 'x'.repeat(16_300) }));
          if (n % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        flooder.socket.terminate();
      }
    })();
    try {
      while (floodSockets < 3) await new Promise((resolve) => setTimeout(resolve, 5));
      for (let round = 0; round < 3; round++) await pairFrom(server, BYSTANDER);
    } finally {
      flooding = false;
      await flood;
    }
  });

  it('cuts off an address that keeps sending garbage, over fresh sockets too, while another address pairs', async () => {
    const server = await startServer();
    const closes: number[] = [];
    for (let socket = 0; socket < 10; socket++) {
      const flooder = await TestPeer.connect(server, { from: FLOODER });
      for (let n = 0; n < 30 && !flooder.isClosed; n++) flooder.sendRaw('garbage');
      closes.push((await flooder.closed).code);
    }
    expect(closes).toContain(CLOSE_CODES.rateLimited);
    const late = await TestPeer.connect(server, { from: FLOODER });
    late.sendRaw('garbage');
    expect((await late.closed).code).toBe(CLOSE_CODES.rateLimited);
    await pairFrom(server, BYSTANDER);
  });

  it('caps the sockets one address may hold open, not another’s', async () => {
    const server = await startServer({ limits: { socketsPerAddress: 3 } });
    const held = [];
    for (let n = 0; n < 3; n++) held.push(await TestPeer.connect(server, { from: FLOODER }));
    const extra = await TestPeer.connect(server, { from: FLOODER });
    expect((await errorOf(extra)).code).toBe('rate-limited');
    expect((await extra.closed).code).toBe(CLOSE_CODES.rateLimited);
    await pairFrom(server, BYSTANDER);
    held[0]?.socket.close();
    await held[0]?.closed;
    const again = await TestPeer.connect(server, { from: FLOODER });
    again.send({ type: 'create', role: 'sharer', name: 'back' });
    await again.next('created');
  });

  it('limits the rate of new connections per address', async () => {
    const server = await startServer({ limits: { connections: { burst: 4, perMinute: 1 } } });
    const codes: number[] = [];
    for (let n = 0; n < 6; n++) {
      const peer = await TestPeer.connect(server, { from: FLOODER });
      peer.socket.close();
      codes.push((await peer.closed).code);
    }
    expect(codes.filter((code) => code === CLOSE_CODES.rateLimited)).toHaveLength(2);
    await pairFrom(server, BYSTANDER);
  });

  it('caps live sessions per address', async () => {
    const server = await startServer({ limits: { sessionsPerAddress: 2 } });
    const replies: string[] = [];
    for (let n = 0; n < 3; n++) {
      const peer = await TestPeer.connect(server, { from: FLOODER });
      peer.send({ type: 'create', role: 'sharer', name: 'cap' });
      const reply = await peer.nextAny();
      replies.push(reply.type === 'error' ? reply.code : reply.type);
    }
    expect(replies).toEqual(['created', 'created', 'rate-limited']);
    await pairFrom(server, BYSTANDER);
  });

  it('limits joins per address', async () => {
    const server = await startServer({ limits: { joins: { burst: 3, perMinute: 1 } } });
    const { created } = await pairFrom(server, BYSTANDER);
    const joiner = await TestPeer.connect(server, { from: FLOODER });
    const codes: string[] = [];
    for (let n = 0; n < 4; n++) {
      joiner.send({ type: 'join', sessionId: created.sessionId, role: 'receiver', name: `r${n}` });
      const reply = await joiner.nextAny();
      codes.push(reply.type === 'error' ? reply.code : reply.type);
      if (reply.type === 'joined') joiner.send({ type: 'leave' });
    }
    expect(codes).toEqual(['joined', 'joined', 'joined', 'rate-limited']);
  });
});

describe('signaling hardening: idle sockets, nameplates, the proxy header', () => {
  it('closes a socket that is in no session for connectionIdleMs, and not one that is', async () => {
    const server = await startServer({ connectionIdleMs: 100 });
    const { creator } = await pair(server);
    const idle = await TestPeer.connect(server);
    expect(await idle.closed).toEqual({ code: CLOSE_CODES.idle, reason: 'idle' });
    expect(creator.isClosed).toBe(false);
  });

  it('draws nameplates at random from six-digit numbers, distinct among live sessions', async () => {
    const server = await startServer();
    const nameplates = new Set<string>();
    for (let n = 0; n < 20; n++) {
      const peer = await TestPeer.connect(server);
      peer.send({ type: 'create', role: 'sharer', name: `s${n}` });
      nameplates.add((await peer.next('created')).nameplate);
    }
    expect(nameplates.size).toBe(20);
    for (const nameplate of nameplates) expect(nameplate).toMatch(/^[1-9][0-9]{5}$/);
    expect(nameplates.has('100000')).toBe(false); // not counted up from the bottom
  });

  it('takes the client address from the configured proxy header only', async () => {
    const direct = await startServer({ limits: { socketsPerAddress: 1 } });
    await TestPeer.connect(direct, { headers: { 'x-forwarded-for': '198.51.100.1' } });
    const spoofed = await TestPeer.connect(direct, { headers: { 'x-forwarded-for': '198.51.100.2' } });
    expect((await spoofed.closed).code).toBe(CLOSE_CODES.rateLimited);

    const proxied = await startServer({ limits: { socketsPerAddress: 1 }, trustProxy: 'X-Forwarded-For' });
    const first = await TestPeer.connect(proxied, {
      headers: { 'x-forwarded-for': '203.0.113.9, 198.51.100.1' },
    });
    const other = await TestPeer.connect(proxied, { headers: { 'x-forwarded-for': '198.51.100.2' } });
    for (const peer of [first, other]) {
      peer.send({ type: 'create', role: 'sharer', name: 'behind-proxy' });
      await peer.next('created');
    }
    // The rightmost entry is the one the proxy wrote: a client cannot pick its address by prepending one.
    const same = await TestPeer.connect(proxied, {
      headers: { 'x-forwarded-for': '10.9.9.9, 198.51.100.1' },
    });
    expect((await same.closed).code).toBe(CLOSE_CODES.rateLimited);
  });
});

describe('signaling hardening: a failed code attempt burns the nameplate', () => {
  it('tells the members, refuses later joins by the code, drops the failed peer, and keeps the link working', async () => {
    const server = await startServer();
    const sharer = await TestPeer.connect(server);
    sharer.send({ type: 'create', role: 'sharer', name: 'desk' });
    const created = await sharer.next('created');
    const guesser = await TestPeer.connect(server);
    guesser.send({ type: 'join', nameplate: created.nameplate, role: 'receiver', name: 'guess' });
    const guessed = await guesser.next('joined');
    await sharer.next('peer-joined');

    sharer.send({ type: 'code-failed', peerId: guessed.peerId });
    expect(await sharer.next('nameplate-burned')).toEqual({
      type: 'nameplate-burned',
      nameplate: created.nameplate,
    });
    expect((await guesser.closed).code).toBe(CLOSE_CODES.codeFailed);
    expect((await sharer.next('peer-left')).peerId).toBe(guessed.peerId);

    const late = await TestPeer.connect(server);
    late.send({ type: 'join', nameplate: created.nameplate, role: 'receiver', name: 'late' });
    expect((await errorOf(late)).code).toBe('code-burned');
    late.send({ type: 'join', sessionId: created.sessionId, role: 'receiver', name: 'late' });
    const joined = await late.next('joined');
    await sharer.next('peer-joined');
    await expectRelay(late, joined.peerId, sharer, created.peerId);
  });

  it('lets a member that came by the code report too: the code burns, but nobody is dropped on its word', async () => {
    const server = await startServer();
    const host = await TestPeer.connect(server);
    host.send({ type: 'create', role: 'receiver', name: 'box' });
    const created = await host.next('created');
    const sharer = await TestPeer.connect(server);
    sharer.send({ type: 'join', nameplate: created.nameplate, role: 'sharer', name: 'typist' });
    const joined = await sharer.next('joined');
    await host.next('peer-joined');

    sharer.send({ type: 'code-failed', peerId: created.peerId });
    expect((await host.next('nameplate-burned')).nameplate).toBe(created.nameplate);
    expect((await sharer.next('nameplate-burned')).nameplate).toBe(created.nameplate);
    await expectRelay(sharer, joined.peerId, host, created.peerId);
  });
});
