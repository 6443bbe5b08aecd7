import { HidDescriptorError } from './errors.ts';
import { HID_LIMITS } from './limits.ts';

/**
 * Short-item prefixes: the header byte with its two size bits cleared (HID 1.11 §6.2.2.2).
 * Main items have type 0, global items type 1, local items type 2.
 */
export const Prefix = {
  Input: 0x80,
  Output: 0x90,
  Collection: 0xa0,
  Feature: 0xb0,
  EndCollection: 0xc0,
  UsagePage: 0x04,
  LogicalMinimum: 0x14,
  LogicalMaximum: 0x24,
  PhysicalMinimum: 0x34,
  PhysicalMaximum: 0x44,
  UnitExponent: 0x54,
  Unit: 0x64,
  ReportSize: 0x74,
  ReportId: 0x84,
  ReportCount: 0x94,
  Push: 0xa4,
  Pop: 0xb4,
  Usage: 0x08,
  UsageMinimum: 0x18,
  UsageMaximum: 0x28,
  DesignatorIndex: 0x38,
  DesignatorMinimum: 0x48,
  DesignatorMaximum: 0x58,
  StringIndex: 0x78,
  StringMinimum: 0x88,
  StringMaximum: 0x98,
  Delimiter: 0xa8,
} as const;

const LONG_ITEM_HEADER = 0xfe;
const RESERVED_TYPE = 0x0c;

export interface DescriptorItem {
  /** Byte offset of the item header. */
  readonly offset: number;
  /** Header byte with the size bits cleared; 0xfc for long items. */
  readonly prefix: number;
  /** Payload length in bytes (0, 1, 2 or 4 for short items). */
  readonly size: number;
  /** Payload as an unsigned little-endian integer (0 for long items). */
  readonly data: number;
}

const SHORT_PAYLOAD_BYTES = [0, 1, 2, 4] as const;

/** Splits a report descriptor into items; never reads past `bytes` and never trusts a length. */
export function tokenizeDescriptor(bytes: Uint8Array): DescriptorItem[] {
  if (bytes.length > HID_LIMITS.maxDescriptorBytes) {
    throw new HidDescriptorError(
      'descriptor-too-large',
      `report descriptor is ${bytes.length} bytes; the limit is ${HID_LIMITS.maxDescriptorBytes}`,
    );
  }
  const items: DescriptorItem[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const item = readItem(bytes, offset);
    items.push(item);
    offset += itemLength(item);
  }
  return items;
}

function itemLength(item: DescriptorItem): number {
  return item.prefix === 0xfc ? 3 + item.size : 1 + item.size;
}

function readItem(bytes: Uint8Array, offset: number): DescriptorItem {
  const header = bytes[offset]!;
  if (header === LONG_ITEM_HEADER) return readLongItem(bytes, offset);
  // Chrome treats every header with tag 0xF and type 3 as a long item (hid_report_descriptor_item.cc
  // ignores the size bits); HID 1.11 only defines 0xFE, so the other three are refused.
  if ((header & 0xfc) === 0xfc) {
    throw new HidDescriptorError('invalid-item', `malformed long item header 0x${hex(header)}`, offset);
  }
  if ((header & 0x0c) === RESERVED_TYPE) {
    throw new HidDescriptorError('invalid-item', `reserved item type in header 0x${hex(header)}`, offset);
  }
  const size = SHORT_PAYLOAD_BYTES[header & 0x03]!;
  if (offset + 1 + size > bytes.length) {
    throw new HidDescriptorError('truncated', `item 0x${hex(header)} needs ${size} payload bytes`, offset);
  }
  return { offset, prefix: header & 0xfc, size, data: readUint(bytes, offset + 1, size) };
}

function readLongItem(bytes: Uint8Array, offset: number): DescriptorItem {
  if (offset + 3 > bytes.length) {
    throw new HidDescriptorError('truncated', 'long item header needs 3 bytes', offset);
  }
  const size = bytes[offset + 1]!;
  if (offset + 3 + size > bytes.length) {
    throw new HidDescriptorError('truncated', `long item needs ${size} payload bytes`, offset);
  }
  // Long items carry no meaning in HID 1.11 and Chrome skips them; only their length matters.
  return { offset, prefix: 0xfc, size, data: 0 };
}

function readUint(bytes: Uint8Array, start: number, size: number): number {
  let value = 0;
  for (let i = size - 1; i >= 0; i--) value = value * 256 + bytes[start + i]!;
  return value;
}

/** Two's-complement view of a 0/1/2/4-byte payload (Chrome: Int32FromValueAndSize). */
export function signedData(item: DescriptorItem): number {
  if (item.size === 0) return 0;
  if (item.size === 1) return (item.data << 24) >> 24;
  if (item.size === 2) return (item.data << 16) >> 16;
  return item.data | 0;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
