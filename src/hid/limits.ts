/**
 * Every size the parser trusts is bounded here, so a hostile descriptor costs bounded time and memory.
 * Chrome's own limits are noted where they exist (services/device/hid/hid_report_descriptor.cc,
 * hid_collection.cc).
 */
export const HID_LIMITS = {
  /** Chrome: kMaxReportDescriptorSizeBytes (it parses nothing beyond this). */
  maxDescriptorBytes: 65_535,
  /** Chrome: kMaxReasonableCollectionDepth (Chrome flattens deeper ones; we refuse them). */
  maxCollectionDepth: 50,
  maxCollections: 4_096,
  /** Input/Output/Feature main items. */
  maxMainItems: 8_192,
  /** Report items summed over every collection they are copied into (Chrome copies to ancestors). */
  maxItemCopies: 131_072,
  /** Usage items collected before one main item. */
  maxUsagesPerItem: 1_024,
  maxPushDepth: 32,
  /** Linux hid-core refuses Report Size > 256; Chrome only warns above 32. */
  maxFieldBits: 256,
  /** Linux HID_MAX_BUFFER_SIZE (16 KiB); Chrome's own ceiling is 65535 bytes. */
  maxReportBits: 16_384 * 8,
  /** Decoded values (≤32-bit segments) over all reports of one descriptor. */
  maxTotalValues: 262_144,
} as const;
