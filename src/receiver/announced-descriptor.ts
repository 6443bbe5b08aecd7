import { collectionsFromDescriptor, usesReportIds } from '../hid/index.ts';

/** Hex the protocol's schema already checked (pairs of lowercase digits) into bytes. */
function bytesOfHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/**
 * The device's own descriptor when the sharer sent one that parses (with whether it numbers its
 * reports, read from it); otherwise undefined, and the receiver rebuilds one from the collections.
 */
export function announcedDescriptor(
  hex: string | undefined,
): { bytes: Uint8Array; numbered: boolean } | undefined {
  if (hex === undefined) return undefined;
  const bytes = bytesOfHex(hex);
  try {
    return { bytes, numbered: usesReportIds(collectionsFromDescriptor(bytes)) };
  } catch {
    return undefined; // the peer's bytes are not a descriptor: fall back to the rebuilt one
  }
}
