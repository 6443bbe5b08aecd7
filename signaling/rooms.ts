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
import { drawNameplate, NAMEPLATE_SPACE } from './nameplates.ts';
import type { SessionStore } from './session-store.ts';

/** How the rooms reach one connected peer; the server backs it with a WebSocket. */
export interface PeerChannel {
  /** Never throws. False when the message could not be encoded (it would be over the size cap). */
  send(message: ServerMessage): boolean;
  close(code: number, reason: string): void;
}

export interface RoomLimits {
  maxReceivers: number;
  maxSessions: number;
  /** Live sessions one client address may have created. */
  maxSessionsPerOwner: number;
  /** A session with no connected member is deleted after this long (lets a peer reconnect meanwhile). */
  sessionTtlMs: number;
  /** A session whose members have sent nothing for this long is closed, members and all. */
  idleTimeoutMs: number;
}

/** How a member got in: created the session, knew its id (a link), or typed its nameplate (a code). */
export type JoinedVia = 'create' | 'session-id' | 'nameplate';

export interface Member extends PeerInfo {
  readonly sessionId: string;
  readonly channel: PeerChannel;
  readonly via: JoinedVia;
}

interface Session {
  readonly id: string;
  readonly nameplate: string;
  /** The client address that created it, whose session budget it counts against. */
  readonly owner: string;
  /** A failed code attempt burned the nameplate: it stays reserved, but joins by it are refused. */
  burned: boolean;
  readonly members: Map<string, Member>;
  lastActivityAt: number;
  emptySince: number | undefined;
}

export type JoinTarget = { sessionId: string } | { nameplate: string };

/** What a returning peer asks for (a `resume` message): its session, role, name and old peer id. */
export interface ResumeRequest {
  sessionId: string;
  peerId: string;
  role: Role;
  name: string;
  /** The session's nameplate as this peer knew it: kept if the session is created again and it is free. */
  nameplate?: string | undefined;
}

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

/** The in-memory store: one process, synchronous, the default. */
export class Rooms implements SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly byNameplate = new Map<string, Session>();
  private readonly ownedBy = new Map<string, number>();

  constructor(
    private readonly limits: RoomLimits,
    private readonly now: () => number = Date.now,
  ) {
    // Keeps random draws cheap and a scan's odds of hitting a live nameplate small (docs/security.md).
    if (limits.maxSessions > NAMEPLATE_SPACE / 10) {
      throw new RangeError(`maxSessions may be at most ${NAMEPLATE_SPACE / 10}`);
    }
  }

  get size(): number {
    return this.sessions.size;
  }

  create(role: Role, name: string, channel: PeerChannel, owner = ''): Member {
    const session = this.newSession(randomBytes(16).toString('base64url'), undefined, owner);
    const member = this.admit(session, role, name, channel, 'create');
    channel.send({
      type: 'created',
      sessionId: session.id,
      nameplate: session.nameplate,
      peerId: member.peerId,
    });
    return member;
  }

  /**
   * A returning peer: joins its live session by id (every check of `join` applies), or, only when no live
   * session has that id, creates it again under that id. Either way it keeps its old peer id if free.
   */
  resume(request: ResumeRequest, channel: PeerChannel, owner = ''): Member {
    const live = this.sessions.get(request.sessionId);
    const recreated = live === undefined;
    const session = live ?? this.newSession(request.sessionId, request.nameplate, owner);
    if (!recreated) this.checkRoomFor(session, request.role);
    const others = [...session.members.values()];
    const via: JoinedVia = recreated ? 'create' : 'session-id';
    const member = this.admit(session, request.role, request.name, channel, via, request.peerId);
    channel.send({
      type: 'resumed',
      sessionId: session.id,
      peerId: member.peerId,
      nameplate: session.nameplate,
      recreated,
      peers: others.map(peerInfo),
    });
    for (const other of others) other.channel.send({ type: 'peer-joined', peer: peerInfo(member) });
    return member;
  }

  join(target: JoinTarget, role: Role, name: string, channel: PeerChannel): Member {
    const session = this.find(target);
    this.checkRoomFor(session, role);
    const others = [...session.members.values()];
    const via: JoinedVia = 'sessionId' in target ? 'session-id' : 'nameplate';
    const member = this.admit(session, role, name, channel, via);
    channel.send({
      type: 'joined',
      sessionId: session.id,
      nameplate: session.nameplate,
      peerId: member.peerId,
      peers: others.map(peerInfo),
    });
    for (const other of others) other.channel.send({ type: 'peer-joined', peer: peerInfo(member) });
    return member;
  }

  /** Forwards an opaque signal to one member of the sender's own session, never further. */
  relay(from: Member, to: string, data: SignalData): void {
    const session = this.sessionWith(from);
    const target = session.members.get(to);
    if (target === undefined || target === from) {
      throw new RoomError('unknown-peer', `no peer "${to}" in this session`);
    }
    session.lastActivityAt = this.now();
    if (!target.channel.send({ type: 'signal', from: from.peerId, data })) {
      // Re-encoding can grow a message (1e21 becomes 1e+21), so a signal under the cap may not fit.
      throw new RoomError('too-large', 'this signal is too large to relay');
    }
  }

  /**
   * A member reports that `peerId` failed to prove the short code. The nameplate burns (no more joins by
   * it) and every member is told. The failed peer is also dropped, but only on the word of a member that
   * did not come by the code itself: a guesser must not be able to drop the people it guessed its way to.
   */
  codeFailed(reporter: Member, peerId: string): void {
    const session = this.sessionWith(reporter);
    if (!session.burned) {
      session.burned = true;
      for (const member of session.members.values()) {
        member.channel.send({ type: 'nameplate-burned', nameplate: session.nameplate });
      }
    }
    const failed = session.members.get(peerId);
    if (failed !== undefined && failed.via === 'nameplate' && reporter.via !== 'nameplate') {
      this.leave(failed);
      failed.channel.close(CLOSE_CODES.codeFailed, 'code failed');
    }
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

  /** A new live session under `id`, keeping `nameplate` when it is free; counted against `owner`. */
  private newSession(id: string, nameplate: string | undefined, owner: string): Session {
    if (this.sessions.size >= this.limits.maxSessions) {
      throw new RoomError('server-full', 'too many live sessions; try again later');
    }
    const owned = this.ownedBy.get(owner) ?? 0;
    if (owned >= this.limits.maxSessionsPerOwner) {
      throw new RoomError(
        'rate-limited',
        `too many live sessions from your address (${this.limits.maxSessionsPerOwner}); they expire once left`,
      );
    }
    const free = nameplate !== undefined && !this.byNameplate.has(nameplate);
    const session: Session = {
      id,
      nameplate: free ? nameplate : drawNameplate((candidate) => this.byNameplate.has(candidate)),
      owner,
      burned: false,
      members: new Map(),
      lastActivityAt: this.now(),
      emptySince: undefined,
    };
    this.sessions.set(session.id, session);
    this.byNameplate.set(session.nameplate, session);
    this.ownedBy.set(owner, owned + 1);
    return session;
  }

  private expire(session: Session): void {
    this.sessions.delete(session.id);
    this.byNameplate.delete(session.nameplate);
    const owned = (this.ownedBy.get(session.owner) ?? 1) - 1;
    if (owned > 0) this.ownedBy.set(session.owner, owned);
    else this.ownedBy.delete(session.owner);
    for (const member of session.members.values()) {
      member.channel.close(CLOSE_CODES.sessionExpired, 'session expired');
    }
  }

  private find(target: JoinTarget): Session {
    const session =
      'sessionId' in target ? this.sessions.get(target.sessionId) : this.byNameplate.get(target.nameplate);
    if (session === undefined)
      throw new RoomError('unknown-session', 'no such session (it may have expired)');
    if ('nameplate' in target && session.burned) {
      throw new RoomError(
        'code-burned',
        'this code no longer works: someone tried it with the wrong words; ask for the link instead',
      );
    }
    return session;
  }

  /** The member's session, if it is still in it (an expired session, or a dropped member, is not). */
  private sessionWith(member: Member): Session {
    const session = this.sessions.get(member.sessionId);
    if (session === undefined) throw new RoomError('unknown-session', 'this session has expired');
    if (session.members.get(member.peerId) !== member) {
      throw new RoomError('not-in-session', 'you are no longer in this session');
    }
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

  private admit(
    session: Session,
    role: Role,
    name: string,
    channel: PeerChannel,
    via: JoinedVia,
    wantedPeerId?: string,
  ): Member {
    const keep = wantedPeerId !== undefined && !session.members.has(wantedPeerId);
    const member: Member = {
      peerId: keep ? wantedPeerId : this.freePeerId(session),
      role,
      name,
      sessionId: session.id,
      channel,
      via,
    };
    session.members.set(member.peerId, member);
    session.emptySince = undefined;
    session.lastActivityAt = this.now();
    return member;
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
