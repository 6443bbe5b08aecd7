/**
 * A resumable usbredir parser for the usb-host side. No I/O: bytes in wherever TCP split them, whole
 * packets out. The header's length is checked against the type's fixed header size and a hard limit
 * before any waiting, so a peer can never make it buffer more than one bounded packet.
 */
import { ByteQueue } from '../usb/byte-queue.ts';
import { bothHave, CapabilitySet } from './caps.ts';
import { UsbredirProtocolError } from './errors.ts';
import {
  BULK_PACKET_SIZE_WITHOUT_LENGTH_HIGH,
  BulkPacketHeader,
  ControlPacketHeader,
  Header32,
  Header64,
  InterruptPacketHeader,
} from './layouts.ts';
import { Cap, PacketType, UsbredirLimits } from './protocol.ts';

export interface UsbredirPacket {
  readonly type: number;
  readonly id: bigint;
  /** The type-specific header (fixed size per type). */
  readonly header: Uint8Array;
  /** What follows it: capability words for hello, transfer data for data packets. */
  readonly data: Uint8Array;
}

/** Type-specific header sizes of the packets a usb-guest may send to a usb-host with our capabilities. */
const GUEST_PACKET_HEADER_SIZE: ReadonlyMap<number, number> = new Map([
  [PacketType.hello, 64],
  [PacketType.reset, 0],
  [PacketType.setConfiguration, 1],
  [PacketType.getConfiguration, 0],
  [PacketType.setAltSetting, 2],
  [PacketType.getAltSetting, 1],
  [PacketType.startIsoStream, 3],
  [PacketType.stopIsoStream, 1],
  [PacketType.startInterruptReceiving, 1],
  [PacketType.stopInterruptReceiving, 1],
  [PacketType.allocBulkStreams, 8],
  [PacketType.freeBulkStreams, 4],
  [PacketType.cancelDataPacket, 0],
  [PacketType.deviceDisconnectAck, 0],
  [PacketType.controlPacket, ControlPacketHeader.size],
  [PacketType.isoPacket, 4],
  [PacketType.interruptPacket, InterruptPacketHeader.size],
]);

const DATA_PACKETS: ReadonlySet<number> = new Set([
  PacketType.controlPacket,
  PacketType.bulkPacket,
  PacketType.isoPacket,
  PacketType.interruptPacket,
]);

export class UsbredirParser {
  private readonly queue = new ByteQueue();
  private peer: CapabilitySet | undefined;
  private use64BitIds = false;
  /** Both sides have cap_32bits_bulk_length: bulk_packet headers carry length_high. */
  private wideBulkLength = false;

  constructor(private readonly ours: CapabilitySet) {}

  /** The guest's capabilities, once its hello arrived. */
  get peerCaps(): CapabilitySet | undefined {
    return this.peer;
  }

  get headerSize(): number {
    return this.use64BitIds ? Header64.size : Header32.size;
  }

  /** Throws UsbredirProtocolError. `onPacket` runs synchronously, in order. */
  push(chunk: Uint8Array, onPacket: (packet: UsbredirPacket) => void): void {
    this.queue.push(chunk);
    for (let packet = this.next(); packet !== undefined; packet = this.next()) onPacket(packet);
  }

  private next(): UsbredirPacket | undefined {
    const headerSize = this.headerSize;
    if (this.queue.length < headerSize) return undefined;
    const header = this.use64BitIds
      ? Header64.decode(this.queue.peek(headerSize))
      : Header32.decode(this.queue.peek(headerSize));
    const typeHeaderSize = this.checkHeader(header.type, header.length);
    if (this.queue.length < headerSize + header.length) return undefined;
    const body = this.queue.take(headerSize + header.length).subarray(headerSize);
    const packet = {
      type: header.type,
      id: BigInt(header.id),
      header: body.subarray(0, typeHeaderSize),
      data: body.subarray(typeHeaderSize),
    };
    checkDataLength(packet);
    if (packet.type === PacketType.hello) this.acceptHello(packet.data);
    return packet;
  }

  /** Validates type and length before any wait; returns the type-specific header size. */
  private checkHeader(type: number, length: number): number {
    const isHello = type === PacketType.hello;
    if (this.peer === undefined && !isHello)
      throw new UsbredirProtocolError('no-hello', `packet ${type} before hello`);
    if (this.peer !== undefined && isHello)
      throw new UsbredirProtocolError('unexpected-type', 'second hello');
    const typeHeaderSize = this.typeHeaderSize(type);
    if (typeHeaderSize === undefined)
      throw new UsbredirProtocolError('unexpected-type', `packet type ${type}`);
    const limit = isHello ? UsbredirLimits.maxHelloLength : UsbredirLimits.maxPacketLength;
    if (length > limit) throw new UsbredirProtocolError('length-limit', `packet ${type} length ${length}`);
    const variable = isHello || DATA_PACKETS.has(type);
    if (variable ? length < typeHeaderSize : length !== typeHeaderSize) {
      throw new UsbredirProtocolError('bad-length', `packet ${type} length ${length}`);
    }
    return typeHeaderSize;
  }

  private typeHeaderSize(type: number): number | undefined {
    if (type !== PacketType.bulkPacket) return GUEST_PACKET_HEADER_SIZE.get(type);
    return this.wideBulkLength ? BulkPacketHeader.size : BULK_PACKET_SIZE_WITHOUT_LENGTH_HIGH;
  }

  private acceptHello(capabilityBytes: Uint8Array): void {
    this.peer = CapabilitySet.decode(capabilityBytes);
    // The hello itself always has 32-bit ids; everything after it uses what both sides support.
    this.use64BitIds = bothHave(this.ours, this.peer, Cap.ids64Bits);
    this.wideBulkLength = bothHave(this.ours, this.peer, Cap.bulkLength32Bits);
  }
}

/**
 * Data packets carry data in one direction only: OUT transfers carry exactly `length` bytes,
 * IN requests none (usb-redirection-protocol.md, usb_redir_control_packet).
 */
function checkDataLength(packet: UsbredirPacket): void {
  const transfer = declaredTransfer(packet);
  if (transfer === undefined) return;
  const expected = transfer.isIn ? 0 : transfer.length;
  if (packet.data.length !== expected) {
    throw new UsbredirProtocolError(
      'bad-length',
      `packet ${packet.type}: ${packet.data.length} data bytes, want ${expected}`,
    );
  }
}

function declaredTransfer(packet: UsbredirPacket): { isIn: boolean; length: number } | undefined {
  switch (packet.type) {
    case PacketType.controlPacket: {
      const control = ControlPacketHeader.decode(packet.header);
      return { isIn: (control.requestType & 0x80) !== 0, length: control.length };
    }
    case PacketType.interruptPacket: {
      const interrupt = InterruptPacketHeader.decode(packet.header);
      return { isIn: (interrupt.endpoint & 0x80) !== 0, length: interrupt.length };
    }
    case PacketType.bulkPacket: {
      // Only the fields before length_high, so both header widths decode.
      const endpoint = packet.header[0] ?? 0;
      const low = InterruptPacketHeader.decode(packet.header).length;
      const high =
        packet.header.length === BulkPacketHeader.size
          ? BulkPacketHeader.decode(packet.header).lengthHigh
          : 0;
      return { isIn: (endpoint & 0x80) !== 0, length: low + high * 0x10000 };
    }
    default:
      return undefined;
  }
}
