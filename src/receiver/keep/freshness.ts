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
  private judgingNow = false;
  private firstAt: number | undefined;

  constructor(
    readonly freshMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True from a resume until the stream is live again. */
  get judging(): boolean {
    return this.judgingNow;
  }

  /** The link came back: judge the next reports until the stream is live. */
  resume(): void {
    this.judgingNow = true;
    this.firstAt = undefined;
  }

  /** Whether to deliver a report stamped `timestampMs` (sharer's wall clock, ms). */
  admit(timestampMs: number): boolean {
    if (!this.judgingNow) return true;
    const now = this.now();
    this.firstAt ??= now;
    if (now - timestampMs <= this.freshMs || now - this.firstAt > this.freshMs) {
      this.judgingNow = false;
      return true;
    }
    this.dropped += 1;
    return false;
  }
}
