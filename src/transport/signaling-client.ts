/**
 * The peer side of Ferry signaling. Platform-free: the WebSocket constructor is injected, so the page
 * passes the browser's `WebSocket` and Node passes the `ws` package's.
 */
import {
  CLOSE_CODES,
  type ClientMessage,
  type CreatedMessage,
  encodeMessage,
  type JoinedMessage,
  type PeerInfo,
  parseServerMessage,
  type Role,
  type ServerErrorCode,
  type ServerMessage,
  type SignalData,
  SignalingProtocolError,
} from '../protocol/signaling.ts';

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

const OPEN = 1;

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

export interface SignalingEvents {
  'peer-joined': PeerInfo;
  'peer-left': { peerId: string };
  signal: { from: string; data: SignalData };
  /** A failed code attempt burned the session's nameplate: its short code no longer lets anyone in. */
  'nameplate-burned': { nameplate: string };
  error: SignalingError;
  close: { code: number; reason: string };
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

export type JoinBy = { sessionId: string } | { nameplate: string };

interface PendingRequest {
  type: 'create' | 'join';
  resolve(message: ServerMessage): void;
  reject(error: SignalingError): void;
  timer: ReturnType<typeof setTimeout>;
}

export class SignalingClient extends TypedEmitter<SignalingEvents> {
  private socket: WebSocketLike | undefined;
  private pending: PendingRequest | undefined;

  constructor(
    private readonly WebSocketImpl: WebSocketConstructor,
    private readonly requestTimeoutMs = 10_000,
  ) {
    super();
  }

  /** Opens the socket; `url` is the signaling endpoint, e.g. `ws://localhost:8080/signal`. */
  connect(url: string): Promise<void> {
    if (this.socket !== undefined)
      return Promise.reject(new SignalingError('request-pending', 'already connected'));
    const socket = new this.WebSocketImpl(url);
    this.socket = socket;
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = (event) => this.closed(event.code, event.reason);
    return new Promise((resolve, reject) => {
      const fail = (error: SignalingError) => {
        clearTimeout(timer);
        reject(error);
      };
      // A host that drops packets would leave the socket connecting for minutes.
      const timer = setTimeout(() => {
        fail(
          new SignalingError('timeout', `could not connect to ${url}`, {
            cause: noAnswer(this.requestTimeoutMs),
          }),
        );
        socket.close();
      }, this.requestTimeoutMs);
      socket.onopen = () => {
        clearTimeout(timer);
        resolve();
      };
      // The browser gives no detail here; `ws` gives the system's reason (e.g. connect ECONNREFUSED …).
      socket.onerror = (event) =>
        fail(new SignalingError('closed', `could not connect to ${url}`, { cause: connectFailure(event) }));
    });
  }

  async create(role: Role, name: string): Promise<CreatedMessage> {
    const reply = await this.request({ type: 'create', role, name });
    return expectReply(reply, 'created');
  }

  async join(target: JoinBy, role: Role, name: string): Promise<JoinedMessage> {
    const reply = await this.request({ type: 'join', ...target, role, name });
    return expectReply(reply, 'joined');
  }

  /** Sends an opaque simple-peer signal to one peer in the session. */
  signal(to: string, data: SignalData): void {
    this.send({ type: 'signal', to, data });
  }

  leave(): void {
    this.send({ type: 'leave' });
  }

  /**
   * Tells the server that `peerId` failed to prove the short code, so that it burns the nameplate. Best
   * effort: if signaling is already gone there is no code left to burn.
   */
  reportFailedCode(peerId: string): void {
    if (this.socket?.readyState === OPEN) this.send({ type: 'code-failed', peerId });
  }

  close(): void {
    this.socket?.close(1000, 'bye');
  }

  private async request(message: ClientMessage & { type: 'create' | 'join' }): Promise<ServerMessage> {
    if (this.pending !== undefined) {
      throw new SignalingError('request-pending', `a ${this.pending.type} is still waiting for its reply`);
    }
    this.send(message); // the reply comes in a later event, so registering after sending is safe
    return new Promise((resolve, reject) => {
      const timeout = new SignalingError('timeout', `no reply to ${message.type}`);
      const timer = setTimeout(() => this.settle(timeout), this.requestTimeoutMs);
      this.pending = { type: message.type, resolve, reject, timer };
    });
  }

  /** Resolves the pending request with a reply, or rejects it with an error. */
  private settle(outcome: ServerMessage | SignalingError): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    if (outcome instanceof SignalingError) pending.reject(outcome);
    else pending.resolve(outcome);
  }

  private send(message: ClientMessage): void {
    if (this.socket?.readyState !== OPEN)
      throw new SignalingError('not-connected', 'signaling is not connected');
    try {
      this.socket.send(encodeMessage(message));
    } catch (cause) {
      const code = cause instanceof SignalingProtocolError ? cause.code : 'closed';
      throw new SignalingError(code, `could not send ${message.type}`, { cause });
    }
  }

  private receive(data: unknown): void {
    let message: ServerMessage;
    try {
      message = parseServerMessage(typeof data === 'string' ? data : '');
    } catch (cause) {
      // A newer server may add message types; those are skipped, anything else is worth reporting.
      if (cause instanceof SignalingProtocolError && cause.code === 'unknown-type') return;
      this.emit('error', new SignalingError('bad-reply', 'the server sent an invalid message', { cause }));
      return;
    }
    this.dispatch(message);
  }

  private dispatch(message: ServerMessage): void {
    switch (message.type) {
      case 'created':
      case 'joined':
        this.settle(message);
        break;
      case 'peer-joined':
        this.emit('peer-joined', message.peer);
        break;
      case 'peer-left':
        this.emit('peer-left', { peerId: message.peerId });
        break;
      case 'signal':
        this.emit('signal', { from: message.from, data: message.data });
        break;
      case 'nameplate-burned':
        this.emit('nameplate-burned', { nameplate: message.nameplate });
        break;
      case 'error': {
        const { code, retryAfterMs } = message;
        this.serverError(new SignalingError(code, message.message, { retryAfterMs }), message.inReplyTo);
        break;
      }
    }
  }

  private serverError(error: SignalingError, inReplyTo: string | undefined): void {
    if (this.pending !== undefined && inReplyTo === this.pending.type) this.settle(error);
    else this.emit('error', error);
  }

  private closed(code: number, reason: string): void {
    this.socket = undefined;
    this.settle(
      new SignalingError(closeErrorCode(code), `signaling closed (${code}${reason ? `: ${reason}` : ''})`),
    );
    this.emit('close', { code, reason });
  }
}

const CLOSE_ERRORS: ReadonlyMap<number, SignalingErrorCode> = new Map([
  [CLOSE_CODES.tooManyErrors, 'too-many-errors'],
  [CLOSE_CODES.sessionExpired, 'session-expired'],
  [CLOSE_CODES.rateLimited, 'rate-limited'],
  [CLOSE_CODES.idle, 'idle'],
  [CLOSE_CODES.codeFailed, 'code-failed'],
  [CLOSE_CODES.serverBusy, 'server-full'],
]);

/** Why a socket could not connect, as an Error whose message is the reason (for "cannot reach …: reason"). */
function connectFailure(event: unknown): Error {
  const detail = (event as { error?: unknown; message?: unknown } | null) ?? {};
  if (detail.error instanceof Error) return detail.error;
  return new Error(
    typeof detail.message === 'string' && detail.message ? detail.message : 'the connection failed',
  );
}

function noAnswer(ms: number): Error {
  return new Error(`no answer in ${Math.round(ms / 1000)} s`);
}

function closeErrorCode(code: number): SignalingErrorCode {
  return CLOSE_ERRORS.get(code) ?? 'closed';
}

function expectReply<T extends ServerMessage['type']>(
  reply: ServerMessage,
  type: T,
): Extract<ServerMessage, { type: T }> {
  if (reply.type !== type) throw new SignalingError('bad-reply', `expected ${type}, got ${reply.type}`);
  return reply as Extract<ServerMessage, { type: T }>;
}
