/**
 * What the server says back, built so that it always fits the size cap: an error reply never echoes
 * input (its `inReplyTo` is one of the known message types, its text is bounded), and encoding is total.
 */
import {
  CLIENT_MESSAGE_TYPES,
  type ClientMessage,
  encodeMessage,
  type ServerMessage,
  SignalingProtocolError,
} from '../src/protocol/signaling.ts';
import type { Refusal } from './client-limits.ts';
import { RoomError } from './rooms.ts';

/** Longest error text sent; validation messages are short, this bounds any that quote input. */
const MAX_ERROR_TEXT = 200;

/** A refusal on the client's budgets, as an error to throw from a handler. */
export class RateLimitError extends Error {
  override name = 'RateLimitError';

  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

export function errorReply(
  error: unknown,
  inReplyTo: ClientMessage['type'] | undefined,
  log: (message: string, error: unknown) => void,
): ServerMessage {
  const reply = (code: string, message: string, retryAfterMs?: number): ServerMessage => ({
    type: 'error',
    code,
    message: message.slice(0, MAX_ERROR_TEXT),
    ...(inReplyTo === undefined ? {} : { inReplyTo }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
  if (error instanceof SignalingProtocolError || error instanceof RoomError) {
    return reply(error.code, error.message);
  }
  if (error instanceof RateLimitError)
    return reply('rate-limited', error.message, error.refusal.retryAfterMs);
  // A bug of ours, not the peer's: answer without detail rather than crash every session.
  log('signaling: unexpected error', error);
  return reply('internal-error', 'the server failed to handle this message');
}

/** The `type` of a parsed message if it is one we know, never an arbitrary string from the input. */
export function knownType(type: string): ClientMessage['type'] | undefined {
  return (CLIENT_MESSAGE_TYPES as readonly string[]).includes(type)
    ? (type as ClientMessage['type'])
    : undefined;
}

/** The wire text of `message`, or undefined if it cannot be sent (over the cap, or unserializable). */
export function encodeForSocket(message: ServerMessage): string | undefined {
  try {
    return encodeMessage(message);
  } catch {
    return undefined;
  }
}
