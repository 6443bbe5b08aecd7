/**
 * One WebSocket's life on the server: admit it against its address's budgets, parse each message, hand
 * it to the rooms, and answer every bad message with a bounded `error` reply. Every handler runs inside
 * one last-resort guard: an unexpected error is logged and drops this connection only, never the server.
 * The rooms may answer later (a Redis store), so one socket's messages are handled one after another, in
 * order, each awaited before the next; its close is handled after them.
 */
import type { RawData, WebSocket } from 'ws';
import {
  CLOSE_CODES,
  type ClientMessage,
  type JoinMessage,
  parseClientMessage,
  SignalingProtocolError,
} from '../src/protocol/signaling.ts';
import type { Budget, ClientLedger, Refusal } from './client-limits.ts';
import { encodeForSocket, errorReply, knownType, RateLimitError } from './replies.ts';
import { type JoinTarget, type Member, type PeerChannel, RoomError } from './rooms.ts';
import type { SessionStore } from './session-store.ts';

export interface ConnectionContext {
  rooms: SessionStore;
  ledger: ClientLedger;
  /** Error replies one socket may earn before it is closed. */
  maxBadMessages: number;
  /** A socket in no session for this long is closed. */
  connectionIdleMs: number;
  /** A socket whose unsent output grows past this is not reading: it is dropped. */
  maxBufferedBytes: number;
  log(message: string, error?: unknown): void;
}

/** Takes a new socket from `client` (its address key, see client-address.ts), or refuses it. */
export function acceptConnection(socket: WebSocket, client: string, context: ConnectionContext): void {
  const refusal = context.ledger.admit(client);
  if (refusal !== undefined) refuseSocket(socket, context, 'rate-limited', refusal, CLOSE_CODES.rateLimited);
  else new Connection(socket, client, context).start();
}

/** Says why in an error, then closes: a browser sees no detail of a refused upgrade, but reads this. */
export function refuseSocket(
  socket: WebSocket,
  context: Pick<ConnectionContext, 'log' | 'maxBufferedBytes'>,
  code: string,
  refusal: Refusal,
  closeCode: number,
): void {
  socket.on('error', () => {});
  const channel = socketChannel(socket, context);
  channel.send({ type: 'error', code, message: refusal.message, retryAfterMs: refusal.retryAfterMs });
  channel.close(closeCode, code);
}

class Connection {
  private readonly channel: PeerChannel;
  private member: Member | undefined;
  private badMessages = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** This socket's handlers, chained: each starts when the one before has finished. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: WebSocket,
    private readonly client: string,
    private readonly context: ConnectionContext,
  ) {
    this.channel = socketChannel(socket, context);
  }

  start(): void {
    this.socket.on(
      'message',
      this.guarded((data: RawData, isBinary: boolean) => this.receive(data, isBinary)),
    );
    this.socket.on(
      'close',
      this.guarded(() => this.closed()),
    );
    // ws reports oversized frames and broken sockets here, then closes; without a listener it would throw.
    this.socket.on('error', () => {});
    this.armIdleTimer();
  }

  /** The last resort: whatever escapes a handler is a bug of ours; it costs this connection only. */
  private guarded<A extends unknown[]>(handler: (...args: A) => void | Promise<void>): (...args: A) => void {
    return (...args) => {
      this.queue = this.queue.then(async () => {
        try {
          await handler(...args);
        } catch (error) {
          this.context.log('signaling: dropping a connection after an unexpected error', error);
          this.socket.terminate();
        }
      });
    };
  }

  private async receive(data: RawData, isBinary: boolean): Promise<void> {
    // A message that came before the close is handled even when the socket is closing by now: a page that
    // closes sends its goodbye signals and closes at once, and dropping them made a stop look like a loss.
    let inReplyTo: ClientMessage['type'] | undefined;
    try {
      this.spend('messages');
      const message = parseClientMessage(textOf(data, isBinary));
      inReplyTo = message.type;
      await this.dispatch(message);
    } catch (error) {
      this.reject(error, inReplyTo ?? typeOfRejected(error));
    }
  }

  private async dispatch(message: ClientMessage): Promise<void> {
    const { rooms } = this.context;
    switch (message.type) {
      case 'create':
        this.expectNoSession();
        this.spend('creates');
        this.enter(await rooms.create(message.role, message.name, this.channel, this.client));
        break;
      case 'join':
        this.expectNoSession();
        this.spend('joins');
        this.enter(await rooms.join(joinTarget(message), message.role, message.name, this.channel));
        break;
      case 'resume': {
        this.expectNoSession();
        this.spend('joins');
        const { sessionId, peerId, role, name, nameplate } = message;
        const request = { sessionId, peerId, role, name, nameplate };
        this.enter(await rooms.resume(request, this.channel, this.client));
        break;
      }
      case 'signal':
        await rooms.relay(this.expectSession(), message.to, message.data);
        break;
      case 'code-failed':
        await rooms.codeFailed(this.expectSession(), message.peerId);
        break;
      case 'leave':
        if (this.member !== undefined) await rooms.leave(this.member);
        this.member = undefined;
        this.armIdleTimer();
        break;
    }
  }

  private reject(error: unknown, inReplyTo: ClientMessage['type'] | undefined): void {
    this.channel.send(errorReply(error, inReplyTo, this.context.log));
    this.badMessages++;
    if (this.badMessages >= this.context.maxBadMessages) {
      this.channel.close(CLOSE_CODES.tooManyErrors, 'too many bad messages');
      return;
    }
    // Per address too, or a client would open a fresh socket every maxBadMessages - 1 messages.
    const refusal = this.context.ledger.take(this.client, 'badMessages');
    if (refusal !== undefined) {
      this.channel.send(errorReply(new RateLimitError(refusal), undefined, this.context.log));
      this.channel.close(CLOSE_CODES.rateLimited, 'rate-limited');
    }
  }

  private spend(budget: Budget): void {
    const refusal = this.context.ledger.take(this.client, budget);
    if (refusal !== undefined) throw new RateLimitError(refusal);
  }

  private enter(member: Member): void {
    this.member = member;
    clearTimeout(this.idleTimer);
  }

  private expectNoSession(): void {
    if (this.member !== undefined) {
      throw new RoomError('already-in-session', 'leave the current session first');
    }
  }

  private expectSession(): Member {
    if (this.member === undefined) throw new RoomError('not-in-session', 'create or join a session first');
    return this.member;
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(
      () => this.channel.close(CLOSE_CODES.idle, 'idle'),
      this.context.connectionIdleMs,
    );
    this.idleTimer.unref?.();
  }

  private async closed(): Promise<void> {
    clearTimeout(this.idleTimer);
    try {
      if (this.member !== undefined) await this.context.rooms.leave(this.member);
      this.member = undefined;
    } finally {
      this.context.ledger.release(this.client);
    }
  }
}

/** A protocol error's message type, when it is one we know (never the raw input). */
function typeOfRejected(error: unknown): ClientMessage['type'] | undefined {
  if (!(error instanceof SignalingProtocolError) || error.messageType === undefined) return undefined;
  return knownType(error.messageType);
}

function joinTarget(join: JoinMessage): JoinTarget {
  // The schema guarantees exactly one of the two is present.
  return join.sessionId !== undefined ? { sessionId: join.sessionId } : { nameplate: join.nameplate ?? '' };
}

function textOf(data: RawData, isBinary: boolean): string {
  if (isBinary)
    throw new SignalingProtocolError('bad-message', 'binary frames are not accepted; send JSON text');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** The rooms' view of a socket. Total: sending never throws, whatever the message or the socket's state. */
function socketChannel(
  socket: WebSocket,
  context: Pick<ConnectionContext, 'log' | 'maxBufferedBytes'>,
): PeerChannel {
  return {
    send(message) {
      if (socket.readyState !== socket.OPEN) return true; // gone: the close handler tidies up
      const text = encodeForSocket(message);
      if (text === undefined) return false;
      if (socket.bufferedAmount > context.maxBufferedBytes) {
        context.log(
          `signaling: dropping a socket that stopped reading (${socket.bufferedAmount} bytes queued)`,
        );
        socket.terminate();
        return true;
      }
      socket.send(text, () => {}); // a failed write closes the socket; 'close' does the rest
      return true;
    },
    close(code, reason) {
      try {
        socket.close(code, reason);
      } catch {
        socket.terminate();
      }
    },
  };
}
