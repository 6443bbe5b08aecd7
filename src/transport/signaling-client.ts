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
  type ResumedMessage,
  type Role,
  type ServerMessage,
  type SignalData,
  SignalingProtocolError,
} from '../protocol/signaling.ts';
import { Backoff, type BackoffOptions } from './backoff.ts';
import {
  closeErrorCode,
  connectFailure,
  expectReply,
  noAnswer,
  SignalingError,
  TypedEmitter,
  type WebSocketConstructor,
  type WebSocketLike,
} from './signaling-base.ts';
import { SilenceWatchdog } from './signaling-watchdog.ts';

export {
  SignalingError,
  type SignalingErrorCode,
  TypedEmitter,
  type WebSocketConstructor,
  type WebSocketLike,
} from './signaling-base.ts';

const OPEN = 1;

export interface SignalingEvents {
  'peer-joined': PeerInfo;
  'peer-left': { peerId: string };
  signal: { from: string; data: SignalData };
  /** A failed code attempt burned the session's nameplate: its short code no longer lets anyone in. */
  'nameplate-burned': { nameplate: string };
  error: SignalingError;
  /**
   * Only without reconnection, or once it gives up (or `close()` was called): the socket is gone for good.
   * A client that reconnects says 'reconnecting' instead and keeps its listeners.
   */
  close: { code: number; reason: string };
  /** The socket dropped (or an attempt failed); the next attempt is in `delayMs`. */
  reconnecting: ReconnectingEvent;
  /** Back in the session after an outage (docs/signaling.md "Resuming"); peers new to us follow as 'peer-joined'. */
  resumed: ResumedMessage;
}

export interface ReconnectingEvent {
  /** 1 for the first attempt of this outage. */
  attempt: number;
  delayMs: number;
  /** When this outage began (Date.now()). */
  downSince: number;
  /** Outages since connect(), this one included. */
  outages: number;
  /** Why the socket went (attempt 1), or why the last attempt failed. */
  reason: string;
}

export interface SignalingClientOptions {
  /** A request (and a connection attempt) with no answer fails after this long. Default 10 s. */
  requestTimeoutMs?: number;
  /**
   * Reconnect when the socket drops while in a session, and resume that session (same id, same peer id)
   * from what this client holds. Off by default; `true` takes Backoff's defaults.
   */
  reconnect?: boolean | (BackoffOptions & { maxAttempts?: number });
}

/** What this client is in, so that it can return there after an outage. */
export interface SignalingMembership {
  sessionId: string;
  peerId: string;
  role: Role;
  name: string;
  nameplate: string | undefined;
}

/** Closes after which coming back is pointless or refused: we were cut off on purpose. */
const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  1000,
  CLOSE_CODES.tooManyErrors,
  CLOSE_CODES.sessionExpired,
  CLOSE_CODES.idle,
  CLOSE_CODES.codeFailed,
]);

/** Refusals of a resume that another attempt cannot change. */
const FINAL_RESUME_ERRORS: ReadonlySet<string> = new Set(['bad-message', 'unknown-type', 'too-large']);

/** Signals sent while reconnecting wait for the socket; past this many the oldest are lost (ICE recovers). */
const MAX_QUEUED_SIGNALS = 256;

export type JoinBy = { sessionId: string } | { nameplate: string };

type RequestType = 'create' | 'join' | 'resume';

interface PendingRequest {
  type: RequestType;
  resolve(message: ServerMessage): void;
  reject(error: SignalingError): void;
  timer: ReturnType<typeof setTimeout>;
}

export class SignalingClient extends TypedEmitter<SignalingEvents> {
  private socket: WebSocketLike | undefined;
  private pending: PendingRequest | undefined;
  private readonly requestTimeoutMs: number;
  private readonly backoff: Backoff | undefined;
  private readonly maxAttempts: number;
  private url = '';
  private membership: SignalingMembership | undefined;
  /**
   * Set once a create or join succeeded. A client between sessions (a receiver that left to join its
   * session again) still reconnects its socket when it drops: the rejoin waits for it instead of failing.
   */
  private wasInSession = false;
  /** The other members as this client last knew them (so that a resume announces only who is new). */
  private readonly peers = new Map<string, PeerInfo>();
  private closing = false;
  /** An attempt is under way: a socket opening, then its `resume` waiting for the reply. */
  private resuming = false;
  private outages = 0;
  private downSince = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Requests made while reconnecting wait here for the socket. */
  private readonly waiters: Array<{ resolve(): void; reject(error: SignalingError): void }> = [];
  private readonly queued: Array<{ to: string; data: SignalData }> = [];
  /** Drops the socket when a server that sends heartbeats has said nothing for a while. */
  private readonly watchdog = new SilenceWatchdog((silentMs) => this.silent(silentMs));

  constructor(
    private readonly WebSocketImpl: WebSocketConstructor,
    options: number | SignalingClientOptions = {},
  ) {
    super();
    const { requestTimeoutMs = 10_000, reconnect = false } =
      typeof options === 'number' ? { requestTimeoutMs: options } : options;
    this.requestTimeoutMs = requestTimeoutMs;
    const backoff = reconnect === true ? {} : reconnect || undefined;
    this.backoff = backoff && new Backoff(backoff);
    this.maxAttempts = backoff?.maxAttempts ?? Number.POSITIVE_INFINITY;
  }

  /** True between a drop and the next successful resume (or giving up). */
  get reconnecting(): boolean {
    return this.retryTimer !== undefined || this.resuming;
  }

  /** Outages since connect() (each drop that led to reconnecting counts once). */
  get outageCount(): number {
    return this.outages;
  }

  /** Opens the socket; `url` is the signaling endpoint, e.g. `ws://localhost:8080/signal`. */
  connect(url: string): Promise<void> {
    if (this.socket !== undefined)
      return Promise.reject(new SignalingError('request-pending', 'already connected'));
    this.url = url;
    return this.open();
  }

  async create(role: Role, name: string): Promise<CreatedMessage> {
    const created = expectReply(await this.request({ type: 'create', role, name }), 'created');
    this.enter({ sessionId: created.sessionId, peerId: created.peerId, role, name }, created.nameplate, []);
    return created;
  }

  async join(target: JoinBy, role: Role, name: string): Promise<JoinedMessage> {
    const joined = expectReply(await this.request({ type: 'join', ...target, role, name }), 'joined');
    const nameplate = joined.nameplate ?? ('nameplate' in target ? target.nameplate : undefined);
    this.enter({ sessionId: joined.sessionId, peerId: joined.peerId, role, name }, nameplate, joined.peers);
    return joined;
  }

  /**
   * Returns to a session this peer was in before (a reloaded page): joins it if it is live, or creates it
   * again under its id if not, keeping `peerId` and `nameplate` when they are free.
   */
  async resume(
    session: Omit<SignalingMembership, 'nameplate'> & { nameplate?: string },
  ): Promise<ResumedMessage> {
    const { sessionId, role, name } = session;
    const resumed = expectReply(await this.request(resumeMessage(session)), 'resumed');
    this.enter({ sessionId, peerId: resumed.peerId, role, name }, resumed.nameplate, resumed.peers);
    return resumed;
  }

  /** The session this client is in, its peer id in it and the nameplate it knows, if any. */
  get session(): Readonly<SignalingMembership> | undefined {
    return this.membership;
  }

  /** Sends an opaque simple-peer signal to one peer in the session (queued while reconnecting). */
  signal(to: string, data: SignalData): void {
    if (this.reconnecting) {
      if (this.queued.push({ to, data }) > MAX_QUEUED_SIGNALS) this.queued.shift();
      return;
    }
    this.send({ type: 'signal', to, data });
  }

  leave(): void {
    this.membership = undefined;
    this.peers.clear();
    this.queued.length = 0;
    if (this.reconnecting) return; // the server forgot us already; the resume under way sees we left
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
    this.closing = true;
    const socket = this.socket;
    if (socket) {
      socket.close(1000, 'bye');
      return;
    }
    // Between attempts there is no socket to close: stop retrying and say so ourselves.
    if (this.retryTimer !== undefined) this.giveUp(1000, 'bye');
  }

  private open(): Promise<void> {
    const url = this.url;
    const socket = new this.WebSocketImpl(url);
    this.socket = socket;
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = (event) => this.closed(socket, event.code, event.reason);
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

  private enter(
    membership: Omit<SignalingMembership, 'nameplate'>,
    nameplate: string | undefined,
    peers: PeerInfo[],
  ) {
    this.membership = { ...membership, nameplate: nameplate ?? this.membership?.nameplate };
    this.wasInSession = true;
    this.peers.clear();
    for (const peer of peers) this.peers.set(peer.peerId, peer);
  }

  private async request(message: ClientMessage & { type: RequestType }): Promise<ServerMessage> {
    if (this.pending !== undefined) {
      throw new SignalingError('request-pending', `a ${this.pending.type} is still waiting for its reply`);
    }
    if (this.reconnecting) await this.reconnected();
    return this.exchange(message);
  }

  private exchange(message: ClientMessage & { type: RequestType }): Promise<ServerMessage> {
    this.send(message); // the reply comes in a later event, so registering after sending is safe
    return new Promise((resolve, reject) => {
      const timeout = new SignalingError('timeout', `no reply to ${message.type}`);
      const timer = setTimeout(() => this.settle(timeout), this.requestTimeoutMs);
      this.pending = { type: message.type, resolve, reject, timer };
    });
  }

  private reconnected(): Promise<void> {
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
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
    this.watchdog.heard(); // any word from the server, even one we cannot read, says the socket lives
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
      case 'resumed':
        this.settle(message);
        break;
      case 'peer-joined':
        this.peerJoined(message.peer);
        break;
      case 'peer-left':
        this.peers.delete(message.peerId);
        this.emit('peer-left', { peerId: message.peerId });
        break;
      case 'signal':
        this.emit('signal', { from: message.from, data: message.data });
        break;
      case 'nameplate-burned':
        // A burned code must stay burned: a session created again after an outage does not get it back.
        if (this.membership) this.membership.nameplate = undefined;
        this.emit('nameplate-burned', { nameplate: message.nameplate });
        break;
      case 'heartbeat':
        // Only a client that reconnects drops a silent socket; one that cannot come back keeps waiting.
        if (this.backoff !== undefined) this.watchdog.arm(message.intervalMs);
        break;
      case 'error': {
        const { code, retryAfterMs } = message;
        this.serverError(new SignalingError(code, message.message, { retryAfterMs }), message.inReplyTo);
        break;
      }
    }
  }

  /** A peer this client already knew (it came back after an outage, under its old id) changes nothing. */
  private peerJoined(peer: PeerInfo): void {
    const known = this.peers.get(peer.peerId);
    this.peers.set(peer.peerId, peer);
    if (this.queued.length > 0 && !this.reconnecting) this.flushQueued(new Set([peer.peerId]));
    if (known?.role === peer.role && known.name === peer.name) return;
    this.emit('peer-joined', peer);
  }

  private serverError(error: SignalingError, inReplyTo: string | undefined): void {
    if (this.pending !== undefined && inReplyTo === this.pending.type) this.settle(error);
    else this.emit('error', error);
  }

  /**
   * The server said nothing for `silentMs` although it sends heartbeats: the network under the socket
   * went away. Close it (the close handshake may never finish) and carry on as if it had closed.
   */
  private silent(silentMs: number): void {
    const socket = this.socket;
    if (socket === undefined) return;
    socket.close(4000, 'no word from the server');
    this.closed(socket, 1006, `no word from the server in ${Math.round(silentMs / 1000)} s`);
  }

  private closed(socket: WebSocketLike, code: number, reason: string): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    this.watchdog.stop();
    this.settle(
      new SignalingError(closeErrorCode(code), `signaling closed (${code}${reason ? `: ${reason}` : ''})`),
    );
    if (this.reconnecting) {
      // An attempt failed and its loop goes on, unless we are closing.
      if (this.closing) this.giveUp(code, reason);
      return;
    }
    if (this.shouldReconnect(code)) {
      this.outages++;
      this.downSince = Date.now();
      this.scheduleAttempt(`signaling closed (${code}${reason ? `: ${reason}` : ''})`);
      return;
    }
    this.giveUp(code, reason);
  }

  private shouldReconnect(code: number): boolean {
    return (
      this.backoff !== undefined &&
      !this.closing &&
      (this.membership !== undefined || this.wasInSession) &&
      !FINAL_CLOSE_CODES.has(code)
    );
  }

  private scheduleAttempt(reason: string): void {
    const backoff = this.backoff;
    if (backoff === undefined || backoff.attempt >= this.maxAttempts) {
      this.giveUp(1006, 'gave up reconnecting');
      return;
    }
    const delayMs = backoff.next();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.attempt();
    }, delayMs);
    const { attempt } = backoff;
    const { downSince, outages } = this;
    this.emit('reconnecting', { attempt, delayMs, downSince, outages, reason });
  }

  /** One reconnection attempt: a socket, then (if we were in a session) `resume`. */
  private async attempt(): Promise<void> {
    if (this.closing) return;
    this.resuming = true;
    try {
      await this.open();
      const membership = this.membership;
      if (membership !== undefined) {
        const resumed = expectReply(await this.exchange(resumeMessage(membership)), 'resumed');
        // Left while the resume was out: leave again, now that the server knows us.
        if (this.membership === undefined) this.send({ type: 'leave' });
        else this.rejoined(membership, resumed);
      }
      this.resuming = false;
      this.backoff?.reset();
      for (const waiter of this.waiters.splice(0)) waiter.resolve();
    } catch (error) {
      this.resuming = false;
      if (this.closing) return;
      if (error instanceof SignalingError && FINAL_RESUME_ERRORS.has(error.code)) {
        this.emit('error', error);
        this.socket?.close(1000, 'bye');
        this.socket = undefined;
        this.giveUp(1006, error.message);
        return;
      }
      // Refused for now (the old socket is not yet gone, a limit): drop this socket and try again later.
      const socket = this.socket;
      this.socket = undefined;
      socket?.close(1000, 'retry');
      this.scheduleAttempt(error instanceof Error ? error.message : String(error));
    }
  }

  /** Back in: the peers we did not know are announced, and the signals held meanwhile go out. */
  private rejoined(membership: SignalingMembership, resumed: ResumedMessage): void {
    this.membership = { ...membership, peerId: resumed.peerId, nameplate: resumed.nameplate };
    this.emit('resumed', resumed);
    // Known peers stay known: one not back yet returns under its old id, which changes nothing for us.
    for (const peer of resumed.peers) this.peerJoined(peer);
    this.flushQueued(new Set(resumed.peers.map((peer) => peer.peerId)));
  }

  /** Held signals go to the peers that are back; the others wait for theirs ('peer-joined' under its id). */
  private flushQueued(back: ReadonlySet<string>): void {
    const held = this.queued.splice(0);
    for (const signal of held) {
      if (back.has(signal.to)) this.send({ type: 'signal', ...signal });
      else this.queued.push(signal);
    }
  }

  private giveUp(code: number, reason: string): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.queued.length = 0;
    const error = new SignalingError(
      closeErrorCode(code),
      `signaling closed (${code}${reason ? `: ${reason}` : ''})`,
    );
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    this.emit('close', { code, reason });
  }
}

/** The `resume` request for a membership (the nameplate only when there is one to keep). */
function resumeMessage(session: Omit<SignalingMembership, 'nameplate'> & { nameplate?: string }) {
  const { sessionId, peerId, role, name, nameplate } = session;
  return { type: 'resume', sessionId, peerId, role, name, ...(nameplate ? { nameplate } : {}) } as const;
}
