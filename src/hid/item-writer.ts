import { HidDescriptorError } from './errors.ts';

const SIZE_CODE: Readonly<Record<number, number>> = { 0: 0, 1: 1, 2: 2, 4: 3 };

/** Appends short items (HID 1.11 §6.2.2.2); payloads are little-endian and as short as the value allows. */
export class DescriptorWriter {
  private readonly bytes: number[] = [];

  /** An item without payload (End Collection, Push, Pop). */
  bare(prefix: number): void {
    this.bytes.push(prefix);
  }

  /** Unsigned payload; zero still takes one byte, which every OS parser accepts. */
  unsigned(prefix: number, value: number): void {
    requireInteger(value, 0, 0xffff_ffff);
    this.emit(prefix, value, value <= 0xff ? 1 : value <= 0xffff ? 2 : 4);
  }

  /** Unsigned payload forced to 4 bytes: an extended (page:usage) usage. */
  unsigned32(prefix: number, value: number): void {
    requireInteger(value, 0, 0xffff_ffff);
    this.emit(prefix, value, 4);
  }

  /** An unsigned payload of exactly `size` bytes (a maximum whose width Linux and Chrome read differently). */
  sized(prefix: number, value: number, size: 1 | 2 | 4): void {
    requireInteger(value, 0, 2 ** (8 * size) - 1);
    this.emit(prefix, value, size);
  }

  /** Two's-complement payload, read back by sign-extending its size. */
  signed(prefix: number, value: number): void {
    requireInteger(value, -0x8000_0000, 0x7fff_ffff);
    const size = value >= -0x80 && value <= 0x7f ? 1 : value >= -0x8000 && value <= 0x7fff ? 2 : 4;
    this.emit(prefix, value, size);
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }

  private emit(prefix: number, value: number, size: number): void {
    this.bytes.push(prefix | SIZE_CODE[size]!);
    for (let i = 0; i < size; i++) this.bytes.push(Number((BigInt(value) >> BigInt(8 * i)) & 0xffn));
  }
}

function requireInteger(value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new HidDescriptorError('invalid-item', `value ${value} cannot be encoded (expected ${min}…${max})`);
  }
}
