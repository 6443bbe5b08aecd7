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
import type { OutgoingPacket } from './encoder.ts';

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
  BULK_PACKET_SIZE_WITHOUT_LENGTH_HIGH,
  BulkPacketHeader,
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

export class GenericUsbredirSession implements PeerHandler {
  private readonly channel: UsbredirChannel;
  private readonly inFlight = new InFlightPackets((packet) => this.channel.send(packet));
  /** Selected alternate per interface of the active configuration. */
  private readonly alternates = new Map<number, number>();
  /** Interrupt IN endpoints being polled for the guest, each with the id of its next packet. */
  private readonly receiving = new Map<number, { id: bigint; abort: AbortController }>();
  /** Configuration and alternate changes run one after another, in the order the guest sent them. */
  private commands: Promise<unknown> = Promise.resolve();
  private readonly iso: GenericIsoStreams;
  private readonly routes: UsbredirRoutes = {
    hello: () => this.describeDevice(),
    // As USB/IP's vhci-hcd, a port reset stays on this side: the guest sets the configuration
    // again afterwards, and a WebUSB reset per enumeration would cost round trips for nothing.
    reset: () => undefined,
    setConfiguration: (packet) => this.setConfiguration(packet),
    getConfiguration: (packet) =>
      this.serialized(async () => this.configurationStatus(packet.id, Status.success)),
    setAltSetting: (packet) => this.setAltSetting(packet),
    getAltSetting: (packet) => this.getAltSetting(packet),
    interruptReceiving: (packet) => this.interruptReceiving(packet),
    controlPacket: (packet) => this.controlPacket(packet),
    interruptPacket: (packet) => this.interruptOut(packet),
    cancelDataPacket: (id) => this.inFlight.cancel(id),
    other: (packet) => this.otherPacket(packet),
  };

  constructor(
    link: PeerLink,
    private readonly fn: GenericUsbFunction,
  ) {
    this.channel = new UsbredirChannel(link);
    this.iso = new GenericIsoStreams(fn, (packet) => this.channel.send(packet));
    this.channel.hello();
  }

  /** Throws UsbredirProtocolError; the server then drops this connection. */
  receive(chunk: Uint8Array): void {
    this.channel.receive(chunk, (packet) => routePacket(packet, this.routes));
  }

  closed(): void {
    this.channel.end();
    this.stopAll();
  }

  /** The share ended: tell the guest the device is unplugged, then hang up. */
  deviceGone(): void {
    this.channel.deviceGone(() => this.stopAll());
  }

  private stopAll(): void {
    this.inFlight.abortAll();
    for (const { abort } of this.receiving.values()) abort.abort();
    this.receiving.clear();
    this.iso.stopAll();
  }

  /** Bulk transfers and isochronous streams; bulk streams are refused. */
  private otherPacket(packet: UsbredirPacket): void {
    switch (packet.type) {
      case PacketType.bulkPacket:
        this.bulkPacket(packet);
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
        refuseUnsupported(packet, (reply) => this.channel.send(reply));
        return;
    }
  }

  private describeDevice(): void {
    this.sendEndpointsAndInterfaces();
    this.channel.connectDevice((withVersion) =>
      genericDeviceConnectHeader(this.fn.device.descriptors, withVersion),
    );
  }

  private sendEndpointsAndInterfaces(): void {
    const { descriptors, activeConfiguration } = this.fn.device;
    const selected = selectedAlternates(descriptors, activeConfiguration, this.alternates);
    const maxPacketSize0 = descriptors.device.maxPacketSize0 || 64;
    this.channel.sendEndpointsAndInterfaces(
      (withMaxPacket) => genericEpInfoHeader(selected, maxPacketSize0, withMaxPacket),
      genericInterfaceInfoHeader(selected),
    );
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
    this.channel.send(configurationStatus(id, status, this.fn.device.activeConfiguration));
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
      this.channel.send(altSettingStatus(packet.id, status, request.interface, request.alt));
    });
  }

  private getAltSetting(packet: UsbredirPacket): void {
    const request = GetAltSettingHeader.decode(packet.header);
    this.serialized(async () => {
      const { descriptors, activeConfiguration } = this.fn.device;
      const exists = descriptors
        .configuration(activeConfiguration)
        ?.interfaces.some((iface) => iface.interfaceNumber === request.interface);
      const status = exists ? Status.success : Status.inval;
      const alt = this.alternates.get(request.interface) ?? 0;
      this.channel.send(altSettingStatus(packet.id, status, request.interface, alt));
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
    this.inFlight.track(
      packet.id,
      cancelled,
      (signal) => this.fn.control(setup, packet.data.slice(), signal),
      reply,
    );
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
      this.channel.send({ type: PacketType.bulkPacket, id: packet.id, header: header(Status.inval, 0) });
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
    this.inFlight.track(
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
      this.channel.send({ type: PacketType.interruptPacket, id: packet.id, header: header(Status.inval, 0) });
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
    this.inFlight.track(
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
    this.channel.send(streamStatus(PacketType.interruptReceivingStatus, packet.id, endpoint, valid));
  }

  private async poll(endpoint: number, entry: { id: bigint; abort: AbortController }): Promise<void> {
    const { descriptors, activeConfiguration } = this.fn.device;
    const packetSize = descriptors.endpoint(activeConfiguration, endpoint)?.packetSize || 64;
    while (this.receiving.get(endpoint) === entry && !this.channel.ended) {
      const result = await this.fn.transfer(endpoint, packetSize, new Uint8Array(0), entry.abort.signal);
      if (this.receiving.get(endpoint) !== entry || result.status === 'cancelled') return;
      const header = InterruptPacketHeader.encode({
        endpoint,
        status: genericRedirStatus(result.status),
        length: result.data.length,
      });
      this.channel.send({ type: PacketType.interruptPacket, id: entry.id++, header, data: result.data });
      if (result.status !== 'ok') {
        // No busy loop on a stalled or gone endpoint: the guest starts receiving again if it wants.
        this.receiving.delete(endpoint);
        return;
      }
    }
  }
}

/** A narrow bulk header widened with a zero length_high, so one layout decodes both. */
function concatZeros(header: Uint8Array): Uint8Array {
  const wide = new Uint8Array(BulkPacketHeader.size);
  wide.set(header);
  return wide;
}
