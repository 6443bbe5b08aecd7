/**
 * LinkHeartbeat's stall judgement against the peer's own cadence: a prompt peer's second of silence is
 * a stall, while a peer whose heartbeats come once a second (Chrome's background-tab timers) is not
 * called stalled for its gaps, and even then a real silence is a stall within the cap.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_TICK_MS, LinkHeartbeat, MAX_TICKS_TO_STALL } from '../../../src/transport/heartbeat.ts';

let stalls: boolean[];
let heartbeat: LinkHeartbeat;

beforeEach(() => {
  vi.useFakeTimers();
  stalls = [];
  heartbeat = new LinkHeartbeat({ beat: () => undefined, stall: (stalled) => stalls.push(stalled) });
});

afterEach(() => {
  heartbeat.close();
  vi.useRealTimers();
});

/** The peer is heard every `everyMs` for `times` times. */
function peerSpeaks(everyMs: number, times: number): void {
  for (let i = 0; i < times; i++) {
    vi.advanceTimersByTime(everyMs);
    heartbeat.heard();
  }
}

describe('LinkHeartbeat stall judgement', () => {
  it('calls a prompt peer stalled after about a second of silence, and live again when heard', () => {
    peerSpeaks(HEARTBEAT_TICK_MS, 20);
    expect(stalls).toEqual([]);
    vi.advanceTimersByTime(1600);
    expect(stalls).toEqual([true]);
    heartbeat.heard();
    expect(stalls).toEqual([true, false]);
  });

  it('learns a peer that speaks once a second (a background tab) and does not flap', () => {
    peerSpeaks(1000, 5);
    peerSpeaks(1250, 20);
    expect(stalls).toEqual([]);
  });

  it('still calls that slow peer stalled when it goes silent, within the cap', () => {
    peerSpeaks(1000, 5);
    vi.advanceTimersByTime(MAX_TICKS_TO_STALL * HEARTBEAT_TICK_MS + HEARTBEAT_TICK_MS);
    expect(stalls).toEqual([true]);
  });

  it('does not learn from an outage: after a stall, a second of silence is a stall again', () => {
    peerSpeaks(HEARTBEAT_TICK_MS, 8);
    vi.advanceTimersByTime(5000);
    heartbeat.heard();
    peerSpeaks(HEARTBEAT_TICK_MS, 8);
    vi.advanceTimersByTime(1600);
    expect(stalls).toEqual([true, false, true]);
  });
});
