import { Backoff } from './backoff.ts';
import { SignalingError } from './signaling-base.ts';

/**
 * How a receiver whose link went down rejoins its session (ReceiverSession.meetAgain). A failure that
 * says the server or its socket was away is worth another try once the socket is back; one that says the
 * session is gone is not. There is no count: what owns the session decides how long to wait (`ferry
 * receive` ends at `--grace`, or never with `--keep`), and a try waits for the socket, so it spins no loop.
 */
const TRANSIENT: ReadonlySet<string> = new Set(['closed', 'timeout', 'not-connected']);

export function isTransientSignalingError(error: unknown): boolean {
  return error instanceof SignalingError && TRANSIENT.has(error.code);
}

/** The pauses between rejoin tries: from one second, at most five. */
export function rejoinBackoff(): Backoff {
  return new Backoff({ baseMs: 1000, maxMs: 5000 });
}
