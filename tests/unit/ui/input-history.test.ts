import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spaceNavigatorDescriptor } from '../../../src/devices/index.ts';
import { parseReportDescriptor } from '../../../src/hid/index.ts';
import { AxisRing, ButtonEdges, InputHistory, LatencyHistogram } from '../../../src/ui/lib/history/index.ts';

describe('AxisRing', () => {
  it('keeps the newest rows, oldest first, as one contiguous window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.array(fc.integer({ min: -500, max: 500 })),
        (capacity, values) => {
          const ring = new AxisRing(1, capacity);
          values.forEach((value, index) => {
            ring.set(0, value);
            ring.push(index);
          });
          const [times, column] = ring.window();
          const kept = values.slice(-capacity);
          expect([...(column ?? [])]).toEqual(kept);
          expect([...(times ?? [])]).toEqual(kept.map((_, index) => values.length - kept.length + index));
        },
      ),
    );
  });
});

describe('ButtonEdges', () => {
  it('gives the stretches each button was down, counts presses, ignores repeats', () => {
    const edges = new ButtonEdges(2, 8);
    expect(edges.set(0, true, 1)).toBe(true);
    expect(edges.set(0, true, 1.5)).toBe(false);
    edges.set(0, false, 2);
    edges.set(1, true, 3);
    edges.set(0, true, 4);
    const spans: Array<[number, number, number]> = [];
    edges.spans(0, 5, (button, from, to) => spans.push([button, from, to]));
    expect(spans.sort()).toEqual([
      [0, 1, 2],
      [0, 4, 5],
      [1, 3, 5],
    ]);
    expect([edges.presses(0), edges.presses(1), edges.isDown(0), edges.anyDown()]).toEqual([
      2,
      1,
      true,
      true,
    ]);
    const recent: Array<[number, number, number]> = [];
    edges.spans(3.5, 5, (button, from, to) => recent.push([button, from, to]));
    expect(recent.sort()).toEqual([
      [0, 4, 5],
      [1, 3.5, 5],
    ]);
  });
});

describe('LatencyHistogram', () => {
  it('puts every age in exactly one bin and bounds its quantiles', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -10, max: 2000, noNaN: true }), { minLength: 1 }), (ages) => {
        const histogram = new LatencyHistogram();
        for (const age of ages) histogram.add(age);
        expect([...histogram.counts].reduce((sum, count) => sum + count, 0)).toBe(ages.length);
        const sorted = [...ages].sort((a, b) => a - b);
        const median = sorted[Math.ceil(0.5 * ages.length) - 1]!;
        expect(median).toBeLessThan(histogram.quantileBound(0.5)!);
      }),
    );
  });
});

describe('InputHistory', () => {
  it('decodes SpaceNavigator reports into its six axes and two buttons', () => {
    const history = new InputHistory(parseReportDescriptor(spaceNavigatorDescriptor()), 4, 4);
    expect(history.channels.axes.map((axis) => axis.label)).toEqual(['X', 'Y', 'Z', 'Rx', 'Ry', 'Rz']);
    expect(history.channels.buttons.map((button) => button.label)).toEqual(['Button 1', 'Button 2']);
    history.record(1, Uint8Array.of(10, 0, 0xf6, 0xff, 0, 0), 1000, 3);
    history.record(2, Uint8Array.of(0, 0, 0, 0, 0x5e, 0x01), 1001, 4);
    history.record(3, Uint8Array.of(0b10, 0), 1002, 5);
    const [times, x, y, , , , rz] = history.axes.window();
    expect([...(times ?? [])]).toEqual([1, 1.001]);
    expect([x?.[1], y?.[1], rz?.[1]]).toEqual([10, -10, 350]);
    expect([history.buttons.isDown(0), history.buttons.isDown(1)]).toEqual([false, true]);
    expect(history.latency.total).toBe(3);
    history.record(1, Uint8Array.of(1), 1003, 1);
    expect(history.undecodable).toBe(1);
  });
});
