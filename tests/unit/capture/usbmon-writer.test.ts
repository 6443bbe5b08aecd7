/**
 * The pcapng/usbmon encoder of `ferry receive --capture`: what it writes reads back, field for field,
 * through an independent little reader (tests/support/pcapng-reader.ts), for any record.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LINKTYPE_USB_LINUX_MMAPPED,
  UsbmonEvent,
  UsbmonPcapngWriter,
  type UsbmonRecord,
  UsbmonTransfer,
} from '../../../src/receiver/sinks/capture/index.ts';
import { PcapngReadError, readCapture } from '../../support/pcapng-reader.ts';

const OPTIONS = { application: 'Ferry test', interfaceName: 'ferry' };

function capture(records: readonly UsbmonRecord[]): { file: Uint8Array; buffers: Uint8Array[] } {
  const chunks: Uint8Array[] = [];
  const buffers: Uint8Array[] = [];
  const writer = new UsbmonPcapngWriter((bytes, length) => {
    buffers.push(bytes);
    chunks.push(bytes.slice(0, length));
  });
  writer.start(OPTIONS);
  for (const record of records) writer.packet(record);
  const file = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    file.set(chunk, at);
    at += chunk.length;
  }
  return { file, buffers: buffers.slice(2) };
}

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => new Uint8Array(a));
const isoPacket = fc.record({
  status: fc.integer({ min: -200, max: 0 }),
  offset: fc.integer({ min: 0, max: 0xffff_ffff }),
  length: fc.integer({ min: 0, max: 0xffff }),
});

const record: fc.Arbitrary<UsbmonRecord> = fc.record({
  id: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  event: fc.constantFrom(UsbmonEvent.submission, UsbmonEvent.completion, UsbmonEvent.error),
  transferType: fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<UsbmonRecord['transferType']>,
  endpoint: fc.integer({ min: 0, max: 0xff }),
  device: fc.integer({ min: 0, max: 127 }),
  bus: fc.integer({ min: 0, max: 0xffff }),
  // Up to year 2100 in microseconds: past 2^32 seconds' worth of micros, so both halves are used.
  timestampMicros: fc.integer({ min: 0, max: 4_102_444_800_000_000 }),
  status: fc.integer({ min: -200, max: 0 }),
  length: fc.integer({ min: 0, max: 0xffff_ffff }),
  setup: fc.option(fc.uint8Array({ minLength: 8, maxLength: 8 }), { nil: undefined }),
  dataPrefix: fc.option(fc.integer({ min: 0, max: 0xff }), { nil: undefined }),
  data: bytes(200),
  interval: fc.integer({ min: 0, max: 255 }),
  iso: fc.option(
    fc.record({
      errorCount: fc.integer({ min: 0, max: 64 }),
      packets: fc.array(isoPacket, { maxLength: 8 }),
    }),
    { nil: undefined },
  ),
});

function captured(r: UsbmonRecord): number[] {
  return [...(r.dataPrefix === undefined ? [] : [r.dataPrefix]), ...r.data];
}

describe('the usbmon pcapng writer', () => {
  it('starts with a section header and one usbmon interface (link type 220, microseconds)', () => {
    const read = readCapture(capture([]).file);
    expect(read).toMatchObject({
      application: 'Ferry test',
      linkType: LINKTYPE_USB_LINUX_MMAPPED,
      interfaceName: 'ferry',
      timestampResolution: 6,
      packets: [],
    });
  });

  it('reads back every field of any record', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 12 }), (records) => {
        const read = readCapture(capture(records).file);
        expect(read.packets).toHaveLength(records.length);
        records.forEach((r, i) => {
          const packet = read.packets[i]!;
          const { header } = packet;
          expect(packet.timestampMicros).toBe(r.timestampMicros);
          expect(Number(header.id)).toBe(r.id);
          expect([header.type, header.transferType, header.endpoint, header.device, header.bus]).toEqual([
            r.event,
            r.transferType,
            r.endpoint,
            r.device,
            r.bus,
          ]);
          expect(Number(header.timestampSeconds) * 1_000_000 + header.timestampMicros).toBe(
            r.timestampMicros,
          );
          expect(header.timestampMicros).toBeLessThan(1_000_000);
          expect([header.status, header.length, header.interval]).toEqual([r.status, r.length, r.interval]);
          expect([...packet.data]).toEqual(captured(r));
          expect(header.capturedLength).toBe(captured(r).length);
          expect(header.flagSetup).toBe(r.setup === undefined ? 0x2d : 0);
          if (r.setup !== undefined) expect([...header.setup]).toEqual([...r.setup]);
          const isIn = (r.endpoint & 0x80) !== 0;
          expect(header.transferFlags).toBe(isIn ? 0x200 : 0);
          const packets = r.iso?.packets ?? [];
          expect(packet.iso.map(({ status, offset, length }) => ({ status, offset, length }))).toEqual(
            packets,
          );
        });
      }),
    );
  });

  it("tags data as usbmon does: '<' for an IN submission, '>' for an OUT completion, 0 when data follows", () => {
    const base = {
      id: 1,
      transferType: UsbmonTransfer.bulk,
      device: 1,
      bus: 1,
      timestampMicros: 0,
      status: 0,
      length: 8,
      setup: undefined,
      dataPrefix: undefined,
      interval: 0,
      iso: undefined,
    } as const;
    const empty = new Uint8Array(0);
    const { packets } = readCapture(
      capture([
        { ...base, event: UsbmonEvent.submission, endpoint: 0x81, data: empty },
        { ...base, event: UsbmonEvent.completion, endpoint: 0x81, data: new Uint8Array(8) },
        { ...base, event: UsbmonEvent.submission, endpoint: 0x01, data: new Uint8Array(8) },
        { ...base, event: UsbmonEvent.completion, endpoint: 0x01, data: empty },
      ]).file,
    );
    expect(packets.map((packet) => String.fromCharCode(packet.header.flagData))).toEqual([
      '<',
      '\0',
      '\0',
      '>',
    ]);
  });

  it('encodes every packet into one reused buffer', () => {
    const r = fc.sample(record, { numRuns: 20, seed: 7 });
    const { buffers } = capture(
      r.map((one) => ({ ...one, iso: undefined, data: one.data.subarray(0, 100) })),
    );
    expect(new Set(buffers).size).toBe(1);
  });

  it('frames every block exactly: any cut through the file is found by the reader', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 4 }), fc.nat(), (records, cut) => {
        const { file } = capture(records);
        const prefix = file.subarray(0, cut % file.length);
        const blockEnds = new Set<number>();
        let at = 0;
        while (at < file.length) {
          at += new DataView(file.buffer).getUint32(at + 4, true);
          blockEnds.add(at);
        }
        if (prefix.length === 0 || blockEnds.has(prefix.length)) return;
        expect(() => readCapture(prefix)).toThrow(PcapngReadError);
      }),
    );
  });
});
