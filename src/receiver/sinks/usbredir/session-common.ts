/**
 * What the two usbredir sessions share: the HID device's (session.ts) and the generic USB device's
 * (generic-session.ts), both playing the usb-host to one usb-guest connection. The connection itself
 * (hello, negotiated capabilities, sending, the end), routing the packets both take, describing the
 * device, the configuration, alternate and stream status replies, data packets waiting on the device
 * and their cancel, and refusing what neither session takes.
 */
import type { PeerLink } from '../usb/peer-link.ts';
import { fixedString } from '../usb/struct.ts';
import { bothHave, CapabilitySet } from './caps.ts';
import { encodePacket, type OutgoingPacket } from './encoder.ts';
import {
  AltSettingStatusHeader,
  BulkStreamsStatusHeader,
  ConfigurationStatusHeader,
  StreamStatusHeader,
} from './layouts.ts';
import { type UsbredirPacket, UsbredirParser } from './parser.ts';
import { Cap, HOST_CAPS, HOST_VERSION, PacketType, Status } from './protocol.ts';

export type Send = (packet: OutgoingPacket) => void;

/** One usb-guest connection seen from the usb-host side: parsing, capabilities, sending, the end. */
export class UsbredirChannel {
  private readonly ours = CapabilitySet.of(HOST_CAPS);
  private readonly parser = new UsbredirParser(this.ours);
  private isEnded = false;

  constructor(private readonly link: PeerLink) {}

  /** Nothing is sent or handled any more. */
  get ended(): boolean {
    return this.isEnded;
  }

  /** The guest's capabilities, once its hello arrived. */
  get peerCaps(): CapabilitySet | undefined {
    return this.parser.peerCaps;
  }

  /** Both hellos announced `cap` (false before the guest's hello). */
  peerHas(cap: number): boolean {
    const peer = this.parser.peerCaps;
    return peer !== undefined && bothHave(this.ours, peer, cap);
  }

  /** Our hello: the version string, then our capabilities. */
  hello(): void {
    this.send({ type: PacketType.hello, id: 0n, header: helloHeader(), data: this.ours.encode() });
  }

  /** Throws UsbredirProtocolError; the server then drops this connection. No packet is handled after the end. */
  receive(chunk: Uint8Array, handle: (packet: UsbredirPacket) => void): void {
    this.parser.push(chunk, (packet) => {
      if (this.isEnded) return;
      handle(packet);
    });
  }

  send(packet: OutgoingPacket): void {
    if (this.isEnded) return;
    this.link.send(encodePacket(packet, this.peerHas(Cap.ids64Bits)));
  }

  /** The connection is gone. */
  end(): void {
    this.isEnded = true;
  }

  /**
   * The share ended: tell the guest the device is unplugged, then hang up (one device per
   * connection); `stop` runs once nothing more is sent, before the hang-up.
   */
  deviceGone(stop?: () => void): void {
    if (this.isEnded) return;
    this.send({ type: PacketType.deviceDisconnect, id: 0n });
    this.isEnded = true;
    stop?.();
    this.link.close();
  }

  /** Sent after connect, set_configuration and set_alt_setting, before the status (spec order). */
  sendEndpointsAndInterfaces(
    epInfo: (withMaxPacketSize: boolean) => Uint8Array,
    interfaceInfo: Uint8Array,
  ): void {
    this.send({ type: PacketType.epInfo, id: 0n, header: epInfo(this.peerHas(Cap.epInfoMaxPacketSize)) });
    this.send({ type: PacketType.interfaceInfo, id: 0n, header: interfaceInfo });
  }

  /** device_connect, once the endpoints and interfaces went. */
  connectDevice(deviceConnect: (withVersion: boolean) => Uint8Array): void {
    this.send({
      type: PacketType.deviceConnect,
      id: 0n,
      header: deviceConnect(this.peerHas(Cap.connectDeviceVersion)),
    });
  }
}

function helloHeader(): Uint8Array {
  const version = new Uint8Array(64);
  version.set(fixedString.encode(HOST_VERSION).subarray(0, 63));
  return version;
}

/** Where a session sends each packet type both sessions take; `other` gets every other type. */
export interface UsbredirRoutes {
  hello(): void;
  reset(): void;
  setConfiguration(packet: UsbredirPacket): void;
  getConfiguration(packet: UsbredirPacket): void;
  setAltSetting(packet: UsbredirPacket): void;
  getAltSetting(packet: UsbredirPacket): void;
  /** start_interrupt_receiving and stop_interrupt_receiving. */
  interruptReceiving(packet: UsbredirPacket): void;
  controlPacket(packet: UsbredirPacket): void;
  interruptPacket(packet: UsbredirPacket): void;
  cancelDataPacket(id: bigint): void;
  other(packet: UsbredirPacket): void;
}

export function routePacket(packet: UsbredirPacket, routes: UsbredirRoutes): void {
  switch (packet.type) {
    case PacketType.hello:
      routes.hello();
      return;
    case PacketType.reset:
      routes.reset();
      return;
    case PacketType.setConfiguration:
      routes.setConfiguration(packet);
      return;
    case PacketType.getConfiguration:
      routes.getConfiguration(packet);
      return;
    case PacketType.setAltSetting:
      routes.setAltSetting(packet);
      return;
    case PacketType.getAltSetting:
      routes.getAltSetting(packet);
      return;
    case PacketType.startInterruptReceiving:
    case PacketType.stopInterruptReceiving:
      routes.interruptReceiving(packet);
      return;
    case PacketType.controlPacket:
      routes.controlPacket(packet);
      return;
    case PacketType.interruptPacket:
      routes.interruptPacket(packet);
      return;
    case PacketType.cancelDataPacket:
      routes.cancelDataPacket(packet.id);
      return;
    default:
      routes.other(packet);
      return;
  }
}

export function configurationStatus(id: bigint, status: number, configuration: number): OutgoingPacket {
  const header = ConfigurationStatusHeader.encode({ status, configuration });
  return { type: PacketType.configurationStatus, id, header };
}

/** alt_setting_status: `alt` when `status` is success, 0xff otherwise. */
export function altSettingStatus(id: bigint, status: number, iface: number, alt: number): OutgoingPacket {
  const header = AltSettingStatusHeader.encode({
    status,
    interface: iface,
    alt: status === Status.success ? alt : 0xff,
  });
  return { type: PacketType.altSettingStatus, id, header };
}

/** interrupt_receiving_status or iso_stream_status: success, or inval for an endpoint not taken. */
export function streamStatus(type: number, id: bigint, endpoint: number, valid: boolean): OutgoingPacket {
  const header = StreamStatusHeader.encode({ status: valid ? Status.success : Status.inval, endpoint });
  return { type, id, header };
}

/** Bulk streams are refused (inval); anything else left (device_disconnect_ack) needs no answer. */
export function refuseUnsupported(packet: UsbredirPacket, send: Send): void {
  switch (packet.type) {
    case PacketType.allocBulkStreams:
    case PacketType.freeBulkStreams: {
      const header = BulkStreamsStatusHeader.encode({ endpoints: 0, noStreams: 0, status: Status.inval });
      send({ type: PacketType.bulkStreamsStatus, id: packet.id, header });
      return;
    }
    default:
      return;
  }
}

interface InFlight {
  readonly abort: AbortController;
  /** The reply for a cancelled packet: its own header with status cancelled and no data. */
  readonly cancelled: () => OutgoingPacket;
}

/** Data packets waiting on the device, kept so cancel_data_packet can answer them. */
export class InFlightPackets {
  private readonly entries = new Map<bigint, InFlight>();

  constructor(private readonly send: Send) {}

  /** Starts the request for packet `id`; replies when it completes, unless the guest cancelled it first. */
  track<T>(
    id: bigint,
    cancelled: () => OutgoingPacket,
    start: (signal: AbortSignal) => Promise<T>,
    reply: (outcome: T) => OutgoingPacket,
  ): void {
    const entry: InFlight = { abort: new AbortController(), cancelled };
    this.entries.set(id, entry);
    void start(entry.abort.signal).then((outcome) => {
      if (this.entries.get(id) !== entry) return;
      this.entries.delete(id);
      this.send(reply(outcome));
    });
  }

  /** The guest always gets its data packet back: completed earlier, or now with status cancelled. */
  cancel(id: bigint): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.entries.delete(id);
    entry.abort.abort();
    this.send(entry.cancelled());
  }

  /** The connection ended: every request is aborted and none is answered. */
  abortAll(): void {
    for (const { abort } of this.entries.values()) abort.abort();
    this.entries.clear();
  }
}
