/**
 * The time the share page stamps a WebHID input report with (issue 13, a frozen tab). Chrome can freeze
 * a background page (Page Lifecycle: its task queues stop; tests/e2e/background-tab.test.ts does it with
 * CDP's Page.setWebLifecycleState). The device goes on reporting, the browser queues its reports, and
 * when the page is resumed they are all dispatched at once: stamped at dispatch, as WebHidSource does,
 * seconds of stale input looked fresh to the receiver, whose freshness filter (docs/receiver.md, "When
 * the link goes down") judges reports by their stamps, and it replayed them all.
 *
 * So a report dispatched after the page's `freeze` event and before its backlog is drained is stamped
 * with the moment the page froze: it was made then or later, and the receiver drops it as the backlog it
 * is. Drained means: a task posted at `resume` has run (reports queued in the page before it run
 * first), and RESUME_BACKLOG_MS went by. The page cannot tell a queued report from a fresh one (WebHID
 * gives no device time), so the window is generous: after a 10 s freeze of a 100 reports/s device
 * the backlog took a few hundred ms to reach the page in background-tab.test.ts (its fake device is fed
 * over CDP, which holds the calls while the page is frozen; 50 ms let a tail of it through). What that
 * costs: the fresh reports of the first second after a resume, which a device that reports its whole
 * state sends again; a device that reports only changes (a key held through the freeze) is released
 * at the receiver until its next change. Chrome itself does not freeze a tab that uses WebHID or an
 * open RTCDataChannel (docs/receiver.md, "A sharer in a background or frozen tab").
 */

/** How long after `resume` a report still counts as the backlog. */
export const RESUME_BACKLOG_MS = 1000;

type LifecycleEvents = Pick<Document, 'addEventListener'>;

const wallClock = () => performance.timeOrigin + performance.now();

/** Runs `task` in a task of its own, queued now: after every task already queued (no timer clamp). */
function afterQueuedTasks(task: () => void): void {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    task();
  };
  channel.port2.postMessage(null);
}

export class FreezeAwareStamp {
  private frozenAt: number | undefined;
  private resumedAt = Number.NEGATIVE_INFINITY;
  private draining = false;

  constructor(
    events: LifecycleEvents,
    private readonly clock: () => number = wallClock,
    queue: (task: () => void) => void = afterQueuedTasks,
  ) {
    events.addEventListener('freeze', () => {
      this.frozenAt = this.clock();
    });
    events.addEventListener('resume', () => {
      this.resumedAt = this.clock();
      this.draining = true;
      queue(() => {
        this.draining = false;
      });
    });
  }

  /** The stamp for a report dispatched now: now, or the moment the page froze for its backlog. */
  readonly stamp = (): number => {
    const now = this.clock();
    if (this.frozenAt === undefined) return now;
    const resumed = this.resumedAt >= this.frozenAt;
    if (!resumed || this.draining || now - this.resumedAt < RESUME_BACKLOG_MS) return this.frozenAt;
    this.frozenAt = undefined;
    return now;
  };
}

/** The share page's one stamp: every WebHID source it opens stamps its reports with it. */
export const pageStamp = typeof document === 'undefined' ? wallClock : new FreezeAwareStamp(document).stamp;
