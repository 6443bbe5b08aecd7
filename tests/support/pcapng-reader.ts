/**
 * A small pcapng reader for the tests of `ferry receive --capture`: walks the blocks of a little-endian
 * section, checks each block's framing, and decodes each Enhanced Packet as a usbmon record. Anything
 * malformed throws PcapngReadError.
 */
import {
  BlockType,
  EnhancedPacket,
  InterfaceDescription,
  OptionCode,
  SectionHeader,
  UsbmonHeader,
  UsbmonIsoDescriptor,
} from '../../src/receiver/sinks/capture/index.ts';

export class PcapngReadError extends Error {
  override readonly name = 'PcapngReadError';
}

export interface ReadUsbmonPacket {
  readonly timestampMicros: number;
  readonly header: ReturnType<typeof UsbmonHeader.decode>;
  readonly iso: ReadonlyArray<ReturnType<typeof UsbmonIsoDescriptor.decode>>;
  readonly data: Uint8Array;
}

export interface ReadCapture {
  readonly application: string | undefined;
  readonly linkType: number;
  readonly interfaceName: string | undefined;
  readonly timestampResolution: number | undefined;
  readonly packets: ReadUsbmonPacket[];
}

const textDecoder = new TextDecoder();

function u32(bytes: Uint8Array, at: number): number {
  if (at + 4 > bytes.length) throw new PcapngReadError(`truncated at byte ${at}`);
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(at, true);
}

function options(body: Uint8Array, from: number): Map<number, Uint8Array> {
  const found = new Map<number, Uint8Array>();
  let at = from;
  while (at < body.length) {
    if (at + 4 > body.length) throw new PcapngReadError('truncated option header');
    const code = body[at]! | (body[at + 1]! << 8);
    const length = body[at + 2]! | (body[at + 3]! << 8);
    if (code === OptionCode.endOfOptions) return found;
    if (at + 4 + length > body.length) throw new PcapngReadError(`option ${code} overruns its block`);
    found.set(code, body.subarray(at + 4, at + 4 + length));
    at += 4 + ((length + 3) & ~3);
  }
  return found;
}

function usbmonPacket(packet: Uint8Array, timestampMicros: number): ReadUsbmonPacket {
  if (packet.length < UsbmonHeader.size) throw new PcapngReadError('packet shorter than a usbmon header');
  const header = UsbmonHeader.decode(packet);
  const isoEnd = UsbmonHeader.size + header.isoDescriptorCount * UsbmonIsoDescriptor.size;
  if (isoEnd + header.capturedLength !== packet.length)
    throw new PcapngReadError('usbmon lengths disagree with the packet');
  const iso = Array.from({ length: header.isoDescriptorCount }, (_, i) =>
    UsbmonIsoDescriptor.decode(packet, UsbmonHeader.size + i * UsbmonIsoDescriptor.size),
  );
  return { timestampMicros, header, iso, data: packet.subarray(isoEnd) };
}

export function readCapture(file: Uint8Array): ReadCapture {
  let application: string | undefined;
  let interfaceName: string | undefined;
  let timestampResolution: number | undefined;
  let linkType = -1;
  const packets: ReadUsbmonPacket[] = [];
  let at = 0;
  while (at < file.length) {
    const type = u32(file, at);
    const total = u32(file, at + 4);
    if (total < 12 || total % 4 !== 0 || at + total > file.length)
      throw new PcapngReadError(`block at ${at} has a bad length ${total}`);
    if (u32(file, at + total - 4) !== total) throw new PcapngReadError(`block at ${at}: trailer differs`);
    const body = file.subarray(at + 8, at + total - 4);
    if (at === 0 && type !== BlockType.sectionHeader) throw new PcapngReadError('no section header first');
    if (type === BlockType.sectionHeader) {
      if (body.length < SectionHeader.size) throw new PcapngReadError('short section header');
      const section = SectionHeader.decode(body);
      if (section.byteOrderMagic !== 0x1a2b3c4d) throw new PcapngReadError('not a little-endian section');
      const text = options(body, SectionHeader.size).get(OptionCode.userApplication);
      application = text && textDecoder.decode(text);
    } else if (type === BlockType.interfaceDescription) {
      if (body.length < InterfaceDescription.size) throw new PcapngReadError('short interface block');
      linkType = InterfaceDescription.decode(body).linkType;
      const found = options(body, InterfaceDescription.size);
      const name = found.get(OptionCode.interfaceName);
      interfaceName = name && textDecoder.decode(name);
      timestampResolution = found.get(OptionCode.timestampResolution)?.[0];
    } else if (type === BlockType.enhancedPacket) {
      if (linkType < 0) throw new PcapngReadError('a packet before any interface');
      if (body.length < EnhancedPacket.size) throw new PcapngReadError('short packet block');
      const epb = EnhancedPacket.decode(body);
      const end = EnhancedPacket.size + epb.capturedLength;
      if (end > body.length) throw new PcapngReadError('packet overruns its block');
      const micros = epb.timestampHigh * 0x1_0000_0000 + epb.timestampLow;
      packets.push(usbmonPacket(body.subarray(EnhancedPacket.size, end), micros));
    }
    at += total;
  }
  return { application, linkType, interfaceName, timestampResolution, packets };
}
