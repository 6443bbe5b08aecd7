/**
 * The `input` stage: edges reliably (and repeated), motion unreliably as running totals, the latest
 * state winning. Properties over arbitrary loss, reordering, duplication of the unreliable half and any
 * delay of the reliable half: no edge is lost, edges keep their order, relative motion arrives exactly
 * once in total, absolute state never goes backwards, every value stays in its field's range.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseReportDescriptor } from '../../../src/hid/index.ts';
import {
  type ChannelClass,
  createPipeline,
  type PipelineError,
  type ReportCodec,
  reportCodecFromModel,
  VirtualClock,
} from '../../../src/pipeline/index.ts';
import { encodeDeviceGone, encodeInputReport } from '../../../src/protocol/index.ts';
import { receiverOnly, TEST_CONTEXT, TEST_SECRET } from './helpers.ts';

/**
 * Buttons 1–3 (+5 bits padding) · X, Y relative int8 · Dial absolute 0…255 (the "sequence" axis):
 *   byte 0 buttons, 1 X, 2 Y, 3 dial
 */
// prettier-ignore
const MOUSE = Uint8Array.from([
  0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x09, 0x01, 0xa1, 0x00, 0x05, 0x09, 0x19, 0x01, 0x29, 0x03, 0x15, 0x00,
  0x25, 0x01, 0x75, 0x01, 0x95, 0x03, 0x81, 0x02, 0x75, 0x05, 0x95, 0x01, 0x81, 0x01, 0x05, 0x01, 0x09, 0x30,
  0x09, 0x31, 0x15, 0x81, 0x25, 0x7f, 0x75, 0x08, 0x95, 0x02, 0x81, 0x06, 0x09, 0x37, 0x15, 0x00, 0x26, 0xff,
  0x00, 0x75, 0x08, 0x95, 0x01, 0x81, 0x02, 0xc0, 0xc0,
]);
const codec: ReportCodec = reportCodecFromModel(parseReportDescriptor(MOUSE));
const DEVICE = 1;

interface Report {
  buttons: number;
  x: number;
  y: number;
}

const frameOf = (report: Report, index: number) =>
  encodeInputReport(
    DEVICE,
    0,
    index,
    Uint8Array.of(report.buttons, report.x & 0xff, report.y & 0xff, Math.min(255, index)),
  );

const parse = (frame: Uint8Array) => ({
  buttons: frame[12]! & 7,
  x: (frame[13]! << 24) >> 24,
  y: (frame[14]! << 24) >> 24,
  dial: frame[15]!,
});

interface Sent {
  message: Uint8Array;
  channel: ChannelClass;
}

function ends(spec: string, backlog?: () => number) {
  const clock = new VirtualClock(0);
  const wire: Sent[] = [];
  const delivered: Uint8Array[] = [];
  const errors: PipelineError[] = [];
  const common = {
    secret: TEST_SECRET,
    connectionContext: TEST_CONTEXT,
    clock,
    scheduler: clock,
    codecFor: (device: number) => (device === DEVICE ? codec : undefined),
    onError: (error: PipelineError) => errors.push(error),
  };
  const sharer = createPipeline(spec, {
    ...common,
    role: 'sharer',
    ...(backlog ? { backlog } : {}),
    onOutbound: (message, channel) => wire.push({ message: message.slice(), channel }),
    onInbound: () => undefined,
  });
  const receiver = createPipeline(spec, {
    ...common,
    role: 'receiver',
    onOutbound: () => undefined,
    onInbound: (frame) => delivered.push(frame.slice()),
  });
  return { clock, sharer, receiver, wire, delivered, errors };
}

const reportArbitrary = fc.record({
  buttons: fc.integer({ min: 0, max: 7 }),
  x: fc.integer({ min: -127, max: 127 }),
  y: fc.integer({ min: -127, max: 127 }),
});

/** Reports where buttons change now and then (as devices do), ending with everything released. */
const streamArbitrary = fc
  .array(fc.tuple(reportArbitrary, fc.integer({ min: 0, max: 9 })), { minLength: 1, maxLength: 120 })
  .map((pairs) => {
    let buttons = 0;
    const reports = pairs.map(([report, roll]) => {
      if (roll === 0) buttons = report.buttons; // a change one report in ten
      return { ...report, buttons };
    });
    return [...reports, { buttons: 0, x: 0, y: 0 }];
  });

/** Which unreliable messages are lost, duplicated, swapped with the next; how late reliable ones are. */
const networkArbitrary = fc.record({
  drop: fc.array(fc.boolean(), { maxLength: 300 }),
  duplicate: fc.array(fc.boolean(), { maxLength: 300 }),
  swap: fc.array(fc.boolean(), { maxLength: 300 }),
  reliableDelay: fc.integer({ min: 0, max: 40 }),
});

type Network = { drop: boolean[]; duplicate: boolean[]; swap: boolean[]; reliableDelay: number };

/**
 * The order in which the receiver gets the messages: each reliable one `reliableDelay` places late, in
 * order; unreliable ones dropped, duplicated or swapped with the next as the pattern says.
 */
function deliveryOrder(wire: Sent[], network: Network): Sent[] {
  const pick = (pattern: boolean[], index: number) => pattern.length > 0 && pattern[index % pattern.length]!;
  const out: Array<Sent & { at: number }> = [];
  const unreliable: Array<Sent & { at: number }> = [];
  wire.forEach((sent, index) => {
    if (sent.channel === 'reliable') out.push({ ...sent, at: index + network.reliableDelay + 0.5 });
    else if (!pick(network.drop, index)) {
      unreliable.push({ ...sent, at: index });
      if (pick(network.duplicate, index)) unreliable.push({ ...sent, at: index + 0.25 });
    }
  });
  for (let i = 0; i + 1 < unreliable.length; i += 1) {
    if (!pick(network.swap, i)) continue;
    const [a, b] = [unreliable[i]!, unreliable[i + 1]!];
    [a.at, b.at] = [b.at, a.at];
    i++;
  }
  return [...out, ...unreliable].sort((a, b) => a.at - b.at);
}

/** Button states as a list of changes: [state after each change]. */
function changes(states: number[]): number[] {
  const out: number[] = [];
  let last = 0;
  for (const state of states) {
    if (state !== last) out.push(state);
    last = state;
  }
  return out;
}

function pushAll(link: ReturnType<typeof ends>, reports: Report[]): void {
  for (const [index, report] of reports.entries()) link.sharer.outbound.push(frameOf(report, index));
}

function transmit(spec: string, reports: Report[], network: Network) {
  const link = ends(spec);
  pushAll(link, reports);
  link.sharer.flush();
  link.clock.advance(100);
  for (const { message, channel } of deliveryOrder(link.wire, network))
    link.receiver.inbound.push(message, channel);
  link.clock.advance(100);
  return { ...link, got: link.delivered.map(parse) };
}

describe('input stage', () => {
  it('loses no edge, keeps their order, sums motion exactly and never goes back, whatever the unreliable half does', () => {
    fc.assert(
      fc.property(streamArbitrary, networkArbitrary, (reports, network) => {
        const { got, errors } = transmit('input', reports, network);
        expect(errors).toEqual([]);
        // Every change of the buttons, in order: the sender's sequence of states, collapsed.
        expect(changes(got.map((r) => r.buttons))).toEqual(changes(reports.map((r) => r.buttons)));
        // Relative motion: exactly what was sent, in total.
        const sum = (list: Array<{ x: number; y: number }>, key: 'x' | 'y') =>
          list.reduce((total, r) => total + r[key], 0);
        expect(sum(got, 'x')).toBe(sum(reports, 'x'));
        expect(sum(got, 'y')).toBe(sum(reports, 'y'));
        // Absolute state (the dial counts reports) never goes backwards.
        for (let i = 1; i < got.length; i++) expect(got[i]!.dial).toBeGreaterThanOrEqual(got[i - 1]!.dial);
      }),
      { numRuns: 300 },
    );
  });

  it('does the same through bundle', () => {
    fc.assert(
      fc.property(streamArbitrary, networkArbitrary, (reports, network) => {
        const { got, errors } = transmit('input,bundle(1ms)', reports, network);
        expect(errors).toEqual([]);
        expect(changes(got.map((r) => r.buttons))).toEqual(changes(reports.map((r) => r.buttons)));
        expect(got.reduce((total, r) => total + r.x, 0)).toBe(reports.reduce((total, r) => total + r.x, 0));
      }),
      { numRuns: 100 },
    );
  });

  it('delivers everything once, as sent, when nothing is lost', () => {
    const reports = [
      { buttons: 0, x: 1, y: 0 },
      { buttons: 1, x: 2, y: -1 },
      { buttons: 1, x: 3, y: 0 },
      { buttons: 0, x: 0, y: 0 },
    ];
    const { got, wire } = transmit('input(repeat=0)', reports, {
      drop: [],
      duplicate: [],
      swap: [],
      reliableDelay: 0,
    });
    expect(got.map((r) => [r.buttons, r.x, r.y])).toEqual(reports.map((r) => [r.buttons, r.x, r.y]));
    // Edges (the first report, a press, a release) on the reliable channel; the rest unreliable.
    expect(wire.map((sent) => sent.channel)).toEqual(['reliable', 'reliable', 'unreliable', 'reliable']);
  });

  it('recovers a lost press from the next motion message, before the reliable copy', () => {
    const reports = [
      { buttons: 0, x: 0, y: 0 },
      { buttons: 1, x: 5, y: 0 },
      { buttons: 1, x: 5, y: 0 },
      { buttons: 0, x: 0, y: 0 },
    ];
    const link = ends('input(interval=0ms)');
    pushAll(link, reports);
    // Deliver only the unreliable messages after the press, then (late) the reliable ones.
    const unreliable = link.wire.filter((sent) => sent.channel === 'unreliable');
    link.receiver.inbound.push(unreliable[2]!.message, 'unreliable');
    // The first report's state, the press (both from the repeats), then the motion itself.
    expect(link.delivered.map(parse).map((r) => r.buttons)).toEqual([0, 1, 1]);
    expect(link.delivered.map(parse).reduce((total, r) => total + r.x, 0)).toBe(10);
  });

  it('splits motion a lost message left owed into reports that fit the field', () => {
    const reports = Array.from({ length: 10 }, () => ({ buttons: 0, x: 100, y: 0 }));
    const link = ends('input(interval=0ms)');
    pushAll(link, reports);
    const first = link.wire[0]!;
    const last = link.wire.at(-1)!;
    link.receiver.inbound.push(first.message, first.channel);
    link.receiver.inbound.push(last.message, last.channel);
    const got = link.delivered.map(parse);
    expect(got.reduce((total, r) => total + r.x, 0)).toBe(1000);
    for (const r of got) expect(Math.abs(r.x)).toBeLessThanOrEqual(127);
  });

  it('sends at most one MOTION per interval, the newest, and the first after a pause at once', () => {
    const link = ends('input(interval=4ms,pacing=fixed)');
    const unreliableSent = () => link.wire.filter((sent) => sent.channel === 'unreliable');
    link.sharer.outbound.push(frameOf({ buttons: 0, x: 1, y: 0 }, 0)); // an edge (the first report) and its motion
    for (let i = 1; i < 8; i++) {
      link.clock.advance(0.5);
      link.sharer.outbound.push(frameOf({ buttons: 0, x: 1, y: 0 }, i));
    }
    expect(unreliableSent()).toHaveLength(1);
    link.clock.advance(0.5); // 4 ms after the first
    expect(unreliableSent()).toHaveLength(2);
    for (const sent of link.wire) link.receiver.inbound.push(sent.message, sent.channel);
    const got = link.delivered.map(parse);
    expect(got.at(-1)!.dial).toBe(7); // the newest report's state
    expect(got.reduce((total, r) => total + r.x, 0)).toBe(8); // and all the motion
  });

  it('holds motion while the unreliable channel is backed up, and sends only the newest', () => {
    let queued = 10_000;
    const link = ends('input(interval=0ms,backlog=512)', () => queued);
    for (let i = 0; i < 5; i++) link.sharer.outbound.push(frameOf({ buttons: 0, x: 1, y: 0 }, i));
    const unreliableSent = () => link.wire.filter((sent) => sent.channel === 'unreliable').length;
    const before = unreliableSent();
    link.clock.advance(5);
    expect(unreliableSent()).toBe(before);
    queued = 0;
    link.clock.advance(2);
    expect(unreliableSent()).toBe(before + 1);
    const newest = link.wire.at(-1)!;
    for (const sent of link.wire.filter((s) => s.channel === 'reliable'))
      link.receiver.inbound.push(sent.message, 'reliable');
    link.receiver.inbound.push(newest.message, 'unreliable');
    expect(link.delivered.map(parse).reduce((total, r) => total + r.x, 0)).toBe(5);
  });

  it('relaxes its interval to none on a clean path, and paces again once the channel backs up (adaptive)', () => {
    let queued = 0;
    const link = ends('input(interval=4ms,pacing=adaptive)', () => queued);
    const unreliableSent = () => link.wire.filter((sent) => sent.channel === 'unreliable').length;
    for (let i = 0; i < 4; i++) {
      link.sharer.outbound.push(frameOf({ buttons: 0, x: 1, y: 0 }, i));
      link.clock.advance(1100); // each second clear halves it: 4, 2, 1, none
    }
    const relaxedAt = unreliableSent();
    for (let i = 4; i < 8; i++) {
      link.sharer.outbound.push(frameOf({ buttons: 0, x: 1, y: 0 }, i));
      link.clock.advance(0.25);
    }
    expect(unreliableSent() - relaxedAt).toBe(4); // a clean path: one MOTION per report
    queued = 10_000; // the congestion window shut
    for (let i = 8; i < 40; i++) {
      link.sharer.outbound.push(frameOf({ buttons: 0, x: 1, y: 0 }, i));
      link.clock.advance(0.25);
    }
    queued = 0;
    const before = unreliableSent();
    for (let i = 40; i < 80; i++) {
      link.sharer.outbound.push(frameOf({ buttons: 0, x: 1, y: 0 }, i));
      link.clock.advance(0.25);
    }
    // 10 ms of reports after the congestion: paced at the full interval now, not one per report.
    expect(unreliableSent() - before).toBeLessThanOrEqual(4);
    link.clock.advance(1500);
    const relaxed = unreliableSent();
    for (let i = 80; i < 84; i++) {
      link.sharer.outbound.push(frameOf({ buttons: 0, x: 1, y: 0 }, i));
      link.clock.advance(1000); // a second apart: the interval halves each time, back to none
    }
    expect(unreliableSent() - relaxed).toBe(4);
  });

  it('sends reports with only edges (keys, vendor bytes) as they are, reliably', () => {
    // Usage Page 0xFF00, 8 bytes of vendor data: no axis, nothing relative.
    // prettier-ignore
    const vendor = reportCodecFromModel(
      parseReportDescriptor(
        Uint8Array.from([
          0x06, 0x00, 0xff, 0x09, 0x01, 0xa1, 0x01, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08, 0x95, 0x08,
          0x09, 0x01, 0x81, 0x02, 0xc0,
        ]),
      ),
    );
    const wire: Sent[] = [];
    const sharer = createPipeline('input', {
      role: 'sharer',
      codecFor: () => vendor,
      onOutbound: (message, channel) => wire.push({ message: message.slice(), channel }),
      onInbound: () => undefined,
      onError: (error) => {
        throw error;
      },
    });
    const frame = encodeInputReport(1, 0, 5, new Uint8Array(8).fill(3));
    sharer.outbound.push(frame);
    sharer.outbound.push(frame);
    expect(wire.map((sent) => [Buffer.from(sent.message).toString('hex'), sent.channel])).toEqual([
      [Buffer.from(frame).toString('hex'), 'reliable'],
      [Buffer.from(frame).toString('hex'), 'reliable'],
    ]);
  });

  it('passes frames of a device without a codec, and other frames, through untouched', () => {
    const link = ends('input');
    const other = encodeInputReport(2, 0, 1, Uint8Array.of(1, 2, 3));
    const gone = encodeDeviceGone(2);
    link.sharer.outbound.push(other);
    link.sharer.outbound.push(gone);
    expect(link.wire.map((sent) => [Buffer.from(sent.message).toString('hex'), sent.channel])).toEqual([
      [Buffer.from(other).toString('hex'), 'reliable'],
      [Buffer.from(gone).toString('hex'), 'reliable'],
    ]);
  });

  it('passes a report shorter than its descriptor through as it is', () => {
    const link = ends('input');
    link.sharer.outbound.push(frameOf({ buttons: 1, x: 0, y: 0 }, 0));
    const short = encodeInputReport(DEVICE, 0, 1, Uint8Array.of(1, 2));
    link.sharer.outbound.push(short);
    expect(Buffer.from(link.wire.at(-1)!.message).toString('hex')).toBe(Buffer.from(short).toString('hex'));
    expect(link.wire.at(-1)!.channel).toBe('reliable');
  });

  it('starts a device afresh after DEVICE_GONE', () => {
    const link = ends('input');
    link.sharer.outbound.push(frameOf({ buttons: 1, x: 0, y: 0 }, 0));
    link.sharer.outbound.push(encodeDeviceGone(DEVICE));
    link.sharer.outbound.push(frameOf({ buttons: 1, x: 0, y: 0 }, 1));
    for (const sent of link.wire) link.receiver.inbound.push(sent.message, sent.channel);
    expect(
      link.delivered
        .filter((frame) => frame[0] === 0x10)
        .map(parse)
        .map((r) => r.buttons),
    ).toEqual([1, 1]);
  });

  describe('refuses malformed messages with typed errors, delivering nothing', () => {
    const good = () => {
      const link = ends('input');
      link.sharer.outbound.push(frameOf({ buttons: 1, x: 1, y: 1 }, 0));
      link.sharer.outbound.push(frameOf({ buttons: 1, x: 1, y: 1 }, 1));
      return link.wire.map((sent) => sent.message);
    };
    const [edge, motion] = good();
    const cases: Array<[string, Uint8Array, ChannelClass, string]> = [
      ['a truncated header', edge!.subarray(0, 6), 'reliable', 'malformed'],
      ['truncated totals', edge!.subarray(0, 12), 'reliable', 'malformed'],
      [
        'a wrong number of totals',
        Uint8Array.from([...edge!.subarray(0, 9), 3, ...edge!.subarray(10)]),
        'reliable',
        'malformed',
      ],
      [
        'an embedded frame that is not an input report',
        Uint8Array.from([...edge!.subarray(0, 18), 0x11, ...edge!.subarray(19)]),
        'reliable',
        'malformed',
      ],
      [
        'a motion message overrun by its frame length',
        Uint8Array.from([...motion!.subarray(0, 18), 0x7f, ...motion!.subarray(19)]),
        'unreliable',
        'malformed',
      ],
      ['bytes after the last repeated edge', Uint8Array.from([...motion!, 0]), 'unreliable', 'malformed'],
      ['motion on the reliable channel', motion!, 'reliable', 'unexpected-channel'],
      ['an edge on the unreliable channel', edge!, 'unreliable', 'unexpected-channel'],
      [
        'a plain frame on the unreliable channel',
        encodeInputReport(1, 0, 0, Uint8Array.of(1, 2, 3, 4)),
        'unreliable',
        'malformed',
      ],
    ];
    it.each(cases)('%s', (_name, bytes, channel, code) => {
      const link = ends('input');
      link.receiver.inbound.push(bytes, channel);
      expect(link.delivered).toEqual([]);
      expect(link.errors.map((error) => [error.name, error.code])).toEqual([['PipelineError', code]]);
    });

    it('and never throws or delivers a non-input frame on arbitrary bytes', () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.uint8Array({ maxLength: 60 }), fc.boolean()), { maxLength: 20 }),
          (messages) => {
            const { pipeline, frames, errors } = receiverOnly('input');
            for (const [bytes, unreliable] of messages) {
              const tagged =
                bytes.length > 0 ? Uint8Array.from([unreliable ? 0xe2 : 0xe1, ...bytes.subarray(1)]) : bytes;
              expect(() =>
                pipeline.inbound.push(tagged, unreliable ? 'unreliable' : 'reliable'),
              ).not.toThrow();
            }
            for (const error of errors) expect(['malformed', 'unexpected-channel']).toContain(error.code);
            for (const frame of frames) expect(frame[0]).toBe(0x10);
          },
        ),
      );
    });
  });
});

describe('input stage timers', () => {
  it('never re-arms a timer at the same instant when float remainders are tiny', () => {
    // Times like these leave remainders of ~1e-13 ms between "the interval has passed" and "now".
    const link = ends('input(interval=4ms,pacing=fixed,settle=20ms)');
    link.clock.advanceTo(0.1);
    for (let i = 0; i < 200; i++) {
      link.sharer.outbound.push(frameOf({ buttons: 0, x: 1, y: 0 }, i));
      link.clock.advance(0.1 + 0.2);
    }
    link.clock.advance(1000);
    expect(link.clock.pending).toBe(0);
    for (const sent of link.wire) link.receiver.inbound.push(sent.message, sent.channel);
    expect(link.delivered.map(parse).reduce((total, r) => total + r.x, 0)).toBe(200);
  });
});
