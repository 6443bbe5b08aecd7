import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CapabilitySet } from '../../../src/receiver/sinks/usbredir/caps.ts';
import { encodePacket } from '../../../src/receiver/sinks/usbredir/encoder.ts';
import { ControlPacketHeader, InterruptPacketHeader } from '../../../src/receiver/sinks/usbredir/layouts.ts';
import { type UsbredirPacket, UsbredirParser } from '../../../src/receiver/sinks/usbredir/parser.ts';
import { Cap, HOST_CAPS, PacketType } from '../../../src/receiver/sinks/usbredir/protocol.ts';
import { QEMU_LIKE_CAPS } from './usbredir-test-guest.ts';

const hostParser = () => new UsbredirParser(CapabilitySet.of(HOST_CAPS));
const hello = (caps: readonly number[]) =>
  encodePacket(
    { type: PacketType.hello, id: 0n, header: new Uint8Array(64), data: CapabilitySet.of(caps).encode() },
    false,
  );

function parseSplit(parser: UsbredirParser, bytes: Uint8Array, cuts: number[]): UsbredirPacket[] {
  const out: UsbredirPacket[] = [];
  const points = [...new Set([0, ...cuts.map((c) => c % (bytes.length + 1)), bytes.length])].sort(
    (a, b) => a - b,
  );
  for (let i = 1; i < points.length; i++)
    parser.push(bytes.subarray(points[i - 1], points[i]), (p) => out.push(p));
  return out;
}

const controlOut = fc.record({
  id: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  data: fc.uint8Array({ maxLength: 200 }),
});

describe('usbredir parser', () => {
  it('round-trips hello then control/interrupt packets, split anywhere, with 64-bit ids', () => {
    fc.assert(
      fc.property(
        fc.array(controlOut, { maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (packets, cuts) => {
          const wire = [hello(QEMU_LIKE_CAPS)];
          for (const { id, data } of packets) {
            const header = ControlPacketHeader.encode({
              endpoint: 0,
              request: 9,
              requestType: 0x21,
              status: 0,
              value: 0x0200,
              index: 0,
              length: data.length,
            });
            wire.push(encodePacket({ type: PacketType.controlPacket, id, header, data }, true));
          }
          const interrupt = InterruptPacketHeader.encode({ endpoint: 1, status: 0, length: 2 });
          wire.push(
            encodePacket(
              { type: PacketType.interruptPacket, id: 1n, header: interrupt, data: Uint8Array.of(1, 2) },
              true,
            ),
          );
          const parsed = parseSplit(hostParser(), Uint8Array.from(wire.flatMap((w) => [...w])), cuts);
          expect(parsed.map((p) => p.type)).toEqual([
            PacketType.hello,
            ...packets.map(() => PacketType.controlPacket),
            PacketType.interruptPacket,
          ]);
          packets.forEach(({ id, data }, i) => {
            expect(parsed[i + 1]?.id).toBe(id);
            expect([...(parsed[i + 1]?.data ?? [])]).toEqual([...data]);
          });
        },
      ),
    );
  });

  it('keeps 32-bit ids when the guest lacks cap_64bits_ids', () => {
    const parser = hostParser();
    const bytes = [
      ...hello([Cap.connectDeviceVersion]),
      ...encodePacket({ type: PacketType.reset, id: 0xabcdn }, false),
    ];
    expect(parseSplit(parser, Uint8Array.from(bytes), []).map((p) => [p.type, p.id])).toEqual([
      [PacketType.hello, 0n],
      [PacketType.reset, 0xabcdn],
    ]);
    expect(parser.headerSize).toBe(12);
  });

  it.each([
    ['no-hello', encodePacket({ type: PacketType.reset, id: 0n }, false)],
    ['length-limit', Uint8Array.from([...hello([]).subarray(0, 4), 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0])],
  ])('rejects %s', (code, bytes) => {
    expect(() => hostParser().push(bytes, () => {})).toThrow(
      expect.objectContaining({ name: 'UsbredirProtocolError', code }),
    );
  });

  it('rejects packets a usb-host never receives, wrong fixed lengths and lying data lengths', () => {
    const afterHello = (packet: Uint8Array) => () =>
      hostParser().push(Uint8Array.from([...hello(QEMU_LIKE_CAPS), ...packet]), () => {});
    expect(
      afterHello(encodePacket({ type: PacketType.deviceConnect, id: 0n, header: new Uint8Array(10) }, true)),
    ).toThrow(expect.objectContaining({ code: 'unexpected-type' }));
    expect(
      afterHello(
        encodePacket({ type: PacketType.setConfiguration, id: 0n, header: new Uint8Array(2) }, true),
      ),
    ).toThrow(expect.objectContaining({ code: 'bad-length' }));
    const lying = InterruptPacketHeader.encode({ endpoint: 1, status: 0, length: 50 });
    expect(
      afterHello(
        encodePacket(
          { type: PacketType.interruptPacket, id: 0n, header: lying, data: new Uint8Array(3) },
          true,
        ),
      ),
    ).toThrow(expect.objectContaining({ code: 'bad-length' }));
  });
});

describe('capability bitmap', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 95 })), (caps) => {
        const set = CapabilitySet.decode(CapabilitySet.of(caps).encode());
        for (let cap = 0; cap < 96; cap++) expect(set.has(cap)).toBe(caps.includes(cap));
      }),
    );
  });
});
