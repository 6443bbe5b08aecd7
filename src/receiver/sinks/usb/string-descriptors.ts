import { DescriptorType } from './descriptor-layouts.ts';

export const LANGID_EN_US = 0x0409;
/** bLength is one byte: 2 header bytes + at most 126 UTF-16 code units. */
const MAX_STRING_UNITS = 126;

/** String descriptor zero: the list of supported LANGIDs. */
export function languageTableDescriptor(langIds: readonly number[] = [LANGID_EN_US]): Uint8Array {
  const out = new Uint8Array(2 + langIds.length * 2);
  out[0] = out.length;
  out[1] = DescriptorType.string;
  langIds.forEach((langId, i) => {
    out[2 + i * 2] = langId & 0xff;
    out[3 + i * 2] = langId >> 8;
  });
  return out;
}

/** A UNICODE string descriptor (UTF-16LE, no terminator), truncated to fit bLength. */
export function stringDescriptor(text: string): Uint8Array {
  const units = Math.min(text.length, MAX_STRING_UNITS);
  const out = new Uint8Array(2 + units * 2);
  out[0] = out.length;
  out[1] = DescriptorType.string;
  for (let i = 0; i < units; i++) {
    const unit = text.charCodeAt(i);
    out[2 + i * 2] = unit & 0xff;
    out[3 + i * 2] = unit >> 8;
  }
  return out;
}
