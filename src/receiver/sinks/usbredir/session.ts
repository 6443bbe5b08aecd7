/**
 * One usb-guest connection (e.g. QEMU's usb-redir) to one shared device, this side playing the
 * usb-host. Hello first, then the device description, then requests; see
 * spice-usbredir docs/usb-redirection-protocol.md.
 */
import type { ControlResult } from '../usb/control.ts';
import type { HidFunction } from '../usb/hid-function.ts';
import type { PeerHandler, PeerLink } from '../usb/peer-link.ts';
import { setConfiguration } from '../usb/standard-requests.ts';
import { fixedString } from '../usb/struct.ts';
import { bothHave, CapabilitySet } from './caps.ts';
import { deviceConnectHeader, epInfoHeader, interfaceInfoHeader } from './device-info.ts';
import { encodePacket, type OutgoingPacket } from './encoder.ts';
import {
  AltSettingStatusHeader,
  BulkStreamsStatusHeader,
  ConfigurationHeader,
  ConfigurationStatusHeader,
  ControlPacketHeader,
  EndpointHeader,
  GetAltSettingHeader,
  InterruptPacketHeader,
  SetAltSettingHeader,
  StreamStatusHeader,
} from './layouts.ts';
import { type UsbredirPacket, UsbredirParser } from './parser.ts';
import { Cap, HOST_CAPS, HOST_VERSION, PacketType, Status } from './protocol.ts';
import { usbredirStatus } from './status.ts';

/** A data packet waiting on the device, kept so cancel_data_packet can answer it. */
interface InFlight {
  readonly type: number;
  readonly header: Uint8Array;
}

export class UsbredirSession implements PeerHandler {
  private readonly ours = CapabilitySet.of(HOST_CAPS);
  private readonly parser = new UsbredirParser(this.ours);
  private readonly inFlight = new Map<bigint, InFlight>();
  private receivingInterrupts = false;
  /** Unsolicited interrupt packets are numbered from 0 (the spec's rule for host-initiated ids). */
  private nextInterruptId = 0n;
  private ended = false;

  constructor(
    private readonly link: PeerLink,
    private readonly fn: HidFunction,
  ) {
    fn.reset();
    this.send({ type: PacketType.hello, id: 0n, header: helloHeader(), data: this.ours.encode() });
  }

  /** Throws UsbredirProtocolError; the server then drops this connection. */
  receive(chunk: Uint8Array): void {
    this.parser.push(chunk, (packet) => this.handle(packet));
  }

  closed(): void {
    this.ended = true;
    this.inFlight.clear();
  }

  /** An input report from the device (already framed with its id byte when ids are used). */
  input(framed: Uint8Array): void {
    // A guest that does not read gets no more stale input; control replies are never dropped.
    if (this.ended || !this.receivingInterrupts || this.link.congested) return;
    const endpoint = this.fn.descriptors.interruptIn.address;
    const header = InterruptPacketHeader.encode({ endpoint, status: Status.success, length: framed.length });
    this.send({ type: PacketType.interruptPacket, id: this.nextInterruptId++, header, data: framed });
  }

  /** The share ended: tell the guest the device is unplugged, then hang up (one device per connection). */
  deviceGone(): void {
    if (this.ended) return;
    this.send({ type: PacketType.deviceDisconnect, id: 0n });
    this.ended = true;
    this.link.close();
  }

  private handle(packet: UsbredirPacket): void {
    if (this.ended) return;
    switch (packet.type) {
      case PacketType.hello:
        this.describeDevice();
        return;
      case PacketType.reset:
        // Hosts reset before enumerating; the emulated device has nothing to re-plug.
        this.fn.reset();
        return;
      case PacketType.setConfiguration:
        this.setConfiguration(packet);
        return;
      case PacketType.getConfiguration:
        this.configurationStatus(packet.id, Status.success);
        return;
      case PacketType.setAltSetting:
        this.setAltSetting(packet);
        return;
      case PacketType.getAltSetting:
        this.getAltSetting(packet);
        return;
      case PacketType.startInterruptReceiving:
      case PacketType.stopInterruptReceiving:
        this.interruptReceiving(packet);
        return;
      case PacketType.controlPacket:
        this.controlPacket(packet);
        return;
      case PacketType.interruptPacket:
        this.interruptOut(packet);
        return;
      case PacketType.cancelDataPacket:
        this.cancel(packet.id);
        return;
      default:
        this.refuseUnsupported(packet);
        return;
    }
  }

  private describeDevice(): void {
    const peer = this.parser.peerCaps;
    if (peer === undefined) return;
    const { descriptors } = this.fn;
    this.sendEndpointsAndInterfaces();
    const withVersion = bothHave(this.ours, peer, Cap.connectDeviceVersion);
    this.send({
      type: PacketType.deviceConnect,
      id: 0n,
      header: deviceConnectHeader(descriptors, withVersion),
    });
  }

  /** Sent after connect, set_configuration and set_alt_setting, before the status (spec order). */
  private sendEndpointsAndInterfaces(): void {
    const peer = this.parser.peerCaps;
    if (peer === undefined) return;
    const withMaxPacket = bothHave(this.ours, peer, Cap.epInfoMaxPacketSize);
    this.send({ type: PacketType.epInfo, id: 0n, header: epInfoHeader(this.fn.descriptors, withMaxPacket) });
    this.send({ type: PacketType.interfaceInfo, id: 0n, header: interfaceInfoHeader() });
  }

  private setConfiguration(packet: UsbredirPacket): void {
    const { configuration } = ConfigurationHeader.decode(packet.header);
    const result = setConfiguration(configuration, this.fn.standard);
    if (result.status !== 'ok') {
      this.configurationStatus(packet.id, Status.stall);
      return;
    }
    // A configuration change drops pending transfers and stops interrupt receiving (spec).
    this.receivingInterrupts = false;
    this.sendEndpointsAndInterfaces();
    this.configurationStatus(packet.id, Status.success);
  }

  private configurationStatus(id: bigint, status: number): void {
    const configuration = this.fn.standard.configuration;
    const header = ConfigurationStatusHeader.encode({ status, configuration });
    this.send({ type: PacketType.configurationStatus, id, header });
  }

  private setAltSetting(packet: UsbredirPacket): void {
    const request = SetAltSettingHeader.decode(packet.header);
    const valid = request.interface === 0 && request.alt === 0;
    if (valid) this.sendEndpointsAndInterfaces();
    this.altSettingStatus(packet.id, valid, request.interface);
  }

  private getAltSetting(packet: UsbredirPacket): void {
    const request = GetAltSettingHeader.decode(packet.header);
    this.altSettingStatus(packet.id, request.interface === 0, request.interface);
  }

  private altSettingStatus(id: bigint, valid: boolean, iface: number): void {
    const header = AltSettingStatusHeader.encode({
      status: valid ? Status.success : Status.inval,
      interface: iface,
      alt: valid ? 0 : 0xff,
    });
    this.send({ type: PacketType.altSettingStatus, id, header });
  }

  private interruptReceiving(packet: UsbredirPacket): void {
    const { endpoint } = EndpointHeader.decode(packet.header);
    const valid = endpoint === this.fn.descriptors.interruptIn.address;
    if (valid) {
      this.receivingInterrupts = packet.type === PacketType.startInterruptReceiving;
      this.nextInterruptId = 0n;
    }
    const header = StreamStatusHeader.encode({ status: valid ? Status.success : Status.inval, endpoint });
    this.send({ type: PacketType.interruptReceivingStatus, id: packet.id, header });
  }

  private controlPacket(packet: UsbredirPacket): void {
    const request = ControlPacketHeader.decode(packet.header);
    const setup = {
      requestType: request.requestType,
      request: request.request,
      value: request.value,
      index: request.index,
      length: request.length,
    };
    const result = this.fn.control(setup, packet.data);
    this.complete(packet, result, (outcome) => {
      const isIn = (request.requestType & 0x80) !== 0;
      const data = outcome.status === 'ok' && isIn ? outcome.data : undefined;
      const length = outcome.status !== 'ok' ? 0 : isIn ? outcome.data.length : packet.data.length;
      const header = ControlPacketHeader.encode({ ...request, status: usbredirStatus(outcome), length });
      return { type: PacketType.controlPacket, id: packet.id, header, data };
    });
  }

  private interruptOut(packet: UsbredirPacket): void {
    const request = InterruptPacketHeader.decode(packet.header);
    const isOurOut = request.endpoint === this.fn.descriptors.interruptOut?.address;
    const result: ControlResult | Promise<ControlResult> = isOurOut
      ? this.fn.interruptOut(packet.data)
      : { status: 'stall' };
    this.complete(packet, result, (outcome) => {
      const status = isOurOut ? usbredirStatus(outcome) : Status.inval;
      const length = outcome.status === 'ok' ? packet.data.length : 0;
      const header = InterruptPacketHeader.encode({ endpoint: request.endpoint, status, length });
      return { type: PacketType.interruptPacket, id: packet.id, header };
    });
  }

  /** Replies now, or when the device answers unless the guest cancelled meanwhile. */
  private complete(
    packet: UsbredirPacket,
    result: ControlResult | Promise<ControlResult>,
    reply: (outcome: ControlResult) => OutgoingPacket,
  ): void {
    if (!(result instanceof Promise)) {
      this.send(reply(result));
      return;
    }
    const entry = { type: packet.type, header: new Uint8Array(packet.header) };
    this.inFlight.set(packet.id, entry);
    void result.then((outcome) => {
      if (this.inFlight.get(packet.id) !== entry) return;
      this.inFlight.delete(packet.id);
      this.send(reply(outcome));
    });
  }

  /** The guest always gets its data packet back: completed earlier, or now with status cancelled. */
  private cancel(id: bigint): void {
    const entry = this.inFlight.get(id);
    if (entry === undefined) return;
    this.inFlight.delete(id);
    this.send({ type: entry.type, id, header: cancelledHeader(entry) });
  }

  /** Streams and bulk/iso transfers: a HID device has no such endpoints. */
  private refuseUnsupported(packet: UsbredirPacket): void {
    switch (packet.type) {
      case PacketType.startIsoStream:
      case PacketType.stopIsoStream: {
        const { endpoint } = EndpointHeader.decode(packet.header);
        const header = StreamStatusHeader.encode({ status: Status.inval, endpoint });
        this.send({ type: PacketType.isoStreamStatus, id: packet.id, header });
        return;
      }
      case PacketType.allocBulkStreams:
      case PacketType.freeBulkStreams: {
        const header = BulkStreamsStatusHeader.encode({ endpoints: 0, noStreams: 0, status: Status.inval });
        this.send({ type: PacketType.bulkStreamsStatus, id: packet.id, header });
        return;
      }
      case PacketType.bulkPacket: {
        // Same header width as the request (length_high is negotiated): endpoint kept, inval, no data.
        const header = new Uint8Array(packet.header.length);
        header[0] = packet.header[0] ?? 0;
        header[1] = Status.inval;
        this.send({ type: PacketType.bulkPacket, id: packet.id, header });
        return;
      }
      default:
        // iso_packet (no stream was ever started) and device_disconnect_ack need no answer.
        return;
    }
  }

  private send(packet: OutgoingPacket): void {
    if (this.ended) return;
    const use64 =
      this.parser.peerCaps !== undefined && bothHave(this.ours, this.parser.peerCaps, Cap.ids64Bits);
    this.link.send(encodePacket(packet, use64));
  }
}

function helloHeader(): Uint8Array {
  const version = new Uint8Array(64);
  version.set(fixedString.encode(HOST_VERSION).subarray(0, 63));
  return version;
}

function cancelledHeader(entry: InFlight): Uint8Array {
  if (entry.type === PacketType.controlPacket) {
    return ControlPacketHeader.encode({
      ...ControlPacketHeader.decode(entry.header),
      status: Status.cancelled,
      length: 0,
    });
  }
  const interrupt = InterruptPacketHeader.decode(entry.header);
  return InterruptPacketHeader.encode({ ...interrupt, status: Status.cancelled, length: 0 });
}
