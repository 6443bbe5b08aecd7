/**
 * Time is injected: stages that wait (bundle, coalesce, discard keep-alive, pace, seq reordering) read a
 * Clock and arm timers through a Scheduler, so tests run on a virtual clock and production uses the
 * platform's timers. Both `performance.now` and `setTimeout` exist in browsers and Node alike.
 */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
}

/** Cancels a scheduled task; calling it after the task ran is harmless. */
export type Cancel = () => void;

export interface Scheduler {
  schedule(delayMs: number, task: () => void): Cancel;
  /**
   * Runs `task` once the current task and its microtasks are done, before any timer: the frames one
   * turn produces (a request and the one issued beside it, a completion and the next) can leave
   * together without waiting. Schedulers without it fall back to `schedule(0, task)`.
   */
  defer?(task: () => void): Cancel;
  /**
   * True while this platform runs short timers late: Chrome runs a hidden tab's timers at most once a
   * second (tests/e2e/background-tab.test.ts), so a 1 ms wait there can take a second. Schedulers
   * without it are never throttled.
   */
  throttled?(): boolean;
}

export const realClock: Clock = { now: () => performance.now() };

/** setImmediate where it exists (Node), else a MessageChannel turn (browsers clamp setTimeout(0) to ≥ 1 ms). */
function deferTask(task: () => void): Cancel {
  let cancelled = false;
  const run = () => {
    if (!cancelled) task();
  };
  const immediate = (globalThis as { setImmediate?: (run: () => void) => unknown }).setImmediate;
  if (immediate) immediate(run);
  else if (typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      run();
    };
    channel.port2.postMessage(0);
  } else setTimeout(run, 0);
  return () => {
    cancelled = true;
  };
}

/** A hidden browser page (found by feature detection: Node has no document). */
function pageHidden(): boolean {
  const page = (globalThis as { document?: { visibilityState?: string } }).document;
  return page?.visibilityState === 'hidden';
}

export const realScheduler: Scheduler = {
  schedule(delayMs, task) {
    const handle = setTimeout(task, Math.max(0, delayMs));
    return () => clearTimeout(handle);
  },
  defer: deferTask,
  throttled: pageHidden,
};

interface VirtualTask {
  readonly at: number;
  readonly order: number;
  readonly task: () => void;
  cancelled: boolean;
}

/** A clock and scheduler that only move when told to: deterministic tests and benchmarks. */
export class VirtualClock implements Clock, Scheduler {
  private time: number;
  private order = 0;
  private tasks: VirtualTask[] = [];

  constructor(startMs = 0) {
    this.time = startMs;
  }

  now(): number {
    return this.time;
  }

  schedule(delayMs: number, task: () => void): Cancel {
    const entry: VirtualTask = {
      at: this.time + Math.max(0, delayMs),
      order: this.order++,
      task,
      cancelled: false,
    };
    this.tasks.push(entry);
    return () => {
      entry.cancelled = true;
    };
  }

  /** The end of the current turn is now: the task runs at the next advance, before later timers. */
  defer(task: () => void): Cancel {
    return this.schedule(0, task);
  }

  /** Moves time forward to `targetMs`, running every task that falls due, in time order. */
  advanceTo(targetMs: number): void {
    for (let next = this.nextDue(targetMs); next; next = this.nextDue(targetMs)) {
      this.time = Math.max(this.time, next.at);
      next.cancelled = true;
      next.task();
    }
    this.time = Math.max(this.time, targetMs);
    this.tasks = this.tasks.filter((task) => !task.cancelled);
  }

  advance(deltaMs: number): void {
    this.advanceTo(this.time + deltaMs);
  }

  /** Number of tasks still waiting. */
  get pending(): number {
    return this.tasks.filter((task) => !task.cancelled).length;
  }

  private nextDue(limit: number): VirtualTask | undefined {
    let best: VirtualTask | undefined;
    for (const task of this.tasks) {
      if (task.cancelled || task.at > limit) continue;
      if (!best || task.at < best.at || (task.at === best.at && task.order < best.order)) best = task;
    }
    return best;
  }
}
