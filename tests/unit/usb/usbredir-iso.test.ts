/**
 * usbredir isochronous streams of a shared Gadget Zero, driven by a QEMU-like usb-guest: alternate 1,
 * an IN stream that delivers the source pattern packet by packet, an OUT stream whose packets reach the
 * sharer in batches, streams refused on non-iso endpoints, stop answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GADGET_ZERO, gadgetZeroPattern } from '../../../src/devices/usb/index.ts';
import {
  IsoPacketHeader,
  StartIsoStreamHeader,
} from '../../../src/receiver/sinks/usbredir/generic-iso-streams.ts';
import {
  AltSettingStatusHeader,
  EndpointHeader,
  SetAltSettingHeader,
  StreamStatusHeader,
} from '../../../src/receiver/sinks/usbredir/layouts.ts';
import { PacketType, Status } from '../../../src/receiver/sinks/usbredir/protocol.ts';
import { UsbredirSink } from '../../../src/receiver/sinks/usbredir/sink.ts';
import { type ReceivedPacket, TestGuest } from '../sinks/usbredir-test-guest.ts';
import { type Share, share } from './usb-share-harness.ts';

const start = (endpoint: number, pktsPerUrb: number, noUrbs: number) =>
  StartIsoStreamHeader.encode({ endpoint, pktsPerUrb, noUrbs });

describe('usbredir isochronous streams of a shared Gadget Zero', () => {
  const sink = new UsbredirSink({ port: 0 });
  let shared: Share;
  let guest: TestGuest;

  /** The next packet of a type, skipping others (iso packets may still be on the way). */
  async function next(type: number): Promise<ReceivedPacket> {
    for (;;) {
      const packet = await guest.read();
      if (packet.type === type) return packet;
    }
  }

  beforeAll(async () => {
    shared = await share();
    await sink.attachUsb(shared.remote);
    guest = await TestGuest.connect(sink.endpoints()[0]?.port ?? 0);
    await guest.readHello();
    guest.hello();
    await next(PacketType.deviceConnect);
    guest.send(PacketType.setAltSetting, 1n, SetAltSettingHeader.encode({ interface: 0, alt: 1 }));
    const status = await next(PacketType.altSettingStatus);
    expect(AltSettingStatusHeader.decode(status.body)).toEqual({
      status: Status.success,
      interface: 0,
      alt: 1,
    });
  });
  afterAll(async () => {
    guest?.socket.destroy();
    await sink.close();
    await shared?.source.close();
  });

  it('refuses a stream on a bulk endpoint or with too many packets per URB', async () => {
    guest.send(PacketType.startIsoStream, 2n, start(GADGET_ZERO.bulkIn, 4, 2));
    guest.send(PacketType.startIsoStream, 3n, start(GADGET_ZERO.isoIn, 33, 2));
    for (const id of [2n, 3n]) {
      const reply = await guest.read();
      expect([reply.type, reply.id]).toEqual([PacketType.isoStreamStatus, id]);
      expect(StreamStatusHeader.decode(reply.body).status).toBe(Status.inval);
    }
  });

  it('an IN stream delivers the source pattern one iso_packet per packet, until stopped', async () => {
    guest.send(PacketType.startIsoStream, 10n, start(GADGET_ZERO.isoIn, 4, 2));
    const started = await guest.read();
    expect([started.type, started.id]).toEqual([PacketType.isoStreamStatus, 10n]);
    expect(StreamStatusHeader.decode(started.body)).toEqual({ status: Status.success, endpoint: 0x82 });
    const ids: bigint[] = [];
    for (let i = 0; i < 10; i++) {
      const packet = await next(PacketType.isoPacket);
      ids.push(packet.id);
      const header = IsoPacketHeader.decode(packet.body);
      expect(header).toEqual({ endpoint: 0x82, status: Status.success, length: GADGET_ZERO.isoPacketSize });
      expect(packet.body.subarray(IsoPacketHeader.size)).toEqual(
        gadgetZeroPattern(GADGET_ZERO.isoPacketSize, 0, GADGET_ZERO.isoPacketSize),
      );
    }
    expect(ids).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i)));
    guest.send(PacketType.stopIsoStream, 11n, EndpointHeader.encode({ endpoint: 0x82 }));
    const stopped = await next(PacketType.isoStreamStatus);
    expect(stopped.id).toBe(11n);
    expect(StreamStatusHeader.decode(stopped.body)).toEqual({ status: Status.success, endpoint: 0x82 });
    await expect.poll(() => shared.remote.inFlightCount).toBe(0);
  });

  it('an OUT stream sends the guest packets to the sharer, pkts_per_urb at a time', async () => {
    guest.send(PacketType.startIsoStream, 20n, start(GADGET_ZERO.isoOut, 2, 2));
    expect(StreamStatusHeader.decode((await next(PacketType.isoStreamStatus)).body).status).toBe(
      Status.success,
    );
    const before = shared.remote.counters.bytesOut;
    for (let i = 0; i < 5; i++) {
      const header = IsoPacketHeader.encode({ endpoint: 0x02, status: 0, length: 100 });
      guest.send(PacketType.isoPacket, BigInt(30 + i), header, new Uint8Array(100).fill(i));
    }
    // Two full batches of two packets; the fifth waits for its partner.
    await expect.poll(() => shared.remote.counters.bytesOut - before).toBe(400);
    guest.send(PacketType.stopIsoStream, 21n, EndpointHeader.encode({ endpoint: 0x02 }));
    expect((await next(PacketType.isoStreamStatus)).id).toBe(21n);
  });
});
