/**
 * Ferry's signaling wire format: JSON text messages over one WebSocket, declared once here and shared by
 * the server (signaling/), the page and the headless receiver. Platform-free: no sockets, no Node APIs.
 * This is control traffic (a handful of messages per session), so JSON and valibot are cheap enough.
 * The spec for humans is docs/signaling.md; change both together.
 */
import * as v from 'valibot';

/** Largest message either side may send, in UTF-8 bytes. An SDP offer is a few KiB; nothing else is big. */
export const MAX_MESSAGE_BYTES = 16 * 1024;

/** WebSocket close codes the server uses (4000–4999 is the application range). */
export const CLOSE_CODES = {
  tooManyErrors: 4000,
  sessionExpired: 4001,
  /** The client's address is over one of its limits (docs/security.md); the error before it says which. */
  rateLimited: 4002,
  /** The socket stayed in no session for the server's connection idle timeout. */
  idle: 4003,
  /** The session's creator reported that this peer failed to prove the short code. */
  codeFailed: 4004,
  /** The server holds as many sockets as it allows (1013: "try again later"). */
  serverBusy: 1013,
  serverShutdown: 1001,
} as const;

export const ROLES = ['sharer', 'receiver'] as const;
export type Role = (typeof ROLES)[number];

const base64urlId = /^[A-Za-z0-9_-]{22}$/;

const RoleSchema = v.picklist(ROLES, 'must be "sharer" or "receiver"');
const NameSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
/** 128 random bits, base64url: unguessable, so knowing it is what lets a link join. */
const SessionIdSchema = v.pipe(v.string(), v.regex(base64urlId, 'must be a 22-character base64url id'));
/**
 * A decimal number, unique among live sessions only; canonical form (no leading zero). The server draws
 * six-digit ones at random (docs/security.md); the schema accepts the shorter ones older servers gave.
 */
const NameplateSchema = v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,5}$/, 'must be a decimal number'));
const PeerIdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,16}$/, 'must be a short base64url id'));

/**
 * An opaque simple-peer signal. The server checks only that it is a plain object no deeper than any real
 * signal (a transceiver request is five levels), never its contents: deep nesting only costs the server
 * recursion when it re-encodes the relay.
 */
export type SignalData = Readonly<Record<string, unknown>>;
export const MAX_SIGNAL_DEPTH = 8;
const SignalDataSchema = v.custom<SignalData>(
  (value) => isPlainObject(value) && nestedAtMost(value, MAX_SIGNAL_DEPTH),
  `must be a JSON object nested at most ${MAX_SIGNAL_DEPTH} deep`,
);

function isPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Iterative, so that the check itself cannot run out of stack on the input it is meant to refuse. */
function nestedAtMost(root: unknown, maxDepth: number): boolean {
  const pending: Array<[unknown, number]> = [[root, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, depth] = next;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > maxDepth) return false;
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
  return true;
}

// ---- client → server ----

const CreateSchema = v.object({ type: v.literal('create'), role: RoleSchema, name: NameSchema });
const JoinSchema = v.pipe(
  v.object({
    type: v.literal('join'),
    sessionId: v.optional(SessionIdSchema),
    nameplate: v.optional(NameplateSchema),
    role: RoleSchema,
    name: NameSchema,
  }),
  v.check(
    (join) => (join.sessionId === undefined) !== (join.nameplate === undefined),
    'give exactly one of sessionId or nameplate',
  ),
);
const ClientSignalSchema = v.object({ type: v.literal('signal'), to: PeerIdSchema, data: SignalDataSchema });
const LeaveSchema = v.object({ type: v.literal('leave') });
/**
 * "Peer `peerId` failed to prove the short code" (its proof did not verify, or it refused ours). The
 * server burns the session's nameplate: no more joins by code, as magic-wormhole does.
 */
const CodeFailedSchema = v.object({ type: v.literal('code-failed'), peerId: PeerIdSchema });
/**
 * "Put me back where I was": a peer whose socket closed (the server restarted, its network dropped, its
 * page reloaded) returns to session `sessionId` as `role`, asking for its old `peerId`. A live session is
 * joined, exactly as `join` by id would (same checks); only when no live session has that id is it
 * created again with that id (and `nameplate`, if still free). So nobody can take over a live session,
 * and peers still prove the secret to each other over the link (docs/signaling.md "Resuming").
 */
const ResumeSchema = v.object({
  type: v.literal('resume'),
  sessionId: SessionIdSchema,
  peerId: PeerIdSchema,
  role: RoleSchema,
  name: NameSchema,
  nameplate: v.optional(NameplateSchema),
});

export type CreateMessage = v.InferOutput<typeof CreateSchema>;
export type JoinMessage = v.InferOutput<typeof JoinSchema>;
export type ClientSignalMessage = v.InferOutput<typeof ClientSignalSchema>;
export type LeaveMessage = v.InferOutput<typeof LeaveSchema>;
export type CodeFailedMessage = v.InferOutput<typeof CodeFailedSchema>;
export type ResumeMessage = v.InferOutput<typeof ResumeSchema>;
export type ClientMessage =
  | CreateMessage
  | JoinMessage
  | ClientSignalMessage
  | LeaveMessage
  | CodeFailedMessage
  | ResumeMessage;

// ---- server → client ----

const PeerInfoSchema = v.object({ peerId: PeerIdSchema, role: RoleSchema, name: NameSchema });
const CreatedSchema = v.object({
  type: v.literal('created'),
  sessionId: SessionIdSchema,
  nameplate: NameplateSchema,
  peerId: PeerIdSchema,
});
const JoinedSchema = v.object({
  type: v.literal('joined'),
  sessionId: SessionIdSchema,
  /** The session's nameplate (absent from older servers), so any member can restore it after an outage. */
  nameplate: v.optional(NameplateSchema),
  peerId: PeerIdSchema,
  peers: v.pipe(v.array(PeerInfoSchema), v.maxLength(64)),
});
/**
 * The answer to `resume`: the peer id it got (its old one when that was free), the session's nameplate,
 * the other members, and whether the session had to be created again (`recreated`: nobody else was in it).
 */
const ResumedSchema = v.object({
  type: v.literal('resumed'),
  sessionId: SessionIdSchema,
  peerId: PeerIdSchema,
  nameplate: NameplateSchema,
  recreated: v.boolean(),
  peers: v.pipe(v.array(PeerInfoSchema), v.maxLength(64)),
});
const PeerJoinedSchema = v.object({ type: v.literal('peer-joined'), peer: PeerInfoSchema });
const PeerLeftSchema = v.object({ type: v.literal('peer-left'), peerId: PeerIdSchema });
const ServerSignalSchema = v.object({
  type: v.literal('signal'),
  from: PeerIdSchema,
  data: SignalDataSchema,
});
/** Every member hears that the session's short code no longer works (a failed attempt burned it). */
const NameplateBurnedSchema = v.object({ type: v.literal('nameplate-burned'), nameplate: NameplateSchema });
/**
 * "Still here", from the server to every socket on connecting and then every `intervalMs`: a page cannot
 * see WebSocket pings, so a client judges the socket by this (and every other message) and reconnects
 * when a few intervals pass without a word (docs/signaling.md, "Heartbeat"). Clients before it skip it.
 */
const HeartbeatSchema = v.object({
  type: v.literal('heartbeat'),
  intervalMs: v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(10 * 60_000)),
});
/** `code` stays a plain string on the wire so an older page can still show a newer server's error. */
const ErrorSchema = v.object({
  type: v.literal('error'),
  code: v.string(),
  message: v.string(),
  inReplyTo: v.optional(v.string()),
  /** With `rate-limited`: how long until the request would be accepted. */
  retryAfterMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});

export type PeerInfo = v.InferOutput<typeof PeerInfoSchema>;
export type CreatedMessage = v.InferOutput<typeof CreatedSchema>;
export type JoinedMessage = v.InferOutput<typeof JoinedSchema>;
export type ResumedMessage = v.InferOutput<typeof ResumedSchema>;
export type PeerJoinedMessage = v.InferOutput<typeof PeerJoinedSchema>;
export type PeerLeftMessage = v.InferOutput<typeof PeerLeftSchema>;
export type ServerSignalMessage = v.InferOutput<typeof ServerSignalSchema>;
export type NameplateBurnedMessage = v.InferOutput<typeof NameplateBurnedSchema>;
export type ErrorMessage = v.InferOutput<typeof ErrorSchema>;
export type HeartbeatMessage = v.InferOutput<typeof HeartbeatSchema>;
export type ServerMessage =
  | CreatedMessage
  | JoinedMessage
  | ResumedMessage
  | PeerJoinedMessage
  | PeerLeftMessage
  | ServerSignalMessage
  | NameplateBurnedMessage
  | HeartbeatMessage
  | ErrorMessage;

/** Codes the server puts in `error` messages. */
export type ServerErrorCode =
  | ProtocolErrorCode
  | 'unknown-session'
  | 'sharer-exists'
  | 'session-full'
  | 'server-full'
  | 'unknown-peer'
  | 'not-in-session'
  | 'already-in-session'
  | 'rate-limited'
  | 'code-burned'
  | 'internal-error';

// ---- parsing ----

export type ProtocolErrorCode = 'too-large' | 'bad-json' | 'bad-message' | 'unknown-type';

/** A message that is not valid Ferry signaling. `messageType` is its `type` when it had a readable one. */
export class SignalingProtocolError extends Error {
  override name = 'SignalingProtocolError';

  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    readonly messageType?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

type SchemaTable<T> = Readonly<Record<string, v.GenericSchema<unknown, T>>>;

const clientSchemas: SchemaTable<ClientMessage> = {
  create: CreateSchema,
  join: JoinSchema,
  signal: ClientSignalSchema,
  leave: LeaveSchema,
  'code-failed': CodeFailedSchema,
  resume: ResumeSchema,
};

/** The `type`s a client may send, e.g. for a reply's `inReplyTo` (which must never echo arbitrary input). */
export const CLIENT_MESSAGE_TYPES: readonly ClientMessage['type'][] = Object.keys(
  clientSchemas,
) as ClientMessage['type'][];

const serverSchemas: SchemaTable<ServerMessage> = {
  created: CreatedSchema,
  joined: JoinedSchema,
  resumed: ResumedSchema,
  'peer-joined': PeerJoinedSchema,
  'peer-left': PeerLeftSchema,
  signal: ServerSignalSchema,
  'nameplate-burned': NameplateBurnedSchema,
  heartbeat: HeartbeatSchema,
  error: ErrorSchema,
};

export function parseClientMessage(text: string): ClientMessage {
  return parseWith(clientSchemas, text);
}

export function parseServerMessage(text: string): ServerMessage {
  return parseWith(serverSchemas, text);
}

/** Serializes and checks the size cap, so a sender learns about an oversized message before the peer does. */
export function encodeMessage(message: ClientMessage | ServerMessage): string {
  const text = JSON.stringify(message);
  if (exceedsCap(text)) {
    throw new SignalingProtocolError('too-large', `message is over ${MAX_MESSAGE_BYTES} bytes`, message.type);
  }
  return text;
}

function parseWith<T>(schemas: SchemaTable<T>, text: string): T {
  if (exceedsCap(text)) {
    throw new SignalingProtocolError('too-large', `message is over ${MAX_MESSAGE_BYTES} bytes`);
  }
  const value = parseJson(text);
  const type = readType(value);
  // Own-property lookup only: a `type` of "constructor" or "__proto__" must not find Object's members.
  const schema = Object.hasOwn(schemas, type) ? schemas[type] : undefined;
  if (schema === undefined) {
    throw new SignalingProtocolError('unknown-type', `unknown message type "${type.slice(0, 32)}"`, type);
  }
  const result = v.safeParse(schema, value);
  if (!result.success) {
    throw new SignalingProtocolError('bad-message', `${type}: ${describeIssue(result.issues[0])}`, type);
  }
  return result.output;
}

function exceedsCap(text: string): boolean {
  // UTF-8 never takes fewer bytes than UTF-16 code units, nor more than three per unit,
  // so most messages are decided without encoding them.
  if (text.length > MAX_MESSAGE_BYTES) return true;
  if (text.length * 3 <= MAX_MESSAGE_BYTES) return false;
  return new TextEncoder().encode(text).byteLength > MAX_MESSAGE_BYTES;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new SignalingProtocolError('bad-json', 'message is not valid JSON', undefined, { cause });
  }
}

function readType(value: unknown): string {
  if (isPlainObject(value)) {
    const type: unknown = (value as Record<string, unknown>).type;
    if (typeof type === 'string') return type;
  }
  throw new SignalingProtocolError('bad-message', 'message must be a JSON object with a string "type"');
}

function describeIssue(issue: v.BaseIssue<unknown> | undefined): string {
  if (issue === undefined) return 'invalid message';
  const path = v.getDotPath(issue);
  return path === null ? issue.message : `${path} ${issue.message}`;
}
