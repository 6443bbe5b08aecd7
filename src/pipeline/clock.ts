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
}

export const realClock: Clock = { now: () => performance.now() };

export const realScheduler: Scheduler = {
  schedule(delayMs, task) {
    const handle = setTimeout(task, Math.max(0, delayMs));
    return () => clearTimeout(handle);
  },
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
