/**
 * Encodes a usbmon capture as pcapng: `start()` writes the Section Header and the one Interface
 * Description Block (link type 220, microsecond timestamps), then `packet()` writes one Enhanced Packet
 * Block per usbmon record. Each packet is encoded into one reused buffer (grown only for a larger
 * record) and handed to `write` as (buffer, length) — borrowed until `write` returns, nothing allocated
 * per packet. Platform-free.
 */
import {
  BlockHeader,
  BlockTrailer,
  BlockType,
  BYTE_ORDER_MAGIC,
  EnhancedPacket,
  fieldOffsets,
  InterfaceDescription,
  OptionCode,
  OptionHeader,
  PCAPNG_VERSION,
  padded,
  SectionHeader,
} from './pcapng-layout.ts';
import {
  FLAG_DATA_IN_FUTURE,
  FLAG_DATA_OUT_DONE,
  FLAG_NONE,
  LINKTYPE_USB_LINUX_MMAPPED,
  URB_DIR_IN,
  UsbmonEvent,
  type UsbmonEventCode,
  UsbmonHeader,
  UsbmonIsoDescriptor,
  UsbmonTransfer,
  type UsbmonTransferType,
} from './usbmon-layout.ts';

export interface UsbmonIsoPacket {
  readonly status: number;
  readonly offset: number;
  readonly length: number;
}

/** One usbmon record. Callers on the per-report path keep one and change its fields. */
export interface UsbmonRecord {
  id: number;
  event: UsbmonEventCode;
  transferType: UsbmonTransferType;
  /** Endpoint address, bit 7 set for IN. */
  endpoint: number;
  device: number;
  bus: number;
  /** Microseconds since the epoch. */
  timestampMicros: number;
  /** 0 or a negative errno. */
  status: number;
  /** Requested length on a submission, actual length on a completion. */
  length: number;
  /** A control submission's 8-byte SETUP packet; undefined otherwise. */
  setup: Uint8Array | undefined;
  /** A byte captured before `data` (a HID report id), so the caller need not copy the report. */
  dataPrefix: number | undefined;
  /** The captured data (may be empty). */
  data: Uint8Array;
  interval: number;
  /** Isochronous records only. */
  iso: { readonly errorCount: number; readonly packets: readonly UsbmonIsoPacket[] } | undefined;
}

export type PcapngWrite = (bytes: Uint8Array, length: number) => void;

export interface CaptureFileOptions {
  /** shb_userappl: the program that wrote the file. */
  readonly application: string;
  /** if_name of the one interface. */
  readonly interfaceName: string;
  readonly interfaceDescription?: string;
}

const HEADER = fieldOffsets(UsbmonHeader);
const ISO = fieldOffsets(UsbmonIsoDescriptor);
const EPB = fieldOffsets(EnhancedPacket);
const EPB_DATA = BlockHeader.size + EnhancedPacket.size;
/** Microsecond timestamps: if_tsresol 6 (10^-6 s). */
const TIMESTAMP_RESOLUTION = 6;
const TWO_TO_32 = 0x1_0000_0000;
const textEncoder = new TextEncoder();
const NO_ISO_PACKETS: readonly UsbmonIsoPacket[] = [];

export function emptyRecord(): UsbmonRecord {
  return {
    id: 0,
    event: UsbmonEvent.submission,
    transferType: UsbmonTransfer.control,
    endpoint: 0,
    device: 1,
    bus: 1,
    timestampMicros: 0,
    status: 0,
    length: 0,
    setup: undefined,
    dataPrefix: undefined,
    data: new Uint8Array(0),
    interval: 0,
    iso: undefined,
  };
}

export class UsbmonPcapngWriter {
  private buffer = new Uint8Array(64 * 1024);
  private view = new DataView(this.buffer.buffer);

  constructor(private readonly write: PcapngWrite) {}

  /** The Section Header and Interface Description blocks: once, before any packet. */
  start(options: CaptureFileOptions): void {
    const section = block(BlockType.sectionHeader, SectionHeader.encode(sectionHeader()), [
      [OptionCode.userApplication, textEncoder.encode(options.application)],
    ]);
    const iface = InterfaceDescription.encode({
      linkType: LINKTYPE_USB_LINUX_MMAPPED,
      reserved: 0,
      snapLength: 0,
    });
    const interfaceOptions: Array<[number, Uint8Array]> = [
      [OptionCode.interfaceName, textEncoder.encode(options.interfaceName)],
      [OptionCode.timestampResolution, Uint8Array.of(TIMESTAMP_RESOLUTION)],
    ];
    if (options.interfaceDescription !== undefined)
      interfaceOptions.push([
        OptionCode.interfaceDescription,
        textEncoder.encode(options.interfaceDescription),
      ]);
    const description = block(BlockType.interfaceDescription, iface, interfaceOptions);
    this.write(section, section.length);
    this.write(description, description.length);
  }

  packet(record: UsbmonRecord): void {
    const packets = record.iso?.packets ?? NO_ISO_PACKETS;
    const captured = record.data.length + (record.dataPrefix === undefined ? 0 : 1);
    const packetLength = UsbmonHeader.size + packets.length * UsbmonIsoDescriptor.size + captured;
    const total = EPB_DATA + padded(packetLength) + BlockTrailer.size;
    this.ensure(total);
    const { view, buffer } = this;
    view.setUint32(0, BlockType.enhancedPacket, true);
    view.setUint32(4, total, true);
    const body = BlockHeader.size;
    view.setUint32(body + EPB.interfaceId, 0, true);
    view.setUint32(body + EPB.timestampHigh, Math.floor(record.timestampMicros / TWO_TO_32), true);
    view.setUint32(body + EPB.timestampLow, record.timestampMicros % TWO_TO_32, true);
    view.setUint32(body + EPB.capturedLength, packetLength, true);
    view.setUint32(body + EPB.originalLength, packetLength, true);
    this.usbmonHeader(EPB_DATA, record, captured, packets.length);
    let at = EPB_DATA + UsbmonHeader.size;
    for (const packet of packets) {
      view.setInt32(at + ISO.status, packet.status, true);
      view.setUint32(at + ISO.offset, packet.offset, true);
      view.setUint32(at + ISO.length, packet.length, true);
      view.setUint32(at + ISO.padding, 0, true);
      at += UsbmonIsoDescriptor.size;
    }
    if (record.dataPrefix !== undefined) buffer[at++] = record.dataPrefix;
    buffer.set(record.data, at);
    at += record.data.length;
    buffer.fill(0, at, total - BlockTrailer.size);
    view.setUint32(total - BlockTrailer.size, total, true);
    this.write(buffer, total);
  }

  private usbmonHeader(at: number, record: UsbmonRecord, captured: number, isoCount: number): void {
    const { view, buffer } = this;
    const seconds = Math.floor(record.timestampMicros / 1_000_000);
    const isIn = (record.endpoint & 0x80) !== 0;
    view.setUint32(at + HEADER.id, record.id % TWO_TO_32, true);
    view.setUint32(at + HEADER.id + 4, Math.floor(record.id / TWO_TO_32), true);
    buffer[at + HEADER.type] = record.event;
    buffer[at + HEADER.transferType] = record.transferType;
    buffer[at + HEADER.endpoint] = record.endpoint;
    buffer[at + HEADER.device] = record.device;
    view.setUint16(at + HEADER.bus, record.bus, true);
    buffer[at + HEADER.flagSetup] = record.setup === undefined ? FLAG_NONE : 0;
    buffer[at + HEADER.flagData] = dataFlag(record.event, isIn, captured);
    view.setUint32(at + HEADER.timestampSeconds, seconds % TWO_TO_32, true);
    view.setUint32(at + HEADER.timestampSeconds + 4, Math.floor(seconds / TWO_TO_32), true);
    view.setInt32(at + HEADER.timestampMicros, record.timestampMicros - seconds * 1_000_000, true);
    view.setInt32(at + HEADER.status, record.status, true);
    view.setUint32(at + HEADER.length, record.length, true);
    view.setUint32(at + HEADER.capturedLength, captured, true);
    buffer.fill(0, at + HEADER.setup, at + HEADER.setup + 8);
    if (record.setup !== undefined) buffer.set(record.setup.subarray(0, 8), at + HEADER.setup);
    else if (record.iso !== undefined) {
      view.setInt32(at + HEADER.setup, record.iso.errorCount, true);
      view.setInt32(at + HEADER.setup + 4, isoCount, true);
    }
    view.setInt32(at + HEADER.interval, record.interval, true);
    view.setInt32(at + HEADER.startFrame, 0, true);
    view.setUint32(at + HEADER.transferFlags, isIn ? URB_DIR_IN : 0, true);
    view.setUint32(at + HEADER.isoDescriptorCount, isoCount, true);
  }

  private ensure(size: number): void {
    if (size <= this.buffer.length) return;
    this.buffer = new Uint8Array(Math.max(size, this.buffer.length * 2));
    this.view = new DataView(this.buffer.buffer);
  }
}

/** As mon_bin.c tags it: nothing to capture yet on an IN submission, nothing left on an OUT completion. */
function dataFlag(event: UsbmonEventCode, isIn: boolean, captured: number): number {
  if (captured > 0) return 0;
  if (event === UsbmonEvent.submission && isIn) return FLAG_DATA_IN_FUTURE;
  if (event === UsbmonEvent.completion && !isIn) return FLAG_DATA_OUT_DONE;
  return 0;
}

function sectionHeader() {
  return {
    byteOrderMagic: BYTE_ORDER_MAGIC,
    majorVersion: PCAPNG_VERSION.major,
    minorVersion: PCAPNG_VERSION.minor,
    sectionLength: 0xffff_ffff_ffff_ffffn,
  };
}

/** A whole block: header, body, options (each padded, then opt_endofopt), trailer. */
function block(type: number, body: Uint8Array, options: ReadonlyArray<readonly [number, Uint8Array]>) {
  const optionsLength =
    options.reduce((sum, [, value]) => sum + OptionHeader.size + padded(value.length), 0) + OptionHeader.size;
  const total = BlockHeader.size + padded(body.length) + optionsLength + 4;
  const out = new Uint8Array(total);
  BlockHeader.encodeInto({ type, totalLength: total }, out);
  out.set(body, BlockHeader.size);
  let at = BlockHeader.size + padded(body.length);
  for (const [code, value] of options) {
    OptionHeader.encodeInto({ code, length: value.length }, out, at);
    out.set(value, at + OptionHeader.size);
    at += OptionHeader.size + padded(value.length);
  }
  OptionHeader.encodeInto({ code: OptionCode.endOfOptions, length: 0 }, out, at);
  new DataView(out.buffer).setUint32(total - 4, total, true);
  return out;
}
