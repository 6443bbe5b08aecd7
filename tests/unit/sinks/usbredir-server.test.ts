import { afterEach, describe, expect, it } from 'vitest';
import { CapabilitySet } from '../../../src/receiver/sinks/usbredir/caps.ts';
import {
  ConfigurationHeader,
  ConfigurationStatusHeader,
  ControlPacketHeader,
  DeviceConnectHeader,
  EndpointHeader,
  EpInfoHeader,
  InterfaceInfoHeader,
  InterruptPacketHeader,
} from '../../../src/receiver/sinks/usbredir/layouts.ts';
import { Cap, PacketType, Status } from '../../../src/receiver/sinks/usbredir/protocol.ts';
import { UsbredirSink } from '../../../src/receiver/sinks/usbredir/sink.ts';
import { FakeHidDevice, loadCorpus, recordedReports } from './usb-test-device.ts';
import { TestGuest } from './usbredir-test-guest.ts';

const sinks: UsbredirSink[] = [];
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((sink) => sink.close()));
});

async function redirected(device: FakeHidDevice, withOutput = false) {
  const sink = new UsbredirSink({
    port: 0,
    reportSizes: () => ({ maxInputReportSize: 63, maxOutputReportSize: withOutput ? 31 : 0 }),
  });
  sinks.push(sink);
  await sink.attach(device);
  const [endpoint] = sink.endpoints();
  if (endpoint === undefined) throw new Error('no endpoint');
  return TestGuest.connect(endpoint.port);
}

/** Hello both ways, then the host describes the device: ep_info, interface_info, device_connect. */
async function handshake(guest: TestGuest) {
  const hello = await guest.readHello();
  guest.hello();
  const epInfo = await guest.read();
  const interfaceInfo = await guest.read();
  const connect = await guest.read();
  return { hello, epInfo, interfaceInfo, connect };
}

const controlIn = (request: number, requestType: number, value: number, length: number) =>
  ControlPacketHeader.encode({ endpoint: 0x80, request, requestType, status: 0, value, index: 0, length });

describe('usbredir host over TCP', () => {
  it('says hello, then describes the device (ep_info, interface_info, device_connect)', async () => {
    const guest = await redirected(FakeHidDevice.fromCorpus('sony-dualshock4-usb'));
    const { hello, epInfo, interfaceInfo, connect } = await handshake(guest);
    expect(hello.type).toBe(PacketType.hello);
    expect(new TextDecoder().decode(hello.body.subarray(0, 5))).toBe('ferry');
    const caps = CapabilitySet.decode(hello.body.subarray(64));
    expect([Cap.ids64Bits, Cap.connectDeviceVersion, Cap.epInfoMaxPacketSize].every((c) => caps.has(c))).toBe(
      true,
    );

    expect(epInfo.type).toBe(PacketType.epInfo);
    const ep = EpInfoHeader.decode(epInfo.body);
    expect([ep.type[0], ep.type[16], ep.type[17], ep.type[1]]).toEqual([0, 0, 3, 255]);
    expect([ep.interval[17], ep.maxPacketSize[34], ep.maxPacketSize[35]]).toEqual([1, 64, 0]);

    expect(interfaceInfo.type).toBe(PacketType.interfaceInfo);
    const iface = InterfaceInfoHeader.decode(interfaceInfo.body);
    expect([iface.interfaceCount, iface.interfaceClass[0]]).toEqual([1, 3]);

    expect(connect.type).toBe(PacketType.deviceConnect);
    expect(DeviceConnectHeader.decode(connect.body)).toEqual({
      speed: 1,
      deviceClass: 0,
      deviceSubclass: 0,
      deviceProtocol: 0,
      vendorId: 0x054c,
      productId: 0x05c4,
      deviceVersionBcd: 0x0100,
    });
  });

  it('answers control packets with the same 64-bit id', async () => {
    const entry = loadCorpus('sony-dualshock4-usb');
    const guest = await redirected(new FakeHidDevice(entry));
    await handshake(guest);
    const id = 0xdeadbeef00000001n;
    guest.send(PacketType.controlPacket, id, controlIn(6, 0x81, 0x2200, 0xffff));
    const reply = await guest.read();
    expect(reply).toMatchObject({ type: PacketType.controlPacket, id });
    const header = ControlPacketHeader.decode(reply.body);
    expect(header).toMatchObject({
      status: Status.success,
      length: entry.descriptor.length / 2,
      value: 0x2200,
    });
    expect(Buffer.from(reply.body.subarray(ControlPacketHeader.size)).toString('hex')).toBe(entry.descriptor);
  });

  it('set_configuration re-describes endpoints before its status', async () => {
    const guest = await redirected(FakeHidDevice.fromCorpus('cherry-keyboard-usb'));
    await handshake(guest);
    guest.send(PacketType.setConfiguration, 5n, ConfigurationHeader.encode({ configuration: 1 }));
    expect((await guest.read()).type).toBe(PacketType.epInfo);
    expect((await guest.read()).type).toBe(PacketType.interfaceInfo);
    const status = await guest.read();
    expect(status).toMatchObject({ type: PacketType.configurationStatus, id: 5n });
    expect(ConfigurationStatusHeader.decode(status.body)).toEqual({ status: 0, configuration: 1 });
  });

  it('streams input reports as interrupt packets once receiving started', async () => {
    const entry = loadCorpus('sony-dualshock3-usb');
    const device = new FakeHidDevice(entry);
    const guest = await redirected(device);
    await handshake(guest);
    guest.send(PacketType.startInterruptReceiving, 9n, EndpointHeader.encode({ endpoint: 0x81 }));
    const status = await guest.read();
    expect(status).toMatchObject({ type: PacketType.interruptReceivingStatus, id: 9n });
    expect([...status.body]).toEqual([Status.success, 0x81]);

    const reports = recordedReports(entry).slice(0, 3);
    for (const report of reports) device.emitInput(report.reportId, report.data);
    for (const [i, expected] of (entry.recording ?? []).slice(0, 3).entries()) {
      const packet = await guest.read();
      expect(packet).toMatchObject({ type: PacketType.interruptPacket, id: BigInt(i) });
      expect(InterruptPacketHeader.decode(packet.body)).toMatchObject({ endpoint: 0x81, status: 0 });
      expect(Buffer.from(packet.body.subarray(InterruptPacketHeader.size)).toString('hex')).toBe(
        expected.report,
      );
    }
  });

  it('sends interrupt OUT to the device as an output report', async () => {
    const device = FakeHidDevice.fromCorpus('sony-dualshock4-usb');
    const guest = await redirected(device, true);
    await handshake(guest);
    const report = Uint8Array.of(0x05, 0xff, 0x00, 0x10);
    guest.send(
      PacketType.interruptPacket,
      77n,
      InterruptPacketHeader.encode({ endpoint: 0x01, status: 0, length: 4 }),
      report,
    );
    const reply = await guest.read();
    expect(reply).toMatchObject({ type: PacketType.interruptPacket, id: 77n });
    expect(InterruptPacketHeader.decode(reply.body)).toEqual({ endpoint: 0x01, status: 0, length: 4 });
    expect(device.outputs).toEqual([{ reportId: 5, data: Uint8Array.of(0xff, 0x00, 0x10) }]);
  });

  it('cancels a control packet waiting on the device', async () => {
    const device = FakeHidDevice.fromCorpus('sony-dualshock4-usb');
    device.getFeatureReport = () => new Promise(() => {});
    const guest = await redirected(device);
    await handshake(guest);
    guest.send(PacketType.controlPacket, 3n, controlIn(1, 0xa1, 0x0302, 64));
    guest.send(PacketType.cancelDataPacket, 3n);
    const reply = await guest.read();
    expect(reply).toMatchObject({ type: PacketType.controlPacket, id: 3n });
    expect(ControlPacketHeader.decode(reply.body)).toMatchObject({ status: Status.cancelled, length: 0 });
  });

  it('uses 32-bit ids and the short device_connect with a guest lacking those caps', async () => {
    const guest = await redirected(FakeHidDevice.fromCorpus('cherry-keyboard-usb'));
    await guest.readHello();
    guest.hello([], false);
    expect((await guest.read()).body.length).toBe(96); // ep_info without max_packet_size
    await guest.read();
    expect((await guest.read()).body.length).toBe(8);
  });

  it('sends device_disconnect and hangs up when the share ends', async () => {
    const device = FakeHidDevice.fromCorpus('cherry-keyboard-usb');
    const guest = await redirected(device);
    await handshake(guest);
    device.close();
    expect((await guest.read()).type).toBe(PacketType.deviceDisconnect);
    await guest.socket.closed;
  });
});
