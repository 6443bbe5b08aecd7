/**
 * Notices a signaling socket that went silent (issue 13): a WebSocket whose network went away stays
 * "open" until TCP gives up, minutes later, and a page cannot see WebSocket pings. A server that sends
 * `heartbeat` messages says how often it does; from the first one on, a socket that brings nothing at
 * all for SILENT_INTERVALS of them (plus a second of slack) counts as dead. A server that sends none
 * (an older build) never arms it.
 */

/**
 * Server intervals without a word before the socket counts as dead: longer than the server takes to drop
 * a socket that stopped answering (two to three intervals, signaling/server.ts), so that a client coming
 * back finds its old place free and resumes under its old peer id.
 */
export const SILENT_INTERVALS = 3;
const SLACK_MS = 1000;

export class SilenceWatchdog {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timeoutMs: number | undefined;

  constructor(private readonly silent: (silentMs: number) => void) {}

  /** The server sends a heartbeat every `intervalMs`: from now on, silence is judged. */
  arm(intervalMs: number): void {
    this.timeoutMs = SILENT_INTERVALS * intervalMs + SLACK_MS;
    this.heard();
  }

  /** Any message came: the silence starts over. */
  heard(): void {
    const timeoutMs = this.timeoutMs;
    if (timeoutMs === undefined) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.stop();
      this.silent(timeoutMs);
    }, timeoutMs);
    // A Node process must not stay up for the watchdog alone (a browser's timer has no unref).
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** The socket is gone: nothing to watch until the next one's first heartbeat. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timeoutMs = undefined;
  }
}
