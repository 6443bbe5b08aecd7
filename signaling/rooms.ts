/**
 * Sessions ("rooms") and their members, with no sockets: each member is reached through a PeerChannel,
 * and time comes from an injected clock, so every rule here is unit-testable without I/O.
 */
import { randomBytes } from 'node:crypto';
import {
  CLOSE_CODES,
  type PeerInfo,
  type Role,
  type ServerErrorCode,
  type ServerMessage,
  type SignalData,
} from '../src/protocol/signaling.ts';

/** How the rooms reach one connected peer; the server backs it with a WebSocket. */
export interface PeerChannel {
  send(message: ServerMessage): void;
  close(code: number, reason: string): void;
}

export interface RoomLimits {
  maxReceivers: number;
  maxSessions: number;
  /** A session with no connected member is deleted after this long (lets a peer reconnect meanwhile). */
  sessionTtlMs: number;
  /** A session whose members have sent nothing for this long is closed, members and all. */
  idleTimeoutMs: number;
}

export interface Member extends PeerInfo {
  readonly sessionId: string;
  readonly channel: PeerChannel;
}

interface Session {
  readonly id: string;
  readonly nameplate: string;
  readonly members: Map<string, Member>;
  lastActivityAt: number;
  emptySince: number | undefined;
}

export type JoinTarget = { sessionId: string } | { nameplate: string };

/** A request the rooms refuse; the server turns it into an `error` reply. */
export class RoomError extends Error {
  override name = 'RoomError';

  constructor(
    readonly code: ServerErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export class Rooms {
  private readonly sessions = new Map<string, Session>();
  private readonly byNameplate = new Map<string, Session>();

  constructor(
    private readonly limits: RoomLimits,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  create(role: Role, name: string, channel: PeerChannel): Member {
    if (this.sessions.size >= this.limits.maxSessions) {
      throw new RoomError('server-full', 'too many live sessions; try again later');
    }
    const session: Session = {
      id: randomBytes(16).toString('base64url'),
      nameplate: this.freeNameplate(),
      members: new Map(),
      lastActivityAt: this.now(),
      emptySince: undefined,
    };
    this.sessions.set(session.id, session);
    this.byNameplate.set(session.nameplate, session);
    const member = this.admit(session, role, name, channel);
    channel.send({
      type: 'created',
      sessionId: session.id,
      nameplate: session.nameplate,
      peerId: member.peerId,
    });
    return member;
  }

  join(target: JoinTarget, role: Role, name: string, channel: PeerChannel): Member {
    const session = this.find(target);
    this.checkRoomFor(session, role);
    const others = [...session.members.values()];
    const member = this.admit(session, role, name, channel);
    channel.send({
      type: 'joined',
      sessionId: session.id,
      peerId: member.peerId,
      peers: others.map(peerInfo),
    });
    for (const other of others) other.channel.send({ type: 'peer-joined', peer: peerInfo(member) });
    return member;
  }

  /** Forwards an opaque signal to one member of the sender's own session, never further. */
  relay(from: Member, to: string, data: SignalData): void {
    const session = this.sessionOf(from);
    const target = session.members.get(to);
    if (target === undefined || target === from) {
      throw new RoomError('unknown-peer', `no peer "${to}" in this session`);
    }
    session.lastActivityAt = this.now();
    target.channel.send({ type: 'signal', from: from.peerId, data });
  }

  /** Removes a member (it left or its socket closed). Safe to call twice or after the session expired. */
  leave(member: Member): void {
    const session = this.sessions.get(member.sessionId);
    if (session?.members.get(member.peerId) !== member) return;
    session.members.delete(member.peerId);
    for (const other of session.members.values()) {
      other.channel.send({ type: 'peer-left', peerId: member.peerId });
    }
    if (session.members.size === 0) session.emptySince = this.now();
  }

  /** Deletes sessions that were empty or idle too long; the server calls this on a timer. */
  sweep(): void {
    const now = this.now();
    for (const session of this.sessions.values()) {
      const emptyTooLong =
        session.emptySince !== undefined && now - session.emptySince >= this.limits.sessionTtlMs;
      const idleTooLong = now - session.lastActivityAt >= this.limits.idleTimeoutMs;
      if (emptyTooLong || idleTooLong) this.expire(session);
    }
  }

  private expire(session: Session): void {
    this.sessions.delete(session.id);
    this.byNameplate.delete(session.nameplate);
    for (const member of session.members.values()) {
      member.channel.close(CLOSE_CODES.sessionExpired, 'session expired');
    }
  }

  private find(target: JoinTarget): Session {
    const session =
      'sessionId' in target ? this.sessions.get(target.sessionId) : this.byNameplate.get(target.nameplate);
    if (session === undefined)
      throw new RoomError('unknown-session', 'no such session (it may have expired)');
    return session;
  }

  private sessionOf(member: Member): Session {
    const session = this.sessions.get(member.sessionId);
    if (session === undefined) throw new RoomError('unknown-session', 'this session has expired');
    return session;
  }

  private checkRoomFor(session: Session, role: Role): void {
    const members = [...session.members.values()];
    if (role === 'sharer' && members.some((member) => member.role === 'sharer')) {
      throw new RoomError('sharer-exists', 'this session already has a sharer');
    }
    const receivers = members.filter((member) => member.role === 'receiver').length;
    if (role === 'receiver' && receivers >= this.limits.maxReceivers) {
      throw new RoomError('session-full', `this session already has ${receivers} receivers`);
    }
  }

  private admit(session: Session, role: Role, name: string, channel: PeerChannel): Member {
    const member: Member = { peerId: this.freePeerId(session), role, name, sessionId: session.id, channel };
    session.members.set(member.peerId, member);
    session.emptySince = undefined;
    session.lastActivityAt = this.now();
    return member;
  }

  /** The smallest free number, so codes stay short to type: "3-…" rather than "48213-…". */
  private freeNameplate(): string {
    let candidate = 1;
    while (this.byNameplate.has(String(candidate))) candidate++;
    return String(candidate);
  }

  private freePeerId(session: Session): string {
    // 48 random bits: ids need only be unique within one small room, and must not hint at join order.
    let peerId: string;
    do peerId = randomBytes(6).toString('base64url');
    while (session.members.has(peerId));
    return peerId;
  }
}

function peerInfo(member: Member): PeerInfo {
  return { peerId: member.peerId, role: member.role, name: member.name };
}
