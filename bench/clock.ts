/**
 * Checks the premise of every latency figure: the page, the receiver and the bench process read one clock
 * (timeOrigin + now). Takes the probe with the smallest round trip and reports the offset at its midpoint.
 */
import type { ClockCheck } from './results.ts';

const ownNow = () => performance.timeOrigin + performance.now();

export async function checkClock(
  peer: string,
  theirNow: () => Promise<number>,
  probes = 15,
): Promise<ClockCheck> {
  let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 };
  for (let i = 0; i < probes; i++) {
    const before = ownNow();
    const theirs = await theirNow();
    const after = ownNow();
    if (after - before < best.rtt) best = { rtt: after - before, offset: theirs - (before + after) / 2 };
  }
  const round = (value: number) => Number(value.toFixed(3));
  return { peer, offset_ms: round(best.offset), uncertainty_ms: round(best.rtt / 2) };
}
