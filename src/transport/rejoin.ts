import { SignalingError } from './signaling-base.ts';

/**
 * How a receiver whose link went down rejoins its session (ReceiverSession.meetAgain). A failure that
 * says the server or its socket was away is worth another try once the socket is back; one that says the
 * session is gone is not. There is no count: what owns the session decides how long to wait (`ferry
 * receive` ends at `--grace`, or never with `--keep`), and a try waits for the socket, so it spins no loop.
 */
const BACKOFF_MS = 1000;
const MAX_DELAY_MS = 5000;

const TRANSIENT: ReadonlySet<string> = new Set(['closed', 'timeout', 'not-connected']);

export function isTransientSignalingError(error: unknown): boolean {
  return error instanceof SignalingError && TRANSIENT.has(error.code);
}

/** Waits before rejoin attempt `attempt` (1, 2, …): one more second each time, at most five. */
export function rejoinPause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.min(BACKOFF_MS * attempt, MAX_DELAY_MS)));
}
