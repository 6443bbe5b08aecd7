/**
 * `resume` (docs/signaling.md "Resuming"): a returning peer joins its live session by id with every check
 * of `join`, keeping its old peer id when free; only a session that is not live is created again under
 * its id. Over a real server and raw sockets, so the wire format is what is tested.
 */
import { describe, expect, it } from 'vitest';
import { parseClientMessage, SignalingProtocolError } from '../../../src/protocol/signaling.ts';
import { expectRelay, pair, startServer, TestPeer } from './helpers.ts';

const SESSION = 'AAAAAAAAAAAAAAAAAAAAAA';
const resume = (fields: object) => ({ type: 'resume', role: 'sharer', name: 'laptop', ...fields });

describe('signaling: resume', () => {
  it('returns a peer to its live session under its old peer id, and tells the others', async () => {
    const server = await startServer();
    const { creator: sharer, joiner: receiver, created, joined } = await pair(server, 'sharer');
    sharer.socket.close();
    expect((await receiver.next('peer-left')).peerId).toBe(created.peerId);

    const back = await TestPeer.connect(server);
    back.send(resume({ sessionId: created.sessionId, peerId: created.peerId, name: 'sharer-1' }));
    const resumed = await back.next('resumed');
    expect(resumed).toEqual({
      type: 'resumed',
      sessionId: created.sessionId,
      peerId: created.peerId,
      nameplate: created.nameplate,
      recreated: false,
      peers: [{ peerId: joined.peerId, role: 'receiver', name: 'receiver-1' }],
    });
    const notice = await receiver.next('peer-joined');
    expect(notice.peer).toEqual({ peerId: created.peerId, role: 'sharer', name: 'sharer-1' });
    await expectRelay(back, created.peerId, receiver, joined.peerId);
  });

  it('gives a fresh peer id when the old one is taken', async () => {
    const server = await startServer();
    const { created, joined } = await pair(server, 'sharer');
    const other = await TestPeer.connect(server);
    other.send(resume({ sessionId: created.sessionId, peerId: joined.peerId, role: 'receiver' }));
    const resumed = await other.next('resumed');
    expect(resumed.recreated).toBe(false);
    expect(resumed.peerId).not.toBe(joined.peerId);
    expect(resumed.peerId).not.toBe(created.peerId);
  });

  it('cannot take over a live session: a second sharer is refused as by join', async () => {
    const server = await startServer();
    const { created } = await pair(server, 'sharer');
    const stranger = await TestPeer.connect(server);
    stranger.send(resume({ sessionId: created.sessionId, peerId: created.peerId }));
    const error = await stranger.next('error');
    expect(error).toMatchObject({ code: 'sharer-exists', inReplyTo: 'resume' });
  });

  it('creates a session that is not live again, under its id, with its nameplate when free', async () => {
    const server = await startServer();
    const first = await TestPeer.connect(server);
    first.send(resume({ sessionId: SESSION, peerId: 'sharerAAA', nameplate: '123456' }));
    expect(await first.next('resumed')).toEqual({
      type: 'resumed',
      sessionId: SESSION,
      peerId: 'sharerAAA',
      nameplate: '123456',
      recreated: true,
      peers: [],
    });
    const second = await TestPeer.connect(server);
    second.send(resume({ sessionId: SESSION, peerId: 'recvAAA', role: 'receiver', name: 'kiosk' }));
    const joined = await second.next('resumed');
    expect(joined).toMatchObject({ recreated: false, peerId: 'recvAAA', nameplate: '123456' });
    expect((await first.next('peer-joined')).peer.peerId).toBe('recvAAA');
    await expectRelay(first, 'sharerAAA', second, 'recvAAA');

    const byCode = await TestPeer.connect(server);
    byCode.send({ type: 'join', nameplate: '123456', role: 'receiver', name: 'phone' });
    expect((await byCode.next('joined')).sessionId).toBe(SESSION);
  });

  it('draws another nameplate when the old one belongs to another session now', async () => {
    const server = await startServer();
    const owner = await TestPeer.connect(server);
    owner.send({ type: 'create', role: 'receiver', name: 'kiosk' });
    const taken = (await owner.next('created')).nameplate;
    const back = await TestPeer.connect(server);
    back.send(resume({ sessionId: SESSION, peerId: 'sharerAAA', nameplate: taken }));
    const resumed = await back.next('resumed');
    expect(resumed.recreated).toBe(true);
    expect(resumed.nameplate).not.toBe(taken);
  });

  it('is refused while already in a session, like create and join', async () => {
    const server = await startServer();
    const { creator, created } = await pair(server, 'sharer');
    creator.send(resume({ sessionId: created.sessionId, peerId: created.peerId }));
    expect(await creator.next('error')).toMatchObject({ code: 'already-in-session', inReplyTo: 'resume' });
  });

  it('rejects malformed resumes with a typed error', () => {
    const bad = [
      resume({ sessionId: 'short', peerId: 'abc' }),
      resume({ sessionId: SESSION }),
      resume({ sessionId: SESSION, peerId: 'has space' }),
      resume({ sessionId: SESSION, peerId: 'abc', nameplate: '0123' }),
      resume({ sessionId: SESSION, peerId: 'abc', role: 'admin' }),
    ];
    for (const message of bad) {
      expect(() => parseClientMessage(JSON.stringify(message))).toThrow(SignalingProtocolError);
    }
    expect(parseClientMessage(JSON.stringify(resume({ sessionId: SESSION, peerId: 'abc' })))).toMatchObject({
      type: 'resume',
    });
  });
});
