/**
 * The link's own liveness check (issue 13): ICE notices a dead network 5 to 15 s late, so a short
 * outage used to go unseen. Each end sends a HEARTBEAT frame on every tick in which it sent nothing
 * else (a busy link carries no heartbeats: a report costs one boolean store), and each end calls the
 * link stalled once a few ticks in a row brought nothing from the peer, and answering again as soon as
 * anything arrives. Only between ends that both list HEARTBEAT_CAPABILITY (peer-channel.ts).
 */

/** How often each end looks at what it sent and heard. */
export const HEARTBEAT_TICK_MS = 250;

/**
 * Ticks in a row with nothing from the peer before the link counts as stalled: 1 to 1.25 s of silence.
 * The peer's heartbeats leave gaps of at most two ticks (a frame sent just after one tick makes the next
 * tick skip its heartbeat), so a live link never gets near it.
 */
export const SILENT_TICKS_TO_STALL = 5;

/**
 * A peer whose timers run late (Chrome runs a background tab's timers once a second; a loaded machine
 * lags) leaves longer gaps on a live link. Each gap that ended with word from the peer before it
 * counted as a stall is learned, and the stall then waits that gap plus this margin; never past
 * MAX_TICKS_TO_STALL (3 s), so a real outage is still noticed well before ICE would notice it.
 */
const LEARNED_GAP_MARGIN = 2;
export const MAX_TICKS_TO_STALL = 12;

/**
 * A tick that comes this much later than the last one means this end's own timers are throttled (a
 * hidden Chrome tab runs them once a second; tests/e2e/background-tab.test.ts). Such an end beats on
 * every tick, even one that followed a send: skipping it left the peer up to two late ticks (2 s) of
 * silence, past its one-second stall bound, every time the device fell quiet. And it answers what it
 * hears with a heartbeat, at most one per HEARTBEAT_TICK_MS: the peer's messages are not throttled,
 * so the peer hears it as often as it speaks itself, whatever this end's timers do.
 */
export const LATE_TICK_MS = 2 * HEARTBEAT_TICK_MS;

export interface HeartbeatHooks {
  /** Sends one HEARTBEAT frame to the peer. */
  readonly beat: () => void;
  /** The peer went silent (`true`) or was heard again (`false`). */
  readonly stall: (stalled: boolean) => void;
  /** Monotonic milliseconds (tests inject one); read once a tick, and per message only while late. */
  readonly now?: () => number;
}

export class LinkHeartbeat {
  private sentSinceTick = false;
  private heardSinceTick = false;
  private silentTicks = 0;
  /** The longest silence (in ticks) seen on this link that was not a stall. */
  private longestLiveGap = 0;
  private stalled = false;
  /** This end's ticks come late (its timers are throttled): beat every tick and answer the peer. */
  private late = false;
  private lastTickAt: number;
  private lastAnswerAt = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly hooks: HeartbeatHooks) {
    this.now = hooks.now ?? (() => performance.now());
    this.lastTickAt = this.now();
    this.timer = setInterval(() => this.tick(), HEARTBEAT_TICK_MS);
    // A Node process must not stay up for a heartbeat alone (a browser's timer has no unref).
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Something left for the peer: no heartbeat is due this tick. */
  sent(): void {
    this.sentSinceTick = true;
  }

  /** Something came from the peer. */
  heard(): void {
    this.heardSinceTick = true;
    if (this.late) this.answer();
    if (this.stalled) this.setStalled(false);
    else this.longestLiveGap = Math.max(this.longestLiveGap, this.silentTicks);
  }

  /** Ticks of silence that make a stall on this link: more than any live gap seen so far. */
  get ticksToStall(): number {
    return Math.min(
      MAX_TICKS_TO_STALL,
      Math.max(SILENT_TICKS_TO_STALL, this.longestLiveGap + LEARNED_GAP_MARGIN),
    );
  }

  get isStalled(): boolean {
    return this.stalled;
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** Whether this end's ticks come late (see LATE_TICK_MS). */
  get ticksLate(): boolean {
    return this.late;
  }

  private answer(): void {
    const now = this.now();
    if (now - this.lastAnswerAt < HEARTBEAT_TICK_MS) return;
    this.lastAnswerAt = now;
    this.hooks.beat();
  }

  private tick(): void {
    const now = this.now();
    this.late = now - this.lastTickAt > LATE_TICK_MS;
    this.lastTickAt = now;
    if (!this.sentSinceTick || this.late) this.hooks.beat();
    this.sentSinceTick = false;
    if (this.heardSinceTick) this.silentTicks = 0;
    else if (++this.silentTicks >= this.ticksToStall && !this.stalled) this.setStalled(true);
    this.heardSinceTick = false;
  }

  private setStalled(stalled: boolean): void {
    this.stalled = stalled;
    this.hooks.stall(stalled);
  }
}
