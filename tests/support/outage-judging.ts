/**
 * How the issue-13 outage tests judge "no burst of stale motion" (tests/e2e/outage-wire.test.ts through
 * a userspace wire, tests/vm/outage-uhid.test.ts through a hidraw node in a VM guest): a report that
 * the sharer stamped well before the outage ended and that is delivered after it ended came out of the
 * backlog the outage left, which the receiver must drop (--fresh), not replay. No timing is asserted:
 * the slack only keeps a report sent just as the network came back from counting as stale.
 */

/**
 * A report stamped this long before the outage ended and delivered after it came out of a backlog (the
 * receiver drops reports later than their link's best by over a second, and judges by --fresh the
 * ones that follow a stall).
 */
export const STALE_SLACK_MS = 1000;

/**
 * Of the reports delivered after an outage that ended at `endMs` (the sharer's clock), those sent
 * before it ended by more than the slack. `sentAt` gives a report's send stamp, or undefined for one
 * that carries none (a neutral report the receiver made itself).
 */
export function staleAfterOutage<T>(
  deliveredAfter: readonly T[],
  endMs: number,
  sentAt: (report: T) => number | undefined,
): T[] {
  return deliveredAfter.filter((report) => {
    const sent = sentAt(report);
    return sent !== undefined && sent < endMs - STALE_SLACK_MS;
  });
}
