/**
 * The freshness bound (`ferry receive --fresh <ms>`): when a kept device's link comes back, the reports
 * that queued up behind the outage are history, and replaying them would move a pointer along a path
 * the person no longer follows. So after a resume, a report older than the bound is dropped (and
 * counted), until the stream is live again.
 *
 * Age is this machine's clock minus the report's timestamp, which the sharer stamps with its wall clock
 * (`performance.timeOrigin + performance.now()`): exact on one machine, as good as NTP across two. So that
 * clocks that disagree by more than the bound cannot silence a device, judging stops at the first fresh
 * report, or at most `freshMs` after the first report of the resumed link, whichever comes first: a
 * backlog arrives in one burst as the link opens, anything after that is live.
 */
export class FreshnessFilter {
  /** Reports dropped as stale, over the filter's life. */
  dropped = 0;
  private judging = false;
  private firstAt: number | undefined;

  constructor(
    readonly freshMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The link came back: judge the next reports until the stream is live. */
  resume(): void {
    this.judging = true;
    this.firstAt = undefined;
  }

  /**
   * Whether to deliver a report stamped `timestampMs` (sharer's wall clock, ms). `late`: the caller
   * knows it came out of a backlog (far later than its link's best): it is dropped, and judging goes
   * on from it, so a backlog that arrives over more than the bound is dropped whole.
   */
  admit(timestampMs: number, late = false): boolean {
    const now = this.now();
    if (late) {
      this.judging = true;
      this.firstAt = now;
      this.dropped += 1;
      return false;
    }
    if (!this.judging) return true;
    this.firstAt ??= now;
    if (now - timestampMs <= this.freshMs || now - this.firstAt > this.freshMs) {
      this.judging = false;
      return true;
    }
    this.dropped += 1;
    return false;
  }
}
