/**
 * One WebSocket's life on the server: parse each message, hand it to the rooms, and answer every bad
 * message with an `error` reply. Nothing a peer sends can throw out of here; a peer that keeps
 * sending bad messages is disconnected, and only that peer.
 */
import type { RawData, WebSocket } from 'ws';
import {
  CLOSE_CODES,
  type ClientMessage,
  encodeMessage,
  type JoinMessage,
  parseClientMessage,
  type ServerMessage,
  SignalingProtocolError,
} from '../src/protocol/signaling.ts';
import { type JoinTarget, type Member, type PeerChannel, RoomError, type Rooms } from './rooms.ts';

export function acceptConnection(socket: WebSocket, rooms: Rooms, maxBadMessages: number): void {
  const channel = socketChannel(socket);
  let member: Member | undefined;
  let badMessages = 0;

  const dispatch = (message: ClientMessage): void => {
    switch (message.type) {
      case 'create':
        if (member !== undefined) throw alreadyInSession();
        member = rooms.create(message.role, message.name, channel);
        break;
      case 'join':
        if (member !== undefined) throw alreadyInSession();
        member = rooms.join(joinTarget(message), message.role, message.name, channel);
        break;
      case 'signal':
        if (member === undefined) throw new RoomError('not-in-session', 'create or join a session first');
        rooms.relay(member, message.to, message.data);
        break;
      case 'leave':
        if (member !== undefined) rooms.leave(member);
        member = undefined;
        break;
    }
  };

  const reject = (error: unknown, inReplyTo: string | undefined): void => {
    channel.send(errorReply(error, inReplyTo));
    badMessages++;
    if (badMessages >= maxBadMessages) socket.close(CLOSE_CODES.tooManyErrors, 'too many bad messages');
  };

  socket.on('message', (data, isBinary) => {
    let inReplyTo: string | undefined;
    try {
      const message = parseClientMessage(textOf(data, isBinary));
      inReplyTo = message.type;
      dispatch(message);
    } catch (error) {
      reject(error, inReplyTo);
    }
  });
  socket.on('close', () => {
    if (member !== undefined) rooms.leave(member);
    member = undefined;
  });
  // ws reports oversized frames and broken sockets here, then closes; without a listener it would throw.
  socket.on('error', () => {});
}

function alreadyInSession(): RoomError {
  return new RoomError('already-in-session', 'leave the current session first');
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

function errorReply(error: unknown, inReplyTo: string | undefined): ServerMessage {
  if (error instanceof SignalingProtocolError) {
    return {
      type: 'error',
      code: error.code,
      message: error.message,
      inReplyTo: error.messageType ?? inReplyTo,
    };
  }
  if (error instanceof RoomError) {
    return { type: 'error', code: error.code, message: error.message, inReplyTo };
  }
  // A bug of ours, not the peer's: answer without detail rather than crash every session.
  console.error('signaling: unexpected error', error);
  return { type: 'error', code: 'internal-error', message: 'the server failed to handle this message' };
}

function socketChannel(socket: WebSocket): PeerChannel {
  return {
    send(message) {
      if (socket.readyState !== socket.OPEN) return;
      socket.send(encodeMessage(message));
    },
    close(code, reason) {
      socket.close(code, reason);
    },
  };
}
