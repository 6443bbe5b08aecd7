/** Hex text ⇄ bytes for the report forms and tables. */

export class HexParseError extends Error {
  override readonly name = 'HexParseError';
}

/** "01 0a ff" (two uppercase digits per byte, space-separated): easy to read and to compare in tests. */
export function formatHex(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0) text += ' ';
    text += (bytes[i] ?? 0).toString(16).padStart(2, '0');
  }
  return text;
}

/**
 * Accepts what people paste: "01 02", "0102", "0x01, 0x02", "01:02". Each byte is two digits when
 * written without separators; with separators, a single digit ("1 2") is one byte.
 */
export function parseHex(text: string): Uint8Array {
  const tokens = text
    .trim()
    .replace(/0x/gi, ' ')
    .split(/[\s,:;-]+/)
    .filter(Boolean);
  const bytes: number[] = [];
  for (const token of tokens) {
    if (!/^[0-9a-f]+$/i.test(token)) throw new HexParseError(`"${token}" is not hex`);
    const padded = token.length === 1 ? `0${token}` : token;
    if (padded.length % 2 !== 0) throw new HexParseError(`"${token}" has an odd number of digits`);
    for (let i = 0; i < padded.length; i += 2) bytes.push(Number.parseInt(padded.slice(i, i + 2), 16));
  }
  return Uint8Array.from(bytes);
}

/** "0x046D": how vendor and product ids are usually written. */
export function hexId(value: number, digits = 4): string {
  return `0x${value.toString(16).toUpperCase().padStart(digits, '0')}`;
}

/** Parses an optional filter field ("046d", "0x046D"); empty means "not set". */
export function parseOptionalHexNumber(text: string, max: number): number | undefined {
  const trimmed = text.trim().replace(/^0x/i, '');
  if (trimmed === '') return undefined;
  if (!/^[0-9a-f]+$/i.test(trimmed)) throw new HexParseError(`"${text.trim()}" is not a hex number`);
  const value = Number.parseInt(trimmed, 16);
  if (value > max) throw new HexParseError(`"${text.trim()}" is larger than ${hexId(max)}`);
  return value;
}
