/**
 * Property and fuzz tests for issue 11 item 1: no sequence of arbitrary messages crashes the server or
 * disturbs another client's session, whatever the rooms are asked, and every reply fits the cap.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../../signaling/index.ts';
import { encodeForSocket, errorReply, knownType } from '../../../signaling/replies.ts';
import { type Member, type PeerChannel, RoomError, Rooms } from '../../../signaling/rooms.ts';
import {
  CLIENT_MESSAGE_TYPES,
  MAX_MESSAGE_BYTES,
  parseClientMessage,
  parseServerMessage,
  type Role,
  type ServerMessage,
  SignalingProtocolError,
} from '../../../src/protocol/signaling.ts';
import { expectRelay, TestPeer } from './helpers.ts';

const FUZZER = '127.0.0.2';
const BYSTANDER = '127.0.0.3';
const ROLES: Role[] = ['sharer', 'receiver'];

describe('error replies', () => {
  it('fit in a few hundred bytes and never echo the input, for any text under the cap', () => {
    const nearCap = fc
      .integer({ min: 0, max: MAX_MESSAGE_BYTES - 20 })
      .map((n) => `{"type":"${'x'.repeat(n)}"}`);
    const shaped = fc
      .record({ type: fc.constantFrom(...CLIENT_MESSAGE_TYPES), junk: fc.anything() })
      .map((value) => JSON.stringify(value) ?? '');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), nearCap, shaped), (text) => {
        let error: unknown;
        try {
          parseClientMessage(text);
          return; // a valid message: not an error reply's business
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(SignalingProtocolError);
        const type = (error as SignalingProtocolError).messageType;
        const reply = errorReply(error, type === undefined ? undefined : knownType(type), () => {});
        const wire = encodeForSocket(reply);
        expect(wire).toBeDefined();
        expect(wire?.length).toBeLessThan(512);
      }),
      { numRuns: 500 },
    );
  });
});

/** A channel that checks every message the rooms send would encode and parse back. */
class CheckingChannel implements PeerChannel {
  closed = false;
  /** The nameplate of the session this channel created, from the rooms' own 'created' message. */
  nameplate = '';
  send(message: ServerMessage): boolean {
    const wire = encodeForSocket(message);
    if (wire === undefined) return false;
    // What crosses the wire is JSON, which has no -0: a peer's -0 (JSON.parse('-0') is -0) arrives as 0.
    expect(parseServerMessage(wire)).toEqual(JSON.parse(JSON.stringify(message)));
    if (message.type === 'created') this.nameplate = message.nameplate;
    return true;
  }
  close(): void {
    this.closed = true;
  }
}

type Op =
  | { op: 'create'; client: number; role: Role }
  | { op: 'join'; client: number; role: Role; session: number; byNameplate: boolean }
  | { op: 'relay'; client: number; to: number; data: Record<string, unknown> }
  | { op: 'codeFailed'; client: number; peer: number }
  | { op: 'leave'; client: number }
  | { op: 'advance'; ms: number };

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('create' as const), client: fc.nat(5), role: fc.constantFrom(...ROLES) }),
  fc.record({
    op: fc.constant('join' as const),
    client: fc.nat(5),
    role: fc.constantFrom(...ROLES),
    session: fc.nat(8),
    byNameplate: fc.boolean(),
  }),
  fc.record({
    op: fc.constant('relay' as const),
    client: fc.nat(5),
    to: fc.nat(8),
    data: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 })),
  }),
  fc.record({ op: fc.constant('codeFailed' as const), client: fc.nat(5), peer: fc.nat(8) }),
  fc.record({ op: fc.constant('leave' as const), client: fc.nat(5) }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.nat(3000) }),
);

describe('Rooms under arbitrary operation sequences', () => {
  it('only ever refuse with a RoomError, keep their limits, and send only valid messages', () => {
    fc.assert(
      fc.property(fc.array(opArbitrary, { maxLength: 60 }), (ops) => {
        let now = 0;
        const limits = {
          maxReceivers: 2,
          maxSessions: 4,
          maxSessionsPerOwner: 3,
          sessionTtlMs: 1000,
          idleTimeoutMs: 5000,
        };
        const rooms = new Rooms(limits, () => now);
        const members = new Map<number, Member>();
        const seen: Array<{ sessionId: string; nameplate: string }> = [];
        const peers: Member[] = [];
        const run = (op: Op) => {
          const member = 'client' in op ? members.get(op.client) : undefined;
          switch (op.op) {
            case 'create': {
              const channel = new CheckingChannel();
              const created = rooms.create(op.role, `c${op.client}`, channel, `addr-${op.client % 2}`);
              members.set(op.client, created);
              peers.push(created);
              seen.push({ sessionId: created.sessionId, nameplate: channel.nameplate });
              break;
            }
            case 'join': {
              const known = seen[op.session % Math.max(1, seen.length)];
              const target = known
                ? op.byNameplate
                  ? { nameplate: known.nameplate }
                  : { sessionId: known.sessionId }
                : { nameplate: '123456' };
              const joined = rooms.join(target, op.role, `c${op.client}`, new CheckingChannel());
              members.set(op.client, joined);
              peers.push(joined);
              break;
            }
            case 'relay':
              if (member)
                rooms.relay(member, peers[op.to % Math.max(1, peers.length)]?.peerId ?? 'x', op.data);
              break;
            case 'codeFailed':
              if (member) rooms.codeFailed(member, peers[op.peer % Math.max(1, peers.length)]?.peerId ?? 'x');
              break;
            case 'leave':
              if (member) rooms.leave(member);
              members.delete(op.client);
              break;
            case 'advance':
              now += op.ms;
              rooms.sweep();
              break;
          }
        };
        for (const op of ops) {
          try {
            run(op);
          } catch (error) {
            if (!(error instanceof RoomError)) throw error;
          }
          expect(rooms.size).toBeLessThanOrEqual(limits.maxSessions);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the server under arbitrary message sequences from one address', () => {
  let server: FerryServer;
  /** What the server logged: its last-resort guard logs every bug it catches, so this must stay empty. */
  const logged: string[] = [];
  let bystanders: {
    creator: TestPeer;
    joiner: TestPeer;
    creatorId: string;
    joinerId: string;
    nameplate: string;
  };

  beforeAll(async () => {
    // Budgets high enough that the fuzzer reaches the rooms instead of being rate-limited at once.
    const roomy = { burst: 1_000_000, perMinute: 1_000_000 };
    server = await createFerryServer({
      port: 0,
      maxBadMessages: 1_000,
      limits: { connections: roomy, creates: roomy, joins: roomy, messages: roomy, badMessages: roomy },
      log: (message, error) => logged.push(`${message} ${String(error)}`),
    });
    const creator = await TestPeer.connect(server, { from: BYSTANDER });
    creator.send({ type: 'create', role: 'sharer', name: 'bystander' });
    const created = await creator.next('created');
    const joiner = await TestPeer.connect(server, { from: BYSTANDER });
    joiner.send({ type: 'join', sessionId: created.sessionId, role: 'receiver', name: 'bystander-2' });
    const joined = await joiner.next('joined');
    await creator.next('peer-joined');
    bystanders = {
      creator,
      joiner,
      creatorId: created.peerId,
      joinerId: joined.peerId,
      nameplate: created.nameplate,
    };
  });

  afterAll(async () => {
    await server?.close();
  });

  it('never crash it, and never reach or disturb the other address’s session', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fuzzMessage(bystanders.nameplate), { minLength: 1, maxLength: 25 }),
        async (script) => {
          const fuzzers = [
            await TestPeer.connect(server, { from: FUZZER }),
            await TestPeer.connect(server, { from: FUZZER }),
          ];
          const state = new FuzzState(fuzzers);
          for (const step of script) {
            const socket = fuzzers[step.socket];
            if (socket === undefined || socket.isClosed) continue;
            const frame = step.build(state);
            if (typeof frame === 'string') socket.sendRaw(frame);
            else socket.socket.send(frame);
            await new Promise((resolve) => setTimeout(resolve, 1));
          }
          for (const fuzzer of fuzzers) fuzzer.socket.terminate();
          await bystanders.creator.expectSilence(5);
          await bystanders.joiner.expectSilence(0);
          await expectRelay(bystanders.creator, bystanders.creatorId, bystanders.joiner, bystanders.joinerId);
          const health = await fetch(`${server.url}/healthz`);
          expect(health.status).toBe(200);
          expect(logged).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });
});

/** What the fuzzing sockets have learnt from the server, so later messages can aim at real sessions and peers. */
class FuzzState {
  readonly sessions: Array<{ sessionId: string; nameplate?: string }> = [];
  readonly peers: string[] = [];

  constructor(sockets: TestPeer[]) {
    for (const socket of sockets) {
      socket.socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as ServerMessage;
        if (message.type === 'created') {
          this.sessions.push({ sessionId: message.sessionId, nameplate: message.nameplate });
          this.peers.push(message.peerId);
        }
        if (message.type === 'joined') this.peers.push(message.peerId, ...message.peers.map((p) => p.peerId));
        if (message.type === 'peer-joined') this.peers.push(message.peer.peerId);
        if (message.type === 'resumed') {
          if (message.recreated)
            this.sessions.push({ sessionId: message.sessionId, nameplate: message.nameplate });
          this.peers.push(message.peerId, ...message.peers.map((p) => p.peerId));
        }
      });
    }
  }

  session(index: number) {
    return this.sessions[index % Math.max(1, this.sessions.length)];
  }

  peer(index: number): string {
    return this.peers[index % Math.max(1, this.peers.length)] ?? 'nobody';
  }
}

interface FuzzStep {
  socket: number;
  build(state: FuzzState): string | Uint8Array;
}

/** Anything at all, plus near-miss and well-formed messages aimed at what the fuzzers have created. */
function fuzzMessage(bystanderNameplate: string): fc.Arbitrary<FuzzStep> {
  const socket = fc.nat(1);
  const anyText = fc.oneof(fc.string({ maxLength: 64 }), fc.json(), fc.constant(''));
  const role = fc.oneof(fc.constantFrom<unknown>('sharer', 'receiver'), fc.jsonValue());
  const name = fc.oneof(fc.string({ minLength: 1, maxLength: 64 }), fc.jsonValue());
  const guessedNameplate = fc
    .integer({ min: 1, max: 999_999 })
    .map(String)
    .filter((nameplate) => nameplate !== bystanderNameplate);
  const text = (build: (state: FuzzState) => unknown) => (state: FuzzState) =>
    JSON.stringify(build(state)) ?? '';
  return fc.oneof(
    fc.record({ socket, build: anyText.map((t) => () => t) }),
    fc.record({ socket, build: fc.uint8Array({ maxLength: 32 }).map((bytes) => () => bytes) }),
    fc.record({
      socket,
      build: fc.constantFrom(
        () => JSON.stringify({ type: 'x'.repeat(16_300) }),
        () => JSON.stringify({ type: 'create', role: 'sharer', name: 'n'.repeat(16_000) }),
        () => `{"type":"signal","to":"abc","data":{"n":[${Array(3200).fill('1e21').join(',')}]}}`,
        () => `{"type":"signal","to":"abc","data":${'['.repeat(3000)}${']'.repeat(3000)}}`,
        () => 'y'.repeat(MAX_MESSAGE_BYTES + 10),
        () => '{"type":"__proto__"}',
      ),
    }),
    fc.record({
      socket,
      build: fc.record({ role, name }).map(({ role, name }) => text(() => ({ type: 'create', role, name }))),
    }),
    fc.record({
      socket,
      build: fc
        .record({ role, name, index: fc.nat(), byNameplate: fc.boolean(), guess: guessedNameplate })
        .map(({ role, name, index, byNameplate, guess }) =>
          text((state) => {
            const session = state.session(index);
            if (!session) return { type: 'join', nameplate: guess, role, name };
            return byNameplate && session.nameplate
              ? { type: 'join', nameplate: session.nameplate, role, name }
              : { type: 'join', sessionId: session.sessionId, role, name };
          }),
        ),
    }),
    fc.record({
      socket,
      build: fc
        .record({ index: fc.nat(), data: fc.jsonValue({ maxDepth: 4 }) })
        .map(({ index, data }) => text((state) => ({ type: 'signal', to: state.peer(index), data }))),
    }),
    fc.record({
      socket,
      build: fc.nat().map((index) => text((state) => ({ type: 'code-failed', peerId: state.peer(index) }))),
    }),
    fc.record({
      socket,
      // A resume of one of its own sessions (live or expired) under one of its own peer ids, or of a new id.
      build: fc
        .record({ role, name, index: fc.nat(), peer: fc.nat(), fresh: fc.boolean(), guess: guessedNameplate })
        .map(({ role, name, index, peer, fresh, guess }) =>
          text((state) => {
            const session = state.session(index);
            const sessionId = fresh || !session ? 'F'.repeat(21) + String(index % 10) : session.sessionId;
            return { type: 'resume', sessionId, peerId: state.peer(peer), role, name, nameplate: guess };
          }),
        ),
    }),
    fc.record({ socket, build: fc.constant(text(() => ({ type: 'leave' }))) }),
    fc.record({
      socket,
      build: fc
        .record({
          type: fc.constantFrom(...CLIENT_MESSAGE_TYPES),
          extra: fc.dictionary(fc.string(), fc.jsonValue()),
        })
        .map(({ type, extra }) => text(() => ({ ...extra, type }))),
    }),
  );
}
