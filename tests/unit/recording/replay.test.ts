/**
 * RecordingSource's timing with a fake clock: reports come out at their recorded times scaled by
 * `speed`, in order, split into report id and data the way WebHID delivers them; `loop` starts again
 * after the recording's mean gap; without it the source ends once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Recording, RecordingSource, type ReplayClock } from '../../../src/devices/recording/index.ts';

/** A clock whose time moves only when the test says; timers run in due order as it passes them. */
class FakeClock implements ReplayClock {
  private time = 1_000_000;
  private timers: Array<{ at: number; task: () => void; seq: number }> = [];
  private seq = 0;

  now(): number {
    return this.time;
  }

  after(delayMs: number, task: () => void): () => void {
    const timer = { at: this.time + delayMs, task, seq: this.seq++ };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward by `ms`, running each timer at its own due time (like an idle event loop). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.task();
    }
    this.time = end;
  }

  /** Jumps straight to `ms` later and only then runs what is due: a timer that fired late. */
  jump(ms: number): void {
    this.time += ms;
    this.advance(0);
  }

  get pending(): number {
    return this.timers.length;
  }
}

// Gamepad, one 2-byte input report; NUMBERED gives it report id 1.
const UNNUMBERED = Uint8Array.from([
  0x05, 0x01, 0x09, 0x05, 0xa1, 0x01, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08, 0x95, 0x02, 0x81, 0x02, 0xc0,
]);
const NUMBERED = Uint8Array.from([
  0x05, 0x01, 0x09, 0x05, 0xa1, 0x01, 0x85, 0x01, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08, 0x95, 0x02, 0x81,
  0x02, 0xc0,
]);

function recording(descriptor: Uint8Array, events: Array<[number, number[]]>): Recording {
  return {
    name: 'pad',
    ids: { bus: 3, vendorId: 0x054c, productId: 0x0268 },
    descriptor,
    events: events.map(([timeUs, bytes]) => ({ timeUs, bytes: Uint8Array.from(bytes) })),
  };
}

interface Played {
  at: number;
  reportId: number;
  data: number[];
}

function play(rec: Recording, options: { speed?: number; loop?: boolean } = {}) {
  const clock = new FakeClock();
  const source = new RecordingSource(rec, { clock, ...options });
  const start = clock.now();
  const played: Played[] = [];
  let ends = 0;
  source.onInput((reportId, data, at) => played.push({ at: at - start, reportId, data: [...data] }));
  source.onEnd(() => ends++);
  source.start();
  return { clock, source, played, ends: () => ends };
}

const THREE = recording(NUMBERED, [
  [500_000, [1, 10, 11]],
  [510_000, [1, 20, 21]],
  [535_000, [1, 30, 31]],
]);

describe('RecordingSource (a recording played as a HID device)', () => {
  it('describes the device from the recording, its own descriptor included', () => {
    const { source } = play(THREE);
    expect(source.vendorId).toBe(0x054c);
    expect(source.productId).toBe(0x0268);
    expect(source.productName).toBe('pad');
    expect(source.reportDescriptor).toEqual(NUMBERED);
    expect(source.collections[0]?.inputReports.map((r) => r.reportId)).toEqual([1]);
    // An N: line longer than an announcement may carry is cut to fit, not refused by the receiver.
    const long = new RecordingSource({ ...THREE, name: 'x'.repeat(300) }, { clock: new FakeClock() });
    expect(long.productName).toBe('x'.repeat(256));
  });

  it('plays each report at its recorded time from the first, split into id and data', () => {
    const { clock, played, ends } = play(THREE);
    clock.advance(0);
    expect(played).toEqual([{ at: 0, reportId: 1, data: [10, 11] }]);
    clock.advance(9);
    expect(played).toHaveLength(1);
    clock.advance(1);
    expect(played.at(-1)).toEqual({ at: 10, reportId: 1, data: [20, 21] });
    clock.advance(25);
    expect(played.map((p) => p.at)).toEqual([0, 10, 35]);
    expect(ends()).toBe(1);
    clock.advance(10_000);
    expect(played).toHaveLength(3);
    expect(ends()).toBe(1);
  });

  it('hands the whole report over as data (id 0) when the descriptor numbers no reports', () => {
    const { clock, played } = play(recording(UNNUMBERED, [[0, [7, 8]]]));
    clock.advance(0);
    expect(played).toEqual([{ at: 0, reportId: 0, data: [7, 8] }]);
  });

  it('--speed 2 halves every gap, 0.5 doubles it', () => {
    const fast = play(THREE, { speed: 2 });
    fast.clock.advance(100);
    expect(fast.played.map((p) => p.at)).toEqual([0, 5, 17.5]);
    const slow = play(THREE, { speed: 0.5 });
    slow.clock.advance(100);
    expect(slow.played.map((p) => p.at)).toEqual([0, 20, 70]);
  });

  it('a late timer catches up: everything due comes out at once, in order', () => {
    const { clock, played } = play(THREE);
    clock.jump(50);
    expect(played.map((p) => p.data[0])).toEqual([10, 20, 30]);
  });

  it('--loop starts again after the mean gap, pass after pass, and never ends by itself', () => {
    const { clock, source, played, ends } = play(THREE, { loop: true });
    // span 35 ms, mean gap 17.5 ms: passes start at 0, 52.5, 105 …
    clock.advance(110);
    expect(played.map((p) => p.at)).toEqual([0, 10, 35, 52.5, 62.5, 87.5, 105]);
    expect(source.completedPasses).toBe(2);
    expect(ends()).toBe(0);
    void source.close();
    clock.advance(1000);
    expect(played).toHaveLength(7);
    expect(clock.pending).toBe(0);
  });

  it('a looped recording whose reports share one time cannot spin: at least 1 ms a pass', () => {
    const { clock, source } = play(
      recording(UNNUMBERED, [
        [5, [1, 1]],
        [5, [2, 2]],
      ]),
      { loop: true },
    );
    clock.advance(10);
    expect(source.completedPasses).toBe(11);
  });

  it('a report that cannot carry its id is skipped; an empty recording ends at once', () => {
    const skipped = play(
      recording(NUMBERED, [
        [0, []],
        [1000, [1, 2, 3]],
      ]),
    );
    skipped.clock.advance(5);
    expect(skipped.played).toEqual([{ at: 1, reportId: 1, data: [2, 3] }]);
    const empty = play(recording(NUMBERED, []));
    empty.clock.advance(0);
    expect(empty.ends()).toBe(1);
  });

  it('refuses a speed that is not above zero, and output or feature requests', async () => {
    for (const speed of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => new RecordingSource(THREE, { clock: new FakeClock(), speed })).toThrow(RangeError);
    const { source } = play(THREE);
    await expect(source.sendReport()).rejects.toThrow(/only input reports/);
    await expect(source.receiveFeatureReport()).rejects.toThrow(/only input reports/);
  });

  it('any recording at any speed: every report in order, each at (t - t0) / speed', () => {
    const times = fc.array(fc.integer({ min: 0, max: 5_000_000 }), { minLength: 1, maxLength: 30 });
    const speed = fc.constantFrom(0.25, 0.5, 1, 1.5, 2, 10);
    fc.assert(
      fc.property(times, speed, (unsorted, x) => {
        const sorted = [...unsorted].sort((a, b) => a - b);
        const rec = recording(
          NUMBERED,
          sorted.map((t, i) => [t, [1, i & 0xff, 0]]),
        );
        const { clock, played, ends } = play(rec, { speed: x });
        clock.advance((sorted.at(-1)! - sorted[0]!) / 1000 / x + 1);
        expect(played.map((p) => p.data[0])).toEqual(sorted.map((_, i) => i & 0xff));
        played.forEach((p, i) => {
          expect(p.at).toBeCloseTo((sorted[i]! - sorted[0]!) / 1000 / x, 6);
        });
        expect(ends()).toBe(1);
      }),
    );
  });
});
