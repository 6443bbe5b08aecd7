import { describe, expect, it } from 'vitest';
import { type PeerChannel, RoomError, type RoomLimits, Rooms } from '../../../signaling/rooms.ts';
import { CLOSE_CODES, type ServerMessage } from '../../../src/protocol/signaling.ts';

/** A channel that records what the rooms send, standing in for a socket. */
class FakeChannel implements PeerChannel {
  readonly sent: ServerMessage[] = [];
  closedWith: [number, string] | undefined;
  send(message: ServerMessage): boolean {
    this.sent.push(message);
    return true;
  }
  close(code: number, reason: string): void {
    this.closedWith = [code, reason];
  }
}

const limits: RoomLimits = {
  maxReceivers: 4,
  maxSessions: 3,
  maxSessionsPerOwner: 3,
  sessionTtlMs: 1000,
  idleTimeoutMs: 5000,
};

function setup() {
  let now = 0;
  const rooms = new Rooms(limits, () => now);
  const advance = (ms: number) => {
    now += ms;
    rooms.sweep();
  };
  return { rooms, advance };
}

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof RoomError) return error.code;
    throw error;
  }
  throw new Error('expected a RoomError');
}

describe('Rooms', () => {
  it('draws six-digit nameplates, and frees one only when its session is gone', () => {
    const { rooms, advance } = setup();
    const firstChannel = new FakeChannel();
    const first = rooms.create('receiver', 'a', firstChannel);
    const nameplate = (firstChannel.sent[0] as { nameplate: string }).nameplate;
    expect(nameplate).toMatch(/^[1-9][0-9]{5}$/);
    rooms.leave(first);
    expect(rooms.join({ nameplate }, 'sharer', 's', new FakeChannel()).sessionId).toBe(first.sessionId);
    advance(5000);
    expect(codeOf(() => rooms.join({ nameplate }, 'sharer', 's', new FakeChannel()))).toBe('unknown-session');
  });

  it('caps the live sessions one owner may have created, until they expire', () => {
    let now = 0;
    const rooms = new Rooms({ ...limits, maxSessions: 10, maxSessionsPerOwner: 2 }, () => now);
    const first = rooms.create('sharer', 's', new FakeChannel(), 'addr-a');
    rooms.create('sharer', 's', new FakeChannel(), 'addr-a');
    expect(codeOf(() => rooms.create('sharer', 's', new FakeChannel(), 'addr-a'))).toBe('rate-limited');
    rooms.create('sharer', 's', new FakeChannel(), 'addr-b');
    // Leaving is not enough: an empty session lives on for its TTL (it can be rejoined), and counts.
    rooms.leave(first);
    expect(codeOf(() => rooms.create('sharer', 's', new FakeChannel(), 'addr-a'))).toBe('rate-limited');
    now += limits.sessionTtlMs;
    rooms.sweep();
    rooms.create('sharer', 's', new FakeChannel(), 'addr-a');
  });

  it('burns the nameplate on a failed code attempt and drops the peer only on a trusted word', () => {
    const { rooms } = setup();
    const hostChannel = new FakeChannel();
    const host = rooms.create('receiver', 'box', hostChannel);
    const nameplate = (hostChannel.sent[0] as { nameplate: string }).nameplate;
    const guesserChannel = new FakeChannel();
    const guesser = rooms.join({ nameplate }, 'sharer', 'guess', guesserChannel);

    rooms.codeFailed(guesser, host.peerId); // a guesser's word drops nobody, though the code burns
    expect(hostChannel.closedWith).toBeUndefined();
    expect(hostChannel.sent.at(-1)).toEqual({ type: 'nameplate-burned', nameplate });
    rooms.codeFailed(host, guesser.peerId);
    expect(guesserChannel.closedWith).toEqual([CLOSE_CODES.codeFailed, 'code failed']);
    expect(hostChannel.sent.at(-1)).toEqual({ type: 'peer-left', peerId: guesser.peerId });
    expect(hostChannel.sent.filter((m) => m.type === 'nameplate-burned')).toHaveLength(1);
    expect(codeOf(() => rooms.relay(guesser, host.peerId, {}))).toBe('not-in-session');
    expect(codeOf(() => rooms.join({ nameplate }, 'sharer', 's', new FakeChannel()))).toBe('code-burned');
    expect(rooms.join({ sessionId: host.sessionId }, 'sharer', 's', new FakeChannel()).via).toBe(
      'session-id',
    );
  });

  it('refuses new sessions beyond maxSessions', () => {
    const { rooms } = setup();
    for (let n = 0; n < 3; n++) rooms.create('receiver', 'r', new FakeChannel());
    expect(codeOf(() => rooms.create('receiver', 'r', new FakeChannel()))).toBe('server-full');
  });

  it('keeps an empty session for sessionTtlMs so a peer can reconnect', () => {
    const { rooms, advance } = setup();
    const creator = rooms.create('receiver', 'r', new FakeChannel());
    rooms.leave(creator);
    advance(999);
    const back = rooms.join({ sessionId: creator.sessionId }, 'receiver', 'r', new FakeChannel());
    rooms.leave(back);
    advance(1000);
    expect(rooms.size).toBe(0);
    expect(codeOf(() => rooms.join({ sessionId: creator.sessionId }, 'sharer', 's', new FakeChannel()))).toBe(
      'unknown-session',
    );
  });

  it('closes members of a session idle for idleTimeoutMs; a relay counts as activity', () => {
    const { rooms, advance } = setup();
    const creatorChannel = new FakeChannel();
    const creator = rooms.create('receiver', 'r', creatorChannel);
    const sharer = rooms.join({ sessionId: creator.sessionId }, 'sharer', 's', new FakeChannel());
    advance(4000);
    rooms.relay(sharer, creator.peerId, { type: 'offer' });
    advance(4000);
    expect(creatorChannel.closedWith).toBeUndefined();
    advance(1000);
    expect(creatorChannel.closedWith).toEqual([CLOSE_CODES.sessionExpired, 'session expired']);
    expect(rooms.size).toBe(0);
    rooms.leave(creator); // the socket's close handler arrives later: harmless
  });

  it('does not let a member signal itself', () => {
    const { rooms } = setup();
    const creator = rooms.create('sharer', 's', new FakeChannel());
    expect(codeOf(() => rooms.relay(creator, creator.peerId, {}))).toBe('unknown-peer');
  });
});
