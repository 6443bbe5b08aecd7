import { describe, expect, it } from 'vitest';
import {
  formatHex,
  HexParseError,
  hexId,
  parseHex,
  parseOptionalHexNumber,
} from '../../../src/ui/lib/hex.ts';

describe('ui hex', () => {
  it('formats bytes as spaced lowercase pairs', () => {
    expect(formatHex(Uint8Array.of(0x64, 0, 0xfb, 0xff))).toBe('64 00 fb ff');
    expect(formatHex(new Uint8Array(0))).toBe('');
  });

  it('parses the ways people write bytes', () => {
    for (const text of ['01 0a ff', '010aff', '0x01, 0x0A, 0xFF', '01:0a:ff', ' 1 a ff ']) {
      expect([...parseHex(text)], text).toEqual([1, 10, 255]);
    }
    expect(parseHex('')).toEqual(new Uint8Array(0));
  });

  it('round-trips what it formats', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(parseHex(formatHex(bytes))).toEqual(bytes);
  });

  it('rejects what is not hex, with the offending token', () => {
    expect(() => parseHex('01 zz')).toThrow(HexParseError);
    expect(() => parseHex('01 zz')).toThrow('"zz"');
    expect(() => parseHex('abc')).toThrow('odd number');
  });

  it('writes ids the usual way and reads optional filter fields', () => {
    expect(hexId(0x46d)).toBe('0x046D');
    expect(parseOptionalHexNumber('  ', 0xffff)).toBeUndefined();
    expect(parseOptionalHexNumber('0x046d', 0xffff)).toBe(0x46d);
    expect(() => parseOptionalHexNumber('10000', 0xffff)).toThrow('larger');
  });
});
