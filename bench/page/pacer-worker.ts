/**
 * The pacer, in a dedicated Worker: a page's timers cannot tick at 8 kHz (setTimeout/setInterval are
 * clamped to 1–4 ms), so this worker sleeps with `Atomics.wait` (sub-millisecond, no busy loop; needs a
 * cross-origin-isolated page for SharedArrayBuffer) and posts, at each wake-up, how many reports have come
 * due since the last one. When it wakes late, the main thread emits the overdue reports as one burst.
 * Without isolation it falls back to a `performance.now()` busy loop, which costs a whole core.
 */
export interface PacerStart {
  rateHz: number;
  durationMs: number;
  /** Absolute start time on the shared clock (timeOrigin + now). */
  startAt: number;
}

/** `[firstIndex, count]` of reports due now, or `[-1, total]` at the end. */
export type PacerTick = [number, number];

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<PacerStart>) => void) | null;
  postMessage(message: PacerTick): void;
};
const clock = () => performance.timeOrigin + performance.now();

scope.onmessage = ({ data }) => {
  const { rateHz, durationMs, startAt } = data;
  const periodMs = 1000 / rateHz;
  const total = Math.floor((durationMs * rateHz) / 1000);
  const sleeper =
    typeof SharedArrayBuffer === 'function' ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
  let next = 0;
  while (next < total) {
    const now = clock();
    const due = Math.min(total, Math.floor((now - startAt) / periodMs) + 1);
    if (due > next) {
      scope.postMessage([next, due - next]);
      next = due;
    }
    const wait = startAt + next * periodMs - clock();
    if (wait > 0 && sleeper) Atomics.wait(sleeper, 0, 0, wait);
  }
  scope.postMessage([-1, total]);
};
