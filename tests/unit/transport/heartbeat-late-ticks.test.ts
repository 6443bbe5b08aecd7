/**
 * LinkHeartbeat at an end whose own timers run late (Chrome runs a hidden tab's timers once a second;
 * tests/e2e/background-tab.test.ts sees it in a real background tab): it must not leave its peer two
 * late ticks of silence when its device falls quiet, and it answers what it hears. An end whose ticks
 * come on time keeps skipping the heartbeat after a send, and answers nothing.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_TICK_MS, LinkHeartbeat } from '../../../src/transport/heartbeat.ts';

let beats: number;
let clock: number;
let heartbeat: LinkHeartbeat;

beforeEach(() => {
  vi.useFakeTimers();
  beats = 0;
  clock = 0;
  heartbeat = new LinkHeartbeat({
    beat: () => {
      beats += 1;
      heartbeat.sent(); // as PeerChannel's beat does: the heartbeat is a send
    },
    stall: () => undefined,
    now: () => clock,
  });
});

afterEach(() => {
  heartbeat.close();
  vi.useRealTimers();
});

/** One tick of the interval, which this end's clock says came `lateMs` after the last. */
function tick(lateMs: number): void {
  clock += lateMs;
  vi.advanceTimersByTime(HEARTBEAT_TICK_MS);
}

describe('LinkHeartbeat with late ticks', () => {
  it('on time: a tick after a send sends no heartbeat, and nothing heard is answered', () => {
    tick(HEARTBEAT_TICK_MS);
    heartbeat.sent();
    tick(HEARTBEAT_TICK_MS);
    expect(beats).toBe(1);
    heartbeat.heard();
    expect(beats).toBe(1);
    expect(heartbeat.ticksLate).toBe(false);
  });

  it('late (once a second): every tick beats, even right after a send', () => {
    for (let i = 0; i < 4; i++) {
      heartbeat.sent();
      tick(1000);
    }
    expect(beats).toBe(4);
    expect(heartbeat.ticksLate).toBe(true);
  });

  it('late: answers the peer, at most once a tick; on time again it stops', () => {
    tick(1000);
    const before = beats;
    heartbeat.heard();
    clock += 100;
    heartbeat.heard(); // too soon after the last answer
    clock += HEARTBEAT_TICK_MS;
    heartbeat.heard();
    expect(beats - before).toBe(2);
    tick(HEARTBEAT_TICK_MS); // still late: 600 ms after the last tick
    tick(HEARTBEAT_TICK_MS);
    expect(heartbeat.ticksLate).toBe(false);
    const onTime = beats;
    clock += HEARTBEAT_TICK_MS;
    heartbeat.heard();
    expect(beats).toBe(onTime);
  });
});
