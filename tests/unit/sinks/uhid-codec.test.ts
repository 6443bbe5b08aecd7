import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeUhidEvent,
  encodeInput2,
  encodeUhidEvent,
  UHID_EVENT_SIZE,
  type UhidEvent,
  UhidEventSplitter,
  UhidProtocolError,
} from '../../../src/receiver/sinks/uhid/index.ts';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

const EVENTS: UhidEvent[] = [
  {
    type: 'create2',
    name: 'Ferry pad ✓',
    phys: 'ferry-uhid/1/0',
    uniq: 'serial-1',
    bus: 3,
    vendor: 0x054c,
    product: 0x0268,
    version: 0x0111,
    country: 0,
    descriptor: bytes(0x05, 0x01, 0x09, 0x05, 0xa1, 0x01, 0xc0),
  },
  { type: 'destroy' },
  { type: 'start', devFlags: 7 },
  { type: 'stop' },
  { type: 'open' },
  { type: 'close' },
  { type: 'input2', data: bytes(1, 2, 3) },
  { type: 'output', reportType: 1, data: bytes(2, 0xa1, 0xb2) },
  { type: 'get-report', id: 0xdeadbeef, reportNumber: 3, reportType: 0 },
  { type: 'get-report-reply', id: 42, err: 5, data: bytes(3, 9, 9) },
  { type: 'set-report', id: 43, reportNumber: 4, reportType: 0, data: bytes(4, 1, 2) },
  { type: 'set-report-reply', id: 43, err: 0 },
];

describe('uhid event codec', () => {
  it.each(EVENTS)('round-trips $type', (event) => {
    const encoded = encodeUhidEvent(event);
    expect(encoded.length).toBeLessThanOrEqual(UHID_EVENT_SIZE);
    expect(decodeUhidEvent(encoded)).toEqual(event);
  });

  it('decodes a full-size event as the kernel writes it', () => {
    const full = new Uint8Array(UHID_EVENT_SIZE);
    full.set(encodeUhidEvent({ type: 'get-report', id: 7, reportNumber: 1, reportType: 0 }));
    expect(decodeUhidEvent(full)).toEqual({ type: 'get-report', id: 7, reportNumber: 1, reportType: 0 });
  });

  it('puts fields at the offsets of include/uapi/linux/uhid.h, in host (little-endian) order', () => {
    const create = encodeUhidEvent(EVENTS[0]!);
    const view = new DataView(create.buffer);
    expect(view.getUint32(0, true)).toBe(11); // UHID_CREATE2
    expect(view.getUint16(4 + 256, true)).toBe(7); // rd_size
    expect(view.getUint16(4 + 258, true)).toBe(3); // bus
    expect(view.getUint32(4 + 260, true)).toBe(0x054c); // vendor
    expect(create.subarray(4 + 276)).toEqual(bytes(0x05, 0x01, 0x09, 0x05, 0xa1, 0x01, 0xc0));
    const output = encodeUhidEvent({ type: 'output', reportType: 1, data: bytes(9) });
    expect(new DataView(output.buffer).getUint16(4 + 4096, true)).toBe(1);
  });

  it('prefixes the report id on the input hot path only when asked', () => {
    const data = bytes(0xaa, 0xbb);
    expect(encodeInput2(5, data)).toEqual(encodeUhidEvent({ type: 'input2', data: bytes(5, 0xaa, 0xbb) }));
    expect(encodeInput2(undefined, data)).toEqual(encodeUhidEvent({ type: 'input2', data }));
  });

  it.each([
    ['too short for a type', bytes(1, 0)],
    ['longer than struct uhid_event', new Uint8Array(UHID_EVENT_SIZE + 1)],
    ['an unknown type', bytes(99, 0, 0, 0)],
    ['a legacy type', bytes(0, 0, 0, 0)],
    ['an input size over UHID_DATA_MAX', bytes(12, 0, 0, 0, 0x01, 0x10)],
    ['an unknown report type', bytes(9, 0, 0, 0, 1, 0, 0, 0, 1, 7)],
  ])('rejects %s with UhidProtocolError', (_, event) => {
    expect(() => decodeUhidEvent(event)).toThrow(UhidProtocolError);
  });

  it('refuses to encode what the kernel would reject', () => {
    const tooLong = { ...(EVENTS[0] as Extract<UhidEvent, { type: 'create2' }>), name: 'x'.repeat(128) };
    expect(() => encodeUhidEvent(tooLong)).toThrow(UhidProtocolError);
    expect(() => encodeInput2(1, new Uint8Array(4096))).toThrow(UhidProtocolError);
  });

  it('throws only UhidProtocolError on arbitrary input (fuzz)', () => {
    const typed = fc
      .tuple(fc.integer({ min: 0, max: 16 }), fc.uint8Array({ maxLength: 4400 }))
      .map(([type, rest]) => Uint8Array.from([type, 0, 0, 0, ...rest]));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 4400 }), typed), (input) => {
        try {
          decodeUhidEvent(input);
        } catch (error) {
          expect(error).toBeInstanceOf(UhidProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('UhidEventSplitter', () => {
  it('reassembles events split at any byte', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 * UHID_EVENT_SIZE }), { minLength: 1, maxLength: 8 }),
        (cuts) => {
          const stream = new Uint8Array(3 * UHID_EVENT_SIZE).map((_, i) => i % 251);
          const seen: number[][] = [];
          const splitter = new UhidEventSplitter((event) =>
            seen.push([event.length, event[0]!, event.at(-1)!]),
          );
          let offset = 0;
          for (const cut of [...cuts.sort((a, b) => a - b), stream.length]) {
            splitter.push(stream.subarray(offset, Math.max(offset, cut)));
            offset = Math.max(offset, cut);
          }
          expect(seen).toEqual(
            [0, 1, 2].map((i) => [
              UHID_EVENT_SIZE,
              (i * UHID_EVENT_SIZE) % 251,
              ((i + 1) * UHID_EVENT_SIZE - 1) % 251,
            ]),
          );
        },
      ),
    );
  });
});
