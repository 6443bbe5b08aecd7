/**
 * usbredir isochronous streams of a generic device (usb-redirection-protocol.md, usbredirhost.c):
 * start_iso_stream is answered with iso_stream_status; on an IN endpoint `no_urbs` Ferry isochronous
 * requests of `pkts_per_urb` max-packet-size packets are kept running on the sharer, and every packet
 * that comes back goes to the guest as one iso_packet (ids counting up per stream); on an OUT endpoint
 * the guest's iso_packets are batched `pkts_per_urb` at a time into one request, at most `no_urbs` in
 * flight (beyond that a batch is dropped, as usbredirhost drops when its buffers are full). A request
 * that fails as a whole ends the stream with an iso_stream_status carrying the error; stop_iso_stream,
 * a configuration or alternate change and the end of the connection stop every stream.
 */
import { UsbLimits } from '../../../protocol/index.ts';
import type { GenericUsbFunction } from '../usb/generic-function.ts';
import { struct } from '../usb/struct.ts';
import type { OutgoingPacket } from './encoder.ts';
import { genericRedirStatus } from './generic-status.ts';
import { EndpointHeader, StreamStatusHeader } from './layouts.ts';
import type { UsbredirPacket } from './parser.ts';
import { PacketType, Status } from './protocol.ts';

export const StartIsoStreamHeader = struct({ endpoint: 'u8', pktsPerUrb: 'u8', noUrbs: 'u8' });
export const IsoPacketHeader = struct({ endpoint: 'u8', status: 'u8', length: 'u16le' });

/** usbredirhost's MAX_ISO_PACKETS_PER_TRANSFER and MAX_ISO_TRANSFER_COUNT. */
export const IsoStreamLimits = { maxPacketsPerUrb: 32, maxUrbs: 16 } as const;

const EMPTY = new Uint8Array(0);

interface Stream {
  readonly endpoint: number;
  readonly packetsPerRequest: number;
  readonly maxRequests: number;
  readonly packetSize: number;
  readonly abort: AbortController;
  nextId: bigint;
  inFlight: number;
  queued: Uint8Array[];
}

export class GenericIsoStreams {
  private readonly streams = new Map<number, Stream>();

  constructor(
    private readonly fn: GenericUsbFunction,
    private readonly send: (packet: OutgoingPacket) => void,
  ) {}

  start(packet: UsbredirPacket): void {
    const request = StartIsoStreamHeader.decode(packet.header);
    const { endpoint } = request;
    this.stop(endpoint);
    const packetSize = this.packetSize(endpoint);
    const valid =
      this.fn.endpointKind(endpoint) === 'isochronous' &&
      packetSize > 0 &&
      request.pktsPerUrb >= 1 &&
      request.pktsPerUrb <= IsoStreamLimits.maxPacketsPerUrb &&
      request.noUrbs >= 1 &&
      request.noUrbs <= IsoStreamLimits.maxUrbs;
    this.status(packet.id, valid ? Status.success : Status.inval, endpoint);
    if (!valid) return;
    const stream: Stream = {
      endpoint,
      // Ferry moves at most 64 KiB per request: fewer packets per request for very large ones.
      packetsPerRequest: Math.min(request.pktsPerUrb, Math.floor(UsbLimits.maxTransferBytes / packetSize)),
      maxRequests: request.noUrbs,
      packetSize,
      abort: new AbortController(),
      nextId: 0n,
      inFlight: 0,
      queued: [],
    };
    this.streams.set(endpoint, stream);
    if (endpoint & 0x80) for (let i = 0; i < stream.maxRequests; i++) void this.receive(stream);
  }

  /** stop_iso_stream: always answered, success whether or not a stream ran (usbredirhost does the same). */
  stopPacket(packet: UsbredirPacket): void {
    const { endpoint } = EndpointHeader.decode(packet.header);
    this.stop(endpoint);
    this.status(packet.id, Status.success, endpoint);
  }

  /** An iso_packet from the guest: OUT data for a running stream; anything else is dropped. */
  packet(packet: UsbredirPacket): void {
    const { endpoint } = IsoPacketHeader.decode(packet.header);
    const stream = this.streams.get(endpoint);
    if (stream === undefined || endpoint & 0x80 || packet.data.length > stream.packetSize) return;
    stream.queued.push(packet.data.slice());
    if (stream.queued.length < stream.packetsPerRequest) return;
    const batch = stream.queued;
    stream.queued = [];
    if (stream.inFlight >= stream.maxRequests) return;
    void this.transmit(stream, batch);
  }

  stopAll(): void {
    for (const endpoint of [...this.streams.keys()]) this.stop(endpoint);
  }

  private stop(endpoint: number): void {
    const stream = this.streams.get(endpoint);
    if (stream === undefined) return;
    this.streams.delete(endpoint);
    stream.abort.abort();
  }

  private async receive(stream: Stream): Promise<void> {
    const lengths = new Array<number>(stream.packetsPerRequest).fill(stream.packetSize);
    while (this.streams.get(stream.endpoint) === stream) {
      stream.inFlight++;
      const result = await this.fn.isochronous(stream.endpoint, lengths, EMPTY, stream.abort.signal);
      stream.inFlight--;
      if (this.streams.get(stream.endpoint) !== stream) return;
      if (result.packets.length === 0) {
        this.fail(stream, result.status === 'ok' ? Status.ioerror : genericRedirStatus(result.status));
        return;
      }
      for (const packet of result.packets) {
        const data = packet.data.subarray(0, stream.packetSize);
        const header = IsoPacketHeader.encode({
          endpoint: stream.endpoint,
          status: genericRedirStatus(packet.status),
          length: data.length,
        });
        this.send({ type: PacketType.isoPacket, id: stream.nextId++, header, data });
      }
    }
  }

  private async transmit(stream: Stream, batch: readonly Uint8Array[]): Promise<void> {
    const lengths = batch.map((data) => data.length);
    const data = new Uint8Array(lengths.reduce((sum, n) => sum + n, 0));
    let at = 0;
    for (const chunk of batch) {
      data.set(chunk, at);
      at += chunk.length;
    }
    stream.inFlight++;
    const result = await this.fn.isochronous(stream.endpoint, lengths, data, stream.abort.signal);
    stream.inFlight--;
    if (this.streams.get(stream.endpoint) !== stream) return;
    if (result.packets.length === 0) {
      this.fail(stream, result.status === 'ok' ? Status.ioerror : genericRedirStatus(result.status));
    }
  }

  private fail(stream: Stream, status: number): void {
    this.stop(stream.endpoint);
    this.status(0n, status, stream.endpoint);
  }

  private status(id: bigint, status: number, endpoint: number): void {
    this.send({
      type: PacketType.isoStreamStatus,
      id,
      header: StreamStatusHeader.encode({ status, endpoint }),
    });
  }

  private packetSize(endpoint: number): number {
    const { descriptors, activeConfiguration } = this.fn.device;
    return descriptors.endpoint(activeConfiguration, endpoint)?.packetSize ?? 0;
  }
}
