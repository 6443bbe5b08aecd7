/**
 * The session store for several server processes ("nodes") sharing one Redis: sessions, nameplates and
 * members live in Redis keys with TTLs (redis-scripts.ts), and every event of a session (a peer joined or
 * left, a signal, a burned nameplate) is published on the session's channel, to which each node with a
 * member in it subscribes and delivers to its own sockets. Each node keeps a heartbeat key alive and tags
 * its members with its id, so when a node dies the others remove its members and tell their peers.
 * Budgets (maxSessions, sessions per address) are counted per node.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  CLOSE_CODES,
  type PeerInfo,
  type Role,
  type ServerErrorCode,
  type SignalData,
} from '../src/protocol/signaling.ts';
import { drawNameplate } from './nameplates.ts';
import { CODE_FAILED, CREATE, JOIN, LEAVE, RELAY } from './redis-scripts.ts';
import { encodeForSocket } from './replies.ts';
import {
  type JoinedVia,
  type JoinTarget,
  type Member,
  type PeerChannel,
  type ResumeRequest,
  RoomError,
  type RoomLimits,
} from './rooms.ts';
import type { SessionStore } from './session-store.ts';

export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port[/db]`. */
  url: string;
  /** A node whose heartbeat is this old is dead to the others (default 15 s; tests use less). */
  heartbeatTtlMs?: number;
  /** Prefix of every key and channel (default `ferry:`), so several deployments can share one Redis. */
  keyPrefix?: string;
}

type Event =
  | { e: 'joined'; peer: PeerInfo }
  | { e: 'left'; peerId: string }
  | { e: 'signal'; from: string; to: string; data: SignalData }
  | { e: 'burned'; nameplate: string }
  | { e: 'drop'; peerId: string };

interface StoredMember {
  role: Role;
  name: string;
  via: JoinedVia;
  node: string;
}

/** The members of one session connected to this node, and joins still under way (they hold the channel). */
interface LocalSession {
  readonly members: Map<string, Member>;
  pending: number;
  /**
   * Per member that joined, the peers its `joined` list named: a `joined` event of one of them may still
   * be on its way (published just before this member's join ran), and must not announce it twice.
   */
  readonly listed: WeakMap<Member, Set<string>>;
}

const MESSAGES: Partial<Record<ServerErrorCode, string>> = {
  'unknown-session': 'no such session (it may have expired)',
  'code-burned': 'this code no longer works: someone tried it with the wrong words; ask for the link instead',
  'sharer-exists': 'this session already has a sharer',
  'not-in-session': 'you are no longer in this session',
  'unknown-peer': 'no such peer in this session',
};

/** A node whose heartbeat has been gone this long is forgotten from the node list. */
const FORGET_NODE_MS = 24 * 3_600_000;

export class RedisRooms implements SessionStore {
  readonly nodeId = randomBytes(9).toString('base64url');
  private readonly local = new Map<string, LocalSession>();
  /** Sessions this node created and still counts against its budgets: id → owner. */
  private readonly created = new Map<string, string>();
  private readonly ownedBy = new Map<string, number>();
  private readonly knownDead = new Set<string>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly prefix: string;
  private readonly heartbeatTtlMs: number;
  private closed = false;
  private sweeping = false;

  private constructor(
    private readonly limits: RoomLimits,
    options: RedisStoreOptions,
    private readonly command: Redis,
    private readonly subscriber: Redis,
    private readonly log: (message: string, error?: unknown) => void,
  ) {
    this.prefix = options.keyPrefix ?? 'ferry:';
    this.heartbeatTtlMs = options.heartbeatTtlMs ?? 15_000;
  }

  static async connect(
    limits: RoomLimits,
    options: RedisStoreOptions,
    log: (message: string, error?: unknown) => void,
  ): Promise<RedisRooms> {
    const command = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    const subscriber = command.duplicate();
    for (const client of [command, subscriber]) {
      client.on('error', (error) => log('signaling: Redis connection error', error));
    }
    try {
      await Promise.all([command.connect(), subscriber.connect()]);
    } catch (error) {
      command.disconnect();
      subscriber.disconnect();
      throw new Error(`cannot reach Redis at ${redactedUrl(options.url)}: ${(error as Error).message}`);
    }
    const rooms = new RedisRooms(limits, options, command, subscriber, log);
    await rooms.start();
    return rooms;
  }

  get size(): number {
    return this.created.size;
  }

  async create(role: Role, name: string, channel: PeerChannel, owner = ''): Promise<Member> {
    this.checkBudgets(owner);
    const id = randomBytes(16).toString('base64url');
    return this.holding(id, async (session) => {
      const made = await this.createUnder(id, undefined, newPeerId(), role, name, owner);
      if (made === undefined) throw new Error('a fresh session id is already taken in Redis');
      const member: Member = { peerId: made.peerId, role, name, sessionId: id, channel, via: 'create' };
      session.members.set(member.peerId, member);
      channel.send({ type: 'created', sessionId: id, nameplate: made.nameplate, peerId: member.peerId });
      return member;
    });
  }

  async join(target: JoinTarget, role: Role, name: string, channel: PeerChannel): Promise<Member> {
    const id =
      'sessionId' in target ? target.sessionId : await this.command.get(this.key('np', target.nameplate));
    if (id === null) throw roomError('unknown-session');
    const via: JoinedVia = 'sessionId' in target ? 'session-id' : 'nameplate';
    const { member, nameplate, peers } = await this.joinExisting(id, role, name, via, channel, undefined);
    channel.send({ type: 'joined', sessionId: id, nameplate, peerId: member.peerId, peers });
    return member;
  }

  /**
   * Joins the live session by id, or creates it again under that id when none is live; a session created
   * by another node between the two steps is joined instead (the CREATE script refuses a live id).
   */
  async resume(request: ResumeRequest, channel: PeerChannel, owner = ''): Promise<Member> {
    const { sessionId: id, role, name } = request;
    for (let attempt = 0; attempt < 3; attempt++) {
      if ((await this.command.exists(this.key('s', id))) === 1) {
        const joined = await this.joinExisting(id, role, name, 'session-id', channel, request.peerId).catch(
          (error: unknown) => {
            if (error instanceof RoomError && error.code === 'unknown-session') return undefined;
            throw error;
          },
        );
        if (joined === undefined) continue; // it expired meanwhile: create it again
        const { member, nameplate, peers } = joined;
        channel.send({ ...resumedReply(member, nameplate, peers), recreated: false });
        return member;
      }
      this.checkBudgets(owner);
      const made = await this.holding(id, async (session) => {
        const result = await this.createUnder(id, request.nameplate, request.peerId, role, name, owner);
        if (result === undefined) return undefined;
        const member: Member = { peerId: result.peerId, role, name, sessionId: id, channel, via: 'create' };
        session.members.set(member.peerId, member);
        channel.send({ ...resumedReply(member, result.nameplate, []), recreated: true });
        return member;
      });
      if (made !== undefined) return made;
    }
    throw new Error('the session kept changing while resuming it');
  }

  /** Creates session `id` with its first member; undefined when `id` is live already. */
  private async createUnder(
    id: string,
    wantedNameplate: string | undefined,
    peerId: string,
    role: Role,
    name: string,
    owner: string,
  ): Promise<{ nameplate: string; peerId: string } | undefined> {
    const record = this.record(role, name, 'create');
    for (let attempt = 0; attempt < 100; attempt++) {
      const candidate = attempt === 0 && wantedNameplate ? wantedNameplate : drawNameplate(() => false);
      const keys = [this.key('np', candidate), this.key('s', id), this.key('m', id)];
      const args = [id, candidate, owner, peerId, record, this.limits.idleTimeoutMs];
      const result = await this.run(CREATE, keys, args);
      if (result === -1) return undefined;
      if (result === 1) {
        this.count(id, owner);
        return { nameplate: candidate, peerId };
      }
    }
    throw new Error('no free nameplate in Redis');
  }

  /** Joins live session `id`, with `wantedPeerId` when it is free; the caller sends the reply. */
  private async joinExisting(
    id: string,
    role: Role,
    name: string,
    via: JoinedVia,
    channel: PeerChannel,
    wantedPeerId: string | undefined,
  ): Promise<{ member: Member; nameplate: string; peers: PeerInfo[] }> {
    await this.removeDeadMembers(id);
    return this.holding(id, async (session) => {
      for (let attempt = 0; ; attempt++) {
        const peerId = attempt === 0 && wantedPeerId ? wantedPeerId : newPeerId();
        const event: Event = { e: 'joined', peer: { peerId, role, name } };
        const args = [
          peerId,
          this.record(role, name, via),
          role,
          this.limits.maxReceivers,
          via === 'nameplate' ? '1' : '0',
          this.limits.idleTimeoutMs,
          this.prefix,
          JSON.stringify(event),
        ];
        const reply = (await this.run(JOIN, this.sessionKeys(id), args)) as string[];
        if (reply[0] === 'err' && reply[1] === 'peer-id') continue;
        if (reply[0] === 'err') throw roomError(reply[1] as ServerErrorCode, reply[2]);
        const member: Member = { peerId, role, name, sessionId: id, channel, via };
        const peers = peersOf(reply.slice(2));
        session.members.set(peerId, member);
        session.listed.set(member, new Set(peers.map((peer) => peer.peerId)));
        return { member, nameplate: reply[1] ?? '', peers };
      }
    });
  }

  async relay(from: Member, to: string, data: SignalData): Promise<void> {
    this.expectLocal(from);
    // The same check a local send makes: re-encoding can grow a message past the cap.
    if (encodeForSocket({ type: 'signal', from: from.peerId, data }) === undefined) {
      throw new RoomError('too-large', 'this signal is too large to relay');
    }
    const event: Event = { e: 'signal', from: from.peerId, to, data };
    const args = [from.peerId, to, JSON.stringify(event), this.limits.idleTimeoutMs, this.prefix];
    const status = await this.run(RELAY, this.sessionKeys(from.sessionId), args);
    if (status !== 'ok') throw roomError(status as ServerErrorCode);
  }

  async codeFailed(reporter: Member, peerId: string): Promise<void> {
    this.expectLocal(reporter);
    const args = [reporter.peerId, peerId, reporter.via, this.limits.sessionTtlMs, this.prefix];
    const status = await this.run(CODE_FAILED, this.sessionKeys(reporter.sessionId), args);
    if (status !== 'ok') throw roomError(status as ServerErrorCode);
  }

  async leave(member: Member): Promise<void> {
    const session = this.local.get(member.sessionId);
    if (session?.members.get(member.peerId) !== member) return;
    session.members.delete(member.peerId);
    this.release(member.sessionId);
    if (this.closed) return;
    const args = [member.peerId, this.limits.sessionTtlMs, this.prefix];
    await this.run(LEAVE, this.sessionKeys(member.sessionId), args);
  }

  /** Closes the members of sessions whose keys expired, and stops counting sessions that are gone. */
  async sweep(): Promise<void> {
    if (this.closed || this.sweeping) return;
    this.sweeping = true;
    try {
      const ids = [...new Set([...this.local.keys(), ...this.created.keys()])];
      const pipeline = this.command.pipeline();
      for (const id of ids) pipeline.exists(this.key('s', id));
      const results = (await pipeline.exec()) ?? [];
      ids.forEach((id, index) => {
        const [error, exists] = results[index] ?? [];
        if (error || exists === 1) return;
        this.uncount(id);
        this.expireLocal(id);
      });
    } finally {
      this.sweeping = false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const members = [...this.local.values()].flatMap((session) => [...session.members.values()]);
    await Promise.allSettled(members.map((member) => this.leave(member)));
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    await Promise.allSettled([
      this.command.del(this.key('node', this.nodeId)),
      this.command.hdel(this.key('nodes'), this.nodeId),
    ]);
    await Promise.allSettled([this.command.quit(), this.subscriber.quit()]);
  }

  private async start(): Promise<void> {
    this.subscriber.on('message', (channel: string, text: string) => this.deliver(channel, text));
    await this.beat();
    const every = (ms: number, task: () => Promise<void>) => {
      const timer = setInterval(
        () => task().catch((error) => this.log('signaling: Redis upkeep', error)),
        ms,
      );
      timer.unref();
      this.timers.push(timer);
    };
    every(Math.max(10, this.heartbeatTtlMs / 3), () => this.beat());
    every(Math.max(10, this.heartbeatTtlMs / 2), () => this.watchNodes());
  }

  private async beat(): Promise<void> {
    if (this.closed) return;
    await this.command
      .multi()
      .set(this.key('node', this.nodeId), '1', 'PX', this.heartbeatTtlMs)
      .hset(this.key('nodes'), this.nodeId, Date.now())
      .exec();
  }

  /** Finds nodes whose heartbeat lapsed and removes their members from this node's sessions. */
  private async watchNodes(): Promise<void> {
    if (this.closed) return;
    const nodes = await this.command.hgetall(this.key('nodes'));
    const others = Object.keys(nodes).filter((node) => node !== this.nodeId && !this.knownDead.has(node));
    if (others.length === 0) return;
    const alive = await this.aliveNodes(others);
    const dead = others.filter((node) => !alive.has(node));
    for (const node of dead) {
      this.knownDead.add(node);
      if (Date.now() - Number(nodes[node]) > FORGET_NODE_MS) await this.command.hdel(this.key('nodes'), node);
    }
    if (dead.length === 0) return;
    await Promise.all([...this.local.keys()].map((id) => this.removeDeadMembers(id)));
  }

  /** Removes the members of dead nodes from one session (each removal tells the remaining members). */
  private async removeDeadMembers(sessionId: string): Promise<void> {
    const stored = await this.command.hgetall(this.key('m', sessionId));
    const byNode = new Map<string, string[]>();
    for (const [peerId, json] of Object.entries(stored)) {
      const node = parseStored(json)?.node ?? '';
      if (node === this.nodeId) continue;
      byNode.set(node, [...(byNode.get(node) ?? []), peerId]);
    }
    if (byNode.size === 0) return;
    const alive = await this.aliveNodes([...byNode.keys()]);
    for (const [node, peerIds] of byNode) {
      if (alive.has(node)) continue;
      for (const peerId of peerIds) {
        await this.run(LEAVE, this.sessionKeys(sessionId), [peerId, this.limits.sessionTtlMs, this.prefix]);
      }
    }
  }

  private async aliveNodes(nodes: string[]): Promise<Set<string>> {
    const pipeline = this.command.pipeline();
    for (const node of nodes) pipeline.exists(this.key('node', node));
    const results = (await pipeline.exec()) ?? [];
    return new Set(nodes.filter((_, index) => results[index]?.[1] !== 0));
  }

  /** One event from a session's channel, delivered to this node's members of that session. */
  private deliver(channel: string, text: string): void {
    const session = this.local.get(channel.slice(this.key('ch', '').length));
    if (session === undefined) return;
    let event: Event;
    try {
      event = JSON.parse(text) as Event;
    } catch {
      return;
    }
    const others = (peerId: string) => [...session.members.values()].filter((m) => m.peerId !== peerId);
    switch (event.e) {
      case 'joined':
        for (const member of others(event.peer.peerId)) {
          if (session.listed.get(member)?.delete(event.peer.peerId)) continue;
          member.channel.send({ type: 'peer-joined', peer: event.peer });
        }
        break;
      case 'left':
        for (const member of others(event.peerId)) {
          // A peer that left may come back under its id (`resume`): that join is news again.
          session.listed.get(member)?.delete(event.peerId);
          member.channel.send({ type: 'peer-left', peerId: event.peerId });
        }
        break;
      case 'signal':
        session.members.get(event.to)?.channel.send({ type: 'signal', from: event.from, data: event.data });
        break;
      case 'burned':
        for (const member of session.members.values()) {
          member.channel.send({ type: 'nameplate-burned', nameplate: event.nameplate });
        }
        break;
      case 'drop': {
        const dropped = session.members.get(event.peerId);
        if (dropped === undefined) break;
        session.members.delete(event.peerId);
        this.release(dropped.sessionId);
        dropped.channel.close(CLOSE_CODES.codeFailed, 'code failed');
        break;
      }
    }
  }

  /** Runs `work` with the session's channel subscribed, so no event of it is missed meanwhile. */
  private async holding<T>(id: string, work: (session: LocalSession) => Promise<T>): Promise<T> {
    let session = this.local.get(id);
    if (session === undefined) {
      session = { members: new Map(), pending: 0, listed: new WeakMap() };
      this.local.set(id, session);
    }
    session.pending++;
    try {
      await this.subscriber.subscribe(this.key('ch', id));
      return await work(session);
    } finally {
      session.pending--;
      this.release(id);
    }
  }

  /** Unsubscribes from a session no member of this node is in any longer. */
  private release(id: string): void {
    const session = this.local.get(id);
    if (session === undefined || session.members.size > 0 || session.pending > 0) return;
    this.local.delete(id);
    if (!this.closed) {
      this.subscriber.unsubscribe(this.key('ch', id)).catch((error) => this.log('signaling: Redis', error));
    }
  }

  private expireLocal(id: string): void {
    const session = this.local.get(id);
    if (session === undefined) return;
    const members = [...session.members.values()];
    session.members.clear();
    this.release(id);
    for (const member of members) member.channel.close(CLOSE_CODES.sessionExpired, 'session expired');
  }

  private expectLocal(member: Member): void {
    if (this.local.get(member.sessionId)?.members.get(member.peerId) !== member) {
      throw roomError('not-in-session');
    }
  }

  private checkBudgets(owner: string): void {
    if (this.created.size >= this.limits.maxSessions) {
      throw new RoomError('server-full', 'too many live sessions; try again later');
    }
    if ((this.ownedBy.get(owner) ?? 0) >= this.limits.maxSessionsPerOwner) {
      throw new RoomError(
        'rate-limited',
        `too many live sessions from your address (${this.limits.maxSessionsPerOwner}); they expire once left`,
      );
    }
  }

  private count(id: string, owner: string): void {
    this.created.set(id, owner);
    this.ownedBy.set(owner, (this.ownedBy.get(owner) ?? 0) + 1);
  }

  private uncount(id: string): void {
    const owner = this.created.get(id);
    if (owner === undefined) return;
    this.created.delete(id);
    const owned = (this.ownedBy.get(owner) ?? 1) - 1;
    if (owned > 0) this.ownedBy.set(owner, owned);
    else this.ownedBy.delete(owner);
  }

  private record(role: Role, name: string, via: JoinedVia): string {
    const stored: StoredMember = { role, name, via, node: this.nodeId };
    return JSON.stringify(stored);
  }

  private key(kind: 's' | 'np' | 'm' | 'ch' | 'node' | 'nodes', id = ''): string {
    return kind === 'nodes' ? `${this.prefix}nodes` : `${this.prefix}${kind}:${id}`;
  }

  private sessionKeys(id: string): string[] {
    return [this.key('s', id), this.key('m', id), this.key('ch', id)];
  }

  /** EVALSHA, loading the script on first use (Redis caches it by its SHA-1). */
  private async run(script: string, keys: string[], args: Array<string | number>): Promise<unknown> {
    const sha = sha1(script);
    try {
      return await this.command.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      return this.command.eval(script, keys.length, ...keys, ...args);
    }
  }
}

const shas = new Map<string, string>();
function sha1(script: string): string {
  let sha = shas.get(script);
  if (sha === undefined) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  return sha;
}

function resumedReply(member: Member, nameplate: string, peers: PeerInfo[]) {
  return { type: 'resumed', sessionId: member.sessionId, peerId: member.peerId, nameplate, peers } as const;
}

function newPeerId(): string {
  return randomBytes(6).toString('base64url');
}

function roomError(code: ServerErrorCode, detail = ''): RoomError {
  if (code === 'session-full') return new RoomError(code, `this session already has ${detail} receivers`);
  return new RoomError(code, MESSAGES[code] ?? code);
}

function parseStored(json: string): StoredMember | undefined {
  try {
    return JSON.parse(json) as StoredMember;
  } catch {
    return undefined;
  }
}

/** The peers of a JOIN reply's flat peerId, JSON, peerId, JSON… list. */
function peersOf(flat: string[]): PeerInfo[] {
  const peers: PeerInfo[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const stored = parseStored(flat[i + 1] ?? '');
    if (stored) peers.push({ peerId: flat[i] ?? '', role: stored.role, name: stored.name });
  }
  return peers;
}

/** The URL without its password, for messages. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}
