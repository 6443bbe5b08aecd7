/**
 * One usb-guest connection (e.g. QEMU's usb-redir) to one shared device, this side playing the
 * usb-host. Hello first, then the device description, then requests; see
 * spice-usbredir docs/usb-redirection-protocol.md.
 */
import type { ControlResult } from '../usb/control.ts';
import type { HidFunction } from '../usb/hid-function.ts';
import type { PeerHandler, PeerLink } from '../usb/peer-link.ts';
import { setConfiguration } from '../usb/standard-requests.ts';
import { deviceConnectHeader, epInfoHeader, interfaceInfoHeader } from './device-info.ts';
import type { OutgoingPacket } from './encoder.ts';
import {
  ConfigurationHeader,
  ControlPacketHeader,
  EndpointHeader,
  GetAltSettingHeader,
  InterruptPacketHeader,
  SetAltSettingHeader,
} from './layouts.ts';
import type { UsbredirPacket } from './parser.ts';
import { PacketType, Status } from './protocol.ts';
import {
  altSettingStatus,
  configurationStatus,
  InFlightPackets,
  refuseUnsupported,
  routePacket,
  streamStatus,
  UsbredirChannel,
  type UsbredirRoutes,
} from './session-common.ts';
import { usbredirStatus } from './status.ts';

export class UsbredirSession implements PeerHandler {
  private readonly channel: UsbredirChannel;
  private readonly inFlight = new InFlightPackets((packet) => this.channel.send(packet));
  private receivingInterrupts = false;
  /** Unsolicited interrupt packets are numbered from 0 (the spec's rule for host-initiated ids). */
  private nextInterruptId = 0n;
  private readonly routes: UsbredirRoutes = {
    hello: () => this.describeDevice(),
    // Hosts reset before enumerating; the emulated device has nothing to re-plug.
    reset: () => this.fn.reset(),
    setConfiguration: (packet) => this.setConfiguration(packet),
    getConfiguration: (packet) => this.configurationStatus(packet.id, Status.success),
    setAltSetting: (packet) => this.setAltSetting(packet),
    getAltSetting: (packet) => this.getAltSetting(packet),
    interruptReceiving: (packet) => this.interruptReceiving(packet),
    controlPacket: (packet) => this.controlPacket(packet),
    interruptPacket: (packet) => this.interruptOut(packet),
    cancelDataPacket: (id) => this.inFlight.cancel(id),
    other: (packet) => this.refuseUnsupported(packet),
  };

  constructor(
    private readonly link: PeerLink,
    private readonly fn: HidFunction,
  ) {
    this.channel = new UsbredirChannel(link);
    fn.reset();
    this.channel.hello();
  }

  /** Throws UsbredirProtocolError; the server then drops this connection. */
  receive(chunk: Uint8Array): void {
    this.channel.receive(chunk, (packet) => routePacket(packet, this.routes));
  }

  closed(): void {
    this.channel.end();
    this.inFlight.abortAll();
  }

  /** An input report from the device (already framed with its id byte when ids are used). */
  input(framed: Uint8Array): void {
    // A guest that does not read gets no more stale input; control replies are never dropped.
    if (this.channel.ended || !this.receivingInterrupts || this.link.congested) return;
    const endpoint = this.fn.descriptors.interruptIn.address;
    const header = InterruptPacketHeader.encode({ endpoint, status: Status.success, length: framed.length });
    this.channel.send({ type: PacketType.interruptPacket, id: this.nextInterruptId++, header, data: framed });
  }

  /** The share ended: tell the guest the device is unplugged, then hang up (one device per connection). */
  deviceGone(): void {
    this.channel.deviceGone();
  }

  private describeDevice(): void {
    if (this.channel.peerCaps === undefined) return;
    this.sendEndpointsAndInterfaces();
    this.channel.connectDevice((withVersion) => deviceConnectHeader(this.fn.descriptors, withVersion));
  }

  private sendEndpointsAndInterfaces(): void {
    if (this.channel.peerCaps === undefined) return;
    this.channel.sendEndpointsAndInterfaces(
      (withMaxPacket) => epInfoHeader(this.fn.descriptors, withMaxPacket),
      interfaceInfoHeader(),
    );
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
    this.channel.send(configurationStatus(id, status, this.fn.standard.configuration));
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
    this.channel.send(altSettingStatus(id, valid ? Status.success : Status.inval, iface, 0));
  }

  private interruptReceiving(packet: UsbredirPacket): void {
    const { endpoint } = EndpointHeader.decode(packet.header);
    const valid = endpoint === this.fn.descriptors.interruptIn.address;
    if (valid) {
      this.receivingInterrupts = packet.type === PacketType.startInterruptReceiving;
      this.nextInterruptId = 0n;
    }
    this.channel.send(streamStatus(PacketType.interruptReceivingStatus, packet.id, endpoint, valid));
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
      this.channel.send(reply(result));
      return;
    }
    const { type, id } = packet;
    const header = new Uint8Array(packet.header);
    const cancelled = () => ({ type, id, header: cancelledHeader(type, header) });
    this.inFlight.track(id, cancelled, () => result, reply);
  }

  /** Streams and bulk/iso transfers: a HID device has no such endpoints. */
  private refuseUnsupported(packet: UsbredirPacket): void {
    switch (packet.type) {
      case PacketType.startIsoStream:
      case PacketType.stopIsoStream: {
        const { endpoint } = EndpointHeader.decode(packet.header);
        this.channel.send(streamStatus(PacketType.isoStreamStatus, packet.id, endpoint, false));
        return;
      }
      case PacketType.bulkPacket: {
        // Same header width as the request (length_high is negotiated): endpoint kept, inval, no data.
        const header = new Uint8Array(packet.header.length);
        header[0] = packet.header[0] ?? 0;
        header[1] = Status.inval;
        this.channel.send({ type: PacketType.bulkPacket, id: packet.id, header });
        return;
      }
      default:
        // Bulk streams are refused there; iso_packet (no stream was ever started) needs no answer.
        refuseUnsupported(packet, (reply) => this.channel.send(reply));
        return;
    }
  }
}

function cancelledHeader(type: number, header: Uint8Array): Uint8Array {
  if (type === PacketType.controlPacket) {
    return ControlPacketHeader.encode({
      ...ControlPacketHeader.decode(header),
      status: Status.cancelled,
      length: 0,
    });
  }
  const interrupt = InterruptPacketHeader.decode(header);
  return InterruptPacketHeader.encode({ ...interrupt, status: Status.cancelled, length: 0 });
}
