import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapabilitySet } from '../../../src/receiver/sinks/usbredir/caps.ts';
import { encodePacket } from '../../../src/receiver/sinks/usbredir/encoder.ts';
import { UsbredirProtocolError } from '../../../src/receiver/sinks/usbredir/errors.ts';
import { ControlPacketHeader } from '../../../src/receiver/sinks/usbredir/layouts.ts';
import { UsbredirParser } from '../../../src/receiver/sinks/usbredir/parser.ts';
import { HOST_CAPS, PacketType } from '../../../src/receiver/sinks/usbredir/protocol.ts';
import { UsbredirSink } from '../../../src/receiver/sinks/usbredir/sink.ts';
import { FakeHidDevice } from './usb-test-device.ts';
import { QEMU_LIKE_CAPS, TestGuest } from './usbredir-test-guest.ts';

const guestHello = encodePacket(
  {
    type: PacketType.hello,
    id: 0n,
    header: new Uint8Array(64),
    data: CapabilitySet.of(QEMU_LIKE_CAPS).encode(),
  },
  false,
);

/** Headers of plausible types with hostile lengths, so fuzzing gets past the type check. */
const hostilePacket = fc
  .record({
    type: fc.constantFrom(0, 3, 6, 9, 15, 21, 100, 101, 103, 200, 0xffffffff),
    length: fc.oneof(fc.nat(80), fc.constant(0x1000a), fc.constant(0x10009), fc.constant(0xffffffff)),
    rest: fc.uint8Array({ maxLength: 120 }),
  })
  .map(({ type, length, rest }) => {
    const header = new Uint8Array(16);
    const view = new DataView(header.buffer);
    view.setUint32(0, type, true);
    view.setUint32(4, length, true);
    return Uint8Array.from([...header, ...rest]);
  });

const inputs = fc.oneof(fc.uint8Array({ maxLength: 300 }), hostilePacket);

describe('usbredir decoder fuzz', () => {
  it('random, truncated and split input only ever raises UsbredirProtocolError', () => {
    fc.assert(
      fc.property(fc.boolean(), inputs, fc.array(fc.nat(), { maxLength: 8 }), (afterHello, bytes, cuts) => {
        const parser = new UsbredirParser(CapabilitySet.of(HOST_CAPS));
        const stream = afterHello ? Uint8Array.from([...guestHello, ...bytes]) : bytes;
        const points = [...new Set([0, ...cuts.map((c) => c % (stream.length + 1)), stream.length])].sort(
          (a, b) => a - b,
        );
        try {
          for (let i = 1; i < points.length; i++)
            parser.push(stream.subarray(points[i - 1], points[i]), () => {});
        } catch (error) {
          expect(error).toBeInstanceOf(UsbredirProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  describe('server', () => {
    const sink = new UsbredirSink({ port: 0, logger: { warn: () => {} } });
    const ports: number[] = [];
    beforeAll(async () => {
      await sink.attach(FakeHidDevice.fromCorpus('cherry-keyboard-usb'));
      await sink.attach(FakeHidDevice.fromCorpus('logitech-m105-mouse-usb'));
      ports.push(...sink.endpoints().map((e) => e.port));
    });
    afterAll(() => sink.close());

    const getDeviceDescriptor = async (guest: TestGuest) => {
      const header = ControlPacketHeader.encode({
        endpoint: 0x80,
        request: 6,
        requestType: 0x80,
        status: 0,
        value: 0x0100,
        index: 0,
        length: 18,
      });
      guest.send(PacketType.controlPacket, 42n, header);
      const reply = await guest.read();
      expect(reply.id).toBe(42n);
      return reply.body.length - ControlPacketHeader.size;
    };

    const connectedGuest = async (port: number) => {
      const guest = await TestGuest.connect(port);
      await guest.readHello();
      guest.hello();
      for (let i = 0; i < 3; i++) await guest.read();
      return guest;
    };

    it('drops a hostile guest and keeps serving: the other device meanwhile, the same port afterwards', async () => {
      const [hostilePort, otherPort] = ports as [number, number];
      const other = await connectedGuest(otherPort);
      await fc.assert(
        fc.asyncProperty(inputs, async (bytes) => {
          const bad = await TestGuest.connect(hostilePort);
          bad.socket.write(Uint8Array.from([...guestHello, ...bytes, ...new Uint8Array(16).fill(0xff)]));
          bad.socket.socket.end();
          await bad.socket.closed;
          expect(await getDeviceDescriptor(other)).toBe(18);
        }),
        { numRuns: 25 },
      );
      const again = await connectedGuest(hostilePort);
      expect(await getDeviceDescriptor(again)).toBe(18);
      again.socket.destroy();
      other.socket.destroy();
    });
  });
});
