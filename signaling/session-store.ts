/**
 * What the connections ask of the sessions, whoever keeps them: `Rooms` in this process's memory (the
 * default), or `RedisRooms` in a Redis shared by several server processes. Each operation may answer at
 * once or later, so a connection awaits every one, in the order its messages came.
 */
import type { Role, SignalData } from '../src/protocol/signaling.ts';
import type { JoinTarget, Member, PeerChannel, ResumeRequest } from './rooms.ts';

export interface SessionStore {
  /** Live sessions this process counts (for /healthz and the limits). */
  readonly size: number;
  create(role: Role, name: string, channel: PeerChannel, owner?: string): Member | Promise<Member>;
  join(target: JoinTarget, role: Role, name: string, channel: PeerChannel): Member | Promise<Member>;
  /** A returning peer: its live session joined by id, or (none live) created again under that id. */
  resume(request: ResumeRequest, channel: PeerChannel, owner?: string): Member | Promise<Member>;
  relay(from: Member, to: string, data: SignalData): void | Promise<void>;
  codeFailed(reporter: Member, peerId: string): void | Promise<void>;
  /** Safe to call twice, or after the session expired. */
  leave(member: Member): void | Promise<void>;
  /** Expires what is due; the server calls this on a timer. */
  sweep(): void | Promise<void>;
  /** Releases what the store holds outside this process (connections, keys). */
  close?(): Promise<void>;
}
