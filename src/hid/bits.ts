/**
 * Little-endian bit access as HID lays out reports (HID 1.11 §8.4: the first field starts at bit 0 of
 * byte 0, least significant bit first). Reads past the end of `data` see zero bits.
 */
export function readBits(data: Uint8Array, bitOffset: number, size: number): number {
  if (size === 0) return 0;
  const byte = bitOffset >>> 3;
  const shift = bitOffset & 7;
  const low =
    ((data[byte] ?? 0) |
      ((data[byte + 1] ?? 0) << 8) |
      ((data[byte + 2] ?? 0) << 16) |
      ((data[byte + 3] ?? 0) << 24)) >>>
    0;
  const value = shift === 0 ? low : ((low >>> shift) | ((data[byte + 4] ?? 0) << (32 - shift))) >>> 0;
  return size >= 32 ? value : value & ((1 << size) - 1);
}

/** Two's-complement view of an unsigned `size`-bit value (1 ≤ size ≤ 32). */
export function signExtend(value: number, size: number): number {
  if (size === 0) return 0;
  const unused = 32 - size;
  return (value << unused) >> unused;
}

/** Writes the low `size` bits of `value` (two's complement for negatives), leaving other bits intact. */
export function writeBits(out: Uint8Array, bitOffset: number, size: number, value: number): void {
  let remaining = size;
  let position = bitOffset;
  let bits = value >>> 0;
  while (remaining > 0) {
    const byte = position >>> 3;
    const shift = position & 7;
    const take = Math.min(8 - shift, remaining);
    const mask = ((1 << take) - 1) << shift;
    out[byte] = ((out[byte] ?? 0) & ~mask) | ((bits << shift) & mask);
    bits >>>= take;
    position += take;
    remaining -= take;
  }
}
