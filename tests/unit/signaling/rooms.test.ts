import { describe, expect, it } from 'vitest';
import { type PeerChannel, RoomError, type RoomLimits, Rooms } from '../../../signaling/rooms.ts';
import { CLOSE_CODES, type ServerMessage } from '../../../src/protocol/signaling.ts';

/** A channel that records what the rooms send, standing in for a socket. */
class FakeChannel implements PeerChannel {
  readonly sent: ServerMessage[] = [];
  closedWith: [number, string] | undefined;
  send(message: ServerMessage): void {
    this.sent.push(message);
  }
  close(code: number, reason: string): void {
    this.closedWith = [code, reason];
  }
}

const limits: RoomLimits = { maxReceivers: 4, maxSessions: 3, sessionTtlMs: 1000, idleTimeoutMs: 5000 };

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
  it('reuses the smallest free nameplate once a session is gone', () => {
    const { rooms, advance } = setup();
    const first = rooms.create('receiver', 'a', new FakeChannel());
    rooms.create('receiver', 'b', new FakeChannel());
    rooms.leave(first);
    advance(1000);
    const channel = new FakeChannel();
    rooms.create('receiver', 'c', channel);
    expect(channel.sent[0]).toMatchObject({ type: 'created', nameplate: '1' });
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
