import { describe, expect, it } from 'vitest';
import { type ReportCodec, ValueRole } from '../../../src/pipeline/index.ts';
import {
  corpusCodec,
  corpusRecordings,
  createLink,
  hexOf,
  inputFrame,
  replay,
  timestampOf,
  valuesOf,
} from './helpers.ts';

interface Summary {
  relativeSums: Map<number, number[]>;
  edges: Map<number, string[]>;
  count: number;
}

/** What coalescing must preserve, per report ID: summed motion and the sequence of distinct edge states. */
function summarize(codec: ReportCodec, frames: readonly Uint8Array[]): Summary {
  const relativeSums = new Map<number, number[]>();
  const edges = new Map<number, string[]>();
  for (const frame of frames) {
    const values = valuesOf(codec, frame);
    const shape = codec.input(frame[2]!);
    const id = values && shape ? frame[2]! : -1;
    const sums = relativeSums.get(id) ?? [];
    const edgeState: number[] = [];
    if (values && shape) {
      shape.roles.forEach((role, i) => {
        if (role === ValueRole.Relative) sums[i] = (sums[i] ?? 0) + values[i]!;
        if (role === ValueRole.Edge) edgeState.push(values[i]!);
      });
    } else edgeState.push(...frame.subarray(12));
    relativeSums.set(id, sums);
    const history = edges.get(id) ?? [];
    const state = edgeState.join(',');
    if (history.at(-1) !== state) history.push(state);
    edges.set(id, history);
  }
  return { relativeSums, edges, count: frames.length };
}

function expectInRange(codec: ReportCodec, frames: readonly Uint8Array[]): void {
  for (const frame of frames) {
    const values = valuesOf(codec, frame);
    const shape = codec.input(frame[2]!);
    if (!values || !shape) continue;
    shape.roles.forEach((role, i) => {
      if (role !== ValueRole.Relative) return;
      expect(values[i]).toBeGreaterThanOrEqual(shape.minimum[i]!);
      expect(values[i]).toBeLessThanOrEqual(shape.maximum[i]!);
    });
  }
}

describe('coalesce', () => {
  it.each(['coalesce(4ms)', 'coalesce(8ms,latest)'])(
    '%s keeps motion sums, every edge and the final state over the corpus',
    async (spec) => {
      let before = 0;
      let after = 0;
      for (const recording of corpusRecordings()) {
        const link = createLink(spec, { codecFor: () => recording.codec });
        await replay(link, recording.frames);
        const input = summarize(recording.codec, recording.frames);
        const output = summarize(recording.codec, link.atReceiver);
        expect(output.relativeSums, recording.name).toEqual(input.relativeSums);
        expect(output.edges, recording.name).toEqual(input.edges);
        expectInRange(recording.codec, link.atReceiver);
        expect(link.errors).toEqual([]);
        const inputTimes = new Set(recording.frames.map(timestampOf));
        expect(link.atReceiver.every((frame) => inputTimes.has(timestampOf(frame)))).toBe(true);
        if (spec.includes('latest')) {
          const last = (frames: readonly Uint8Array[]) => hexOf(frames.at(-1)!.subarray(12));
          const lastValues = valuesOf(recording.codec, recording.frames.at(-1)!);
          if (
            lastValues &&
            !recording.codec.input(recording.frames.at(-1)![2]!)!.roles.includes(ValueRole.Relative)
          ) {
            expect(last(link.atReceiver)).toBe(last(recording.frames));
          }
        }
        before += input.count;
        after += output.count;
      }
      expect(after).toBeLessThan(before);
    },
  );

  it('with a 0 ms window changes nothing', async () => {
    const recording = corpusRecordings().find((entry) => entry.name.startsWith('genius-gila'))!;
    const link = createLink('coalesce(0ms)', { codecFor: () => recording.codec });
    await replay(link, recording.frames);
    expect(link.atReceiver.map(hexOf)).toEqual(recording.frames.map(hexOf));
  });

  describe('on an 8-bit relative mouse', () => {
    const codec = corpusCodec('logitech-m105-mouse-usb');
    const mouse = (t: number, buttons: number, dx: number) => inputFrame(t, [buttons, dx & 0xff, 0, 0]);

    async function run(frames: Uint8Array[]) {
      const link = createLink('coalesce(4ms)', { codecFor: () => codec });
      await replay(link, frames);
      return link.atReceiver.map((frame) => [frame[12]!, (frame[13]! << 24) >> 24]);
    }

    it('sums motion but never beyond the field range: it splits instead', async () => {
      const frames = [mouse(0, 0, 1), ...Array.from({ length: 6 }, (_, i) => mouse(1 + i * 0.5, 0, 50))];
      const out = await run(frames);
      expect(out.map(([, dx]) => dx)).toEqual([1, 100, 100, 100]);
      const big = await run([mouse(0, 0, 1), ...Array.from({ length: 3 }, (_, i) => mouse(1 + i, 0, -100))]);
      expect(big.map(([, dx]) => dx)).toEqual([1, -100, -100, -100]);
    });

    it('keeps a press and a release inside one window as two reports, in order, motion included', async () => {
      const frames = [mouse(0, 0, 1), mouse(0.5, 0, 5), mouse(1, 1, 0), mouse(1.5, 0, 0), mouse(2, 0, 7)];
      expect(await run(frames)).toEqual([
        [0, 1],
        [0, 5],
        [1, 0],
        [0, 0],
        [0, 7],
      ]);
      const quick = [mouse(0, 0, 1), mouse(0.5, 0, 2), mouse(0.6, 0, 3), mouse(1, 1, 4), mouse(1.1, 0, 0)];
      expect(await run(quick)).toEqual([
        [0, 1],
        [0, 5],
        [1, 4],
        [0, 0],
      ]);
    });

    it('sends what it merged byte for byte when it merged only one report', async () => {
      const frames = [mouse(0, 0, 1), mouse(1, 0, 2)];
      const link = createLink('coalesce(4ms)', { codecFor: () => codec });
      await replay(link, frames);
      expect(link.atReceiver.map(hexOf)).toEqual(frames.map(hexOf));
    });
  });

  it('passes reports through when the device has no codec', async () => {
    const recording = corpusRecordings()[0]!;
    const link = createLink('coalesce(50ms)');
    await replay(link, recording.frames.slice(0, 100));
    expect(link.atReceiver.map(hexOf)).toEqual(recording.frames.slice(0, 100).map(hexOf));
  });
});
