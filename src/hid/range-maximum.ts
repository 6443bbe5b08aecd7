/**
 * How a rebuilt descriptor writes a Logical or Physical Maximum so that Linux does not read a narrower
 * range than the device declared.
 *
 * Chrome sign-extends a maximum from its payload size (a 2-byte 0xFFFF and a 4-byte 0xFFFFFFFF both arrive
 * as −1), while Linux hid-core reads a maximum *unsigned* whenever the minimum in force is ≥ 0
 * (hid_parser_global). Written back as the shortest signed item, Chrome's −1 is a 1-byte 0xFF: Linux reads
 * 0…255 and hid-input clamps every value of a 16-bit axis to 255. When the minimum is ≥ 0 and Chrome's
 * maximum is negative, the payload width is therefore chosen anew: the narrowest width whose unsigned
 * value covers everything the field can carry (hid-core extracts at most 32 bits) and the minimum. Chrome
 * still reads the same negative number from it; Linux reads a range that never clips. Over-wide is
 * harmless, narrow is not.
 */
export interface RangeMaximum {
  /** The unsigned little-endian payload and its size in bytes. */
  readonly payload: number;
  readonly size: 1 | 2 | 4;
  /** The value Linux stores for it (an s32: a 4-byte 0xFFFFFFFF is stored as −1 and compared as __u32). */
  readonly linux: number;
  /** True when Chrome's reading left the width open and it was chosen to cover the field. */
  readonly widened: boolean;
}

const WIDTHS = [1, 2, 4] as const;

export function rangeMaximum(minimum: number, maximum: number, reportSize: number): RangeMaximum {
  if (minimum < 0 || maximum >= 0) return { ...shortestSigned(maximum), linux: maximum, widened: false };
  const bits = Math.min(Math.max(reportSize, 0), 32);
  const cover = Math.max(2 ** bits - 1, minimum);
  for (const size of WIDTHS) {
    const span = 2 ** (8 * size);
    if (maximum < -span / 2) continue;
    const payload = maximum + span;
    if (payload >= cover || size === 4) return { payload, size, linux: payload | 0, widened: true };
  }
  throw new RangeError(`maximum ${maximum} is not a 32-bit value`);
}

/**
 * Whether the maximum already in force (the last one written, as Chrome and Linux read it) serves an item
 * that wants `wanted`: the same for both readers, or — for a widened maximum — a wider non-negative Linux
 * reading that Chrome reads identically. Keeping it avoids restating a global the original descriptor most
 * likely carried over (the Xbox One controller's buttons inherit its sticks' 0…65535 physical range).
 */
export function maximumInForceServes(
  inForce: { readonly chrome: number; readonly linux: number },
  chrome: number,
  wanted: RangeMaximum,
): boolean {
  if (inForce.chrome !== chrome) return false;
  if (inForce.linux === wanted.linux) return true;
  return wanted.widened && wanted.linux >= 0 && inForce.linux > wanted.linux;
}

function shortestSigned(value: number): Pick<RangeMaximum, 'payload' | 'size'> {
  const size = value >= -0x80 && value <= 0x7f ? 1 : value >= -0x8000 && value <= 0x7fff ? 2 : 4;
  return { payload: value < 0 ? value + 2 ** (8 * size) : value, size };
}
