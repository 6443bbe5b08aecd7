/**
 * pcapng's blocks, declared once (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-03.html):
 * every block is `type u32 | totalLength u32 | body | totalLength u32`, the body padded to 4 bytes, and
 * every number little-endian (the section's byte-order magic says so). Platform-free.
 */
import { type Struct, type StructFields, struct } from '../usb/struct.ts';

export const BlockType = {
  sectionHeader: 0x0a0d0d0a,
  interfaceDescription: 0x00000001,
  enhancedPacket: 0x00000006,
} as const;

/** Written as 0x1a2b3c4d in the section's byte order: a reader learns the order from it. */
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** The eight bytes every block starts with. */
export const BlockHeader = struct({ type: 'u32le', totalLength: 'u32le' });
/** …and the four it ends with (the same total length, so a reader can walk backwards). */
export const BlockTrailer = struct({ totalLength: 'u32le' });

/** Section Header Block body: sectionLength 0xffff…ff = "not given". */
export const SectionHeader = struct({
  byteOrderMagic: 'u32le',
  majorVersion: 'u16le',
  minorVersion: 'u16le',
  sectionLength: 'u64le',
});

/** Interface Description Block body; snapLength 0 = no limit. */
export const InterfaceDescription = struct({ linkType: 'u16le', reserved: 'u16le', snapLength: 'u32le' });

/** Enhanced Packet Block body before the packet bytes; the timestamp is in if_tsresol units. */
export const EnhancedPacket = struct({
  interfaceId: 'u32le',
  timestampHigh: 'u32le',
  timestampLow: 'u32le',
  capturedLength: 'u32le',
  originalLength: 'u32le',
});

/** An option: code, length of the value, the value padded to 4; a list ends with opt_endofopt. */
export const OptionHeader = struct({ code: 'u16le', length: 'u16le' });

export const OptionCode = {
  endOfOptions: 0,
  comment: 1,
  /** SHB: shb_hardware 2, shb_os 3, shb_userappl 4. */
  userApplication: 4,
  /** IDB: if_name 2, if_description 3, if_tsresol 9. */
  interfaceName: 2,
  interfaceDescription: 3,
  timestampResolution: 9,
} as const;

export const PCAPNG_VERSION = { major: 1, minor: 0 } as const;

/** The byte offset of each field, for the per-packet path that writes straight into a DataView. */
export function fieldOffsets<F extends StructFields>(layout: Struct<F>): { readonly [K in keyof F]: number } {
  const offsets: Record<string, number> = {};
  let at = 0;
  for (const [name, type] of Object.entries(layout.fields)) {
    offsets[name] = at;
    at += typeof type === 'string' ? scalarSize(type) : type.bytes;
  }
  return offsets as { [K in keyof F]: number };
}

function scalarSize(type: string): number {
  if (type === 'u8') return 1;
  if (type.startsWith('u16')) return 2;
  if (type === 'u64le') return 8;
  return 4;
}

/** Bodies and option values are padded to a multiple of 4 bytes. */
export const padded = (length: number): number => (length + 3) & ~3;
