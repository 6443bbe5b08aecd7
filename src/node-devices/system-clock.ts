import type { ReplayClock } from '../devices/recording/index.ts';

/** Real time for a replay: the shared clock HidSource timestamps use, and Node's timers. */
export const systemClock: ReplayClock = {
  now: () => performance.timeOrigin + performance.now(),
  after(delayMs, task) {
    const timer = setTimeout(task, delayMs);
    return () => clearTimeout(timer);
  },
};
