/**
 * The parts of signaling a peer builds on: the WebSocket shape both platforms share, the typed error,
 * a small typed emitter, and how close codes and failed connects read. Platform-free.
 */
import { CLOSE_CODES, type ServerErrorCode, type ServerMessage } from '../protocol/signaling.ts';

/**
 * A handler type checked bivariantly (method-style), so that the browser's and `ws`'s richer event
 * types both fit the few fields we read.
 */
type Handler<E> = { handle(event: E): void }['handle'];

/** The part of the WebSocket API both the browser and `ws` provide; handlers are assigned, not added. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export type SignalingErrorCode =
  | ServerErrorCode
  | 'closed'
  | 'timeout'
  | 'not-connected'
  | 'request-pending'
  | 'bad-reply'
  | 'too-many-errors'
  | 'session-expired'
  | 'idle'
  | 'code-failed'
  | (string & {}); // a newer server's code; `& {}` keeps the known ones in autocompletion

/** A failed signaling request or connection; `code` is stable (the server's code when it sent one). */
export class SignalingError extends Error {
  override name = 'SignalingError';

  constructor(
    readonly code: SignalingErrorCode,
    message: string,
    options?: ErrorOptions & { retryAfterMs?: number | undefined },
  ) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }

  /** With `rate-limited`: how long the server asked us to wait. */
  readonly retryAfterMs: number | undefined;
}

type Listener<T> = (payload: T) => void;

/** Just enough of an event emitter for typed events, without Node's 'events' module in the page. */
export class TypedEmitter<Events> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  /** Returns a function that removes the listener. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    return () => set.delete(listener);
  }

  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as Listener<Events[K]>)(payload);
  }
}

export const CLOSE_ERRORS: ReadonlyMap<number, SignalingErrorCode> = new Map([
  [CLOSE_CODES.tooManyErrors, 'too-many-errors'],
  [CLOSE_CODES.sessionExpired, 'session-expired'],
  [CLOSE_CODES.rateLimited, 'rate-limited'],
  [CLOSE_CODES.idle, 'idle'],
  [CLOSE_CODES.codeFailed, 'code-failed'],
  [CLOSE_CODES.serverBusy, 'server-full'],
]);

/** Why a socket could not connect, as an Error whose message is the reason (for "cannot reach …: reason"). */
export function connectFailure(event: unknown): Error {
  const detail = (event as { error?: unknown; message?: unknown } | null) ?? {};
  if (detail.error instanceof Error) return detail.error;
  return new Error(
    typeof detail.message === 'string' && detail.message ? detail.message : 'the connection failed',
  );
}

export function noAnswer(ms: number): Error {
  return new Error(`no answer in ${Math.round(ms / 1000)} s`);
}

export function closeErrorCode(code: number): SignalingErrorCode {
  return CLOSE_ERRORS.get(code) ?? 'closed';
}

export function expectReply<T extends ServerMessage['type']>(
  reply: ServerMessage,
  type: T,
): Extract<ServerMessage, { type: T }> {
  if (reply.type !== type) throw new SignalingError('bad-reply', `expected ${type}, got ${reply.type}`);
  return reply as Extract<ServerMessage, { type: T }>;
}
