/**
 * One usb-guest connection (QEMU's usb-redir) to one shared generic USB device (docs/webusb.md), this
 * side playing the usb-host: the device's own descriptors and speed, control and bulk packets mapped
 * to requests on the sharer and answered with their completions, interrupt IN polled while the guest
 * receives, configuration and alternate changes as the matching commands, cancel_data_packet answered
 * at once (and the sharer told), isochronous streams (generic-iso-streams.ts). Bulk streams are refused
 * (`inval`).
 */
import { UsbLimits } from '../../../protocol/index.ts';
import type { UsbTransferResult } from '../../../transport/usb-remote-device.ts';
import type { GenericUsbFunction } from '../usb/generic-function.ts';
import type { PeerHandler, PeerLink } from '../usb/peer-link.ts';
import { fixedString } from '../usb/struct.ts';
import { bothHave, CapabilitySet } from './caps.ts';
import { encodePacket, type OutgoingPacket } from './encoder.ts';

export { genericRedirStatus } from './generic-status.ts';

import {
  genericDeviceConnectHeader,
  genericEpInfoHeader,
  genericInterfaceInfoHeader,
  selectedAlternates,
} from './generic-device-info.ts';
import { GenericIsoStreams } from './generic-iso-streams.ts';
import { genericRedirStatus } from './generic-status.ts';
import {
  AltSettingStatusHeader,
  BULK_PACKET_SIZE_WITHOUT_LENGTH_HIGH,
  BulkPacketHeader,
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

interface InFlight {
  readonly abort: AbortController;
  /** The reply for a cancelled packet: its own header with status cancelled and no data. */
  readonly cancelled: () => OutgoingPacket;
}

export class GenericUsbredirSession implements PeerHandler {
  private readonly ours = CapabilitySet.of(HOST_CAPS);
  private readonly parser = new UsbredirParser(this.ours);
  private readonly inFlight = new Map<bigint, InFlight>();
  /** Selected alternate per interface of the active configuration. */
  private readonly alternates = new Map<number, number>();
  /** Interrupt IN endpoints being polled for the guest, each with the id of its next packet. */
  private readonly receiving = new Map<number, { id: bigint; abort: AbortController }>();
  /** Configuration and alternate changes run one after another, in the order the guest sent them. */
  private commands: Promise<unknown> = Promise.resolve();
  private ended = false;
  private readonly iso: GenericIsoStreams;

  constructor(
    private readonly link: PeerLink,
    private readonly fn: GenericUsbFunction,
  ) {
    this.iso = new GenericIsoStreams(fn, (packet) => this.send(packet));
    this.send({ type: PacketType.hello, id: 0n, header: helloHeader(), data: this.ours.encode() });
  }

  /** Throws UsbredirProtocolError; the server then drops this connection. */
  receive(chunk: Uint8Array): void {
    this.parser.push(chunk, (packet) => this.handle(packet));
  }

  closed(): void {
    this.ended = true;
    this.stopAll();
  }

  /** The share ended: tell the guest the device is unplugged, then hang up. */
  deviceGone(): void {
    if (this.ended) return;
    this.send({ type: PacketType.deviceDisconnect, id: 0n });
    this.ended = true;
    this.stopAll();
    this.link.close();
  }

  private stopAll(): void {
    for (const { abort } of this.inFlight.values()) abort.abort();
    this.inFlight.clear();
    for (const { abort } of this.receiving.values()) abort.abort();
    this.receiving.clear();
    this.iso.stopAll();
  }

  private handle(packet: UsbredirPacket): void {
    if (this.ended) return;
    switch (packet.type) {
      case PacketType.hello:
        this.describeDevice();
        return;
      case PacketType.reset:
        // As USB/IP's vhci-hcd, a port reset stays on this side: the guest sets the configuration
        // again afterwards, and a WebUSB reset per enumeration would cost round trips for nothing.
        return;
      case PacketType.setConfiguration:
        this.setConfiguration(packet);
        return;
      case PacketType.getConfiguration:
        this.serialized(async () => this.configurationStatus(packet.id, Status.success));
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
      case PacketType.bulkPacket:
        this.bulkPacket(packet);
        return;
      case PacketType.interruptPacket:
        this.interruptOut(packet);
        return;
      case PacketType.cancelDataPacket:
        this.cancel(packet.id);
        return;
      case PacketType.startIsoStream:
        this.iso.start(packet);
        return;
      case PacketType.stopIsoStream:
        this.iso.stopPacket(packet);
        return;
      case PacketType.isoPacket:
        this.iso.packet(packet);
        return;
      default:
        this.refuseUnsupported(packet);
        return;
    }
  }

  private get peerHas() {
    const peer = this.parser.peerCaps;
    return (cap: number) => peer !== undefined && bothHave(this.ours, peer, cap);
  }

  private describeDevice(): void {
    this.sendEndpointsAndInterfaces();
    const header = genericDeviceConnectHeader(
      this.fn.device.descriptors,
      this.peerHas(Cap.connectDeviceVersion),
    );
    this.send({ type: PacketType.deviceConnect, id: 0n, header });
  }

  private sendEndpointsAndInterfaces(): void {
    const { descriptors, activeConfiguration } = this.fn.device;
    const selected = selectedAlternates(descriptors, activeConfiguration, this.alternates);
    const withMaxPacket = this.peerHas(Cap.epInfoMaxPacketSize);
    const maxPacketSize0 = descriptors.device.maxPacketSize0 || 64;
    this.send({
      type: PacketType.epInfo,
      id: 0n,
      header: genericEpInfoHeader(selected, maxPacketSize0, withMaxPacket),
    });
    this.send({ type: PacketType.interfaceInfo, id: 0n, header: genericInterfaceInfoHeader(selected) });
  }

  private serialized(step: () => Promise<void>): void {
    this.commands = this.commands.then(step).catch(() => undefined);
  }

  private setConfiguration(packet: UsbredirPacket): void {
    const { configuration } = ConfigurationHeader.decode(packet.header);
    this.serialized(async () => {
      // A configuration change ends interrupt receiving, iso streams and pending transfers (spec).
      for (const { abort } of this.receiving.values()) abort.abort();
      this.receiving.clear();
      this.iso.stopAll();
      const result = await this.fn.device.selectConfiguration(configuration);
      if (result.status === 'ok') {
        this.alternates.clear();
        this.sendEndpointsAndInterfaces();
      }
      this.configurationStatus(
        packet.id,
        result.status === 'ok' ? Status.success : genericRedirStatus(result.status),
      );
    });
  }

  private configurationStatus(id: bigint, status: number): void {
    const header = ConfigurationStatusHeader.encode({
      status,
      configuration: this.fn.device.activeConfiguration,
    });
    this.send({ type: PacketType.configurationStatus, id, header });
  }

  private setAltSetting(packet: UsbredirPacket): void {
    const request = SetAltSettingHeader.decode(packet.header);
    this.serialized(async () => {
      // An alternate change takes endpoints away: their streams end (usbredirhost cancels them too).
      this.iso.stopAll();
      const result = await this.fn.device.selectAlternateInterface(request.interface, request.alt);
      if (result.status === 'ok') {
        this.alternates.set(request.interface, request.alt);
        this.sendEndpointsAndInterfaces();
      }
      const status = result.status === 'ok' ? Status.success : genericRedirStatus(result.status);
      const alt = result.status === 'ok' ? request.alt : 0xff;
      const header = AltSettingStatusHeader.encode({ status, interface: request.interface, alt });
      this.send({ type: PacketType.altSettingStatus, id: packet.id, header });
    });
  }

  private getAltSetting(packet: UsbredirPacket): void {
    const request = GetAltSettingHeader.decode(packet.header);
    this.serialized(async () => {
      const { descriptors, activeConfiguration } = this.fn.device;
      const exists = descriptors
        .configuration(activeConfiguration)
        ?.interfaces.some((iface) => iface.interfaceNumber === request.interface);
      const header = AltSettingStatusHeader.encode({
        status: exists ? Status.success : Status.inval,
        interface: request.interface,
        alt: exists ? (this.alternates.get(request.interface) ?? 0) : 0xff,
      });
      this.send({ type: PacketType.altSettingStatus, id: packet.id, header });
    });
  }

  private controlPacket(packet: UsbredirPacket): void {
    const request = ControlPacketHeader.decode(packet.header);
    const isIn = (request.requestType & 0x80) !== 0;
    const setup = {
      requestType: request.requestType,
      request: request.request,
      value: request.value,
      index: request.index,
      length: request.length,
    };
    const reply = (result: UsbTransferResult): OutgoingPacket => {
      const data = isIn ? result.data.subarray(0, request.length) : undefined;
      const length = isIn ? (data?.length ?? 0) : result.actualLength;
      const header = ControlPacketHeader.encode({
        ...request,
        status: genericRedirStatus(result.status),
        length,
      });
      return { type: PacketType.controlPacket, id: packet.id, header, data };
    };
    const cancelled = () => ({
      type: PacketType.controlPacket,
      id: packet.id,
      header: ControlPacketHeader.encode({ ...request, status: Status.cancelled, length: 0 }),
    });
    this.track(packet.id, cancelled, (signal) => this.fn.control(setup, packet.data.slice(), signal), reply);
  }

  private bulkPacket(packet: UsbredirPacket): void {
    const wide = packet.header.length === BulkPacketHeader.size;
    const request = wide
      ? BulkPacketHeader.decode(packet.header)
      : { ...BulkPacketHeader.decode(concatZeros(packet.header)), lengthHigh: 0 };
    const length = request.length + request.lengthHigh * 0x10000;
    const isIn = (request.endpoint & 0x80) !== 0;
    const header = (status: number, actual: number) => {
      const encoded = BulkPacketHeader.encode({
        ...request,
        status,
        length: actual & 0xffff,
        lengthHigh: wide ? actual >>> 16 : 0,
      });
      return wide ? encoded : encoded.subarray(0, BULK_PACKET_SIZE_WITHOUT_LENGTH_HIGH);
    };
    // Ferry moves at most 64 KiB per transfer (UsbLimits); a larger bulk IN request is refused.
    if (this.fn.endpointKind(request.endpoint) !== 'bulk' || length > UsbLimits.maxTransferBytes) {
      this.send({ type: PacketType.bulkPacket, id: packet.id, header: header(Status.inval, 0) });
      return;
    }
    const reply = (result: UsbTransferResult): OutgoingPacket => {
      const data = isIn ? result.data.subarray(0, length) : undefined;
      const actual = isIn ? (data?.length ?? 0) : result.actualLength;
      return {
        type: PacketType.bulkPacket,
        id: packet.id,
        header: header(genericRedirStatus(result.status), actual),
        data,
      };
    };
    const cancelled = () => ({
      type: PacketType.bulkPacket,
      id: packet.id,
      header: header(Status.cancelled, 0),
    });
    const dataOut = isIn ? new Uint8Array(0) : packet.data.slice();
    this.track(
      packet.id,
      cancelled,
      (signal) => this.fn.transfer(request.endpoint, length, dataOut, signal),
      reply,
    );
  }

  private interruptOut(packet: UsbredirPacket): void {
    const request = InterruptPacketHeader.decode(packet.header);
    const header = (status: number, length: number) =>
      InterruptPacketHeader.encode({ endpoint: request.endpoint, status, length });
    if ((request.endpoint & 0x80) !== 0 || this.fn.endpointKind(request.endpoint) !== 'interrupt') {
      this.send({ type: PacketType.interruptPacket, id: packet.id, header: header(Status.inval, 0) });
      return;
    }
    const reply = (result: UsbTransferResult): OutgoingPacket => ({
      type: PacketType.interruptPacket,
      id: packet.id,
      header: header(genericRedirStatus(result.status), result.actualLength),
    });
    const cancelled = () => ({
      type: PacketType.interruptPacket,
      id: packet.id,
      header: header(Status.cancelled, 0),
    });
    const data = packet.data.slice();
    this.track(
      packet.id,
      cancelled,
      (signal) => this.fn.transfer(request.endpoint, data.length, data, signal),
      reply,
    );
  }

  /** Interrupt IN: while the guest receives, one IN request at a time is kept waiting on the sharer. */
  private interruptReceiving(packet: UsbredirPacket): void {
    const { endpoint } = EndpointHeader.decode(packet.header);
    const valid = (endpoint & 0x80) !== 0 && this.fn.endpointKind(endpoint) === 'interrupt';
    this.receiving.get(endpoint)?.abort.abort();
    this.receiving.delete(endpoint);
    if (valid && packet.type === PacketType.startInterruptReceiving) {
      const entry = { id: 0n, abort: new AbortController() };
      this.receiving.set(endpoint, entry);
      void this.poll(endpoint, entry);
    }
    const header = StreamStatusHeader.encode({ status: valid ? Status.success : Status.inval, endpoint });
    this.send({ type: PacketType.interruptReceivingStatus, id: packet.id, header });
  }

  private async poll(endpoint: number, entry: { id: bigint; abort: AbortController }): Promise<void> {
    const { descriptors, activeConfiguration } = this.fn.device;
    const packetSize = descriptors.endpoint(activeConfiguration, endpoint)?.packetSize || 64;
    while (this.receiving.get(endpoint) === entry && !this.ended) {
      const result = await this.fn.transfer(endpoint, packetSize, new Uint8Array(0), entry.abort.signal);
      if (this.receiving.get(endpoint) !== entry || result.status === 'cancelled') return;
      const header = InterruptPacketHeader.encode({
        endpoint,
        status: genericRedirStatus(result.status),
        length: result.data.length,
      });
      this.send({ type: PacketType.interruptPacket, id: entry.id++, header, data: result.data });
      if (result.status !== 'ok') {
        // No busy loop on a stalled or gone endpoint: the guest starts receiving again if it wants.
        this.receiving.delete(endpoint);
        return;
      }
    }
  }

  /** Runs a request on the sharer; replies when it completes, unless the guest cancelled it first. */
  private track(
    id: bigint,
    cancelled: () => OutgoingPacket,
    start: (signal: AbortSignal) => Promise<UsbTransferResult>,
    reply: (result: UsbTransferResult) => OutgoingPacket,
  ): void {
    const entry: InFlight = { abort: new AbortController(), cancelled };
    this.inFlight.set(id, entry);
    void start(entry.abort.signal).then((result) => {
      if (this.inFlight.get(id) !== entry) return;
      this.inFlight.delete(id);
      this.send(reply(result));
    });
  }

  /** The guest always gets its data packet back: completed earlier, or now with status cancelled. */
  private cancel(id: bigint): void {
    const entry = this.inFlight.get(id);
    if (entry === undefined) return;
    this.inFlight.delete(id);
    entry.abort.abort();
    this.send(entry.cancelled());
  }

  private refuseUnsupported(packet: UsbredirPacket): void {
    switch (packet.type) {
      case PacketType.allocBulkStreams:
      case PacketType.freeBulkStreams: {
        const header = BulkStreamsStatusHeader.encode({ endpoints: 0, noStreams: 0, status: Status.inval });
        this.send({ type: PacketType.bulkStreamsStatus, id: packet.id, header });
        return;
      }
      default:
        // device_disconnect_ack needs no answer.
        return;
    }
  }

  private send(packet: OutgoingPacket): void {
    if (this.ended) return;
    this.link.send(encodePacket(packet, this.peerHas(Cap.ids64Bits)));
  }
}

function helloHeader(): Uint8Array {
  const version = new Uint8Array(64);
  version.set(fixedString.encode(HOST_VERSION).subarray(0, 63));
  return version;
}

/** A narrow bulk header widened with a zero length_high, so one layout decodes both. */
function concatZeros(header: Uint8Array): Uint8Array {
  const wide = new Uint8Array(BulkPacketHeader.size);
  wide.set(header);
  return wide;
}
