/**
 * A shared Gadget Zero behind the usbredir sink, driven over TCP by a QEMU-like usb-guest: the device's
 * own ids, speed, interfaces and endpoints; configuration changes with ep_info/interface_info before
 * the status; vendor control; bulk loopback; cancel; transfers on endpoints the device lacks refused.
 * (tests/vm/usb-gadget-zero.test.ts runs the same through real QEMU and a guest kernel.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GADGET_ZERO } from '../../../src/devices/usb/index.ts';
import {
  BulkPacketHeader,
  ConfigurationHeader,
  ConfigurationStatusHeader,
  ControlPacketHeader,
  DeviceConnectHeader,
  EpInfoHeader,
  InterfaceInfoHeader,
} from '../../../src/receiver/sinks/usbredir/layouts.ts';
import { EndpointType, PacketType, Speed, Status } from '../../../src/receiver/sinks/usbredir/protocol.ts';
import { UsbredirSink } from '../../../src/receiver/sinks/usbredir/sink.ts';
import { TestGuest } from '../sinks/usbredir-test-guest.ts';
import { type Share, share } from './usb-share-harness.ts';

const bulk = (endpoint: number, length: number) =>
  BulkPacketHeader.encode({
    endpoint,
    status: 0,
    length: length & 0xffff,
    streamId: 0,
    lengthHigh: length >>> 16,
  });

describe('usbredir host for a generic USB device', () => {
  const sink = new UsbredirSink({ port: 0 });
  let shared: Share;
  let guest: TestGuest;

  beforeAll(async () => {
    shared = await share();
    await sink.attachUsb(shared.remote);
    expect(sink.describe(shared.remote)[0]).toMatch(/^usbredir: Gadget Zero on 127\.0\.0\.1:\d+ — qemu/);
    guest = await TestGuest.connect(sink.endpoints()[0]?.port ?? 0);
  });
  afterAll(async () => {
    guest?.socket.destroy();
    await sink.close();
    await shared?.source.close();
  });

  it('describes the device with its own ids, speed, interface and bulk endpoints', async () => {
    await guest.readHello();
    guest.hello();
    const epInfo = await guest.read();
    const interfaceInfo = await guest.read();
    const connect = await guest.read();
    expect([epInfo.type, interfaceInfo.type, connect.type]).toEqual([
      PacketType.epInfo,
      PacketType.interfaceInfo,
      PacketType.deviceConnect,
    ]);
    expect(DeviceConnectHeader.decode(connect.body)).toMatchObject({
      speed: Speed.high,
      vendorId: 0x0525,
      productId: 0xa4a0,
    });
    // The announced configuration is the source/sink one (value 3): bulk 0x01 (slot 1) and 0x81 (slot 17).
    const ep = EpInfoHeader.decode(epInfo.body);
    expect([ep.type[1], ep.type[17], ep.type[2]]).toEqual([
      EndpointType.bulk,
      EndpointType.bulk,
      EndpointType.invalid,
    ]);
    expect([ep.maxPacketSize[34], ep.maxPacketSize[35]]).toEqual([0x00, 0x02]); // 512, slot 17
    const interfaces = InterfaceInfoHeader.decode(interfaceInfo.body);
    expect(interfaces.interfaceCount).toBe(1);
    expect(interfaces.interfaceClass[0]).toBe(0xff);
  });

  it('forwards vendor control requests (0x5b write, 0x5c read back)', async () => {
    const data = Uint8Array.from({ length: 100 }, (_, i) => i ^ 0x5a);
    const out = { endpoint: 0, request: 0x5b, requestType: 0x40, status: 0, value: 0, index: 0, length: 100 };
    guest.send(PacketType.controlPacket, 10n, ControlPacketHeader.encode(out), data);
    const written = await guest.read();
    expect(ControlPacketHeader.decode(written.body.subarray(0, 10))).toMatchObject({
      status: Status.success,
    });
    const read = { ...out, endpoint: 0x80, request: 0x5c, requestType: 0xc0 };
    guest.send(PacketType.controlPacket, 11n, ControlPacketHeader.encode(read));
    const back = await guest.read();
    expect(back.id).toBe(11n);
    expect(back.body.subarray(ControlPacketHeader.size)).toEqual(data);
  });

  it('set_configuration: ep_info and interface_info, then the status', async () => {
    const value = GADGET_ZERO.loopbackConfiguration;
    guest.send(PacketType.setConfiguration, 20n, ConfigurationHeader.encode({ configuration: value }));
    const types = [(await guest.read()).type, (await guest.read()).type];
    const status = await guest.read();
    expect(types).toEqual([PacketType.epInfo, PacketType.interfaceInfo]);
    expect(status.type).toBe(PacketType.configurationStatus);
    expect(ConfigurationStatusHeader.decode(status.body)).toEqual({
      status: Status.success,
      configuration: value,
    });
  });

  it('bulk loopback: OUT data comes back on IN intact (32-bit lengths)', async () => {
    const chunk = Uint8Array.from({ length: 65_536 }, (_, i) => (i * 13) & 0xff); // Ferry's largest transfer
    guest.send(PacketType.bulkPacket, 30n, bulk(0x81, chunk.length));
    guest.send(PacketType.bulkPacket, 31n, bulk(0x01, chunk.length), chunk);
    const replies = [await guest.read(), await guest.read()].sort((a, b) => Number(a.id - b.id));
    const [inReply, outReply] = replies.map((reply) => ({
      header: BulkPacketHeader.decode(reply.body.subarray(0, BulkPacketHeader.size)),
      data: reply.body.subarray(BulkPacketHeader.size),
    }));
    expect(outReply?.header).toMatchObject({ status: Status.success, length: 0, lengthHigh: 1 });
    expect(inReply?.header).toMatchObject({
      endpoint: 0x81,
      status: Status.success,
      length: 0,
      lengthHigh: 1,
    });
    expect(inReply?.data).toEqual(chunk);
  });

  it('cancel_data_packet answers a waiting bulk IN at once with status cancelled', async () => {
    guest.send(PacketType.bulkPacket, 40n, bulk(0x81, 512));
    guest.send(PacketType.cancelDataPacket, 40n);
    const reply = await guest.read();
    expect(reply.id).toBe(40n);
    expect(BulkPacketHeader.decode(reply.body)).toMatchObject({ status: Status.cancelled, length: 0 });
    await expect.poll(() => shared.remote.inFlightCount).toBe(0);
  });

  it('refuses bulk on an endpoint the configuration lacks, and beyond 64 KiB', async () => {
    guest.send(PacketType.bulkPacket, 50n, bulk(0x82, 64));
    guest.send(PacketType.bulkPacket, 51n, bulk(0x81, 65_537));
    for (const id of [50n, 51n]) {
      const reply = await guest.read();
      expect(reply.id).toBe(id);
      expect(BulkPacketHeader.decode(reply.body)).toMatchObject({ status: Status.inval });
    }
  });

  it('the share ends: device_disconnect', async () => {
    shared.remote.close();
    expect((await guest.read()).type).toBe(PacketType.deviceDisconnect);
  });
});
